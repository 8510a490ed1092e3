"""Data Integrity proofs: sign and verify eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019,
and ecdsa-sd-2023 (base proofs signed here, derived in ecdsa_sd.derive, derived proofs verified);
verify the legacy Ed25519Signature2020 proof type (cryptosuites.LEGACY_SUITES; signing it is
ed25519_2020.py).

Algorithms: Verifiable Credential Data Integrity 1.0 (https://www.w3.org/TR/vc-data-integrity/)
§4.2 Add Proof, §4.3 Add Proof Set/Chain, §4.4 Verify Proof; the suites' own create/verify
algorithms are in cryptosuites.py. A failed verification says *why* through the reason
constants of findings.py, so negative checks can assert the exact rejection.

Proof sets (`proof` as an array) are verified proof by proof over the document without any
proof: every proof of an implemented type must verify; others are reported as not checked. A
chained proof (`previousProof`) is verified over the document together with the proofs it names
(§4.5 Verify Proof Sets and Chains); a name that matches no proof is an error.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import base58
import rfc8785

from . import findings as R
from .canon import CanonicalizationError
from .cryptosuites import LEGACY_SUITES, SUITES, Cryptosuite, HashInput, hash_input
from .findings import Finding, ProofResult, VerificationMethodError
from .jsonld import ContextError, JsonLdError, OfflineLoader
from .keys import Key

PROOF_TYPE = "DataIntegrityProof"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DI_CONTEXTS = ("https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/data-integrity/v1")
# Proof `created` later than now by more than this is "not yet valid" (clock skew allowance).
CLOCK_SKEW = timedelta(minutes=5)

# XML Schema 1.1 dateTime (https://www.w3.org/TR/xmlschema11-2/#dateTime); DI 1.0 §2.1 asks
# `created` and `expires` to be dateTimeStamps (the time zone is required).
_DATETIME_STAMP = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$"
)
_BASE58_ALPHABET = re.compile(r"^[1-9A-HJ-NP-Za-km-z]+$")


class SigningError(ValueError):
    """The document cannot be secured: unknown cryptosuite, wrong key, undefined terms..."""


ResolveVm = Callable[[str, str], tuple[Key, str]]


class _Reject(Exception):
    """Internal: one proof fails with a reason (turned into a ProofResult)."""

    def __init__(self, reason: str, message: str, findings: list[Finding] | None = None):
        self.reason = reason
        self.findings = findings or []
        super().__init__(message)


# -- small helpers ---------------------------------------------------------------------
def _xsd_datetime(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_stamp(value: datetime | str, field: str) -> str:
    text = _xsd_datetime(value) if isinstance(value, datetime) else value
    if not isinstance(text, str) or not _DATETIME_STAMP.match(text):
        raise SigningError(f"{field} {value!r} is not an XML Schema dateTimeStamp")
    return text


def _parse_stamp(text: str) -> datetime:
    """Raises ValueError for pattern-valid but impossible stamps (Feb 30, year 10000)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc ('z'), the proofValue encoding of all three suites."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(value: Any) -> bytes:
    if not isinstance(value, str) or not value.startswith("z") or not _BASE58_ALPHABET.match(value[1:]):
        raise ValueError("proofValue must be a multibase base58btc string starting with 'z'")
    return base58.b58decode(value[1:])


