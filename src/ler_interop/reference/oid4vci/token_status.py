"""The reference issuer's IETF Token Status List for the SD-JWT VCs it issues over OpenID4VCI
(https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/; SD-JWT VC `status` claim).

Indices come from the issuer's Bitstring Status List registry (one index space, herd-sized),
so revoking or suspending there shows here too: the list token is built from the registry
on every fetch, 2 bits per entry (1 = invalid/revoked, 2 = suspended), and signed by the
issuer's own key.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...credentials import tokenstatus
from .service import Service

PATH = "/token-status"

def allocate(svc: Service) -> tuple[str, dict[str, Any]]:
    """(the SD-JWT VC's `jti`, its `status` claim): a fresh index, under an id the issuer's VC API
    status endpoint (`POST /credentials/status {credentialId}`) can revoke or suspend."""
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    index = svc.issuer.registry.allocate(credential_id, ("revocation", "suspension"))
    return credential_id, tokenstatus.reference(svc.url + PATH, index)


def list_token(svc: Service) -> str:
    registry = svc.issuer.registry
    statuses = tokenstatus.TokenStatusList(bits=2, size=registry.length)
    for index, value in registry.token_status_values().items():
        statuses.set(index, value)
    signer = svc.issuer.sd_jwt_signer()  # the same key, named the same way, as the credentials it covers
    return tokenstatus.sign_status_list_token(statuses, svc.url + PATH, signer.key, signer.kid, ttl=svc.status_ttl,
                                              headers=signer.headers)


def routes(svc: Service) -> list[Route]:
    async def serve(request: Request) -> Response:
        token = await run_in_threadpool(list_token, svc)
        # Public like every status list: CORS-open, briefly cacheable (herd privacy, P2).
        cache = f"public, max-age={svc.status_ttl}" if svc.status_ttl else "no-cache"
        return Response(token, media_type=tokenstatus.MEDIA_TYPE,
                        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": cache})

    return [Route(PATH, serve, methods=["GET"])]
