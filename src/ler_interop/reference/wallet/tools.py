"""The wallet's outbound side, one set per operation: a guarded, capped HTTP client restricted
to the wallet's hosts, a DID resolver and the toolkit's CredentialVerifier on top of it, and a
deadline for the whole flow (each exchange is already capped by the client's own timeout).

A fresh set per operation: an Http client serves one exchange at a time, and did:web
documents and status lists change between operations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ...credentials import tokenstatus
from ...credentials.did import DidResolver
from ...credentials.verifier import CredentialVerifier
from ...net import Http, NetError, Response, entry_host, is_loopback
from ..local_routes import LocalRoutingHttp

EXCHANGE_TIMEOUT = 5.0
FLOW_DEADLINE = 30.0
MAX_RESPONSE_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32


class FlowTimeout(NetError):
    """The whole flow outlived FLOW_DEADLINE."""


@dataclass
class Outbound:
    hosts: frozenset[str]
    http: Http = field(init=False)
    resolver: DidResolver = field(init=False)
    toolkit: CredentialVerifier = field(init=False)
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        # LocalRoutingHttp: the counterparts' public URL is fetched from their local bind (hairpin NAT).
        self.http = LocalRoutingHttp(self.hosts, timeout=EXCHANGE_TIMEOUT, max_bytes=MAX_RESPONSE_BYTES,
                                     max_depth=MAX_JSON_DEPTH)
        # did:web over plain http only for loopback hosts; elsewhere it means https (did:web §3.2.1).
        # Resolution goes through self.get, so fetching DID documents meets the flow's deadline too.
        self.resolver = DidResolver(http=self, http_hosts={h for h in map(entry_host, self.hosts) if is_loopback(h)})
        self.toolkit = CredentialVerifier(self.resolver, fetch_json=self._fetch_json, fetch_text=self._fetch_text)
        self.deadline = time.monotonic() + FLOW_DEADLINE

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Outbound":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise FlowTimeout(f"the flow took longer than {FLOW_DEADLINE:g}s")

    # Duck-types the two Http methods Oid4vciClient calls, so every exchange meets the deadline.
    def get(self, url: str, **kw: Any) -> Response:
        """GET, following redirects within the host guard (Http re-checks every hop)."""
        self.check_time()
        return self.http.get(url, **kw)

    def post(self, url: str, **kw: Any) -> Response:
        """POST without following redirects (OpenID4VP §8.2: never to a Response URI's redirect)."""
        self.check_time()
        return self.http.post(url, follow_redirects=False, **kw)

    def _fetch_json(self, url: str) -> Any:
        response = self.get(url, headers={"Accept": "application/vc+ld+json, application/json"})
        if response.status_code != 200:
            raise NetError(f"{url} answered HTTP {response.status_code}")
        return response.json()

    def _fetch_text(self, url: str) -> str:
        response = self.get(url, headers={"Accept": tokenstatus.MEDIA_TYPE})
        if response.status_code != 200:
            raise NetError(f"{url} answered HTTP {response.status_code}")
        return response.text
