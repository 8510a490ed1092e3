"""OpenID4VCI 1.0 issuers: the pre-authorized code grant at the token endpoint (§6) and the nonce
endpoint (§7). Each negative check first redeems an untouched twin offer (its positive control),
so an issuer that refuses everything gets `error`, never a pass.
"""

from __future__ import annotations

import secrets

import pytest

from ler_interop import redact
from ler_interop.outcomes import control_refused, unsupported, vendor_error
from ler_interop.protocols.oid4vci import SPEC, describe
from ler_interop.protocols.oid4vci_wallet import assert_refused
from ler_interop.protocols.vcapi import json_body


def _tx_code() -> str:
    code = f"{secrets.randbelow(10**6):06d}"
    redact.register_secret(code)
    return code


def _offer(oid4vci, wallet, learner, tx_code=None):
    config_id = wallet.any_configuration()
    return oid4vci.resolve_offer(oid4vci.create_offer(config_id, wallet.offer_claims(config_id, learner), tx_code=tx_code))


def _redeemed(oid4vci, offer, tx_code=None):
    """The positive control: the untouched offer must give a token."""
    response = oid4vci.token_request(offer.pre_authorized_code, tx_code)
    if response.status_code != 200:
        control_refused("your OpenID4VCI issuer gives no token for the suite's valid pre-authorized code",
                        describe(response))
    return response


def _tx_offer(oid4vci, wallet, learner, code: str):
    offer = _offer(oid4vci, wallet, learner, tx_code=code)
    assert offer.requires_tx_code, "asked for an offer with a tx_code, the offer has no tx_code object (§4.1.1)"
    return offer


@pytest.mark.check(id="ISS-OID4VCI-007", title="A wrong tx_code is refused with invalid_grant",
                   principles=["P2"], level="MUST", spec=SPEC + "#section-6.3", role="issuer", protocol="oid4vci",
                   requires=["oid4vci", "tx_code"])
def test_wrong_tx_code_refused(oid4vci, wallet, learner):
    code = _tx_code()
    _redeemed(oid4vci, _tx_offer(oid4vci, wallet, learner, code), code)
    code = _tx_code()
    offer = _tx_offer(oid4vci, wallet, learner, code)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert_refused(oid4vci.token_request(offer.pre_authorized_code, wrong), "a token request with a wrong tx_code",
                   {"invalid_grant"})


@pytest.mark.check(id="ISS-OID4VCI-008", title="A missing tx_code is refused with invalid_request",
                   principles=["P2"], level="MUST", spec=SPEC + "#section-6.3", role="issuer", protocol="oid4vci",
                   requires=["oid4vci", "tx_code"])
def test_missing_tx_code_refused(oid4vci, wallet, learner):
    code = _tx_code()
    _redeemed(oid4vci, _tx_offer(oid4vci, wallet, learner, code), code)
    offer = _tx_offer(oid4vci, wallet, learner, _tx_code())
    assert_refused(oid4vci.token_request(offer.pre_authorized_code), "a token request without the tx_code the offer requires",
                   {"invalid_request"})


@pytest.mark.check(id="ISS-OID4VCI-009", title="A pre-authorized code is single use (a second redemption gets invalid_grant)",
                   principles=["P2"], level="MUST", spec=SPEC + "#section-4.1.1", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_pre_authorized_code_single_use(oid4vci, wallet, learner):
    offer = _offer(oid4vci, wallet, learner)
    _redeemed(oid4vci, offer)
    assert_refused(oid4vci.token_request(offer.pre_authorized_code), "a second redemption of a pre-authorized code",
                   {"invalid_grant"})


@pytest.mark.check(id="ISS-OID4VCI-010", title="The token response carries a Bearer access token and is not cacheable",
                   principles=["P1", "P2"], level="MUST", spec=SPEC + "#section-6.2", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_token_response(oid4vci, wallet, learner):
    response = _redeemed(oid4vci, _offer(oid4vci, wallet, learner))
    body = json_body(response)
    oid4vci.access_token(response)  # registers the token as a secret before any message quotes the body
    assert isinstance(body, dict) and isinstance(body.get("access_token"), str), "no access_token string"
    token_type = body.get("token_type")
    assert isinstance(token_type, str) and token_type.lower() in ("bearer", "dpop"), f"token_type is {token_type!r}"
    # RFC 6749 §5.1: a response with tokens MUST carry Cache-Control: no-store.
    cache = response.headers.get("cache-control", "")
    assert "no-store" in cache.lower(), f"Cache-Control is {cache!r}; a token response MUST be no-store"


def _nonce_response(oid4vci):
    if "nonce_endpoint" not in oid4vci.metadata():
        unsupported("the issuer has no nonce_endpoint (§7: only issuers that require c_nonce offer one)")
    response = oid4vci.nonce_response()
    if response.status_code >= 500 or response.status_code in (401, 404, 405):
        vendor_error(f"nonce endpoint: {describe(response)}")
    return response


def _c_nonce(response):
    body = json_body(response)
    assert 200 <= response.status_code < 300, f"nonce endpoint answered {response.status_code}, §7.2 requires 2xx"
    nonce = body.get("c_nonce") if isinstance(body, dict) else None
    assert isinstance(nonce, str) and nonce, f"nonce response has no c_nonce string: {describe(response)}"
    return nonce


@pytest.mark.check(id="ISS-OID4VCI-011", title="The nonce endpoint answers a c_nonce with Cache-Control: no-store",
                   principles=["P2"], level="MUST", spec=SPEC + "#section-7.2", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_nonce_response(oid4vci):
    response = _nonce_response(oid4vci)
    _c_nonce(response)
    cache = response.headers.get("cache-control", "")
    assert "no-store" in cache.lower(), f"Cache-Control is {cache!r}; §7.2 requires no-store"


# §7.2 leaves it to the issuer when to mint a new c_nonce, but a c_nonce handed to every caller
# alike no longer shows a proof is fresh (§13.8 Proof replay): hence a SHOULD.
@pytest.mark.check(id="ISS-OID4VCI-012", title="Each nonce request gets a new c_nonce",
                   principles=["P2"], level="SHOULD", spec=SPEC + "#section-13.8", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_nonce_fresh(oid4vci):
    first, second = _c_nonce(_nonce_response(oid4vci)), _c_nonce(_nonce_response(oid4vci))
    assert first != second, "two nonce requests got the same c_nonce"
