"""The reference verifier's Authorization Requests: its client identity and the signed Request
Object a wallet fetches from `request_uri`.

Client Identifier Prefix `decentralized_identifier:` with the verifier's own did:key, and a
Request Object signed by that key (OpenID4VP 1.0 §5.9.3,
https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-5.9.3). Chosen over
`redirect_uri:` (unsigned) so that a wallet can authenticate the request and the suite has a
signature to check; did:key resolves offline, so any wallet can verify it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ...credentials.jws import sign_compact
from ...credentials.keys import Key

REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
REQUEST_OBJECT_MEDIA_TYPE = "application/oauth-authz-req+jwt"
# §5.8: the symbolic audience when the wallet's metadata was not discovered.
STATIC_DISCOVERY_AUD = "https://self-issued.me/v2"
REQUEST_LIFETIME = 600

# Verifier metadata (§11.1, Appendix B): what this verifier can check, per format.
VP_FORMATS_SUPPORTED: dict[str, Any] = {
    "ldp_vc": {"proof_type_values": ["DataIntegrityProof"],
               "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022"]},
    "jwt_vc_json": {"alg_values": ["EdDSA", "ES256"]},
    "dc+sd-jwt": {"sd-jwt_alg_values": ["EdDSA", "ES256"], "kb-jwt_alg_values": ["EdDSA", "ES256"]},
}


@dataclass
class VerifierIdentity:
    """The verifier as an OAuth client: a did:key and the key that signs its requests."""

    key: Key = field(default_factory=lambda: Key.generate("Ed25519"))
    # Only fault verifier.oid4vp-foreign-request-key signs with this one.
    foreign: Key = field(default_factory=lambda: Key.generate("Ed25519"))

    @property
    def did(self) -> str:
        return self.key.did_key()

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.key.public_multikey()}"

    @property
    def client_id(self) -> str:
        return f"decentralized_identifier:{self.did}"


def new_nonce(faults: frozenset[str]) -> str:
    """§5.2: fresh per request, >= 128 bits; 32 random bytes, base64url (256 bits)."""
    if "verifier.oid4vp-short-nonce" in faults:
        return secrets.token_hex(4)
    if "verifier.oid4vp-static-nonce" in faults:
        return "c3RhdGljLW5vbmNlLXVzZWQtZm9yLWV2ZXJ5LXJlcXVlc3Q"
    return secrets.token_urlsafe(32)


def request_claims(identity: VerifierIdentity, *, response_uri: str, nonce: str, state: str,
                   dcql_query: dict[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    now = int(time.time())
    query = dcql_query
    if "verifier.oid4vp-ask-more-than-named" in faults:
        query = {**dcql_query, "credentials": [
            {**cq, "claims": [*(cq.get("claims") or []), {"path": ["issuer"]}]} for cq in dcql_query["credentials"]]}
    claims: dict[str, Any] = {
        "aud": STATIC_DISCOVERY_AUD,
        "iat": now,
        "exp": now + REQUEST_LIFETIME,
        "client_id": identity.client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri,
        "nonce": nonce,
        "state": state,
        "dcql_query": query,
        "client_metadata": {"vp_formats_supported": VP_FORMATS_SUPPORTED},
    }
    for fault, name in (("verifier.oid4vp-no-response-mode", "response_mode"), ("verifier.oid4vp-no-state", "state"),
                        ("verifier.oid4vp-no-client-metadata", "client_metadata")):
        if fault in faults:
            del claims[name]
    return claims


def signed_request_object(identity: VerifierIdentity, claims: dict[str, Any], faults: frozenset[str]) -> str:
    header: dict[str, Any] = {"alg": identity.key.jws_alg, "typ": REQUEST_OBJECT_TYP, "kid": identity.kid}
    if "verifier.oid4vp-no-typ" in faults:
        del header["typ"]
    key = identity.foreign if "verifier.oid4vp-foreign-request-key" in faults else identity.key
    return sign_compact(header, claims, key)


def request_url(identity: VerifierIdentity, request_uri: str, faults: frozenset[str]) -> str:
    """The `openid4vp://` URL a wallet is handed (by QR code or link), referencing the request."""
    client_id = identity.did if "verifier.oid4vp-client-id-mismatch" in faults else identity.client_id
    return "openid4vp://?" + urlencode({"client_id": client_id, "request_uri": request_uri})