def _proofs_of(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def _context_list(document: dict[str, Any]) -> list[Any]:
    context = document.get("@context")
    if context is None:
        return []
    return list(context) if isinstance(context, list) else [context]


def _defines_data_integrity(context: list[Any]) -> bool:
    return any(c == VC_V2_CONTEXT or c in DI_CONTEXTS for c in context)


def proof_config_for(document: dict[str, Any], proof_options: dict[str, Any]) -> dict[str, Any]:
    """The proof configuration: the proof options with the document's `@context`
    (vc-di-eddsa §3.2.5 / §3.3.5; vc-di-ecdsa §3.2.5)."""
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


# -- signing ---------------------------------------------------------------------------
def sign(
    document: dict[str, Any],
    key: Key,
    *,
    cryptosuite: str,
    verification_method: str,
    proof_purpose: str = "assertionMethod",
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    loader: OfflineLoader | None = None,
    allow_unsafe: bool = False,
    mandatory_pointers: list[str] | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
) -> dict[str, Any]:
    """Return a new document carrying a new proof (appended to any existing proof set).

    `previous_proof` (the `id` of one existing proof, or a list of them) makes the new proof
    part of a proof chain: it signs the document together with those proofs (DI 1.0 §4.3
    Add Proof Set/Chain); `proof_id` gives the new proof the `id` a later one can name.

    For ecdsa-sd-2023 this is the issuer's base proof; `mandatory_pointers` are the JSON
    pointers every derived proof must disclose (vc-di-ecdsa §3.6.2).

    `created=None` means now. `allow_unsafe=True` signs even when safe mode finds dropped
    terms or relative IRIs (to craft negative vectors); otherwise that is a `SigningError`.
    """
    suite = SUITES.get(cryptosuite)
    if suite is None:
        raise SigningError(f"unknown cryptosuite {cryptosuite!r}; known: {', '.join(SUITES)}")
    if not suite.accepts(key.type):
        raise SigningError(f"{cryptosuite} needs an {suite.key_types} key, got {key.type}")
    if key.private is None:
        raise SigningError("cannot sign with a public key")
    if not isinstance(document, dict):
        raise SigningError("only a JSON object can be secured")

    existing = _proofs_of(document)
    unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    # DI 1.0 §2.1: a document whose contexts do not define DataIntegrityProof gets the DI context.
    context = _context_list(unsecured)
    if context and not _defines_data_integrity(context):
        unsecured["@context"] = [*context, DI_CONTEXTS[0]]
    chained = None
    if previous_proof is not None:
        if suite.canonicalization == "rdfc-sd":
            raise SigningError("an ecdsa-sd-2023 proof cannot be chained by this signer")
        try:
            chained = _previous_proofs(previous_proof, existing)
        except _Reject as exc:
            raise SigningError(str(exc)) from None

    proof: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": cryptosuite}
    if proof_id is not None:
        proof = {"id": proof_id, **proof}
    proof["created"] = _as_stamp(created if created is not None else datetime.now(timezone.utc), "created")
    if expires is not None:
        proof["expires"] = _as_stamp(expires, "expires")
    proof["verificationMethod"] = verification_method
    proof["proofPurpose"] = proof_purpose
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
    # eddsa-jcs-2022 carries the document's @context in the proof (vc-di-eddsa §3.3.1).
    if suite.canonicalization == "jcs" and "@context" in unsecured:
        proof["@context"] = unsecured["@context"]

    from . import ecdsa_sd  # imported on use: `verify` of other suites starts without cbor2
    from .sd_primitives import SelectionError

    try:
        if suite.canonicalization == "rdfc-sd":
            proof_value, problems = ecdsa_sd.base_proof_value(unsecured, proof, key, list(mandatory_pointers or []),
                                                              loader)
        else:
            signed_over = unsecured if chained is None else {**unsecured, "proof": chained}
            hashed = hash_input(suite, signed_over, proof_config_for(unsecured, proof), loader)
            problems = hashed.document_findings + [_in_proof(f, None) for f in hashed.proof_config_findings]
            proof_value = encode_multibase(key.sign(hashed.hash_data_for(key.type)))
    except ContextError as exc:
        raise SigningError(str(exc)) from None
    except (JsonLdError, rfc8785.CanonicalizationError, CanonicalizationError, SelectionError) as exc:
        raise SigningError(f"cannot canonicalize the document: {exc}") from None
    if problems and not allow_unsafe:
        raise SigningError("; ".join(str(f) for f in problems))

    proof["proofValue"] = proof_value
    secured = dict(unsecured)
    secured["proof"] = [*existing, proof] if existing else proof
    return secured


def _in_proof(finding: Finding, index: int | None) -> Finding:
    prefix = "$.proof" if index is None else f"$.proof[{index}]"
    return Finding(finding.rule, prefix + finding.path[1:], finding.message)


# -- verification ----------------------------------------------------------------------
def verify(
    document: Any,
    resolve_vm: ResolveVm,
    *,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
    loader: OfflineLoader | None = None,
    waive: frozenset[str] = frozenset(),
) -> ProofResult:
    """Verify the Data Integrity proofs on `document` (a proof set, DI 1.0 §4.5): every proof
    this suite implements must verify, at least one must exist, and the others (another proof
    `type` or cryptosuite) are listed in `details["warnings"]` as not checked.

    `waive` (for the reference vendors' fault switches only) names failure reasons or finding
    rules of the purpose, validity-period, challenge/domain and safe-mode steps to pass over;
    every other step, the signature above all, still runs."""
    if not isinstance(document, dict):
        return ProofResult.fail(R.MALFORMED_PROOF, "a secured document must be a JSON object")
    proofs = _proofs_of(document)
    if not proofs:
        return ProofResult.fail(R.NO_PROOF, "the document has no proof")
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    result = ProofResult(True, message=f"{len(proofs)} proof(s) verified")
    per_proof: list[dict[str, Any]] = []
    unchecked: list[tuple[str, str]] = []  # (reason, message) of proofs this suite cannot run
    for index, proof in enumerate(proofs):
        label = "proof" if len(proofs) == 1 else f"proof[{index}]"
        skip = _not_implemented(proof)
        if skip is not None:
            # DI 1.0 §4.5: each proof is verified on its own; one the suite cannot run is
            # reported, never counted as verified (and never lets the set pass alone).
            unchecked.append((skip[0], skip[1] if len(proofs) == 1 else f"{label}: {skip[1]}"))
            per_proof.append({"index": index, "ok": None, "reason": skip[0]})
            continue
        try:
            vm, controller, suite = _verify_one(
                _chain_input(unsecured, proof, proofs), proof, resolve_vm, expected_purpose, challenge, domain,
                now, loader, None if len(proofs) == 1 else index, frozenset(waive),
            )
        except _Reject as rejection:
            per_proof.append({"index": index, "ok": False, "reason": rejection.reason})
            details: dict[str, Any] = {"proofs": per_proof}
            if rejection.findings:
                details["findings"] = [f.to_dict() for f in rejection.findings]
            return ProofResult.fail(rejection.reason, f"{label}: {rejection}",
                                    verification_methods=result.verification_methods,
                                    controllers=result.controllers, details=details)
        result.verification_methods.append(vm)
        result.controllers.append(controller)
        per_proof.append({"index": index, "ok": True, "cryptosuite": suite, "verificationMethod": vm})
    result.details["proofs"] = per_proof
    if not result.verification_methods:  # every proof is of a kind the suite does not implement
        return ProofResult.fail(unchecked[0][0], "no proof this verifier can check: " + "; ".join(m for _, m in unchecked),
                                details=result.details)
    if unchecked:
        result.message = f"{len(result.verification_methods)} proof(s) verified, {len(unchecked)} not checked"
        result.details["warnings"] = [m for _, m in unchecked]
    return result


def without_unchecked_proofs(document: Any) -> Any:
    """`document` less the proofs this suite does not implement: their terms come from contexts
    (a legacy suite's) the suite may not bundle, and nothing it judges rests on them."""
    if not isinstance(document, dict) or not isinstance(document.get("proof"), (list, dict)):
        return document
    kept = [p for p in _proofs_of(document) if _not_implemented(p) is None]
    if len(kept) == len(_proofs_of(document)):
        return document
    out = {k: v for k, v in document.items() if k != "proof"}
    if kept:
        out["proof"] = kept if isinstance(document["proof"], list) else kept[0]
    return out


def _not_implemented(proof: Any) -> tuple[str, str] | None:
    """(reason, message) when `proof` names a proof type or cryptosuite this suite does not
    implement; a proof whose type or cryptosuite is absent or ill-typed is malformed instead."""
    if not isinstance(proof, dict) or not isinstance(proof.get("type"), str) or not proof["type"]:
        return None
    if proof["type"] in LEGACY_SUITES:
        return None
    if proof["type"] != PROOF_TYPE:
        return R.UNSUPPORTED_PROOF_TYPE, f"unsupported proof type {proof['type'][:80]} (not checked)"
    suite = proof.get("cryptosuite")
    if isinstance(suite, str) and suite and suite not in SUITES:
        return R.UNKNOWN_CRYPTOSUITE, f"cryptosuite {suite!r} is not one of {', '.join(SUITES)}: not checked"
    return None


def _waivable(waive: frozenset[str], step: Callable[..., None], *args: Any) -> None:
    """Run one step; its rejection is passed over only when `waive` names its reason or every
    rule among its findings."""
    try:
        step(*args)
    except _Reject as rejection:
        rules = {f.rule for f in rejection.findings}
        if rejection.reason not in waive and not (rules and rules <= waive):
            raise


def _check_purpose(proof: dict[str, Any], expected_purpose: str) -> None:
    # DI 1.0 §4.4 step: the proof purpose must be the one the verifier expects.
    if proof["proofPurpose"] != expected_purpose:
        raise _Reject(R.WRONG_PURPOSE, f"proofPurpose is {proof['proofPurpose']!r}, expected {expected_purpose!r}")


def _raise_problems(problems: list[Finding]) -> None:
    if problems:
        raise _Reject(R.CONTEXT_PROBLEM, "; ".join(str(f) for f in problems[:5])
                      + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""), problems)


