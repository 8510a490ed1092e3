"""Which Issuer Signature Mechanism finds an SD-JWT VC issuer's key (SD-JWT VC draft,
https://datatracker.ietf.org/doc/html/draft-ietf-oauth-sd-jwt-vc#name-issuer-signature-mechanisms).

"A recipient MUST determine and validate the public verification key for the Issuer-signed JWT
using a supported Issuer Signature Mechanism that is permitted for the given Issuer according
to policy." The suite's verifier supports the draft's two (an `x5c` header: x5c.py; an https
`iss`: jwt_vc_issuer.py) and DID URLs (a profile's mechanism, as for the other formats), tried
in that order; the first that applies decides, so a failing mechanism is never silently
replaced by another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .findings import KEY_NOT_FOUND, VerificationMethodError
from .jose import ResolveVm
from .jwt_vc_issuer import JwtVcIssuerResolver, is_issuer_url
from .keys import Key
from .sdjwt import resolver_from_vm
from .x5c import X5cResolver

DID, JWT_VC_ISSUER, X5C = "did", "jwt-vc-issuer", "x5c"
MECHANISMS = (DID, JWT_VC_ISSUER, X5C)
# The manifest capability tokens a verifier declares for each (docs/MANIFEST.md).
CAPABILITY = {m: f"sd-jwt-key:{m}" for m in MECHANISMS}


@dataclass
class SdJwtSigner:
    """The signing side (the suite's own issuers): key, `kid`, `iss` and extra header members."""

    key: Key
    kid: str
    iss: str
    headers: dict[str, Any] = field(default_factory=dict)


def mechanism_of(header: dict[str, Any], payload: dict[str, Any], http_hosts: frozenset[str] = frozenset()) -> str | None:
    if "x5c" in header:
        return X5C
    if is_issuer_url(payload.get("iss"), http_hosts):
        return JWT_VC_ISSUER
    kid, iss = header.get("kid"), payload.get("iss")
    if (isinstance(kid, str) and kid.startswith("did:")) or (isinstance(iss, str) and iss.startswith("did:")):
        return DID
    return None


def declared_mechanisms(supports: Sequence[str]) -> list[str]:
    """The mechanisms a vendor's `supports` names, in the suite's order of preference."""
    return [m for m in MECHANISMS if CAPABILITY[m] in supports]


class IssuerKeys:
    """An `sdjwt.IssuerKeyResolver` over the three mechanisms; `x5c` and `jwt_vc_issuer` are
    the resolvers of those modules (None: that mechanism is not available to this verifier)."""

    def __init__(self, resolve_vm: ResolveVm, *, jwt_vc_issuer: Any = None, x5c: Any = None):
        self.by_did = resolver_from_vm(resolve_vm)
        self.jwt_vc_issuer, self.x5c = jwt_vc_issuer, x5c

    def __call__(self, header: dict[str, Any], payload: dict[str, Any]) -> tuple[Key, str]:
        hosts = getattr(self.jwt_vc_issuer, "http_hosts", frozenset())
        mechanism = mechanism_of(header, payload, hosts)
        if mechanism == X5C:
            if self.x5c is None:
                raise VerificationMethodError(KEY_NOT_FOUND, "x5c issuer keys are not enabled (no trust anchors)")
            return self.x5c(header, payload)
        if mechanism == JWT_VC_ISSUER:
            if self.jwt_vc_issuer is None:
                raise VerificationMethodError(KEY_NOT_FOUND, "JWT VC Issuer Metadata is not enabled")
            return self.jwt_vc_issuer(header, payload)
        return self.by_did(header, payload)


def issuer_keys_for(resolver: Any, anchors: Sequence[Any] = ()) -> IssuerKeys:
    """Every mechanism over a DidResolver's guarded client and loopback-http hosts; x5c only
    with trust anchors (without them an x5c credential is refused as unanchored, never trusted)."""
    http = getattr(resolver, "http", None)
    metadata = JwtVcIssuerResolver(http, getattr(resolver, "http_hosts", frozenset())) if http is not None else None
    return IssuerKeys(resolver.resolve_vm, jwt_vc_issuer=metadata, x5c=X5cResolver(anchors))
