"""VC-JOSE: credentials and presentations secured as compact JWS (`vc+jwt`, `vp+jwt`).

W3C "Securing Verifiable Credentials using JOSE and COSE" 1.0
(https://www.w3.org/TR/vc-jose-cose/#securing-with-jose): the JWS payload *is* the
VCDM 2.0 credential (or presentation); `typ` is `vc+jwt` / `vp+jwt`, `cty` when present
is `vc` / `vp`. The suite's profile also requires `kid` as a DID URL naming the
verification method, resolved through a pluggable `resolve_vm(vm_url, purpose)` that
returns `(Key, controller)` or raises an exception carrying `.reason`
(`key-not-found` / `key-not-authorized`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .findings import (
    CHALLENGE_MISMATCH,
    DOMAIN_MISMATCH,
    KEY_NOT_FOUND,
    MALFORMED_PROOF,
    PROOF_EXPIRED,
    PROOF_NOT_YET_VALID,
    ProofResult,
)
from .jws import JwsError, check_alg, check_typ, parse_compact, sign_compact, verify_signature
from .keys import Key

VC_JWT = "vc+jwt"
VP_JWT = "vp+jwt"
VC_MEDIA_TYPE = "application/vc+jwt"

ResolveVm = Callable[[str, str], tuple[Key, str]]
Now = datetime | int | float | None


def epoch_seconds(now: Now) -> float:
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        return now.timestamp()
    return float(now)


def id_of(value: Any) -> str | None:
    """A non-empty id given as a string or as an object's `id` (issuer, holder, subject)."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def absolute_kid(kid: str, signer_id: str | None) -> str:
    """A kid of only a fragment ("#key-1") is relative to the signer's DID; others stay as they are."""
    if kid.startswith("#") and signer_id and signer_id.startswith("did:"):
        return signer_id.split("#", 1)[0] + kid
    return kid


def guarded_resolution(label: str, resolve: Callable[[], tuple[Key, str]]) -> tuple[Key, str]:
    """Run a key resolver; an exception with a `.reason` keeps that reason, any other is key-not-found."""
    try:
        key, controller = resolve()
    except JwsError:
        raise
    except Exception as exc:  # resolvers live in other modules: accept their own error types
        reason = getattr(exc, "reason", None)
        raise JwsError(reason if isinstance(reason, str) else KEY_NOT_FOUND, f"{label}: {exc}") from None
    if not isinstance(key, Key):
        raise JwsError(KEY_NOT_FOUND, f"{label}: resolver returned no key")
    return key, controller


def resolve_key(resolve_vm: ResolveVm, vm_url: str, purpose: str) -> tuple[Key, str]:
    return guarded_resolution(vm_url, lambda: resolve_vm(vm_url, purpose))


def check_numeric_dates(claims: Mapping[str, Any]) -> None:
    """exp, nbf and iat, when present, are NumericDates (RFC 7519 §2)."""
    for name in ("exp", "nbf", "iat"):
        if name in claims and (isinstance(claims[name], bool) or not isinstance(claims[name], (int, float))):
            raise JwsError(MALFORMED_PROOF, f"{name} must be a NumericDate (seconds since the epoch)")


def check_time_claims(claims: Mapping[str, Any], now: Now, leeway: float = 0) -> None:
    """exp / nbf per RFC 7519 §4.1.4-4.1.5 (https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4)."""
    current = epoch_seconds(now)
    check_numeric_dates(claims)
    if "exp" in claims and current >= claims["exp"] + leeway:
        raise JwsError(PROOF_EXPIRED, f"expired at {claims['exp']} (now {int(current)})")
    if "nbf" in claims and current < claims["nbf"] - leeway:
        raise JwsError(PROOF_NOT_YET_VALID, f"not valid before {claims['nbf']} (now {int(current)})")


def audience_matches(aud: Any, expected: str) -> bool:
    # aud is one string or an array of strings (https://www.rfc-editor.org/rfc/rfc7519#section-4.1.3).
    return aud == expected or (isinstance(aud, list) and expected in aud)