def _verify_one(unsecured: dict[str, Any], proof: Any, resolve_vm: ResolveVm, expected_purpose: str,
                challenge: str | None, domain: str | None, now: datetime, loader: OfflineLoader | None,
                index: int | None, waive: frozenset[str] = frozenset()) -> tuple[str, str, str]:
    suite = _check_shape(proof)
    proof_bytes = b"" if suite.canonicalization == "rdfc-sd" else _decode_proof_value(proof["proofValue"])

    _waivable(waive, _check_purpose, proof, expected_purpose)
    _waivable(waive, _check_validity_period, proof, now)
    _waivable(waive, _check_challenge_and_domain, proof, challenge, domain)
    if suite.canonicalization == "rdfc-sd":
        return _verify_sd(unsecured, proof, resolve_vm, loader, waive, suite)

    options = {k: v for k, v in proof.items() if k != "proofValue"}
    document = unsecured
    if "@context" in options:
        # vc-di-eddsa §3.3.2 steps 4.1-4.2: the document's contexts must start with the proof's.
        proof_context = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        doc_context = _context_list(unsecured)
        if doc_context[: len(proof_context)] != proof_context:
            raise _Reject(R.CONTEXT_PROBLEM, "proof @context is not a prefix of the document @context")
        document = {**unsecured, "@context": options["@context"]}
    try:
        hashed: HashInput = hash_input(suite, document, proof_config_for(document, options), loader)
    except ContextError as exc:
        raise _Reject(R.CONTEXT_PROBLEM, str(exc), [exc.to_finding()]) from None
    except JsonLdError as exc:
        raise _Reject(R.CONTEXT_PROBLEM, f"invalid JSON-LD: {exc}") from None
    except rfc8785.CanonicalizationError as exc:
        raise _Reject(R.MALFORMED_PROOF, f"document cannot be JCS-canonicalized: {exc}") from None
    problems = hashed.document_findings + [_in_proof(f, index) for f in hashed.proof_config_findings]
    _waivable(waive, _raise_problems, problems)

    vm = proof["verificationMethod"]
    key, controller = _resolve_key(proof, resolve_vm, suite)
    if not key.verify(proof_bytes, hashed.hash_data_for(key.type)):
        raise _Reject(R.BAD_SIGNATURE, f"the {suite.name} signature does not verify with {vm}")
    return vm, controller, suite.name


