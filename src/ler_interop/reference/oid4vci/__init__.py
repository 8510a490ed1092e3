"""The reference issuer's OpenID4VCI 1.0 side (https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html).

`routes(issuer)` adds its endpoints to the reference issuer's app; `extend_manifest(entry, url)`
adds the `oid4vci` section and capability tokens to the reference vendor's issuer role.

Endpoints: GET /.well-known/openid-credential-issuer (metadata.py), GET
/.well-known/oauth-authorization-server, POST /offers and GET /offers/{id} (offers.py, the
backchannel), POST /token and POST /nonce (token.py), POST /credential and POST /notification
(credential.py), GET /token-status (token_status.py, the SD-JWT VCs' Token Status List); key
proofs in proofs.py, credential formats in formats.py.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import credential, offers, token, token_status
from .metadata import authorization_server_metadata, issuer_metadata
from .service import Service

SUPPORTS = ("oid4vci", "ldp_vc", "jwt_vc_json", "dc+sd-jwt", "tx_code", "by-reference", "did:key", "did:jwk")


def routes(issuer: Any) -> list:
    svc = Service(issuer)
    issuer.oid4vci = svc  # its state, for the suite's own tests (tests/test_oid4vci_*.py)

    async def metadata(request: Request) -> Response:
        return JSONResponse(issuer_metadata(svc.url, issuer.faults))

    async def as_metadata(request: Request) -> Response:
        return JSONResponse(authorization_server_metadata(svc.url, issuer.faults))

    return [
        Route("/.well-known/openid-credential-issuer", metadata, methods=["GET"]),
        Route("/.well-known/oauth-authorization-server", as_metadata, methods=["GET"]),
        *offers.routes(svc),
        *token.routes(svc),
        *credential.routes(svc),
        *token_status.routes(svc),
    ]


def extend_manifest(entry: dict[str, Any], issuer_url: str) -> None:
    entry["oid4vci"] = {"credential_issuer": issuer_url, "offers": issuer_url + "/offers"}
    supports = entry.setdefault("supports", [])
    supports += [token for token in SUPPORTS if token not in supports]
