"""`jwt_vc_json`: W3C credentials secured as JWTs in the VCDM 1.1 JWT encoding.

The credential travels in a `vc` claim and a presentation in a `vp` claim, with the
registered JWT claims carrying issuer (`iss`), subject (`sub`), id (`jti`) and validity
(`nbf`, `exp`) (https://www.w3.org/TR/vc-data-model-1.1/#jwt-encoding). This is the format
OpenID4VCI and OpenID4VP name `jwt_vc_json`
(https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#appendix-B.1.3.1), and the
one Open Badges 3.0 uses for its JWT proof format
(https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof-format). It is not VC-JOSE (`vc+jwt`,
jose.py), where the payload *is* the credential and `vc`/`vp` claims are forbidden.

Presentations bind to a verifier with the JWT `nonce` and `aud` claims (OpenID4VP
Appendix B.1.3.1.4: `nonce` = the request's nonce, `aud` = the client_id).
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from collections.abc import Mapping, Sequence
from typing import Any

from .datamodel import parse_datetime
from .findings import CHALLENGE_MISMATCH, DOMAIN_MISMATCH, MALFORMED_PROOF, Finding, ProofResult
from .jose import (Now, ResolveVm, absolute_kid, audience_matches, check_numeric_dates, check_time_claims, epoch_seconds,
                   id_of, resolve_key)
from .jws import JwsError, check_alg, check_typ, parse_compact, sign_compact, verify_signature
from .keys import Key

# The 1.1 encoding predates media-typed `typ` values; "JWT" (RFC 7519 §5.1) or no typ at all.
ACCEPTED_TYP = ("JWT", None)
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# How long a presentation JWT is good for: it answers one request.
PRESENTATION_LIFETIME = 300


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if len(subject) == 1 else None
    return id_of(subject)


def _epoch(value: Any) -> int | None:
    parsed = parse_datetime(value)
    return int(parsed.timestamp()) if parsed is not None else None


def mirrored_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT claims that mirror a credential (iss, sub, jti, nbf, exp; those it has): VCDM 1.1
    §6.3.1, and Open Badges 3.0 §8.2.4 for a badge's VC-JWT."""
    claims = {"iss": id_of(credential.get("issuer")), "sub": _subject_id(credential), "jti": id_of(credential.get("id")),
              "nbf": _epoch(credential.get("validFrom")), "exp": _epoch(credential.get("validUntil"))}
    return {k: v for k, v in claims.items() if v is not None}


def sign_jwt_vc(
    credential: Mapping[str, Any],
    key: Key,
    kid: str,
    *,
    extra_claims: Mapping[str, Any] | None = None,
    extra_headers: Mapping[str, Any] | None = None,
) -> str:
    """Secure `credential` as a `jwt_vc_json` JWT signed by `key` (`kid`: its DID URL).

    The registered claims mirror the credential (VCDM 1.1 §6.3.1 encoding rules); the
    credential itself stays whole in `vc`, so nothing depends on decoding them back.
    `extra_claims` / `extra_headers` are merged last, for negative vectors.
    """
    payload: dict[str, Any] = {"iat": int(time.time()), **mirrored_claims(credential)}
    payload["vc"] = dict(credential)
    payload.update(extra_claims or {})
    header = {"alg": key.jws_alg, "typ": "JWT", "kid": kid, **(extra_headers or {})}
    return sign_compact(header, payload, key)


def sign_jwt_vp(
    credentials: Sequence[str | Mapping[str, Any]],
    holder_key: Key,
    kid: str,
    *,
    holder: str,
    nonce: str,
    aud: str,
    extra_claims: Mapping[str, Any] | None = None,
    extra_headers: Mapping[str, Any] | None = None,
) -> str:
    """A presentation JWT (`vp` claim) of `credentials`, signed by the holder and bound to one
    request by `nonce` and `aud`."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": holder,
        "jti": f"urn:uuid:{uuid.uuid4()}",
        "aud": aud,
        "nonce": nonce,
        "iat": now,
        "exp": now + PRESENTATION_LIFETIME,
        "vp": {
            "@context": [VC_V2_CONTEXT],
            "type": ["VerifiablePresentation"],
            "holder": holder,
            "verifiableCredential": list(credentials),
        },
    }
    payload.update(extra_claims or {})
    header = {"alg": holder_key.jws_alg, "typ": "JWT", "kid": kid, **(extra_headers or {})}
    return sign_compact(header, payload, holder_key)


def is_jwt_vc_payload(payload: Any) -> bool:
    return isinstance(payload, dict) and ("vc" in payload or "vp" in payload)


def decoded_document(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential or presentation a `vc`/`vp` claim carries, with what the registered claims
    say filled in where the object itself is silent (VCDM 1.1 §6.3.1 decoding)."""
    if isinstance(payload.get("vp"), dict):
        doc = dict(payload["vp"])
        if "holder" not in doc and isinstance(payload.get("iss"), str):
            doc["holder"] = payload["iss"]
        return doc
    # A `vc` claim that is not an object decodes to no credential: the data-model check then
    # names what is missing (a broken VC-JWT is "not verified", not unreadable input).
    doc = dict(payload["vc"]) if isinstance(payload.get("vc"), dict) else {}
    if "issuer" not in doc and isinstance(payload.get("iss"), str):
        doc["issuer"] = payload["iss"]
    if "id" not in doc and isinstance(payload.get("jti"), str):
        doc["id"] = payload["jti"]
    subject = doc.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        doc["credentialSubject"] = {**subject, "id": payload["sub"]}
    if _names_v1_context(doc):
        # VCDM 1.1 §6.3.1: nbf "MUST be used to set the value of the issuanceDate property", exp
        # that of expirationDate (a 1.1 `vc` claim may leave both to the registered claims).
        for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
            stamp = _stamp(payload.get(claim))
            if prop not in doc and stamp is not None:
                doc[prop] = stamp
    return doc