def sign_vc_jwt(
    credential: Mapping[str, Any],
    key: Key,
    kid: str,
    typ: str = VC_JWT,
    extra_headers: Mapping[str, Any] | None = None,
) -> str:
    """Secure a VCDM 2.0 credential (or, with typ="vp+jwt", a presentation) as a compact JWS.

    `extra_headers` is merged last, so negative vectors can override alg/typ/kid.
    """
    header: dict[str, Any] = {"alg": key.jws_alg, "kid": kid, "typ": typ, **(extra_headers or {})}
    return sign_compact(header, credential, key)


def sign_vp_jwt(
    presentation: Mapping[str, Any],
    key: Key,
    kid: str,
    *,
    nonce: str | None = None,
    aud: str | list[str] | None = None,
    extra_headers: Mapping[str, Any] | None = None,
) -> str:
    """Secure a presentation as `vp+jwt`, bound to a verifier by the JWT `nonce` and `aud` claims."""
    payload = dict(presentation)
    if nonce is not None:
        payload["nonce"] = nonce
    if aud is not None:
        payload["aud"] = aud
    return sign_vc_jwt(payload, key, kid, typ=VP_JWT, extra_headers=extra_headers)


def enveloped_credential(vc_jwt: str) -> dict[str, Any]:
    """An EnvelopedVerifiableCredential for a VP (https://www.w3.org/TR/vc-data-model-2.0/#enveloped-verifiable-credentials)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:{VC_MEDIA_TYPE},{vc_jwt}",
        "type": "EnvelopedVerifiableCredential",
    }


def verify_jws(
    token: str,
    resolve_vm: ResolveVm,
    *,
    expected_typ: str | tuple[str, ...] | None = None,
    purpose: str = "assertionMethod",
    nonce: str | None = None,
    aud: str | None = None,
    now: Now = None,
    leeway: float = 0,
) -> ProofResult:
    """Verify a `vc+jwt` / `vp+jwt`. On success `details` has "header" and "payload".

    Order follows RFC 7515 §5.2 and RFC 8725: structure, alg, typ, key, signature, then claims.
    `nonce` / `aud`, when given, are the verifier's expected presentation binding
    (the JWT analogues of a Data Integrity challenge and domain).
    """
    details: dict[str, Any] = {}
    vms: list[str] = []
    controllers: list[str] = []
    try:
        jws = parse_compact(token)
        details["header"] = jws.header
        check_alg(jws.header)
        check_typ(jws.header, expected_typ)
        payload = jws.payload_json()
        if not isinstance(payload, dict):
            raise JwsError(MALFORMED_PROOF, "JWS payload is not a JSON object")
        details["payload"] = payload
        kid = jws.header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise JwsError(MALFORMED_PROOF, "JOSE header has no kid naming the verification method")
        signer = payload.get("iss") or id_of(payload.get("issuer")) or id_of(payload.get("holder"))
        vm_url = absolute_kid(kid, signer if isinstance(signer, str) else None)
        vms.append(vm_url)
        key, controller = resolve_key(resolve_vm, vm_url, purpose)
        controllers.append(controller)
        verify_signature(jws, key)
        # The vc/vp claims of the VC-JWT 1.1 era are forbidden here
        # (https://www.w3.org/TR/vc-jose-cose/#jose-header-parameters-jwt-claims).
        for legacy in ("vc", "vp"):
            if legacy in payload:
                raise JwsError(MALFORMED_PROOF, f"JWT claim {legacy!r} must not be present (VCDM 1.1 style payload)")
        # iat/exp/nbf, when present, bound the signature's own validity (same section).
        check_time_claims(payload, now, leeway)
        if nonce is not None and payload.get("nonce") != nonce:
            raise JwsError(CHALLENGE_MISMATCH, f"nonce is {payload.get('nonce')!r}, expected {nonce!r}")
        if aud is not None and not audience_matches(payload.get("aud"), aud):
            raise JwsError(DOMAIN_MISMATCH, f"aud is {payload.get('aud')!r}, expected {aud!r}")
    except JwsError as err:
        return ProofResult.fail(err.reason, err.message, verification_methods=vms, controllers=controllers, details=details)
    return ProofResult(True, verification_methods=vms, controllers=controllers, details=details)