def _resolve_key(proof: dict[str, Any], resolve_vm: ResolveVm, suite: Cryptosuite) -> tuple[Key, str]:
    vm = proof["verificationMethod"]
    try:
        key, controller = resolve_vm(vm, proof["proofPurpose"])
    except VerificationMethodError as exc:
        raise _Reject(exc.reason, str(exc)) from None
    if not suite.accepts(key.type):
        raise _Reject(R.KEY_NOT_FOUND, f"{vm} holds a {key.type} key; {suite.name} needs {suite.key_types}")
    return key, controller


def _verify_sd(unsecured: dict[str, Any], proof: dict[str, Any], resolve_vm: ResolveVm,
               loader: OfflineLoader | None, waive: frozenset[str],
               suite: Cryptosuite) -> tuple[str, str, str]:
    """ecdsa-sd-2023 (vc-di-ecdsa §3.6.7 Verify Derived Proof). A base proof is checked as its
    holder would (ecdsa_sd.verify_base) and then refused: it is "to be given only to the
    holder" (§3.6.5) and a verifier's parseDerivedProofValue requires the disclosure header."""
    from . import ecdsa_sd  # imported on use: `verify` of other suites starts without cbor2
    from .sd_primitives import SelectionError

    base = ecdsa_sd.proof_kind(proof["proofValue"]) == "base"
    try:
        if base:
            key, controller = _resolve_key(proof, resolve_vm, suite)
            problems = ecdsa_sd.verify_base(unsecured, proof, key, loader)
        else:
            data = ecdsa_sd.create_verify_data(unsecured, proof, loader)
            problems = data.findings
    except ecdsa_sd.SdError as exc:
        raise _Reject(exc.reason, str(exc)) from None
    except ContextError as exc:
        raise _Reject(R.CONTEXT_PROBLEM, str(exc), [exc.to_finding()]) from None
    except (JsonLdError, SelectionError, CanonicalizationError) as exc:
        raise _Reject(R.CONTEXT_PROBLEM, f"cannot canonicalize the document: {exc}") from None
    _waivable(waive, _raise_problems, problems)
    if base:
        raise _Reject(R.SD_BASE_PROOF, "an ecdsa-sd-2023 base proof (it verifies for its holder) is not a "
                      "presentable proof: a verifier must receive a derived proof (vc-di-ecdsa §3.6.5, §3.5.8)")
    key, controller = _resolve_key(proof, resolve_vm, suite)
    try:
        ecdsa_sd.verify_statements(data, key)
    except ecdsa_sd.SdError as exc:
        raise _Reject(exc.reason, str(exc)) from None
    return proof["verificationMethod"], controller, suite.name


