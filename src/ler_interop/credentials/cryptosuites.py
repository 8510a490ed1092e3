"""The Data Integrity cryptosuites: how each one turns (document, proof config) into the
bytes that are signed.

- eddsa-rdfc-2022: https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022
- eddsa-jcs-2022:  https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022
- ecdsa-rdfc-2019: https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019 (P-256 and P-384)
- ecdsa-sd-2023:   https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023 (hashing and signing in ecdsa_sd.py)

All three hash the same way: hashData = H(canonical proof config) || H(canonical document)
(vc-di-eddsa §3.2.4 / §3.3.4, vc-di-ecdsa §3.2.4), H being SHA-256, or SHA-384 for a P-384 key
(vc-di-ecdsa: "SHA-256 ... P-256 ... SHA-384 ... P-384"), and sign hashData with the key
(Ed25519; ECDSA P-256/SHA-256 or P-384/SHA-384, raw r||s, RFC 6979 via `Key.sign`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import rfc8785

from .canon import canonize_checked
from .findings import Finding
from .jsonld import OfflineLoader


@dataclass(frozen=True)
class Cryptosuite:
    name: str
    key_type: str  # the `Key.type` that can sign and verify it
    canonicalization: str  # "rdfc" (RDFC-1.0 over JSON-LD) or "jcs" (RFC 8785)
    other_key_types: tuple[str, ...] = ()  # further key types it defines (ecdsa-rdfc-2019: P-384)

    def accepts(self, key_type: str) -> bool:
        return key_type == self.key_type or key_type in self.other_key_types

    @property
    def key_types(self) -> str:
        return " or ".join((self.key_type, *self.other_key_types))


SUITES: dict[str, Cryptosuite] = {
    "eddsa-rdfc-2022": Cryptosuite("eddsa-rdfc-2022", "Ed25519", "rdfc"),
    "eddsa-jcs-2022": Cryptosuite("eddsa-jcs-2022", "Ed25519", "jcs"),
    "ecdsa-rdfc-2019": Cryptosuite("ecdsa-rdfc-2019", "P-256", "rdfc", ("P-384",)),
    # Selective disclosure: its own create/derive/verify algorithms (ecdsa_sd.py).
    "ecdsa-sd-2023": Cryptosuite("ecdsa-sd-2023", "P-256", "rdfc-sd"),
}

# Legacy proof types that name their algorithm by `type` (no `cryptosuite`), keyed by type.
# Ed25519Signature2020 (W3C CCG, https://w3c-ccg.github.io/lds-ed25519-2020/): URDNA2015,
# SHA-256, Ed25519, and the same hashData as eddsa-rdfc-2022: SHA-256(canonical proof options
# with the document's @context) || SHA-256(canonical document without its proof).
LEGACY_SUITES: dict[str, Cryptosuite] = {
    "Ed25519Signature2020": Cryptosuite("Ed25519Signature2020", "Ed25519", "rdfc"),
}


@dataclass
class HashInput:
    """Every intermediate value of the hashing step (the W3C vectors publish each one)."""

    canonical_document: str
    canonical_proof_config: str
    # Safe-mode findings (rdfc suites only); paths are in the document and in the proof config.
    document_findings: list[Finding] = field(default_factory=list)
    proof_config_findings: list[Finding] = field(default_factory=list)

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_document.encode("utf-8")).digest()

    @property
    def proof_config_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_proof_config.encode("utf-8")).digest()

    @property
    def hash_data(self) -> bytes:
        return self.proof_config_hash + self.document_hash

    def hash_data_for(self, key_type: str) -> bytes:
        """hashData for a key: SHA-384 of both parts for P-384 (vc-di-ecdsa), else `hash_data`."""
        if key_type != "P-384":
            return self.hash_data
        return (hashlib.sha384(self.canonical_proof_config.encode("utf-8")).digest()
                + hashlib.sha384(self.canonical_document.encode("utf-8")).digest())


def hash_input(suite: Cryptosuite, unsecured_document: dict[str, Any], proof_config: dict[str, Any],
               loader: OfflineLoader | None = None) -> HashInput:
    """Transformation + proof configuration + hashing for `suite`.

    `proof_config` must already carry the document's `@context` (the proof configuration
    algorithms set it). Raises `jsonld.ContextError` / `jsonld.JsonLdError` for rdfc suites.
    """
    if suite.canonicalization == "jcs":
        return HashInput(
            rfc8785.dumps(unsecured_document).decode("utf-8"),
            rfc8785.dumps(proof_config).decode("utf-8"),
        )
    canonical_document, document_findings = canonize_checked(unsecured_document, loader)
    canonical_config, config_findings = canonize_checked(proof_config, loader)
    return HashInput(canonical_document, canonical_config, document_findings, config_findings)
