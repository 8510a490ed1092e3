"""The suite's counterparts on ONE origin B (the public base URL), for testing a vendor's wallet.

    B/issuer, B/issuer-2      two OpenID4VCI Credential Issuers (counterparts/issuer.py)
    B/.well-known/openid-credential-issuer/<name>     their metadata (OpenID4VCI 1.0 §12.2.2,
                              https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html#section-12.2.2)
    B/.well-known/oauth-authorization-server/<name>   their AS metadata (RFC 8414 §3.1)
    B/.well-known/jwt-vc-issuer/<name>                their JWT VC Issuer Metadata (SD-JWT VC draft,
                              https://datatracker.ietf.org/doc/html/draft-ietf-oauth-sd-jwt-vc#name-jwt-vc-issuer-metadata):
                              the issuer B/<name> has it at B's root, outside its own mount
    B/verifier                the OpenID4VP verifier (counterparts/verifier.py)
    B/issuers/<n>/did.json, B/status-lists/<n>, ...   the host (counterparts/host.py)

Every request is recorded (counterparts/recording.py). B defaults to http://127.0.0.1:<free
port>; config.py turns --counterpart-url/--counterpart-bind into a bind address and B. When B
is not this machine's loopback, the suite's own fetches of B URLs (its verifiers resolving the
counterparts' did:web documents and status lists) go to the local bind instead
(reference/local_routes.py), as a NAT may not hairpin B back to this machine.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from .. import net
from ..reference import local_routes, sdjwt_keys
from ..reference.oid4vci.metadata import authorization_server_metadata, issuer_metadata
from ..reference.serving import LoopbackServer
from ..suite_keys import SuiteKeys
from .host import Host
from .issuer import CounterpartIssuer
from .recording import Inbound, InboundLog, Recording
from .verifier import CounterpartVerifier

ISSUER_NAMES = ("issuer", "issuer-2")
WELL_KNOWN_ISSUER = "/.well-known/openid-credential-issuer"
WELL_KNOWN_AS = "/.well-known/oauth-authorization-server"


class Counterparts:
    """The running counterparts; a context manager. `url` is B."""

    host: Host
    issuer: CounterpartIssuer
    issuer2: CounterpartIssuer
    verifier: CounterpartVerifier

    def __init__(self, *, bind: tuple[str, int] | None = None, public_url: str | None = None, keys: Any = None):
        """`keys`: the run's suite_keys.SuiteKeys (the issuers' keys and CA; None: fresh ones)."""
        self.keys = keys if keys is not None else SuiteKeys()
        self.log = InboundLog()
        self._server = LoopbackServer(self._build, name="counterparts", bind=bind, public_url=public_url)
        self.url: str = self._server.url
        self.local_url: str = self._server.local_url
        self._local_routes: list[str] = []

    def _build(self, origin: str) -> Any:
        self.host = Host(origin)
        self.issuer, self.issuer2 = (CounterpartIssuer(origin, name, self.mark, self.inbound, self.keys)
                                     for name in ISSUER_NAMES)
        self.verifier = CounterpartVerifier(origin)
        routes: list[Any] = []
        for issuer in (self.issuer, self.issuer2):
            routes += _well_known_routes(issuer)
        routes += [Mount("/" + issuer.name, app=issuer.app()) for issuer in (self.issuer, self.issuer2)]
        routes.append(Mount("/verifier", app=self.verifier.app()))
        routes += self.host.routes()  # last: the host's document route takes any other path
        return Recording(Starlette(routes=routes), self.log)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "Counterparts":
        if self.url != self.local_url and net.is_loopback(net.host_of(self.local_url)):
            for public in _origins_of(self.url):
                local_routes.local_origin(public, self.local_url)
                self._local_routes.append(public)
        try:
            self._server.start()
        except Exception:
            self._unroute()
            raise
        return self

    def stop(self) -> None:
        self._server.stop()
        self._unroute()
        self.verifier.close()

    def _unroute(self) -> None:
        for public in self._local_routes:
            local_routes.local_origin(public, None)
        self._local_routes.clear()

    def __enter__(self) -> "Counterparts":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the counterparts received ------------------------------------------------------
    def mark(self) -> int:
        """The current position in the inbound log; pass it as `since` later."""
        return self.log.mark()

    def inbound(self, since: int = 0) -> list[Inbound]:
        """Requests received (and answered) since the mark, oldest first, redacted."""
        return self.log.since(since)

    def attach(self, recorder: net.Recorder, since: int) -> None:
        """Add the requests received since the mark to a check's evidence: each shows as method
        `<- GET` and url `inbound: <B><path>` (the wallet called the suite)."""
        self.log.attach(recorder, since, self.url)


def _well_known_routes(issuer: CounterpartIssuer) -> list[Route]:
    async def metadata(request: Request) -> Response:
        return JSONResponse(issuer_metadata(issuer.credential_issuer, frozenset()))

    async def as_metadata(request: Request) -> Response:
        return JSONResponse(authorization_server_metadata(issuer.credential_issuer, frozenset()))

    return [Route(f"{WELL_KNOWN_ISSUER}/{issuer.name}", metadata, methods=["GET"]),
            Route(f"{WELL_KNOWN_AS}/{issuer.name}", as_metadata, methods=["GET"]),
            sdjwt_keys.metadata_route(issuer.credential_issuer, issuer.reference.identity, frozenset())]


def _origins_of(url: str) -> list[str]:
    """B, and for a plain-http B on a named port also its https twin: did:web resolves over
    https for non-loopback hosts, so the suite's own verifiers ask for that one."""
    origins = [url]
    if url.startswith("http://") and not net.is_loopback(net.host_of(url)):
        origins.append("https://" + url[len("http://"):])
    return origins


def start_counterparts(bind: tuple[str, int] | None = None, public_url: str | None = None) -> Counterparts:
    """Start the counterparts (use as a context manager, or call .stop())."""
    return Counterparts(bind=bind, public_url=public_url).start()
