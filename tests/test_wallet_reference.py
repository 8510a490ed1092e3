"""The reference wallet (src/ler_interop/reference/wallet/): the wallet backchannel v1 driven
in-process (starlette TestClient), receiving from the reference issuer and presenting to the
reference verifier over real loopback HTTP; each wallet fault changes the behaviour it names."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import httpx
import pytest

from ler_interop.credentials import crafting, samples
from ler_interop.reference.serving import LoopbackServer
from ler_interop.reference.wallet import SUPPORTS, ReferenceWallet, extend_manifest

_RUNNING: list[tuple[LoopbackServer, httpx.Client]] = []


@pytest.fixture(autouse=True)
def _stop_wallets() -> Iterator[None]:
    yield
    while _RUNNING:
        server, client = _RUNNING.pop()
        client.close()
        server.stop()


def _client(*faults: str) -> tuple[ReferenceWallet, httpx.Client]:
    """A wallet with these faults on its own loopback port (stopped after the test)."""
    wallet = ReferenceWallet(frozenset(faults))
    server = LoopbackServer(lambda origin: wallet.app(), name="test-wallet").start()
    client = httpx.Client(base_url=server.url, timeout=60)
    _RUNNING.append((server, client))
    return wallet, client


@pytest.fixture(scope="module")
def signed_badge() -> dict:
    """An ldp_vc with evidence and an alignment, signed by a did:key issuer (for import tests)."""
    doc = samples.achievement_credential("did:example:unset", subject_id="did:example:learner")
    doc["credentialSubject"]["achievement"]["alignment"] = [{
        "type": ["Alignment"], "targetName": "Data Literacy", "targetUrl": "https://example.org/frameworks/dl"}]
    doc["evidence"] = [{"id": "https://example.org/evidence/1", "type": ["Evidence"], "name": "Portfolio"}]
    return crafting.Signer.did_key().issue(doc)


def _export_with(credential: dict) -> dict:
    return {"type": "LerWalletExport", "version": "1", "exported": "2025-01-01T00:00:00Z",
            "credentials": [{"id": "x", "format": "ldp_vc", "credential": credential, "received": "2025-01-01T00:00:00Z"}]}


def test_describe_and_manifest():
    _, client = _client()
    body = client.get("/").json()
    assert body["formats"] == ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"] and body["protocols"] == ["oid4vci", "oid4vp"]
    entry: dict = {}
    extend_manifest(entry, "http://127.0.0.1:1")
    assert entry == {"backchannel": {"url": "http://127.0.0.1:1"}, "supports": list(SUPPORTS)}
    _, faulty = _client("wallet.describe-no-formats")
    assert "formats" not in faulty.get("/").json()


def test_malformed_bodies_are_400():
    _, client = _client()
    assert client.post("/receive", content=b"[").json()["error"] == "invalid_request"
    assert client.post("/receive", json={"offer": 5}).status_code == 400
    assert client.post("/present", json={"request": "openid4vp://?x=1", "consent": "maybe"}).status_code == 400
    assert client.post("/import", json={"type": "Other"}).status_code == 400
    assert client.post("/receive", content=b"{" + b" " * (2 * 1024 * 1024) + b"}").status_code == 413


def test_import_export_delete_reset(signed_badge):
    wallet, client = _client()
    imported = client.post("/import", json=_export_with(signed_badge)).json()["imported"]
    assert [i["format"] for i in imported] == ["ldp_vc"] and imported[0]["id"] != "x"
    cid = imported[0]["id"]
    listed = client.get("/credentials").json()["credentials"]
    assert listed == [{"id": cid, "format": "ldp_vc", "issuer": signed_badge["issuer"]["id"],
                       "types": signed_badge["type"]}]
    assert client.get(f"/credentials/{cid}").json()["credential"] == signed_badge
    exported = client.get("/export").json()
    assert exported["credentials"][0]["credential"] == signed_badge and exported["exported"].endswith("Z")
    # round trip into another wallet
    _, other = _client()
    again = other.post("/import", json=exported).json()["imported"]
    assert other.get(f"/credentials/{again[0]['id']}").json()["credential"] == signed_badge
    assert client.delete(f"/credentials/{cid}").status_code == 204
    assert client.get(f"/credentials/{cid}").status_code == 404 and client.delete(f"/credentials/{cid}").status_code == 404
    assert client.get("/export").json()["credentials"] == []
    assert client.post("/reset").status_code == 204 and other.post("/reset").status_code == 204
    assert other.get("/credentials").json() == {"credentials": []}


@pytest.mark.parametrize("fault", ["wallet.delete-keeps-listed", "wallet.export-keeps-deleted"])
def test_delete_faults(fault, signed_badge):
    _, client = _client(fault)
    cid = client.post("/import", json=_export_with(signed_badge)).json()["imported"][0]["id"]
    assert client.delete(f"/credentials/{cid}").status_code == 204
    listed = [c["id"] for c in client.get("/credentials").json()["credentials"]]
    exported = [c["id"] for c in client.get("/export").json()["credentials"]]
    assert (listed, exported) == (([cid], [cid]) if fault == "wallet.delete-keeps-listed" else ([], [cid]))


def test_export_and_import_content_faults(signed_badge):
    _, client = _client("wallet.export-drops-evidence")
    client.post("/import", json=_export_with(signed_badge))
    assert "evidence" not in client.get("/export").json()["credentials"][0]["credential"]
    _, client = _client("wallet.import-drops-alignment")
    cid = client.post("/import", json=_export_with(signed_badge)).json()["imported"][0]["id"]
    stored = client.get(f"/credentials/{cid}").json()["credential"]
    assert "alignment" not in stored["credentialSubject"]["achievement"] and "evidence" in stored


def test_reset_fault(signed_badge):
    _, client = _client("wallet.reset-keeps-credentials")
    client.post("/import", json=_export_with(signed_badge))
    assert client.post("/reset").status_code == 204 and len(client.get("/credentials").json()["credentials"]) == 1


def test_import_refuses_a_wrong_credential_shape(signed_badge):
    _, client = _client()
    doc = _export_with(signed_badge)
    doc["credentials"][0]["format"] = "jwt_vc_json"
    assert client.post("/import", json=doc).status_code == 400
    bad = copy.deepcopy(_export_with(signed_badge))
    bad["credentials"][0]["received"] = "yesterday"
    assert client.post("/import", json=bad).status_code == 400
    assert client.get("/credentials").json() == {"credentials": []}
