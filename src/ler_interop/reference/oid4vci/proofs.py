"""Validating `jwt` key proofs (OpenID4VCI 1.0 Appendix F.1, F.4).

A proof must be typed `openid4vci-proof+jwt`, use an asymmetric alg the metadata lists (never
`none`), name its key by exactly one of `kid` (a did:key / did:jwk DID URL) or `jwk` (public
only), verify under that key, be addressed (`aud`) to the Credential Issuer, be recent (`iat`)
and carry a live c_nonce from the Nonce Endpoint. A bad nonce is `invalid_nonce` (the wallet
should fetch another); everything else `invalid_proof` (§8.3.1.2).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ...credentials.did import DidResolver, did_jwk
from ...credentials.findings import VerificationMethodError
from ...credentials.jws import JwsError, parse_compact, verify_signature
from ...credentials.keys import Key, KeyFormatError
from .errors import OAuthError
from .metadata import PROOF_SIGNING_ALGS
from .service import Service

PROOF_TYP = "openid4vci-proof+jwt"
MAX_AGE = 300  # s an iat may lie in the past
MAX_SKEW = 60  # s it may lie in the future (§13.8 allows a little clock skew)


@dataclass(frozen=True)
class ProvenKey:
    """A key the wallet proved it holds, and the DID that names it (did:key/did:jwk)."""

    key: Key
    did: str
    nonce: str | None


def _invalid(message: str) -> OAuthError:
    return OAuthError("invalid_proof", message)


def _holder_key(header: dict) -> tuple[Key, str]:
    named = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(named) != 1:
        raise _invalid(f"the JOSE header must name the key by exactly one of kid, jwk, x5c (has {named or 'none'})")
    if named == ["x5c"]:
        raise _invalid("x5c keys are not accepted here; use kid (did:key, did:jwk) or jwk")
    if "jwk" in header:
        jwk = header["jwk"]
        if not isinstance(jwk, dict) or "d" in jwk:
            raise _invalid("the jwk header must be a public JWK (F.4: no private key in the header)")
        try:
            key = Key.from_jwk(jwk)
        except KeyFormatError as exc:
            raise _invalid(f"unusable jwk: {exc}") from None
        return key, did_jwk(key)
    kid = header["kid"]
    if not isinstance(kid, str) or not kid.startswith(("did:key:", "did:jwk:")):
        raise _invalid("kid must be a did:key or did:jwk DID URL")
    try:  # did:key and did:jwk resolve offline; nothing is fetched for a wallet's kid
        key, controller = DidResolver().resolve_vm(kid, "authentication")
    except (VerificationMethodError, KeyFormatError) as exc:
        raise _invalid(f"kid {kid!r} does not resolve: {exc}") from None
    return key, controller


def validate(svc: Service, token: object) -> ProvenKey:
    if not isinstance(token, str):
        raise _invalid("each jwt proof must be a compact JWS string")
    try:
        jws = parse_compact(token)
        payload = jws.payload_json()
    except JwsError as exc:
        raise _invalid(f"malformed proof JWT: {exc.message}") from None
    header = jws.header
    if header.get("typ") != PROOF_TYP and not svc.has("issuer.oid4vci-ignore-proof-typ"):
        raise _invalid(f"typ is {header.get('typ')!r}, must be {PROOF_TYP!r}")
    alg = header.get("alg")
    unverifiable = alg not in PROOF_SIGNING_ALGS
    if unverifiable and not svc.has("issuer.oid4vci-accept-alg-none"):
        raise _invalid(f"alg {alg!r} is not one of {', '.join(PROOF_SIGNING_ALGS)}")
    key, did = _holder_key(header)
    if not unverifiable and not svc.has("issuer.oid4vci-ignore-proof-signature"):
        try:
            verify_signature(jws, key)
        except JwsError as exc:
            raise _invalid(f"signature does not verify under the header's key: {exc.message}") from None
    if not isinstance(payload, dict):
        raise _invalid("proof payload is not a JSON object")
    if payload.get("aud") != svc.url and not svc.has("issuer.oid4vci-ignore-proof-aud"):
        raise _invalid(f"aud is {payload.get('aud')!r}, must be the Credential Issuer Identifier {svc.url}")
    iat, now = payload.get("iat"), time.time()
    if isinstance(iat, bool) or not isinstance(iat, (int, float)) or not now - MAX_AGE <= iat <= now + MAX_SKEW:
        raise _invalid(f"iat {iat!r} is missing or outside the accepted window")
    nonce = payload.get("nonce")
    if not svc.has("issuer.oid4vci-ignore-nonce"):
        if nonce is None:
            raise _invalid("the proof has no nonce; this issuer has a Nonce Endpoint (F.1)")
        if not isinstance(nonce, str) or not svc.state.nonce_valid(nonce):
            raise OAuthError("invalid_nonce", "the nonce is unknown, expired or already used; get a fresh c_nonce")
    return ProvenKey(key, did, nonce if isinstance(nonce, str) else None)