def _check_shape(proof: Any) -> Cryptosuite:
    """DI 1.0 §2.1 (https://www.w3.org/TR/vc-data-integrity/#proofs): required, typed fields."""
    if not isinstance(proof, dict):
        raise _Reject(R.MALFORMED_PROOF, "proof must be a JSON object")
    legacy = LEGACY_SUITES.get(proof["type"]) if isinstance(proof.get("type"), str) else None
    if legacy is not None:
        required: tuple[str, ...] = ("verificationMethod", "proofPurpose", "proofValue")
    elif proof.get("type") != PROOF_TYPE:
        raise _Reject(R.MALFORMED_PROOF, f"proof type is {proof.get('type')!r}, expected {PROOF_TYPE!r}")
    else:
        required = ("cryptosuite", "verificationMethod", "proofPurpose", "proofValue")
    for name in required:
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise _Reject(R.MALFORMED_PROOF, f"proof.{name} is missing or not a non-empty string")
    for name in ("created", "expires"):
        if name in proof:
            value = proof[name]
            try:
                if not (isinstance(value, str) and _DATETIME_STAMP.match(value)):
                    raise ValueError
                _parse_stamp(value)
            except ValueError:
                raise _Reject(R.MALFORMED_PROOF, f"proof.{name} {value!r} is not an XML Schema dateTimeStamp") from None
    previous = proof.get("previousProof")
    if previous is not None and not (isinstance(previous, str) and previous or isinstance(previous, list) and previous
                                     and all(isinstance(p, str) and p for p in previous)):
        raise _Reject(R.MALFORMED_PROOF, "proof.previousProof must be a proof id or a list of them")
    if legacy is not None:
        return legacy
    suite = SUITES.get(proof["cryptosuite"])
    if suite is None:
        raise _Reject(R.UNKNOWN_CRYPTOSUITE, f"cryptosuite {proof['cryptosuite']!r} is not one of {', '.join(SUITES)}")
    return suite


