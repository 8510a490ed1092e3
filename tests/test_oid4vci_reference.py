"""The reference issuer's OpenID4VCI side, over real loopback HTTP: the token endpoint's error
codes, single-use offers by reference, key proof validation details, and the manifest entry."""

from __future__ import annotations

import time

import httpx
import pytest

from ler_interop.credentials.samples import achievement_credential, offered_achievement
from ler_interop.credentials.schemas import check_ob3
from ler_interop.net import Http
from ler_interop.protocols.oid4vci import Oid4vciClient, oauth_error
from ler_interop.protocols.oid4vci_claims import is_open_badge, issued_claims
from ler_interop.protocols.oid4vci_formats import sd_jwt_parts
from ler_interop.protocols.oid4vci_wallet import Holder, Wallet
from ler_interop.protocols.suite_tools import missing_claims
from ler_interop.reference.oid4vci import extend_manifest
from ler_interop.reference.oid4vci.metadata import LDP_VC, LEARNER_SD_JWT_VC, LEARNER_VCT, SD_JWT_VC
from ler_interop.reference.oid4vci.state import MAX_TX_CODE_FAILURES
from ler_interop.reference.servers import start_reference


@pytest.fixture(scope="module")
def refs():
    with start_reference() as servers:
        yield servers


@pytest.fixture
def client(refs):
    url = refs.issuer_url
    with Http({url.split("//")[1]}) as http:
        yield Oid4vciClient(http, url, url + "/offers")


@pytest.fixture
def wallet(client):
    return Wallet(client)


def _error(response) -> str | None:
    answer = oauth_error(response)
    return answer.error if answer else None


def _offer(client, tx_code=None, by_reference=False):
    return client.resolve_offer(client.create_offer(SD_JWT_VC, {"name": "Ada"}, tx_code=tx_code, by_reference=by_reference))


def test_token_errors(client):
    offer = _offer(client, tx_code="4321")
    assert _error(client.token_request(offer.pre_authorized_code, grant_type="authorization_code")) == "unsupported_grant_type"
    assert _error(client.token_request(None)) == "invalid_request"
    assert _error(client.token_request("never-issued")) == "invalid_grant"
    assert _error(client.token_request(offer.pre_authorized_code)) == "invalid_request"
    assert _error(client.token_request(offer.pre_authorized_code, "0000")) == "invalid_grant"
    assert client.token_request(offer.pre_authorized_code, "4321").status_code == 200
    plain = _offer(client)
    assert _error(client.token_request(plain.pre_authorized_code, "1234")) == "invalid_request"  # no tx_code expected


def test_tx_code_guessing_kills_the_code(client):
    offer = _offer(client, tx_code="4321")
    for _ in range(MAX_TX_CODE_FAILURES):
        assert _error(client.token_request(offer.pre_authorized_code, "0000")) == "invalid_grant"
    assert _error(client.token_request(offer.pre_authorized_code, "4321")) == "invalid_grant"


def test_offer_by_reference_is_served_once(client):
    uri = client.create_offer(SD_JWT_VC, {}, by_reference=True)
    url = uri.split("credential_offer_uri=", 1)[1].replace("%3A", ":").replace("%2F", "/")
    assert client.fetch_offer(url).status_code == 200
    assert client.fetch_offer(url).status_code == 404


def test_backchannel_refuses_unknown_configurations(client):
    response = client.backchannel.post(client.offers_url, json={"credential_configuration_id": "nope"})
    assert response.status_code == 400


def _request(wallet, holder, **kw):
    session = wallet.authorize(SD_JWT_VC, {"name": "Ada"})
    return wallet.request(session, [holder], **kw)


def test_a_nonce_proves_freshness_once(wallet, client):
    holder = Holder.generate(binding="jwk")
    session = wallet.authorize(SD_JWT_VC, {})
    nonce = client.c_nonce()
    body = lambda: {"credential_configuration_id": SD_JWT_VC,  # noqa: E731
                    "proofs": {"jwt": [holder.proof(aud=client.credential_issuer, nonce=nonce)]}}
    assert client.credential_request(session.access_token, body()).status_code == 200
    assert _error(client.credential_request(session.access_token, body())) == "invalid_nonce"


