"""The suite's wallet making OpenID4VP 1.0 presentations, one builder per format, each bound
to the request's `nonce` and full `client_id` (Appendix B,
https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#appendix-B):
`ldp_vc` proof challenge/domain, `jwt_vc_json` VP JWT nonce/aud, `dc+sd-jwt` KB-JWT nonce/aud.

Also the DCQL credential queries the suite asks with, and the SD-JWT VC form of an Open Badge
the suite issues itself, so every format carries the same OB 3.0 achievement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..credentials import crafting, jwtvc, ob_sdjwt, sdjwt
from ..credentials.issuer_keys import SdJwtSigner
from ..credentials.keys import Key

OB_TYPE_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
# The SD-JWT VC type of the suite's badges (a collision-resistant URI, SD-JWT VC §3.2.2.1.1).
OB_VCT = ob_sdjwt.VCT
FORMATS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")
QUERY_ID = "badge"

# The claims the suite asks for: the learner's name and the achievement's name. W3C paths
# start at the credential (Appendix B.1.2); the SD-JWT VC carries the same subject object.
ASKED_CLAIMS: tuple[tuple[str, ...], ...] = (("credentialSubject", "name"), ("credentialSubject", "achievement", "name"))


def credential_query(fmt: str, claims: Sequence[Sequence[Any]] = ASKED_CLAIMS, *, query_id: str = QUERY_ID) -> dict:
    """A DCQL query with one credential query for an Open Badge in `fmt`."""
    meta = {"vct_values": [OB_VCT]} if fmt == "dc+sd-jwt" else {"type_values": [[OB_TYPE_IRI]]}
    cq: dict[str, Any] = {"id": query_id, "format": fmt, "meta": meta}
    if claims:
        cq["claims"] = [{"path": list(path)} for path in claims]
    return {"credentials": [cq]}


# -- credentials the suite issues itself ------------------------------------------------------
def sd_jwt_badge(issuer: SdJwtSigner, holder_key: Key, credential: Mapping[str, Any], *,
                 exp: int | None = None, vct: str = OB_VCT, status: Mapping[str, Any] | None = None) -> str:
    """An OB 3.0 credential's subject as an SD-JWT VC of the suite's Open Badge profile
    (credentials/ob_sdjwt.py), bound to `holder_key`, its issuer key named by `issuer`'s
    mechanism (protocols/sdjwt_issuers.py). `status`: a Token Status List reference."""
    return ob_sdjwt.issue(credential["credentialSubject"], issuer.key, issuer.kid, iss=issuer.iss,
                          holder_jwk=holder_key.public_jwk(), name=credential.get("name"), status=status,
                          exp=exp, vct=vct, headers=issuer.headers)


def jwt_badge(issuer: crafting.Signer, credential: Mapping[str, Any]) -> str:
    """A `jwt_vc_json` credential (VCDM 1.1 JWT encoding, `vc` claim) signed by `issuer`."""
    doc = dict(credential)
    doc["issuer"] = {**doc["issuer"], "id": issuer.did} if isinstance(doc.get("issuer"), dict) else issuer.did
    return jwtvc.sign_jwt_vc(doc, issuer.key, issuer.vm)


# -- presentations ------------------------------------------------------------------------------
def ldp_vp(holder: crafting.Signer, credentials: list[dict], *, nonce: str, client_id: str) -> dict:
    """Appendix B.1.3.2.5: proof `challenge` = nonce, `domain` = client_id."""
    return crafting.presentation(holder, credentials, challenge=nonce, domain=client_id)


def jwt_vp(holder: crafting.Signer, credentials: list[str], *, nonce: str, client_id: str,
           extra_claims: Mapping[str, Any] | None = None) -> str:
    """Appendix B.1.3.1.5: VP JWT `nonce` = nonce, `aud` = client_id."""
    return jwtvc.sign_jwt_vp(credentials, holder.key, holder.vm, holder=holder.did, nonce=nonce, aud=client_id,
                             extra_claims=extra_claims)


def sd_jwt_vp(sd_jwt: str, holder_key: Key, *, nonce: str, client_id: str,
              disclose: Sequence[Sequence[Any]] = ASKED_CLAIMS, kb_claims: Mapping[str, Any] | None = None) -> str:
    """Appendix B.3.6: SD-JWT+KB whose KB-JWT `nonce` = nonce, `aud` = client_id; only the
    asked claims are disclosed (§6.4: nothing selectively disclosable beyond them)."""
    return sdjwt.present(sd_jwt, [tuple(p) for p in disclose], holder_key=holder_key, nonce=nonce, aud=client_id,
                         kb_claims=kb_claims)
