"""A vendor's own DID, read for a verdict about that vendor (its request's signature): a 5xx is
no verdict (NetError, the check errors), a 404 is the vendor's fault (no such DID)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ler_interop import net
from ler_interop.credentials.did import DidResolutionError
from ler_interop.protocols.oid4vp_request import VerdictResolver
from ler_interop.reference.didweb import did_web_for
from ler_interop.reference.serving import LoopbackServer


def _app(origin: str) -> Starlette:
    async def down(request):
        return PlainTextResponse("maintenance", status_code=503)

    async def missing(request):
        return PlainTextResponse("no such DID", status_code=404)

    return Starlette(routes=[Route("/down/did.json", down), Route("/missing/did.json", missing)])


@pytest.fixture(scope="module")
def origin():
    with LoopbackServer(_app, name="did-host") as server:
        yield server.url


def test_a_5xx_is_no_verdict_and_a_404_is_the_vendors_fault(origin):
    with net.Http(net.LOOPBACK_NAMES) as http:
        resolver = VerdictResolver(http=http, http_hosts=net.LOOPBACK_NAMES)
        with pytest.raises(net.NetError):
            resolver.resolve_vm(did_web_for(origin, "down") + "#k", "authentication")
        with pytest.raises(DidResolutionError):
            resolver.resolve_vm(did_web_for(origin, "missing") + "#k", "authentication")
