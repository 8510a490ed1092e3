"""The reference verifier's OpenID4VP side, driven by the suite's wallet side (protocols/oid4vp*):
requests, the Response URI's answers, the verdict classifier, and a presentation made by an
independent SD-JWT implementation (the `sd-jwt` package, tests only)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import httpx
import pytest

from ler_interop import net
from ler_interop.cli import main
from ler_interop.credentials import crafting, samples
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.keys import Key
from ler_interop.protocols import oid4vp_present as present
from ler_interop.protocols.oid4vp import BackchannelStatus, Oid4vpClient, classify
from ler_interop.protocols.oid4vp_request import entropy_bits, signature_problem
from ler_interop.protocols.oid4vp_wallet import SuiteWallet
from ler_interop.protocols.vcapi import VendorAnswerError
from ler_interop.reference.servers import start_reference

SUITES = Path(__file__).resolve().parents[1] / "suites"


@pytest.fixture(scope="module")
def refs():
    with start_reference() as servers:
        yield servers


@pytest.fixture
def wallet(refs):
    http = net.Http([net.guard_entry(refs.verifier_url)])
    url = refs.manifest_vendor()["verifier"]["oid4vp"]["presentation_requests"]
    yield SuiteWallet(Oid4vpClient(http, http, url), crafting.Signer.did_key(), crafting.Signer.did_key())
    http.close()


def _badge() -> dict:
    return samples.achievement_credential("did:example:unset")


def test_manifest_declares_oid4vp_and_formats(refs):
    verifier = refs.manifest_vendor()["verifier"]
    assert verifier["oid4vp"]["presentation_requests"].startswith(refs.verifier_url)
    assert {"oid4vp", "ldp_vc", "jwt_vc_json", "dc+sd-jwt"} <= set(verifier["supports"])


def test_request_object_is_signed_by_the_client_did(wallet):
    asked = wallet.ask("dc+sd-jwt")
    request = asked.request
    assert request.url.startswith("openid4vp://?") and request.content_type == "application/oauth-authz-req+jwt"
    assert request.prefix == "decentralized_identifier" and request.url_params["client_id"] == request.client_id
    assert signature_problem(request, DidResolver().resolve_vm) is None
    assert {request.get(k) for k in ("response_type", "response_mode")} == {"vp_token", "direct_post"}
    assert entropy_bits(asked.nonce) >= 256 and request.get("dcql_query") == present.credential_query("dc+sd-jwt")
    # the signature is bound to the DID: another did:key's key does not verify it
    request.header["kid"] = crafting.Signer.did_key().vm
    assert "is not a key of" in signature_problem(request, DidResolver().resolve_vm)


def test_backchannel_refuses_an_invalid_query_and_an_unknown_id(refs):
    base = refs.verifier_url + "/presentation-requests"
    with httpx.Client() as client:
        bad = client.post(base, json={"dcql_query": {"credentials": []}})
        assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
        assert client.get(f"{base}/{secrets.token_urlsafe(8)}").status_code == 404


def test_response_uri_answers_once_and_only_to_its_own_state(wallet):
    asked = wallet.ask("ldp_vc")
    token = {present.QUERY_ID: [wallet.presentation(asked, wallet.issue("ldp_vc", _badge()))]}
    first = wallet.client.respond(asked.request, token)
    assert first.status_code == 200 and first.json() == {} and first.headers["cache-control"] == "no-store"
    status = wallet.client.status(asked.transaction)
    assert status.status == "verified" and status.claims == {
        "badge": [{"credentialSubject/name": "Ada Lovelace", "credentialSubject/achievement/name":
                   "Data Stewardship Fundamentals"}]}
    replay = wallet.client.respond(asked.request, token)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_request"
    stranger = wallet.client.respond(asked.request, token, state="never-issued")
    assert stranger.status_code == 400 and "state" in stranger.json()["error_description"]


def test_a_wallet_error_response_is_a_rejection(wallet):
    asked = wallet.ask("ldp_vc")
    answer = wallet.client.wallet.post(asked.request.get("response_uri"),
                                       data={"error": "access_denied", "state": asked.request.get("state")})
    assert answer.status_code == 200
    assert wallet.client.status(asked.transaction).status == "rejected"


def test_unasked_entries_and_non_json_tokens_are_rejected(wallet):
    asked = wallet.ask("ldp_vc")
    good = wallet.presentation(asked, wallet.issue("ldp_vc", _badge()))
    verdict = wallet.client.present(asked.transaction, asked.request, {present.QUERY_ID: [good], "other": [good]})
    assert not verdict.accepted and "answers no credential query" in " ".join(
        wallet.client.status(asked.transaction).errors)
    asked = wallet.ask("ldp_vc")
    answer = wallet.client.wallet.post(asked.request.get("response_uri"),
                                       data={"vp_token": "not json", "state": asked.request.get("state")})
    assert answer.status_code == 400 and wallet.client.status(asked.transaction).status == "rejected"


# -- the verdict classifier -------------------------------------------------------------------
def _response(status: int, body: object = None) -> net.Response:
    content = json.dumps(body).encode() if body is not None else b"oops"
    return net.Response(status, httpx.Headers({"content-type": "application/json"}), content, "http://x/", 64)


@pytest.mark.parametrize("code, body, status, accepted", [
    (200, {}, "verified", True),
    (200, {}, "rejected", False),
    (400, {"error": "invalid_request"}, "rejected", False),
    (400, {"error": "invalid_request"}, "pending", False),
    (422, None, "rejected", False),
])
def test_classify_verdicts(code, body, status, accepted):
    assert classify(_response(code, body), BackchannelStatus(status)).accepted is accepted


@pytest.mark.parametrize("code, status", [
    (500, "rejected"), (503, "pending"), (404, "rejected"), (401, "rejected"), (200, "pending"), (400, "verified"),
])
def test_classify_no_verdict(code, status):
    with pytest.raises(VendorAnswerError):
        classify(_response(code, {"error": "server_error"}), BackchannelStatus(status))


def test_a_crashing_or_refuse_all_verifier_never_passes_a_negative_check(tmp_path):
    """With verifier.oid4vp-500-on-reject a rejection is a 500, which is no verdict; with
    verifier.reject-all the positive control fails: both make negative checks `error`."""
    checks = ["VER-OID4VP-020", "VER-OID4VP-024", "VER-OID4VP-027"]
    for fault in ("verifier.oid4vp-500-on-reject", "verifier.reject-all"):
        out = tmp_path / fault
        assert main(["run", "--suites", str(SUITES), "--out", str(out), "--run-id", "x", "--fault", fault,
                     "-k", " or ".join(checks)]) in (0, 1)
        results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
        outcomes = {(r["check"], r["params"].get("oid4vp_format"), r["outcome"]) for r in results if r["kind"] == "result"}
        assert {o for _, _, o in outcomes} == {"error"}, outcomes


# -- cross-implementation: a presentation made by the `sd-jwt` package -------------------------
def test_accepts_an_sd_jwt_presentation_made_by_the_sd_jwt_package(wallet):
    pytest.importorskip("sd_jwt")
    from jwcrypto.jwk import JWK
    from sd_jwt.common import SDObj
    from sd_jwt.holder import SDJWTHolder
    from sd_jwt.issuer import SDJWTIssuer

    # sd-jwt 0.10.4 signs KB-JWTs with a fixed alg (ES256): P-256 keys on both sides.
    issuer, holder = crafting.Signer.did_key(Key.generate("P-256")), Key.generate("P-256")
    claims = {"iss": issuer.did, "vct": present.OB_VCT, "credentialSubject": {
        SDObj("name"): "Ada Lovelace", SDObj("achievement"): {"name": "Data Stewardship Fundamentals"}}}
    issued = SDJWTIssuer(claims, JWK(**issuer.key.private_jwk()), holder_key=JWK(**holder.public_jwk()),
                         sign_alg="ES256", extra_header_parameters={"typ": "dc+sd-jwt", "kid": issuer.vm}).sd_jwt_issuance
    asked = wallet.ask("dc+sd-jwt")
    theirs = SDJWTHolder(issued)
    theirs.create_presentation({"credentialSubject": {"name": True, "achievement": True}}, nonce=asked.nonce,
                               aud=asked.client_id, holder_key=JWK(**holder.private_jwk()), sign_alg="ES256")
    verdict = wallet.answer(asked, theirs.sd_jwt_presentation)
    assert verdict.accepted, wallet.client.status(asked.transaction).errors
