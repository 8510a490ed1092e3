"""The reference issuer's identity: its did:web, its keys, and which key each cryptosuite uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..credentials.keys import Key
from .didweb import did_document, did_web_for, verification_method_id

# Data Integrity suites the reference issuer signs with, and the key type each needs
# (https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022, https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019).
ISSUER_CRYPTOSUITES: dict[str, str] = {"eddsa-rdfc-2022": "Ed25519", "ecdsa-rdfc-2019": "P-256"}
DEFAULT_CRYPTOSUITE = "eddsa-rdfc-2022"


@dataclass
class IssuerIdentity:
    did: str
    ed25519: Key = field(default_factory=lambda: Key.generate("Ed25519"))
    p256: Key = field(default_factory=lambda: Key.generate("P-256"))
    # A key the DID document does NOT list (fault issuer.foreign-key signs with it as did:key).
    foreign: Key = field(default_factory=lambda: Key.generate("Ed25519"))

    @classmethod
    def for_origin(cls, origin: str, keys: Any = None, name: str = "reference-issuer") -> "IssuerIdentity":
        """did:web of an issuer at `origin`; a path (http://h:1/issuer) becomes DID path segments
        (did:web:h%3A1:issuer), whose document is served at <origin>/did.json. `keys`: the run's
        suite_keys.SuiteKeys, whose keys `name` and `name`-p256 it signs with (None: fresh keys)."""
        path = [p for p in urlsplit(origin).path.split("/") if p]
        did = did_web_for(origin, *path)
        if keys is None:
            return cls(did)
        return cls(did, keys.key(name), keys.key(f"{name}-p256", "P-256"))

    def key_for(self, cryptosuite: str) -> Key:
        return self.ed25519 if ISSUER_CRYPTOSUITES[cryptosuite] == "Ed25519" else self.p256

    def vm_for(self, cryptosuite: str) -> str:
        return verification_method_id(self.did, self.key_for(cryptosuite))

    def foreign_vm(self) -> str:
        did = self.foreign.did_key()
        return f"{did}#{self.foreign.public_multikey()}"

    def did_document(self) -> dict:
        return did_document(self.did, [self.ed25519, self.p256])