@pytest.mark.parametrize("overrides, code", [
    ({"header": {"jwk": None, "kid": "did:web:example.com#key-1"}}, "invalid_proof"),  # only did:key / did:jwk
    ({"claims": {"iat": int(time.time()) - 3600}}, "invalid_proof"),  # stale
    ({"header": {"kid": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#x"}}, "invalid_proof"),  # kid and jwk
])
def test_proof_details(wallet, overrides, code):
    assert _error(_request(wallet, Holder.generate(binding="jwk"), **overrides)) == code


def test_private_key_in_the_header_is_refused(wallet):
    holder = Holder.generate(binding="jwk")
    assert _error(_request(wallet, holder, header={"jwk": holder.key.private_jwk()})) == "invalid_proof"


def test_request_shape_errors(wallet):
    holder = Holder.generate(binding="jwk")
    assert _error(_request(wallet, holder, extra={"credential_identifier": "x"})) == "invalid_credential_request"
    session = wallet.authorize(SD_JWT_VC, {})
    too_many = wallet.request(session, [Holder.generate(binding="jwk") for _ in range(5)])
    assert _error(too_many) == "invalid_credential_request"


def test_ldp_vc_subject_is_the_holder_did(wallet):
    holder = Holder.generate(binding="did:jwk")
    issued = wallet.issue(LDP_VC, {"name": "Ada"}, [holder])
    assert issued.credentials[0]["credentialSubject"]["id"] == holder.did


def test_notification_event_must_be_known(wallet, client):
    issued = wallet.issue(SD_JWT_VC, {})
    response = client.notify(issued.session.access_token, issued.body["notification_id"], "credential_stored")
    assert _error(response) == "invalid_notification_request"


def test_extend_manifest_adds_capabilities_once():
    entry = {"supports": ["ldp_vc"]}
    extend_manifest(entry, "http://127.0.0.1:1")
    assert entry["oid4vci"] == {"credential_issuer": "http://127.0.0.1:1", "offers": "http://127.0.0.1:1/offers"}
    assert entry["supports"].count("ldp_vc") == 1 and {"oid4vci", "dc+sd-jwt", "tx_code", "by-reference"} <= set(entry["supports"])


# -- what an offer's claims mean (protocols/oid4vci_claims.py) ---------------------------------

LEARNER = {"name": "山田 花子", "achievement": offered_achievement("شهادة", "Ἀρχή")}


def test_a_vct_that_is_no_open_badge_carries_the_offered_claims_top_level(wallet, client):
    """The reference offers an SD-JWT VC whose vct is no Open Badge: the offer's claims are its
    top-level claims, as given, each selectively disclosable, with no Open Badge layout."""
    config = client.configurations()[LEARNER_SD_JWT_VC]
    assert config["format"] == "dc+sd-jwt" and config["vct"] == LEARNER_VCT and not is_open_badge(config)
    assert wallet.offer_claims(LEARNER_SD_JWT_VC, LEARNER) == LEARNER
    issued = wallet.issue(LEARNER_SD_JWT_VC, LEARNER)
    in_clear, claims, disclosed = sd_jwt_parts(issued.credentials[0])
    assert in_clear["vct"] == LEARNER_VCT and "credentialSubject" not in claims
    assert missing_claims(LEARNER, issued_claims(issued.credentials[0], "dc+sd-jwt")) == []
    assert {tuple(d["path"]) for d in disclosed} >= {("name",), ("achievement",)}


def test_the_open_badge_vct_carries_them_in_its_layout(wallet, client):
    config = client.configurations()[SD_JWT_VC]
    assert is_open_badge(config)
    offered = wallet.offer_claims(SD_JWT_VC, LEARNER)
    assert offered == {"credentialSubject": LEARNER}
    issued = issued_claims(wallet.issue(SD_JWT_VC, LEARNER).credentials[0], "dc+sd-jwt")
    assert missing_claims(offered, issued) == [] and "achievement" not in issued


def test_offer_claims_may_not_set_registered_sd_jwt_claims(refs):
    response = httpx.post(refs.issuer_url + "/offers", json={"credential_configuration_id": LEARNER_SD_JWT_VC,
                                                            "claims": {"name": "Ada", "iss": "did:example:evil"}})
    assert response.status_code == 400 and "iss" in response.json()["detail"]


def test_a_complete_offered_achievement_is_a_valid_open_badge_as_given():
    """The suite's offers carry every property OB 3.0 requires, so an issuer has nothing to invent."""
    credential = achievement_credential("did:example:issuer", rich=False)
    credential["credentialSubject"]["achievement"] = LEARNER["achievement"]
    assert check_ob3(credential) == []


def test_one_offer_claims_mean_one_thing(refs):
    mixed = httpx.post(refs.issuer_url + "/offers", json={"credential_configuration_ids": [LDP_VC, SD_JWT_VC],
                                                         "claims": {"name": "Ada"}})
    assert mixed.status_code == 400
    unclaimed = httpx.post(refs.issuer_url + "/offers", json={"credential_configuration_ids": [LDP_VC, SD_JWT_VC]})
    assert unclaimed.status_code == 201  # no claims: each configuration's own sample learner
