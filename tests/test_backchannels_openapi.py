"""docs/backchannels.openapi.yaml is the contract vendors implement; the reference vendors
answer exactly as it says (each request and answer validated against its schemas)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator

from ler_interop.protocols import oid4vp_present
from ler_interop.reference.servers import start_reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "backchannels.openapi.yaml"


@pytest.fixture(scope="module")
def api() -> dict:
    return yaml.safe_load(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference():
    with start_reference() as servers:
        yield servers.manifest_vendor()


def schema(api: dict, name: str) -> Draft202012Validator:
    validator = Draft202012Validator(api["components"]["schemas"][name])
    Draft202012Validator.check_schema(validator.schema)
    return validator


def valid(api: dict, name: str, value) -> None:
    errors = [e.message for e in schema(api, name).iter_errors(value)]
    assert errors == [], f"{name}: {errors}"


def test_the_document_is_openapi_3_1_with_every_backchannel(api):
    assert api["openapi"].startswith("3.1") and api["info"]["version"].startswith("2.")  # 2.0: offer claims per format
    assert {"/offers", "/presentation-requests", "/presentation-requests/{id}"} <= set(api["paths"])
    for name in api["components"]["schemas"]:
        schema(api, name)


def test_the_reference_issuer_is_true_to_the_offer_contract(api, reference):
    oid4vci = reference["issuer"]["oid4vci"]
    metadata = httpx.get(oid4vci["credential_issuer"] + "/.well-known/openid-credential-issuer").json()
    for configuration in metadata["credential_configurations_supported"]:
        for extra in ({"by_reference": False}, {"by_reference": True, "tx_code": "493536"}):
            body = {"credential_configuration_id": configuration, "claims": {"name": "Zoë"}, **extra}
            valid(api, "OfferRequest", body)
            answer = httpx.post(oid4vci["offers"], json=body)
            assert answer.status_code == 201, answer.text
            valid(api, "OfferResponse", answer.json())
    for body in ({"credential_configuration_id": "no-such", "claims": {}},
                 {"credential_configuration_id": configuration, "credential_configuration_ids": [configuration]}):
        refused = httpx.post(oid4vci["offers"], json=body)
        assert refused.status_code == 400 and refused.headers["content-type"].startswith("application/problem+json")
        valid(api, "Problem", refused.json())
    assert schema(api, "OfferRequest").is_valid(body) is False  # the document says the same
    sd_jwt = next(c for c, v in metadata["credential_configurations_supported"].items() if v["format"] == "dc+sd-jwt")
    owned = httpx.post(oid4vci["offers"], json={"credential_configuration_id": sd_jwt, "claims": {"vct": "urn:x"}})
    assert owned.status_code == 400, "claims may not set the SD-JWT VC's registered claims (OfferRequest.claims)"
    valid(api, "Problem", owned.json())


def test_the_reference_verifier_is_true_to_the_presentation_request_contract(api, reference):
    url = reference["verifier"]["oid4vp"]["presentation_requests"]
    for fmt in oid4vp_present.FORMATS:
        body = {"dcql_query": oid4vp_present.credential_query(fmt)}
        valid(api, "PresentationRequestCreate", body)
        created = httpx.post(url, json=body)
        assert created.status_code == 201, created.text
        valid(api, "PresentationRequestCreated", created.json())
        verdict = httpx.get(f"{url}/{created.json()['id']}")
        assert verdict.status_code == 200
        valid(api, "PresentationVerdict", verdict.json())
        assert verdict.json()["status"] == "pending"
    assert httpx.get(f"{url}/no-such-request").status_code == 404
    refused = httpx.post(url, json={"dcql_query": {"credentials": "not a list"}})
    assert refused.status_code == 400
    valid(api, "Problem", refused.json())


def test_the_reference_verifiers_verdicts_are_true_to_the_contract(api, reference):
    """A verified and a rejected verdict, reached by presenting as a wallet would."""
    from ler_interop import net
    from ler_interop.credentials import samples
    from ler_interop.credentials.crafting import Signer
    from ler_interop.protocols.oid4vp import Oid4vpClient
    from ler_interop.protocols.oid4vp_wallet import SuiteWallet

    url = reference["verifier"]["oid4vp"]["presentation_requests"]
    with net.Http(net.LOOPBACK_NAMES, timeout=10) as http:
        wallet = SuiteWallet(Oid4vpClient(http, http, url), Signer.did_key(), Signer.did_key())
        good = wallet.issue("ldp_vc", samples.achievement_credential("did:example:unset"))
        for nonce, expected in ((None, "verified"), ("another-nonce", "rejected")):
            asked = wallet.ask("ldp_vc")
            wallet.answer(asked, wallet.presentation(asked, good, nonce=nonce))
            verdict = httpx.get(f"{url}/{asked.transaction.id}").json()
            valid(api, "PresentationVerdict", verdict)
            assert verdict["status"] == expected, verdict
            assert bool(verdict.get("errors")) == (expected == "rejected")


def wallet_valid(api: dict, name: str, value) -> None:
    """Validate against a schema that refers to others (`$ref` into components)."""
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": api["components"]})
    errors = [e.message for e in validator.iter_errors(value)]
    assert errors == [], f"{name}: {errors}"


def test_the_reference_wallet_is_true_to_the_wallet_contract(api, reference):
    """Every wallet path answers as the document says: describe, receive (stored and refused),
    present (presented and declined), list, get, export, import, delete, reset."""
    from ler_interop.counterparts.server import start_counterparts
    from ler_interop.protocols.wallet_session import learner, name_query

    assert {"/", "/receive", "/present", "/credentials", "/credentials/{id}", "/export", "/import", "/reset"} <= set(api["paths"])
    base = reference["wallet"]["backchannel"]["url"]
    with start_counterparts() as cp:
        wallet_valid(api, "WalletDescription", httpx.get(base + "/").json())
        offer = {"offer": cp.issuer.offer("ldp_vc", learner()), "tx_code": None}
        wallet_valid(api, "ReceiveRequest", offer)
        received = httpx.post(base + "/receive", json=offer, timeout=30)
        assert received.status_code == 201, received.text
        wallet_valid(api, "Received", received.json())
        stored = received.json()["credentials"][0]
        refused = httpx.post(base + "/receive", json={"offer": cp.issuer.offer("ldp_vc", learner(), defect="bad-signature")},
                             timeout=30)
        assert refused.status_code == 422
        wallet_valid(api, "WalletError", refused.json())
        name = stored["credential"]["credentialSubject"]["name"]
        for consent, status in (("accept", "presented"), ("decline", "declined")):
            _, url = cp.verifier.request(name_query("ldp_vc", name))
            body = {"request": url, "consent": consent}
            wallet_valid(api, "PresentRequest", body)
            answer = httpx.post(base + "/present", json=body, timeout=30)
            assert answer.status_code == 200 and answer.json()["status"] == status, answer.text
            wallet_valid(api, "Presented", answer.json())
        wallet_valid(api, "CredentialList", httpx.get(base + "/credentials").json())
        wallet_valid(api, "StoredCredential", httpx.get(f"{base}/credentials/{stored['id']}").json())
        exported = httpx.get(base + "/export").json()
        wallet_valid(api, "WalletExport", exported)
        imported = httpx.post(base + "/import", json=exported)
        assert imported.status_code == 200
        wallet_valid(api, "Imported", imported.json())
        assert httpx.delete(f"{base}/credentials/{stored['id']}").status_code == 204
        assert httpx.get(f"{base}/credentials/{stored['id']}").status_code == 404
        assert httpx.post(base + "/reset").status_code == 204
        assert httpx.get(base + "/credentials").json()["credentials"] == []
