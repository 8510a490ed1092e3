"""did:web identifiers and DID documents for servers on loopback.

did:web (https://w3c-ccg.github.io/did-method-web/#create-register): the host, with a port
percent-encoded as `%3A`, then optional path segments joined by ':'. A bare host resolves
to `/.well-known/did.json`, a path to `/<path>/did.json`. Verification methods are Multikey
(Controlled Identifiers v1.0 §2.2.2), listed under assertionMethod and authentication.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from ..credentials.keys import Key

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def did_web_for(origin: str, *path: str) -> str:
    """did:web for an http(s) origin like http://127.0.0.1:8080, with optional path segments."""
    parts = urlsplit(origin)
    if not parts.hostname:
        raise ValueError(f"not an origin: {origin!r}")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    return ":".join(["did:web", host, *(quote(p, safe="") for p in path)])


def verification_method_id(did: str, key: Key) -> str:
    # The multibase key as fragment keeps ids stable per key and unique per document.
    return f"{did}#{key.public_multikey()}"


def did_document(did: str, keys: list[Key]) -> dict:
    """A DID document listing `keys` as Multikey methods for assertions and authentication."""
    methods = [
        {
            "id": verification_method_id(did, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multikey(),
        }
        for key in keys
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": list(ids),
        "authentication": list(ids),
    }