def _names_v1_context(doc: Mapping[str, Any]) -> bool:
    ctx = doc.get("@context")
    return (ctx[0] if isinstance(ctx, list) and ctx else ctx) == "https://www.w3.org/2018/credentials/v1"


def _stamp(value: Any) -> str | None:
    """A NumericDate as an XML Schema dateTime in UTC; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(int(value), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return None


def check_consistency(payload: Mapping[str, Any], doc: Mapping[str, Any]) -> None:
    """A registered claim that contradicts the credential would let two readers see two
    different credentials under one signature (VCDM 1.1 §6.3.1: they must agree)."""
    for claim, value in (("iss", id_of(doc.get("issuer"))), ("jti", id_of(doc.get("id"))),
                         ("sub", _subject_id(doc))):
        if claim in payload and value is not None and payload[claim] != value:
            raise JwsError(MALFORMED_PROOF, f"JWT claim {claim}={payload[claim]!r} contradicts the credential ({value!r})")


def _verify(token: str, resolve_vm: ResolveVm, claim: str, purpose: str) -> tuple[ProofResult, dict[str, Any]]:
    details: dict[str, Any] = {}
    result = ProofResult(True, details=details)
    jws = parse_compact(token)
    details["header"] = jws.header
    check_alg(jws.header)
    check_typ(jws.header, ACCEPTED_TYP)
    payload = jws.payload_json()
    if not isinstance(payload, dict) or not isinstance(payload.get(claim), dict):
        raise JwsError(MALFORMED_PROOF, f"JWT payload has no `{claim}` object (VCDM 1.1 JWT encoding)")
    if "vc" in payload and "vp" in payload:  # two readers would see two different documents
        raise JwsError(MALFORMED_PROOF, "JWT payload carries both `vc` and `vp`")
    details["payload"] = payload
    doc = decoded_document(payload)
    details["document"] = doc
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise JwsError(MALFORMED_PROOF, "JOSE header has no kid naming the verification method")
    signer = payload.get("iss") if isinstance(payload.get("iss"), str) else None
    vm_url = absolute_kid(kid, signer)
    result.verification_methods.append(vm_url)
    key, controller = resolve_key(resolve_vm, vm_url, purpose)
    result.controllers.append(controller)
    verify_signature(jws, key)
    return result, payload


def verify_jwt_vc(token: str, resolve_vm: ResolveVm, *, purpose: str = "assertionMethod") -> ProofResult:
    """Signature and structure of a `jwt_vc_json` credential. `exp`/`nbf` are the credential's
    validity period here, not the signature's: `validity_findings` judges them, so an expired
    credential is reported as expired, as for every other format."""
    vms: list[str] = []
    try:
        result, payload = _verify(token, resolve_vm, "vc", purpose)
        vms = result.verification_methods
        check_numeric_dates(payload)  # whether now is inside them is validity_findings' call
        check_consistency(payload, result.details["document"])
    except JwsError as err:
        return ProofResult.fail(err.reason, err.message, verification_methods=vms)
    return result


def validity_findings(payload: Mapping[str, Any], now: Now) -> list[Finding]:
    current = epoch_seconds(now)
    out = []
    exp, nbf = payload.get("exp"), payload.get("nbf")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and current >= exp:
        out.append(Finding("validity.expired", "$.exp", f"JWT expired at {exp} (now {int(current)})"))
    if isinstance(nbf, (int, float)) and not isinstance(nbf, bool) and current < nbf:
        out.append(Finding("validity.not-yet-valid", "$.nbf", f"JWT not valid before {nbf} (now {int(current)})"))
    return out


def verify_jwt_vp(token: str, resolve_vm: ResolveVm, *, nonce: str | None = None, aud: str | None = None,
                  now: Now = None, leeway: float = 0) -> ProofResult:
    """A `jwt_vc_json` presentation: signed by the holder (`iss`), within its own exp/nbf, and,
    when expected, carrying the verifier's `nonce` and `aud`. `details["document"]` is the `vp`."""
    vms: list[str] = []
    controllers: list[str] = []
    try:
        result, payload = _verify(token, resolve_vm, "vp", "authentication")
        vms, controllers = result.verification_methods, result.controllers
        check_time_claims(payload, now, leeway)
        if nonce is not None and payload.get("nonce") != nonce:
            raise JwsError(CHALLENGE_MISMATCH, f"nonce is {payload.get('nonce')!r}, expected {nonce!r}")
        if aud is not None and not audience_matches(payload.get("aud"), aud):
            raise JwsError(DOMAIN_MISMATCH, f"aud is {payload.get('aud')!r}, expected {aud!r}")
        holder = payload.get("iss")
        vp_holder = id_of(payload["vp"].get("holder"))
        if vp_holder is not None and holder is not None and vp_holder != holder:
            raise JwsError(MALFORMED_PROOF, f"vp.holder {vp_holder!r} is not the JWT iss {holder!r}")
    except JwsError as err:
        return ProofResult.fail(err.reason, err.message, verification_methods=vms, controllers=controllers)
    return result
