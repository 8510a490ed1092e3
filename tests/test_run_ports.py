"""When the suite runs the reference wallet and verifier beside other vendors, they reach
loopback only on this run's own servers' ports: an offer pointing at another local service is
refused before any request reaches it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from ler_interop.reference import run_ports
from ler_interop.reference.verifier import ReferenceVerifier
from ler_interop.reference.wallet import ReferenceWallet
from ler_interop.reference.wallet.errors import IssuanceFailed
from ler_interop.reference.wallet.receive import receive


class _Local(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        body = b"{}"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_service():
    """A local service that is not one of the run's servers (it never registers its port)."""
    # Earlier tests in this process registered their servers' ports, and the OS reuses freed
    # ports: a service that landed on one of them would count as the run's own (a flaky failure).
    taken = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Local)
    while server.server_address[1] in run_ports.ports():
        taken.append(server)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Local)
    for other in taken:
        other.server_close()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _offer(issuer: str) -> str:
    offer = {"credential_issuer": issuer, "credential_configuration_ids": ["x"],
             "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "abcdefgh"}}}
    return "openid-credential-offer://?" + urlencode({"credential_offer": json.dumps(offer)})


def test_the_suites_wallet_does_not_reach_another_local_service(local_service):
    _Local.hits = 0
    with pytest.raises(IssuanceFailed, match="not among"):
        receive(ReferenceWallet(own_ports_only=True, hosts=()), _offer(local_service), None)
    assert _Local.hits == 0
    # Standalone (`ler-interop serve`), it is the user's own setup: any loopback port.
    with pytest.raises(IssuanceFailed):
        receive(ReferenceWallet(), _offer(local_service), None)
    assert _Local.hits >= 1


def test_the_run_ports_are_the_servers_it_started(local_service):
    port = int(local_service.rsplit(":", 1)[1])
    assert f"127.0.0.1:{port}" not in run_ports.loopback_entries()
    run_ports.register(port)
    assert f"127.0.0.1:{port}" in run_ports.loopback_entries()
    verifier = ReferenceVerifier(own_ports_only=True, hosts=frozenset())
    verifier._toolkit()
    assert f"127.0.0.1:{port}" in verifier._http.policy.allowed_hosts
    verifier.close()
