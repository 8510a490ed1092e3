"""Reading what an OpenID4VCI issuer issued, per format (Appendix A), without verifying it
(the suite's CredentialVerifier does that): the subject's claims, the key the credential is
bound to, and which SD-JWT claims travel in clear.

ldp_vc: a JSON object (A.1.2.4); jwt_vc_json: a JWT whose `vc` claim is the credential
(A.1.1.4); dc+sd-jwt: an SD-JWT VC string bound by `cnf.jwk` (A.3.4).
"""

from __future__ import annotations

from typing import Any

from ..credentials import ob_sdjwt
from ..credentials.jws import JwsError, parse_compact
from ..credentials.sdjwt import NEVER_DISCLOSABLE
from ..credentials.sdjwt_format import Disclosure, parse_sd_jwt, reveal


class UnreadableCredential(ValueError):
    """The issued value is not a credential of the format it was asked for."""


def _jwt_payload(token: Any) -> dict[str, Any]:
    try:
        payload = parse_compact(token).payload_json()
    except JwsError as exc:
        raise UnreadableCredential(f"not a compact JWT: {exc.message}") from None
    if not isinstance(payload, dict):
        raise UnreadableCredential("JWT payload is not an object")
    return payload


def sd_jwt_parts(token: Any) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """(issuer JWT payload as sent, claims with every disclosure applied, disclosed claims)."""
    if not isinstance(token, str) or "~" not in token:
        raise UnreadableCredential("a dc+sd-jwt credential is a string `<jwt>~<disclosure>~...~`")
    try:
        parts = parse_sd_jwt(token)
        payload = _jwt_payload(parts.issuer_jwt)
        claims, disclosed = reveal(payload, [Disclosure.parse(d) for d in parts.disclosures], NEVER_DISCLOSABLE)
    except (JwsError, ValueError) as exc:
        raise UnreadableCredential(f"unreadable SD-JWT: {exc}") from None
    return payload, claims, disclosed


def w3c_document(credential: Any, fmt: str) -> dict[str, Any]:
    if fmt == "ldp_vc":
        if not isinstance(credential, dict):
            raise UnreadableCredential("an ldp_vc credential is a JSON object (Appendix A.1.2.4)")
        return credential
    payload = _jwt_payload(credential) if isinstance(credential, str) else {}
    vc = payload.get("vc")
    if not isinstance(vc, dict):
        raise UnreadableCredential("a jwt_vc_json credential is a JWT with a `vc` object (Appendix A.1.1.4)")
    subject = vc.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        # VCDM 1.1 JWT decoding: `sub` is the subject's id when the object omits it.
        vc = {**vc, "credentialSubject": {**subject, "id": payload["sub"]}}
    return vc


def subject_claims(credential: Any, fmt: str) -> dict[str, Any]:
    """The learner's claims: credentialSubject, in the W3C credential or (the suite's Open Badge
    profile, credentials/ob_sdjwt.py) in the SD-JWT VC's claims with every disclosure applied."""
    if fmt == "dc+sd-jwt":
        subject = ob_sdjwt.subject_of(sd_jwt_parts(credential)[1])
        if not subject:
            raise UnreadableCredential("the SD-JWT VC has no credentialSubject object (Open Badge SD-JWT VC profile)")
        return subject
    subject = w3c_document(credential, fmt).get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict):
        raise UnreadableCredential("credentialSubject is not one object")
    return subject


def bound_key(credential: Any, fmt: str) -> Any:
    """What the credential is bound to: `cnf.jwk` (SD-JWT VC) or the subject id (a DID)."""
    if fmt == "dc+sd-jwt":
        cnf = sd_jwt_parts(credential)[1].get("cnf")
        return cnf.get("jwk") if isinstance(cnf, dict) else None
    return subject_claims(credential, fmt).get("id")
