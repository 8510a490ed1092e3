"""A ler-interop certificate verified by a third party: Digital Bazaar's VC library (the
db-vcapi peer) checks its eddsa-rdfc-2022 proof and its Bitstring Status List entry, the list
served from loopback by a tiny server here (the peer fetches only loopback http)."""

from __future__ import annotations

import http.server
import json
import sys
import threading
from pathlib import Path

import httpx

from lab_peers import node_or_skip, start_peer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from test_certify import write_stream  # noqa: E402

from ler_interop.cli import main  # noqa: E402


def serve_folder(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=str(folder), **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_digital_bazaar_verifies_the_certificate_and_its_revocation(tmp_path):
    node_or_skip()
    stream = write_stream(tmp_path / "results.jsonl")
    key = tmp_path / "key.json"
    assert main(["certify", "--new-key", str(key)]) == 0
    certificates = tmp_path / "certificates"
    server = serve_folder(certificates.parent)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/certificates/status-list.json"
        assert main(["certify", str(stream), "--vendor", "good", "--key", str(key), "--status-url", url]) == 0
        credential = json.loads((certificates / "good--all.json").read_text())
        with start_peer("db-vcapi") as peer:
            verdict = httpx.post(f"{peer.base}/credentials/verify", json={"verifiableCredential": credential}, timeout=30)
            assert verdict.status_code == 200 and verdict.json()["verified"] is True, verdict.text
            assert main(["certify", "--revoke", str(certificates / "good--all.json"), "--key", str(key)]) == 0
            verdict = httpx.post(f"{peer.base}/credentials/verify", json={"verifiableCredential": credential}, timeout=30)
            assert verdict.status_code == 400 and "revocation bit is set" in json.dumps(verdict.json()), verdict.text
    finally:
        server.shutdown()
