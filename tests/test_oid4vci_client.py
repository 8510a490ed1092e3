"""The suite's OpenID4VCI wallet side, without a server: URL building, offer parsing, what
counts as an OAuth error verdict, and key proofs built right and wrong (respx stands in for
vendors)."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest
import respx

from ler_interop import redact
from ler_interop.credentials.jws import parse_compact, verify_signature
from ler_interop.net import Http, NetError
from ler_interop.outcomes import VendorError
from ler_interop.protocols.oid4vci import (MalformedOffer, Oid4vciClient, decode_offer, oauth_error, split_offer_uri,
                                           well_known_url)
from ler_interop.protocols.oid4vci_wallet import PROOF_TYP, Holder, assert_refused

ISSUER = "https://issuer.example"


@pytest.mark.parametrize("identifier, expected", [
    ("https://issuer.example", "https://issuer.example/.well-known/openid-credential-issuer"),
    ("https://issuer.example/tenant", "https://issuer.example/.well-known/openid-credential-issuer/tenant"),
    ("https://issuer.example/tenant/", "https://issuer.example/.well-known/openid-credential-issuer/tenant"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/.well-known/openid-credential-issuer"),
])
def test_well_known_is_inserted_between_host_and_path(identifier, expected):
    assert well_known_url(identifier, "/.well-known/openid-credential-issuer") == expected


def _offer(code: str = "code-0123456789") -> dict:
    return {"credential_issuer": ISSUER, "credential_configuration_ids": ["c1"],
            "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": code, "tx_code": {}}}}


def test_offer_by_value_and_by_reference():
    how, value = split_offer_uri("openid-credential-offer://?credential_offer=" + quote(json.dumps(_offer())))
    offer = decode_offer(value, by_reference=False)
    assert how == "value" and offer.configuration_ids == ["c1"] and offer.requires_tx_code  # {} still means required
    assert split_offer_uri("openid-credential-offer://?credential_offer_uri=" + quote(ISSUER + "/o/1")) == \
        ("reference", ISSUER + "/o/1")


@pytest.mark.parametrize("uri", [
    "openid-credential-offer://",
    "openid-credential-offer://?foo=1",
    "openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=https%3A%2F%2Fx",
    "openid-credential-offer://?credential_offer=%7B%7D&credential_offer=%7B%7D",
])
def test_offer_uri_needs_exactly_one_parameter(uri):
    with pytest.raises(MalformedOffer):
        split_offer_uri(uri)


def test_decoded_offer_registers_its_code_as_a_secret():
    decode_offer(_offer("pre-auth-code-that-must-not-leak"), by_reference=False)
    assert "pre-auth-code-that-must-not-leak" not in redact.scrub_text("the code is pre-auth-code-that-must-not-leak")
    with pytest.raises(MalformedOffer):
        decode_offer({"credential_issuer": ISSUER, "credential_configuration_ids": []}, by_reference=False)


def _response(status: int, **kw) -> object:
    with respx.mock:
        respx.post(ISSUER + "/x").mock(return_value=httpx.Response(status, **kw))
        with Http({"issuer.example"}) as http:
            return http.post(ISSUER + "/x")


def test_only_oauth_error_bodies_are_verdicts():
    assert oauth_error(_response(400, json={"error": "invalid_proof"})).error == "invalid_proof"
    assert oauth_error(_response(401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})).error == "invalid_token"
    assert oauth_error(_response(400, text="bad")) is None
    assert oauth_error(_response(500, json={"error": "server_error"})) is None
    assert oauth_error(_response(404, json={"error": "invalid_proof"})) is None


def test_assert_refused_classes():
    assert_refused(_response(400, json={"error": "invalid_nonce"}), "x", {"invalid_nonce"})
    with pytest.raises(AssertionError, match="accepted"):
        assert_refused(_response(200, json={}), "x", {"invalid_nonce"})
    with pytest.raises(AssertionError, match="invalid_proof"):
        assert_refused(_response(400, json={"error": "invalid_proof"}), "x", {"invalid_nonce"})
    with pytest.raises(VendorError):
        assert_refused(_response(500, text="boom"), "x", {"invalid_nonce"})
    with pytest.raises(VendorError):
        assert_refused(_response(400, text="not oauth"), "x", {"invalid_nonce"})


@pytest.mark.parametrize("binding", ["did:key", "did:jwk", "jwk"])
def test_key_proof_is_typed_addressed_and_verifies(binding):
    holder = Holder.generate("P-256", binding)
    jws = parse_compact(holder.proof(aud=ISSUER, nonce="n-1"))
    assert jws.header["typ"] == PROOF_TYP and jws.header["alg"] == "ES256"
    assert ("jwk" in jws.header) == (binding == "jwk") and ("kid" in jws.header) == (binding != "jwk")
    payload = jws.payload_json()
    assert payload["aud"] == ISSUER and payload["nonce"] == "n-1" and isinstance(payload["iat"], int)
    verify_signature(jws, holder.key)


def test_key_proof_negative_vectors():
    holder = Holder.generate()
    jws = parse_compact(holder.proof(aud=ISSUER, nonce="n", header={"alg": "none"}, claims={"nonce": None}, signature=b""))
    assert jws.header["alg"] == "none" and jws.signature == b"" and "nonce" not in jws.payload_json()


@respx.mock
def test_offer_by_reference_is_fetched_only_from_declared_hosts():
    respx.post(ISSUER + "/offers").mock(return_value=httpx.Response(
        201, json={"offer": "openid-credential-offer://?credential_offer_uri=" + quote("https://elsewhere.example/o")}))
    with Http({"issuer.example"}) as http:
        client = Oid4vciClient(http, ISSUER, ISSUER + "/offers")
        with pytest.raises(NetError, match="declared hosts"):
            client.resolve_offer(client.create_offer("c1", {}))


@respx.mock
def test_a_configured_client_id_goes_into_token_requests():
    """For an Authorization Server that takes no anonymous pre-authorized Token Requests (§12.3)."""
    issuer = "https://issuer.example"
    respx.get(f"{issuer}/.well-known/oauth-authorization-server").mock(
        return_value=httpx.Response(200, json={"issuer": issuer, "token_endpoint": f"{issuer}/token"}))
    respx.get(f"{issuer}/.well-known/openid-credential-issuer").mock(
        return_value=httpx.Response(200, json={"credential_issuer": issuer, "credential_endpoint": f"{issuer}/credential"}))
    token = respx.post(f"{issuer}/token").mock(return_value=httpx.Response(400, json={"error": "invalid_grant"}))
    for client_id, expected in ((None, None), ("ler-interop-wallet", "ler-interop-wallet")):
        with Http(["issuer.example"]) as http:
            Oid4vciClient(http, issuer, client_id=client_id).token_request("code-1")
        form = dict(pair.split("=", 1) for pair in token.calls.last.request.content.decode().split("&"))
        assert form.get("client_id") == expected


def test_deferred_issuance_is_unsupported_not_a_failure():
    """§8.3 allows 202 + transaction_id; the suite does not poll the Deferred Credential Endpoint."""
    from ler_interop.net import Response
    from ler_interop.outcomes import Unsupported
    from ler_interop.protocols.oid4vci import is_deferred, issued_credentials

    deferred = Response(202, httpx.Headers({"content-type": "application/json"}), b'{"transaction_id": "t-1"}',
                        "https://issuer.example/credential", 64)
    assert is_deferred(deferred)
    with pytest.raises(Unsupported):
        issued_credentials(deferred)
