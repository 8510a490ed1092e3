"""An Open Badges 3.0 achievement as an SD-JWT VC: the one shape the suite and its reference
vendors use, so a DCQL query means the same thing in every format.

Open Badges 3.0 defines no SD-JWT VC encoding, so this is the suite's profile (docs/CONTRACTS.md,
"SD-JWT VC for Open Badges"): the claims keep the W3C credential's JSON layout, so the claims
path pointers of an OpenID4VP query (`["credentialSubject", "name"]`, OpenID4VP §7) are the
same for `ldp_vc`, `jwt_vc_json` and `dc+sd-jwt`. `vct` is the Open Badges vocabulary IRI of
OpenBadgeCredential (a collision-resistant URI, SD-JWT VC §3.2.2.1.1). The learner's name and
the achievement are selectively disclosable; the holder is named by `cnf`, never by an
identifier in clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .keys import Key
from .sdjwt import issue_sd_jwt

VCT = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
DISCLOSABLE: tuple[tuple[str, ...], ...] = (("credentialSubject", "name"), ("credentialSubject", "achievement"))


def claims_of(subject: Mapping[str, Any], *, name: str | None = None) -> dict[str, Any]:
    """The SD-JWT VC claims for an AchievementSubject (its `id` dropped: `cnf` binds the holder)."""
    claims: dict[str, Any] = {"credentialSubject": {k: v for k, v in subject.items() if k != "id"}}
    if name is not None:
        claims["name"] = name
    return claims


def issue(subject: Mapping[str, Any], key: Key, kid: str, *, iss: str, holder_jwk: Mapping[str, Any] | None,
          name: str | None = None, status: Mapping[str, Any] | None = None, exp: int | None = None,
          vct: str = VCT, headers: Mapping[str, Any] | None = None) -> str:
    """An Open Badge SD-JWT VC for `subject`, bound to `holder_jwk`. `headers`: extra JOSE header
    members (an `x5c` chain)."""
    claims = claims_of(subject, name=name)
    disclosable = [p for p in DISCLOSABLE if p[-1] in claims["credentialSubject"]]
    return issue_sd_jwt(claims, key, kid, iss=iss, vct=vct, exp=exp, status=status,
                        disclosable=disclosable, holder_jwk=holder_jwk, extra_headers=headers)


def subject_of(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The AchievementSubject an SD-JWT VC of this profile carries (after its disclosures)."""
    subject = claims.get("credentialSubject")
    return dict(subject) if isinstance(subject, Mapping) else {}
