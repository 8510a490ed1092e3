"""The reference wallet (src/ler_interop/reference/wallet/): the wallet backchannel v1 driven
over loopback HTTP (one server for all of this module's wallets), receiving from the reference issuer and presenting to the
reference verifier over real loopback HTTP; each wallet fault changes the behaviour it names."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from ler_interop.credentials import crafting, samples
from ler_interop.protocols.oid4vci_claims import offer_claims
from ler_interop.protocols.oid4vp_present import OB_TYPE_IRI, OB_VCT
from ler_interop.reference.issuer import ReferenceIssuer
from ler_interop.reference.oid4vci.metadata import JWT_VC_JSON, LDP_VC, SD_JWT_VC, configurations
from ler_interop.reference.servers import start_reference
from ler_interop.reference.serving import LoopbackServer
from ler_interop.reference.verifier import ReferenceVerifier
from ler_interop.reference.wallet import SUPPORTS, ReferenceWallet, extend_manifest
from ler_interop.reference.wallet import mutations, tools

from hostile_vendor import HostileVendor


class _Wallets:
    """One loopback server for every wallet of this module: `/<n>/...` goes to wallet n's app
    (starting and stopping a uvicorn server per wallet would cost more than the tests)."""

    def __init__(self) -> None:
        self.apps: dict[str, object] = {}

    async def __call__(self, scope, receive, send) -> None:
        _, n, rest = scope["path"].split("/", 2)
        path = "/" + rest
        await self.apps[n]({**scope, "path": path, "raw_path": path.encode()}, receive, send)  # type: ignore[operator]


_WALLETS = _Wallets()
_CLIENTS: list[httpx.Client] = []


@pytest.fixture(scope="module", autouse=True)
def _wallet_server() -> Iterator[None]:
    server = LoopbackServer(lambda origin: _WALLETS, name="test-wallets").start()
    _WALLETS.url = server.url  # type: ignore[attr-defined]
    yield
    for client in _CLIENTS:
        client.close()
    server.stop()


def _client(*faults: str) -> tuple[ReferenceWallet, httpx.Client]:
    """A fresh wallet with these faults, behind the module's wallet server."""
    wallet = ReferenceWallet(frozenset(faults))
    n = str(len(_WALLETS.apps))
    _WALLETS.apps[n] = wallet.app()
    client = httpx.Client(base_url=f"{_WALLETS.url}/{n}", timeout=60)  # type: ignore[attr-defined]
    _CLIENTS.append(client)
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


# -- receiving and presenting against the reference issuer and verifier ------------------------
CONFIG = {"ldp_vc": LDP_VC, "jwt_vc_json": JWT_VC_JSON, "dc+sd-jwt": SD_JWT_VC}
FORMATS = tuple(CONFIG)
NAME = ("credentialSubject", "name")


@pytest.fixture(scope="module")
def refs():
    with start_reference() as servers:
        yield servers


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as client:
        yield client


def _issuer_server(*faults: str) -> LoopbackServer:
    return LoopbackServer(lambda origin: ReferenceIssuer(origin, frozenset(faults)).app(), name="test-issuer").start()


@pytest.fixture(scope="module")
def other_issuer() -> Iterator[str]:
    server = _issuer_server()
    yield server.url
    server.stop()


