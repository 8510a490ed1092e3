"""OpenID4VP verifiers: the Response URI and accepting what is valid. The suite, as the
holder's wallet, presents an Open Badge it issued itself, in each format the verifier
declares, bound to the request's nonce and client_id, and posts it with `state`
(response_mode direct_post)."""

from __future__ import annotations

import secrets

import pytest

from ler_interop.protocols import oid4vp_present as present
from ler_interop.protocols.oid4vp import assert_accepted, is_oauth_error
from ler_interop.protocols.vcapi import NOT_A_VERDICT, json_body
from ler_interop.outcomes import vendor_error

VP = "https://openid.net/specs/openid-4-verifiable-presentations-1_0.html"
ALL_FORMATS = pytest.mark.parametrize("oid4vp_format", present.FORMATS, indirect=True)


def check(id, title, principles, spec, level="MUST", requires=()):
    return pytest.mark.check(id=id, title=title, principles=principles, level=level, spec=spec, role="verifier",
                             protocol="oid4vp", requires=["oid4vp", *requires])


@check("VER-OID4VP-010", "Accepts a valid presentation of an Open Badge in each declared format", ["P1", "P4"],
       VP + "#section-8.6")
@ALL_FORMATS
def test_accepts_valid_presentation(wallet, credential, oid4vp_format):
    verdict = wallet.present_valid(oid4vp_format, wallet.issue(oid4vp_format, credential()))
    assert_accepted(verdict, f"a valid {oid4vp_format} presentation")


@check("VER-OID4VP-011", "The Response URI answers a processed response with 200 and a JSON object", ["P1"],
       VP + "#section-8.2")
def test_response_answer_is_json(wallet, credential, oid4vp_any_format):
    asked = wallet.ask(oid4vp_any_format)
    response = wallet.client.respond(asked.request, {present.QUERY_ID: [
        wallet.presentation(asked, wallet.issue(oid4vp_any_format, credential()))]})
    if response.status_code >= 500 or response.status_code in NOT_A_VERDICT:
        vendor_error(f"the Response URI answered HTTP {response.status_code}")
    assert response.status_code == 200, f"a valid response was answered HTTP {response.status_code}, not 200"
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    assert ctype == "application/json", f"Content-Type is {ctype!r}, not application/json"
    assert isinstance(json_body(response), dict), "the body is not a JSON object"


@check("VER-OID4VP-012", "Accepts a presentation of a credential from a foreign did:web issuer", ["P5", "P7"],
       "https://w3c-ccg.github.io/did-method-web/#read-resolve", requires=["did:web", "ldp_vc"])
def test_accepts_foreign_did_web_issuer(wallet, oid4vp_counterpart, credential):
    issuer = oid4vp_counterpart.signer()
    verdict = wallet.present_valid("ldp_vc", wallet.issue("ldp_vc", credential(), issuer=issuer))
    assert_accepted(verdict, f"a credential from {issuer.did}")


@check("VER-OID4VP-013", "Refuses a second response to a request it already answered (replay)", ["P2"],
       VP + "#section-14.2.2")
def test_refuses_replayed_response(wallet, credential, oid4vp_any_format):
    asked = wallet.ask(oid4vp_any_format)
    token = {present.QUERY_ID: [wallet.presentation(asked, wallet.issue(oid4vp_any_format, credential()))]}
    first = wallet.client.verdict(asked.transaction, wallet.client.respond(asked.request, token))
    if not first.accepted:
        vendor_error(f"could not exercise the check: the first, valid response was not verified ({first.message})")
    replay = wallet.client.respond(asked.request, token)
    if replay.status_code >= 500 or replay.status_code in NOT_A_VERDICT:
        vendor_error(f"the replayed response was answered HTTP {replay.status_code}, which is no verdict")
    assert not 200 <= replay.status_code < 300, f"the replayed response was taken (HTTP {replay.status_code})"
    assert replay.status_code in (400, 422), f"the replay was answered HTTP {replay.status_code}, expected 400"


@check("VER-OID4VP-014", "Refuses a response whose state matches no request", ["P2"], VP + "#section-14.4.2",
       level="SHOULD")
def test_refuses_unknown_state(wallet, credential, oid4vp_any_format):
    issued = wallet.issue(oid4vp_any_format, credential())
    control = wallet.present_valid(oid4vp_any_format, issued)  # positive control: a Response URI that takes responses
    if not control.accepted:
        vendor_error(f"could not exercise the check: a valid response with its own state is refused too ({control.message})")
    asked = wallet.ask(oid4vp_any_format)
    token = {present.QUERY_ID: [wallet.presentation(asked, issued)]}
    response = wallet.client.respond(asked.request, token, state=secrets.token_urlsafe(32))
    if response.status_code >= 500 or response.status_code in NOT_A_VERDICT:
        vendor_error(f"the response was answered HTTP {response.status_code}, which is no verdict")
    assert is_oauth_error(response), (
        f"a response for a state it never issued was answered HTTP {response.status_code}, not 400 with an OAuth error")