def _previous_proofs(previous: Any, all_proofs: list[Any]) -> list[dict[str, Any]]:
    """The proofs a chained proof names by `id` (DI 1.0 §4.3 / §4.5 step 3.2); a name that
    matches no proof of the set is an error, never skipped."""
    wanted = [previous] if isinstance(previous, str) else list(previous)
    by_id = {p.get("id"): p for p in all_proofs if isinstance(p, dict) and isinstance(p.get("id"), str)}
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise _Reject(R.MALFORMED_PROOF, f"previousProof {missing[0][:120]!r} names no proof of this document")
    return [by_id[w] for w in wanted]


def _chain_input(unsecured: dict[str, Any], proof: Any, all_proofs: list[Any]) -> dict[str, Any]:
    """The document a proof was made over: with the proofs its `previousProof` names, when it
    is part of a proof chain (DI 1.0 §4.5 Verify Proof Sets and Chains, step 3.3)."""
    previous = proof.get("previousProof") if isinstance(proof, dict) else None
    if previous is None or not isinstance(previous, (str, list)):
        return unsecured  # a malformed previousProof is refused by _check_shape
    if proof.get("cryptosuite") == "ecdsa-sd-2023":
        raise _Reject(R.MALFORMED_PROOF, "a chained ecdsa-sd-2023 proof is not supported by this verifier")
    return {**unsecured, "proof": _previous_proofs(previous, all_proofs)}


def _decode_proof_value(value: str) -> bytes:
    try:
        raw = decode_multibase(value)
    except ValueError as exc:
        raise _Reject(R.MALFORMED_PROOF, str(exc)) from None
    # Ed25519 and P-256 (raw r||s) signatures are both 64 bytes; P-384's are 96.
    if len(raw) not in (64, 96):
        raise _Reject(R.MALFORMED_PROOF, f"proofValue decodes to {len(raw)} bytes, expected 64 (or 96 for P-384)")
    return raw


def _check_validity_period(proof: dict[str, Any], now: datetime) -> None:
    if "expires" in proof and _parse_stamp(proof["expires"]) <= now:
        raise _Reject(R.PROOF_EXPIRED, f"proof expired at {proof['expires']}")
    if "created" in proof and _parse_stamp(proof["created"]) > now + CLOCK_SKEW:
        raise _Reject(R.PROOF_NOT_YET_VALID, f"proof created in the future ({proof['created']})")


def _check_challenge_and_domain(proof: dict[str, Any], challenge: str | None, domain: str | None) -> None:
    """DI 1.0 §4.4: a verifier that expects a challenge/domain must find it in the proof."""
    if challenge is not None and proof.get("challenge") != challenge:
        raise _Reject(R.CHALLENGE_MISMATCH,
                      f"proof challenge {proof.get('challenge')!r} does not match the expected challenge")
    if domain is not None:
        domains = proof.get("domain")
        domains = domains if isinstance(domains, list) else [domains]
        if domain not in domains:
            raise _Reject(R.DOMAIN_MISMATCH, f"proof domain {proof.get('domain')!r} does not include {domain!r}")