def _offer(http, issuer_url: str, fmt: str, claims: dict | None = None, **kw) -> str:
    """`claims`: the learner; the offer carries them as the backchannel contract says for `fmt`."""
    learner = offer_claims(configurations(frozenset())[CONFIG[fmt]], claims) if claims else {}
    body = {"credential_configuration_id": CONFIG[fmt], "claims": learner, **kw}
    answer = http.post(issuer_url + "/offers", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["offer"]


def _receive(client, offer: str, tx_code: str | None = None) -> httpx.Response:
    return client.post("/receive", json={"offer": offer, "tx_code": tx_code})


def _received(http, client, issuer_url: str, fmt: str, claims: dict | None = None) -> dict:
    answer = _receive(client, _offer(http, issuer_url, fmt, claims))
    assert answer.status_code == 201, answer.text
    return answer.json()["credentials"][0]


def _query(fmt: str, name: str | None = None, paths=(NAME,)) -> dict:
    meta = {"vct_values": [OB_VCT]} if fmt == "dc+sd-jwt" else {"type_values": [[OB_TYPE_IRI]]}
    claims = [{"path": list(p)} for p in paths]
    if name is not None:
        claims[0]["values"] = [name]
    return {"credentials": [{"id": "badge", "format": fmt, "meta": meta, "claims": claims}]}


def _ask(http, verifier_url: str, query: dict) -> tuple[str, str]:
    created = http.post(verifier_url + "/presentation-requests", json={"dcql_query": query}).json()
    return created["id"], created["request"]


def _verdict(http, verifier_url: str, tx: str) -> dict:
    return http.get(f"{verifier_url}/presentation-requests/{tx}").json()


def _present(client, request: str, consent: str = "accept") -> httpx.Response:
    return client.post("/present", json={"request": request, "consent": consent})


def _revoke(http, issuer_url: str, credential_id: str, purpose: str = "revocation") -> None:
    answer = http.post(issuer_url + "/credentials/status", json={
        "credentialId": credential_id, "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
        "status": True})
    assert answer.status_code == 200, answer.text


def _status_handle(stored: dict) -> str:
    """What the issuer's status endpoint knows the credential by: its id, or the SD-JWT VC's jti."""
    from ler_interop.protocols.oid4vci_formats import sd_jwt_parts, w3c_document

    if stored["format"] == "dc+sd-jwt":
        return sd_jwt_parts(stored["credential"])[1]["jti"]
    return w3c_document(stored["credential"], stored["format"])["id"]


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    """Every form the wallets post to a response_uri, as sent."""
    forms: list[dict] = []
    original = tools.Outbound.post

    def post(self, url, **kw):
        if "data" in kw:
            forms.append(dict(kw["data"]))
        return original(self, url, **kw)

    monkeypatch.setattr(tools.Outbound, "post", post)
    return forms


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("how", ["by-value", "by-reference", "tx_code"])
def test_receive(refs, http, fmt, how):
    wallet, client = _client()
    tx_code = "493536" if how == "tx_code" else None
    offer = _offer(http, refs.issuer_url, fmt, {"name": "Zoë Ağaoğlu"}, tx_code=tx_code,
                   by_reference=how == "by-reference")
    answer = _receive(client, offer, tx_code)
    assert answer.status_code == 201, answer.text
    (item,) = answer.json()["credentials"]
    assert item["format"] == fmt and isinstance(item["credential"], dict if fmt == "ldp_vc" else str)
    if fmt == "dc+sd-jwt":
        assert item["credential"].endswith("~") and item["credential"].count("~") >= 2
    assert client.get(f"/credentials/{item['id']}").json() == item
    (summary,) = client.get("/credentials").json()["credentials"]
    assert summary["issuer"] == refs.issuer_did and summary["id"] == item["id"]
    secret = wallet.store.get(item["id"]).holder.key.private_jwk()["d"]
    assert secret not in answer.text + client.get("/export").text + client.get("/credentials").text


def test_receive_refusals(refs, http):
    wallet, client = _client()
    offer = _offer(http, refs.issuer_url, "dc+sd-jwt", tx_code="1234")
    missing = _receive(client, offer)
    assert missing.status_code == 422 and missing.json()["error"] == "issuance_failed"
    wrong = _receive(client, offer, "9999")
    assert wrong.json()["error"] == "issuance_failed" and "invalid_grant" in wrong.json()["error_description"]
    assert "9999" not in wrong.text
    for uri in ("openid-credential-offer://?nothing=1",
                "openid-credential-offer://?credential_offer=%7Bnot-json",
                "openid-credential-offer://?credential_offer_uri=" + quote("http://10.0.0.1/offer", safe=""),
                "openid-credential-offer://?credential_offer=" + quote(
                    '{"credential_issuer":"https://issuer.example","credential_configuration_ids":["x"],'
                    '"grants":{"urn:ietf:params:oauth:grant-type:pre-authorized_code":{"pre-authorized_code":"c"}}}')):
        answer = _receive(client, uri)
        assert answer.status_code == 422 and answer.json()["error"] == "issuance_failed", uri
    assert wallet.store.all() == []


def test_hostile_offers_and_requests_are_422():
    _, client = _client()
    with HostileVendor() as hostile:
        for behaviour in ("huge-body", "deep-json", "invalid-json", "stack-trace-500"):
            url = quote(f"{hostile.url}/b/{behaviour}", safe="")
            offer = _receive(client, f"openid-credential-offer://?credential_offer_uri={url}")
            assert offer.status_code == 422 and offer.json()["error"] == "issuance_failed", behaviour
            request = _present(client, f"openid4vp://?client_id=decentralized_identifier:did:key:z6Mk&request_uri={url}")
            assert request.status_code == 422 and request.json()["error"] == "request_rejected", behaviour


def test_a_bad_or_foreign_credential_is_refused(http):
    bad, unbound = _issuer_server("issuer.oid4vci-bad-credential-signature"), _issuer_server("issuer.oid4vci-unbound-credential")
    try:
        for issuer, fault, fmt in ((bad, "wallet.accept-bad-signature", "ldp_vc"),
                                   (bad, "wallet.accept-bad-signature", "dc+sd-jwt"),
                                   (unbound, "wallet.accept-foreign-binding", "jwt_vc_json"),
                                   (unbound, "wallet.accept-foreign-binding", "dc+sd-jwt")):
            wallet, client = _client()
            refused = _receive(client, _offer(http, issuer.url, fmt))
            assert refused.status_code == 422 and refused.json()["error"] == "credential_rejected", refused.text
            assert wallet.store.all() == []
            _, faulty = _client(fault)
            assert _receive(faulty, _offer(http, issuer.url, fmt)).status_code == 201, (fmt, fault)
    finally:
        bad.stop()
        unbound.stop()


@pytest.mark.parametrize("fault, how, said", [
    ("wallet.no-by-reference", {"by_reference": True}, "cannot resolve"),
    ("wallet.drop-tx-code", {"tx_code": "1234"}, "invalid_request"),
    ("wallet.wrong-configuration", {}, "credential endpoint"),
    ("wallet.proof-wrong-typ", {}, "typ"),
    ("wallet.proof-wrong-aud", {}, "aud"),
    ("wallet.proof-no-nonce", {}, "nonce"),
    ("wallet.proof-bad-signature", {}, "signature"),
    ("wallet.proof-kid-and-jwk", {}, "exactly one of kid"),
])
def test_receive_faults(refs, http, fault, how, said):
    _, client = _client(fault)
    answer = _receive(client, _offer(http, refs.issuer_url, "jwt_vc_json", **how), how.get("tx_code"))
    assert answer.status_code == 422 and answer.json()["error"] == "issuance_failed"
    assert said in answer.json()["error_description"], answer.json()


def test_content_faults(refs, http):
    claims = {"name": {"@value": "Zoë", "@language": "fr"}, "achievement": {"alignment": [
        {"type": ["Alignment"], "targetName": "X", "targetUrl": "https://example.org/x", "targetType": "CFItem"}]}}
    clean = _received(http, _client()[1], refs.issuer_url, "ldp_vc", claims)["credential"]
    subject = clean["credentialSubject"]
    assert subject["name"] == {"@value": "Zoë", "@language": "fr"} and subject["achievement"]["alignment"]
    folded = _received(http, _client("wallet.ascii-fold")[1], refs.issuer_url, "ldp_vc", claims)["credential"]
    assert folded["credentialSubject"]["name"]["@value"] == "Zo?"
    flat = _received(http, _client("wallet.flatten-language-maps")[1], refs.issuer_url, "ldp_vc", claims)["credential"]
    assert flat["credentialSubject"]["name"] == "Zoë"
    unaligned = _received(http, _client("wallet.drop-alignment")[1], refs.issuer_url, "ldp_vc", claims)["credential"]
    assert "alignment" not in unaligned["credentialSubject"]["achievement"]
    # The reference issuer puts no evidence in; the mutation itself is checked here.
    assert "evidence" not in mutations.as_stored({**clean, "evidence": [{}]}, "ldp_vc", frozenset({"wallet.drop-evidence"}))
    assert mutations.as_stored({**clean, "evidence": [{}]}, "ldp_vc", frozenset())["evidence"] == [{}]
    for fmt in ("jwt_vc_json", "dc+sd-jwt"):
        decoded = _received(http, _client("wallet.reencode-compact")[1], refs.issuer_url, fmt)["credential"]
        assert isinstance(decoded, dict) and "credentialSubject" in (decoded.get("vc") or decoded)


def test_single_issuer_fault(refs, http, other_issuer):
    for faults, kept in (((), 2), (("wallet.single-issuer",), 1)):
        _, client = _client(*faults)
        _received(http, client, refs.issuer_url, "dc+sd-jwt")
        last = _received(http, client, other_issuer, "dc+sd-jwt")
        listed = client.get("/credentials").json()["credentials"]
        assert len(listed) == kept and listed[-1]["id"] == last["id"]


def test_export_import_round_trip_of_received_credentials(refs, http):
    _, client = _client()
    held = [_received(http, client, refs.issuer_url, fmt) for fmt in FORMATS]
    exported = client.get("/export").json()
    assert [(c["format"], c["credential"]) for c in exported["credentials"]] == [(h["format"], h["credential"]) for h in held]
    assert client.post("/reset").status_code == 204 and client.get("/credentials").json() == {"credentials": []}
    imported = client.post("/import", json=exported).json()["imported"]
    assert [client.get(f"/credentials/{i['id']}").json()["credential"] for i in imported] == [h["credential"] for h in held]


@pytest.mark.parametrize("fmt", FORMATS)
def test_present_accept_decline_no_match(refs, http, sent, fmt):
    _, client = _client()
    held = _received(http, client, refs.issuer_url, fmt, {"name": "Ada Zoë"})
    tx, request = _ask(http, refs.verifier_url, _query(fmt, "Ada Zoë"))
    answer = _present(client, request).json()
    assert answer == {"status": "presented", "presented": [held["id"]], "warnings": [], "verifier_status": 200}
    assert _verdict(http, refs.verifier_url, tx)["status"] == "verified"
    tx, request = _ask(http, refs.verifier_url, _query(fmt, "Ada Zoë"))
    assert _present(client, request, "decline").json() == {"status": "declined", "verifier_status": 200}
    assert sent[-1].keys() == {"error", "state"} and sent[-1]["error"] == "access_denied"
    tx, request = _ask(http, refs.verifier_url, _query(fmt, "Somebody Else"))
    assert _present(client, request).json() == {"status": "no_match", "verifier_status": 200}
    assert _verdict(http, refs.verifier_url, tx)["status"] == "rejected" and sent[-1]["error"] == "access_denied"


def _disclosures(form: dict) -> int:
    (presentation,) = json.loads(form["vp_token"])["badge"]
    return presentation.count("~") - 1  # issuer JWT ~ d1 ~ ... ~ KB-JWT


def test_sd_jwt_discloses_only_what_was_asked(refs, http, sent):
    for faults, expected in (((), 1), (("wallet.disclose-all",), 2)):
        _, client = _client(*faults)
        _received(http, client, refs.issuer_url, "dc+sd-jwt")
        _, request = _ask(http, refs.verifier_url, _query("dc+sd-jwt"))
        assert _present(client, request).json()["status"] == "presented"
        assert _disclosures(sent[-1]) == expected


@pytest.mark.parametrize("fmt", ["ldp_vc", "dc+sd-jwt"])
def test_revoked_credentials_are_left_out(refs, http, fmt):
    for faults in ((), ("wallet.present-revoked-silently",)):
        _, client = _client(*faults)
        revoked = _received(http, client, refs.issuer_url, fmt, {"name": "Revoked Rita"})
        kept = _received(http, client, refs.issuer_url, fmt, {"name": "Revoked Rita"})
        _revoke(http, refs.issuer_url, _status_handle(revoked))
        tx, request = _ask(http, refs.verifier_url, _query(fmt, "Revoked Rita"))
        answer = _present(client, request).json()
        if faults:
            assert answer["presented"] == [revoked["id"]] and answer["warnings"] == []
            continue
        assert answer["presented"] == [kept["id"]] and [w["reason"] for w in answer["warnings"]] == ["revoked"]
        assert answer["warnings"][0]["credential"] == revoked["id"]
        _revoke(http, refs.issuer_url, _status_handle(kept), "revocation")
        _, request = _ask(http, refs.verifier_url, _query(fmt, "Revoked Rita"))
        assert _present(client, request).json()["status"] == "no_match"


@pytest.mark.parametrize("fault, check", [
    ("wallet.present-wrong-nonce", lambda answer, verdict, form: verdict["status"] == "rejected"),
    ("wallet.present-wrong-audience", lambda answer, verdict, form: verdict["status"] == "rejected"),
    ("wallet.no-state", lambda answer, verdict, form: "state" not in form and answer["verifier_status"] == 400),
    ("wallet.vp-token-by-format", lambda answer, verdict, form: '"ldp_vc"' in form["vp_token"]
     and verdict["status"] == "rejected"),
    ("wallet.ignore-decline", lambda answer, verdict, form: answer["status"] == "presented"),
])
def test_present_faults(refs, http, sent, fault, check):
    _, client = _client(fault)
    _received(http, client, refs.issuer_url, "ldp_vc")
    tx, request = _ask(http, refs.verifier_url, _query("ldp_vc"))
    answer = _present(client, request, "decline" if fault == "wallet.ignore-decline" else "accept").json()
    assert check(answer, _verdict(http, refs.verifier_url, tx), sent[-1]), answer


def test_no_decline_error_posts_nothing(refs, http, sent):
    _, client = _client("wallet.no-decline-error")
    tx, request = _ask(http, refs.verifier_url, _query("ldp_vc"))
    assert _present(client, request, "decline").json() == {"status": "declined"}
    assert _present(client, request).json() == {"status": "no_match"}
    assert sent == [] and _verdict(http, refs.verifier_url, tx)["status"] == "pending"


def test_present_unasked_fault(refs, http, sent):
    for faults, count in (((), 1), (("wallet.present-unasked",), 2)):
        _, client = _client(*faults)
        _received(http, client, refs.issuer_url, "jwt_vc_json", {"name": "Asked"})
        _received(http, client, refs.issuer_url, "jwt_vc_json", {"name": "Not Asked"})
        _, request = _ask(http, refs.verifier_url, _query("jwt_vc_json", "Asked"))
        assert len(_present(client, request).json()["presented"]) == count
        assert len(json.loads(sent[-1]["vp_token"])["badge"]) == count


def test_request_signature_is_verified(refs, http):
    server = LoopbackServer(lambda origin: ReferenceVerifier(frozenset({"verifier.oid4vp-foreign-request-key"})).app(),
                            name="test-verifier").start()
    try:
        for faults, status in (((), 422), (("wallet.ignore-request-signature",), 200)):
            _, client = _client(*faults)
            _received(http, client, refs.issuer_url, "dc+sd-jwt")
            _, request = _ask(http, server.url, _query("dc+sd-jwt"))
            answer = _present(client, request)
            assert answer.status_code == status, answer.text
            if status == 422:
                assert answer.json()["error"] == "request_rejected" and "signature" in answer.json()["error_description"]
    finally:
        server.stop()


def test_import_refuses_a_tampered_credential_whole(signed_badge):
    """Contract 1.3: a document holding a credential changed after signing is refused (422
    credential_rejected) and nothing of it is kept; the fault imports it."""
    _, client = _client()
    document = _export_with(signed_badge)
    document["credentials"].append({**document["credentials"][0], "credential": crafting.tamper_claim(signed_badge)})
    response = client.post("/import", json=document)
    assert response.status_code == 422 and response.json()["error"] == "credential_rejected"
    assert client.get("/credentials").json() == {"credentials": []}
    _, faulty = _client("wallet.import-accepts-tampered")
    assert len(faulty.post("/import", json=document).json()["imported"]) == 2
