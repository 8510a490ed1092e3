"""Verifying one Data Integrity proof (VC Data Integrity 1.0 §4.4 Verify Proof, and each
cryptosuite's verify algorithm in cryptosuites.py / ecdsa_sd.py): its shape, purpose, validity
period, challenge and domain, the safe-mode findings of its hashing, the key, the signature.
Each step fails with one reason constant of findings.py (Reject), so a negative check can
assert the exact rejection; `waive` lets a faulty reference vendor skip exactly one step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import rfc8785

from . import findings as R
from .canon import CanonicalizationError
from .cryptosuites import LEGACY_SUITES, SUITES, Cryptosuite, HashInput, hash_input
from .di_common import (CLOCK_SKEW, DATETIME_STAMP, PROOF_TYPE, Reject, ResolveVm, context_list, decode_multibase,
                        in_proof, parse_stamp, proof_config_for)
from .findings import Finding, VerificationMethodError
from .jsonld import ContextError, JsonLdError, OfflineLoader
from .keys import Key


def not_implemented(proof: Any) -> tuple[str, str] | None:
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


def _check_shape(proof: Any) -> Cryptosuite:
    """DI 1.0 §2.1 (https://www.w3.org/TR/vc-data-integrity/#proofs): required, typed fields."""
    if not isinstance(proof, dict):
        raise Reject(R.MALFORMED_PROOF, "proof must be a JSON object")
    legacy = LEGACY_SUITES.get(proof["type"]) if isinstance(proof.get("type"), str) else None
    if legacy is not None:
        required: tuple[str, ...] = ("verificationMethod", "proofPurpose", "proofValue")
    elif proof.get("type") != PROOF_TYPE:
        raise Reject(R.MALFORMED_PROOF, f"proof type is {proof.get('type')!r}, expected {PROOF_TYPE!r}")
    else:
        required = ("cryptosuite", "verificationMethod", "proofPurpose", "proofValue")
    for name in required:
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise Reject(R.MALFORMED_PROOF, f"proof.{name} is missing or not a non-empty string")
    for name in ("created", "expires"):
        if name in proof:
            value = proof[name]
            try:
                if not (isinstance(value, str) and DATETIME_STAMP.match(value)):
                    raise ValueError
                parse_stamp(value)
            except ValueError:
                raise Reject(R.MALFORMED_PROOF, f"proof.{name} {value!r} is not an XML Schema dateTimeStamp") from None
    previous = proof.get("previousProof")
    if previous is not None and not (isinstance(previous, str) and previous or isinstance(previous, list) and previous
                                     and all(isinstance(p, str) and p for p in previous)):
        raise Reject(R.MALFORMED_PROOF, "proof.previousProof must be a proof id or a list of them")
    if legacy is not None:
        return legacy
    suite = SUITES.get(proof["cryptosuite"])
    if suite is None:
        raise Reject(R.UNKNOWN_CRYPTOSUITE, f"cryptosuite {proof['cryptosuite']!r} is not one of {', '.join(SUITES)}")
    return suite


def verify_one(unsecured: dict[str, Any], proof: Any, resolve_vm: ResolveVm, expected_purpose: str,
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
        doc_context = context_list(unsecured)
        if doc_context[: len(proof_context)] != proof_context:
            raise Reject(R.CONTEXT_PROBLEM, "proof @context is not a prefix of the document @context")
        document = {**unsecured, "@context": options["@context"]}
    try:
        hashed: HashInput = hash_input(suite, document, proof_config_for(document, options), loader)
    except ContextError as exc:
        raise Reject(R.CONTEXT_PROBLEM, str(exc), [exc.to_finding()]) from None
    except JsonLdError as exc:
        raise Reject(R.CONTEXT_PROBLEM, f"invalid JSON-LD: {exc}") from None
    except rfc8785.CanonicalizationError as exc:
        raise Reject(R.MALFORMED_PROOF, f"document cannot be JCS-canonicalized: {exc}") from None
    problems = hashed.document_findings + [in_proof(f, index) for f in hashed.proof_config_findings]
    _waivable(waive, _raise_problems, problems)

    vm = proof["verificationMethod"]
    key, controller = _resolve_key(proof, resolve_vm, suite)
    if not key.verify(proof_bytes, hashed.hash_data_for(key.type)):
        raise Reject(R.BAD_SIGNATURE, f"the {suite.name} signature does not verify with {vm}")
    return vm, controller, suite.name


def _waivable(waive: frozenset[str], step: Callable[..., None], *args: Any) -> None:
    """Run one step; its rejection is passed over only when `waive` names its reason or every
    rule among its findings."""
    try:
        step(*args)
    except Reject as rejection:
        rules = {f.rule for f in rejection.findings}
        if rejection.reason not in waive and not (rules and rules <= waive):
            raise


def _check_purpose(proof: dict[str, Any], expected_purpose: str) -> None:
    # DI 1.0 §4.4 step: the proof purpose must be the one the verifier expects.
    if proof["proofPurpose"] != expected_purpose:
        raise Reject(R.WRONG_PURPOSE, f"proofPurpose is {proof['proofPurpose']!r}, expected {expected_purpose!r}")


def _raise_problems(problems: list[Finding]) -> None:
    if problems:
        raise Reject(R.CONTEXT_PROBLEM, "; ".join(str(f) for f in problems[:5])
                      + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""), problems)


def _resolve_key(proof: dict[str, Any], resolve_vm: ResolveVm, suite: Cryptosuite) -> tuple[Key, str]:
    vm = proof["verificationMethod"]
    try:
        key, controller = resolve_vm(vm, proof["proofPurpose"])
    except VerificationMethodError as exc:
        raise Reject(exc.reason, str(exc)) from None
    if not suite.accepts(key.type):
        raise Reject(R.KEY_NOT_FOUND, f"{vm} holds a {key.type} key; {suite.name} needs {suite.key_types}")
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
        raise Reject(exc.reason, str(exc)) from None
    except ContextError as exc:
        raise Reject(R.CONTEXT_PROBLEM, str(exc), [exc.to_finding()]) from None
    except (JsonLdError, SelectionError, CanonicalizationError) as exc:
        raise Reject(R.CONTEXT_PROBLEM, f"cannot canonicalize the document: {exc}") from None
    _waivable(waive, _raise_problems, problems)
    if base:
        raise Reject(R.SD_BASE_PROOF, "an ecdsa-sd-2023 base proof (it verifies for its holder) is not a "
                      "presentable proof: a verifier must receive a derived proof (vc-di-ecdsa §3.6.5, §3.5.8)")
    key, controller = _resolve_key(proof, resolve_vm, suite)
    try:
        ecdsa_sd.verify_statements(data, key)
    except ecdsa_sd.SdError as exc:
        raise Reject(exc.reason, str(exc)) from None
    return proof["verificationMethod"], controller, suite.name


def _decode_proof_value(value: str) -> bytes:
    try:
        raw = decode_multibase(value)
    except ValueError as exc:
        raise Reject(R.MALFORMED_PROOF, str(exc)) from None
    # Ed25519 and P-256 (raw r||s) signatures are both 64 bytes; P-384's are 96.
    if len(raw) not in (64, 96):
        raise Reject(R.MALFORMED_PROOF, f"proofValue decodes to {len(raw)} bytes, expected 64 (or 96 for P-384)")
    return raw


def _check_validity_period(proof: dict[str, Any], now: datetime) -> None:
    if "expires" in proof and parse_stamp(proof["expires"]) <= now:
        raise Reject(R.PROOF_EXPIRED, f"proof expired at {proof['expires']}")
    if "created" in proof and parse_stamp(proof["created"]) > now + CLOCK_SKEW:
        raise Reject(R.PROOF_NOT_YET_VALID, f"proof created in the future ({proof['created']})")


def _check_challenge_and_domain(proof: dict[str, Any], challenge: str | None, domain: str | None) -> None:
    """DI 1.0 §4.4: a verifier that expects a challenge/domain must find it in the proof."""
    if challenge is not None and proof.get("challenge") != challenge:
        raise Reject(R.CHALLENGE_MISMATCH,
                      f"proof challenge {proof.get('challenge')!r} does not match the expected challenge")
    if domain is not None:
        domains = proof.get("domain")
        domains = domains if isinstance(domains, list) else [domains]
        if domain not in domains:
            raise Reject(R.DOMAIN_MISMATCH, f"proof domain {proof.get('domain')!r} does not include {domain!r}")
