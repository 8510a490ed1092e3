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

This module signs and verifies whole documents (proof sets and chains); the steps of one proof
are di_proof.py, and what both share (dateTimeStamps, multibase, the proof configuration) is
di_common.py.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

import rfc8785

from . import findings as R
from .canon import CanonicalizationError
from .cryptosuites import SUITES, hash_input
from .di_common import (DI_CONTEXTS, PROOF_TYPE, Reject, ResolveVm, SigningError, as_stamp, context_list,
                        decode_multibase, defines_data_integrity, encode_multibase, in_proof, previous_proofs,
                        proof_config_for, proofs_of)
from .di_proof import not_implemented, verify_one
from .findings import ProofResult, VerificationMethodError
from .jsonld import ContextError, JsonLdError, OfflineLoader
from .keys import Key

__all__ = ["sign", "verify", "without_unchecked_proofs", "SigningError", "VerificationMethodError", "PROOF_TYPE",
           "DI_CONTEXTS", "encode_multibase", "decode_multibase", "proof_config_for"]


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

    existing = proofs_of(document)
    unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    # DI 1.0 §2.1: a document whose contexts do not define DataIntegrityProof gets the DI context.
    context = context_list(unsecured)
    if context and not defines_data_integrity(context):
        unsecured["@context"] = [*context, DI_CONTEXTS[0]]
    chained = None
    if previous_proof is not None:
        if suite.canonicalization == "rdfc-sd":
            raise SigningError("an ecdsa-sd-2023 proof cannot be chained by this signer")
        try:
            chained = previous_proofs(previous_proof, existing)
        except Reject as exc:
            raise SigningError(str(exc)) from None

    proof: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": cryptosuite}
    if proof_id is not None:
        proof = {"id": proof_id, **proof}
    proof["created"] = as_stamp(created if created is not None else datetime.now(timezone.utc), "created")
    if expires is not None:
        proof["expires"] = as_stamp(expires, "expires")
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
            problems = hashed.document_findings + [in_proof(f, None) for f in hashed.proof_config_findings]
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
    proofs = proofs_of(document)
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
        skip = not_implemented(proof)
        if skip is not None:
            # DI 1.0 §4.5: each proof is verified on its own; one the suite cannot run is
            # reported, never counted as verified (and never lets the set pass alone).
            unchecked.append((skip[0], skip[1] if len(proofs) == 1 else f"{label}: {skip[1]}"))
            per_proof.append({"index": index, "ok": None, "reason": skip[0]})
            continue
        try:
            vm, controller, suite = verify_one(
                _chain_input(unsecured, proof, proofs), proof, resolve_vm, expected_purpose, challenge, domain,
                now, loader, None if len(proofs) == 1 else index, frozenset(waive),
            )
        except Reject as rejection:
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
    kept = [p for p in proofs_of(document) if not_implemented(p) is None]
    if len(kept) == len(proofs_of(document)):
        return document
    out = {k: v for k, v in document.items() if k != "proof"}
    if kept:
        out["proof"] = kept if isinstance(document["proof"], list) else kept[0]
    return out


def _chain_input(unsecured: dict[str, Any], proof: Any, all_proofs: list[Any]) -> dict[str, Any]:
    """The document a proof was made over: with the proofs its `previousProof` names, when it
    is part of a proof chain (DI 1.0 §4.5 Verify Proof Sets and Chains, step 3.3)."""
    previous = proof.get("previousProof") if isinstance(proof, dict) else None
    if previous is None or not isinstance(previous, (str, list)):
        return unsecured  # a malformed previousProof is refused by _check_shape
    if proof.get("cryptosuite") == "ecdsa-sd-2023":
        raise Reject(R.MALFORMED_PROOF, "a chained ecdsa-sd-2023 proof is not supported by this verifier")
    return {**unsecured, "proof": previous_proofs(previous, all_proofs)}
