"""Signing the legacy `Ed25519Signature2020` proof type (W3C CCG Ed25519 Signature 2020), for
the suite's own legacy fixtures; verification is the Data Integrity proof loop
(dataintegrity.verify, with cryptosuites.LEGACY_SUITES).

https://w3c-ccg.github.io/lds-ed25519-2020/: canonicalization URDNA2015, digest SHA-256,
signature EdDSA (Ed25519); the proof carries no `cryptosuite`, and `proofValue` is multibase
base58btc. Its terms come from the suite context below, which the suite bundles.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from .cryptosuites import LEGACY_SUITES, hash_input
from .di_common import SigningError, encode_multibase, proof_config_for, xsd_datetime
from .jsonld import OfflineLoader
from .keys import Key

PROOF_TYPE = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


def sign(document: dict[str, Any], key: Key, *, verification_method: str, proof_purpose: str = "assertionMethod",
         created: datetime | None = None, challenge: str | None = None, domain: str | None = None,
         loader: OfflineLoader | None = None) -> dict[str, Any]:
    """A copy of `document` with one Ed25519Signature2020 proof (the suite context added)."""
    if key.type != "Ed25519" or key.private is None:
        raise SigningError("Ed25519Signature2020 needs an Ed25519 private key")
    unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    context = unsecured.get("@context")
    context = list(context) if isinstance(context, list) else [context]
    if CONTEXT not in context:
        unsecured["@context"] = [*context, CONTEXT]
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "created": xsd_datetime(created or datetime.now(timezone.utc)),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    hashed = hash_input(LEGACY_SUITES[PROOF_TYPE], unsecured, proof_config_for(unsecured, proof), loader)
    problems = hashed.document_findings + hashed.proof_config_findings
    if problems:
        raise SigningError("; ".join(str(f) for f in problems))
    proof["proofValue"] = encode_multibase(key.sign(hashed.hash_data))
    return {**unsecured, "proof": proof}
