"""docs/backchannels.openapi.yaml is the contract vendors implement; the reference vendors
answer exactly as it says (each request and answer validated against its schemas)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator

import backchannel_contract as contract
from ler_interop.protocols import oid4vci_claims, oid4vp_present
from ler_interop.protocols.wallet_session import learner
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


def test_the_document_is_openapi_3_1_with_every_backchannel(api):
    assert api["openapi"].startswith("3.1") and api["info"]["version"].startswith("2.")  # 2.0: offer claims per format
    assert {"/offers", "/presentation-requests", "/presentation-requests/{id}"} <= set(api["paths"])
    for name in api["components"]["schemas"]:
        schema(api, name)


def test_the_reference_issuer_is_true_to_the_offer_contract(api, reference):
    oid4vci = reference["issuer"]["oid4vci"]
    contract.offers_contract(api, oid4vci, lambda cid, configurations: oid4vci_claims.offer_claims(
        configurations[cid], learner("latin-diacritics")))
    configuration = next(iter(httpx.get(oid4vci["credential_issuer"] + "/.well-known/openid-credential-issuer")
                              .json()["credential_configurations_supported"]))
    both = {"credential_configuration_id": configuration, "credential_configuration_ids": [configuration]}
    contract.problem_answer(api, httpx.post(oid4vci["offers"], json=both), 400, "an offer naming two ways")
    assert schema(api, "OfferRequest").is_valid(both) is False  # the document says the same
    metadata = httpx.get(oid4vci["credential_issuer"] + "/.well-known/openid-credential-issuer").json()
    sd_jwt = next(c for c, v in metadata["credential_configurations_supported"].items() if v["format"] == "dc+sd-jwt")
    owned = httpx.post(oid4vci["offers"], json={"credential_configuration_id": sd_jwt, "claims": {"vct": "urn:x"}})
    contract.problem_answer(api, owned, 400, "claims may not set the SD-JWT VC's registered claims (OfferRequest.claims)")


def test_the_reference_verifier_is_true_to_the_presentation_request_contract(api, reference):
    contract.presentation_requests_contract(api, reference["verifier"]["oid4vp"]["presentation_requests"],
                                            list(oid4vp_present.FORMATS))


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
            contract.valid(api, "PresentationVerdict", verdict)
            assert verdict["status"] == expected, verdict
            assert bool(verdict.get("errors")) == (expected == "rejected")


def test_the_reference_wallet_is_true_to_the_wallet_contract(api, reference):
    """Every wallet path answers as the document says (tests/backchannel_contract.py)."""
    from ler_interop.counterparts.server import start_counterparts

    assert {"/", "/receive", "/present", "/credentials", "/credentials/{id}", "/export", "/import", "/reset"} <= set(api["paths"])
    with start_counterparts() as cp:
        contract.wallet_contract(api, reference["wallet"]["backchannel"]["url"], "ldp_vc", cp)
