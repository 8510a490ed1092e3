"""How the suite's own SD-JWT VC issuers (the reference issuer and the counterparts) name their
key, one of the SD-JWT VC draft's Issuer Signature Mechanisms or a DID:

- `did`: `iss` is the issuer's did:web, `kid` a DID URL of its document (the default);
- `jwt-vc-issuer`: `iss` is the issuer's URL, whose JWT VC Issuer Metadata
  (`/.well-known/jwt-vc-issuer` + path) publishes the key by value, `kid` names it;
- `x5c`: `iss` is the issuer's URL, the header carries an end-entity certificate naming it,
  issued by the suite's CA (credentials/x509_issuer.py), which a verifier adds as a trust anchor.

The fault `issuer.jwt-vc-issuer-mismatch` selects `jwt-vc-issuer` and publishes metadata whose
`issuer` is not the credentials' `iss` (a trailing slash), which the draft forbids using.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..credentials.issuer_keys import DID, JWT_VC_ISSUER, MECHANISMS, SdJwtSigner
from ..credentials.jwt_vc_issuer import METADATA_KID, metadata_document, metadata_path
from ..credentials.x509_issuer import IssuingCa

MISMATCH_FAULT = "issuer.jwt-vc-issuer-mismatch"


def mode_of(configured: str, faults: frozenset[str]) -> str:
    mode = JWT_VC_ISSUER if MISMATCH_FAULT in faults else configured
    if mode not in MECHANISMS:
        raise ValueError(f"unknown SD-JWT issuer key mechanism {mode!r} ({', '.join(MECHANISMS)})")
    return mode


def signer(mode: str, issuer_url: str, identity: Any, ca: IssuingCa | None) -> SdJwtSigner:
    """The key, kid, iss and extra header the issuer at `issuer_url` signs SD-JWT VCs with."""
    if mode == DID:
        return SdJwtSigner(identity.ed25519, identity.vm_for("eddsa-rdfc-2022"), identity.did)
    if mode == JWT_VC_ISSUER:
        return SdJwtSigner(identity.ed25519, METADATA_KID, issuer_url)
    if ca is None:
        raise ValueError("x5c needs the suite's issuing CA")
    # P-256: the key type every X.509 stack (and the Web PKI profile the chain is checked by) accepts.
    return SdJwtSigner(identity.p256, "", issuer_url, {"x5c": ca.x5c(issuer_url, identity.p256)})


def metadata_route(issuer_url: str, identity: Any, faults: frozenset[str], path: str | None = None) -> Route:
    """GET of the JWT VC Issuer Metadata, at `path` (default: where it is for `issuer_url`)."""
    named = issuer_url + "/" if MISMATCH_FAULT in faults else issuer_url

    async def metadata(request: Request) -> Response:
        return JSONResponse(metadata_document(named, [{**identity.ed25519.public_jwk(), "kid": METADATA_KID}]))

    return Route(path or metadata_path(issuer_url), metadata, methods=["GET"])
