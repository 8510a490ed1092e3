"""OpenID4VCI 1.0 issuers: credential requests that must be refused (§8.3.1, Appendix F.4), and
unknown parameters that must be ignored (§8.2).

A refusal is a 400 with one of the Credential Request error codes, which "MUST be used instead
of the generic invalid_request" (§8.3.1.2); that the code names the very problem is a SHOULD
in the same section, judged once by ISS-OID4VCI-034, so a wrong code only warns.

Every negative check first gets a credential with an untouched request on a twin offer (its
positive control), so an issuer that refuses everything gets `error`, never a pass.
"""

from __future__ import annotations

import secrets

import pytest

from ler_interop.credentials.keys import Key
from ler_interop.outcomes import unsupported, vendor_error
from ler_interop.protocols.oid4vci import SPEC, describe
from ler_interop.protocols.oid4vci_wallet import CREDENTIAL_REQUEST_ERRORS, DROP, assert_control_issued, assert_refused

PROOF_SPEC = SPEC + "#appendix-F.4"
ERRORS_SPEC = SPEC + "#section-8.3.1.2"


@pytest.fixture
def twin(wallet, learner):
    """(configuration id, holder, a fresh session) after the positive control issued a credential."""
    config_id = wallet.any_configuration()
    holder = wallet.holder_for(config_id)
    assert_control_issued(wallet.request(wallet.authorize(config_id, learner), [holder]), "credential request")
    return config_id, holder, wallet.authorize(config_id, learner)


def _refused_proof(wallet, twin, what: str, **proof_overrides) -> None:
    _, holder, session = twin
    assert_refused(wallet.request(session, [holder], **proof_overrides), what, CREDENTIAL_REQUEST_ERRORS)


# MUST: RFC 6749 §7 "The resource server MUST validate the access token". Which 4xx says so is
# RFC 6750 §3.1's SHOULD (401 / invalid_token), so any refusal that speaks about the request passes.
@pytest.mark.check(id="ISS-OID4VCI-019", title="The credential endpoint refuses a request without, or with an unknown, access token",
                   principles=["P2"], level="MUST", spec=SPEC + "#section-8.3.1.1", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_access_token_required(wallet, oid4vci, twin):
    config_id, holder, _ = twin
    for token, what in ((None, "without a token"), ("ler-interop-" + secrets.token_urlsafe(24), "with a token never issued")):
        body = {"credential_configuration_id": config_id, "proofs": wallet.proofs([holder])}
        response = oid4vci.credential_request(token, body)
        assert not 200 <= response.status_code < 300, f"issued {what} ({response.status_code})"
        if response.status_code >= 500 or response.status_code in (404, 405):  # a crash or a wrong URL says nothing
            vendor_error(f"{what}: {describe(response)}; cannot judge")
        assert 400 <= response.status_code < 500, f"{what}: {describe(response)}; expected a 4xx refusal"


@pytest.mark.check(id="ISS-OID4VCI-020", title="An access token is good only for the configurations of its offer",
                   principles=["P2"], level="SHOULD", spec=SPEC + "#section-6.1", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_access_token_bound_to_offer(wallet, oid4vci, twin):
    config_id, _, session = twin
    others = [c for c, v in oid4vci.configurations().items()
              if c != config_id and isinstance(v, dict) and "jwt" in (v.get("proof_types_supported") or {})]
    if not others:
        unsupported("the issuer has only one configuration taking jwt proofs; nothing else to ask for")
    response = wallet.request(session, [wallet.holder_for(others[0])], configuration_id=others[0])
    assert_refused(response, f"a token for {config_id} used for {others[0]}",
                   {"insufficient_scope", "invalid_token", "credential_request_denied"}, frozenset({400, 401, 403}))


@pytest.mark.check(id="ISS-OID4VCI-021", title="An unknown credential_configuration_id is refused (400, a Credential Request error code)",
                   principles=["P1"], level="MUST", spec=ERRORS_SPEC, role="issuer", protocol="oid4vci", requires=["oid4vci"])
def test_unknown_configuration(wallet, twin):
    _, holder, session = twin
    response = wallet.request(session, [holder], configuration_id="ler-interop-unknown-configuration")
    assert_refused(response, "a request for a configuration the metadata does not list", CREDENTIAL_REQUEST_ERRORS)


@pytest.mark.check(id="ISS-OID4VCI-022", title="A key proof not typed openid4vci-proof+jwt is refused",
                   principles=["P2"], level="MUST", spec=PROOF_SPEC, role="issuer", protocol="oid4vci", requires=["oid4vci"])
def test_proof_typ(wallet, twin):
    _refused_proof(wallet, twin, "a key proof typed JWT", header={"typ": "JWT"})


@pytest.mark.check(id="ISS-OID4VCI-023", title="A key proof for another audience is refused",
                   principles=["P2"], level="MUST", spec=PROOF_SPEC, role="issuer", protocol="oid4vci", requires=["oid4vci"])
def test_proof_audience(wallet, twin):
    _refused_proof(wallet, twin, "a key proof whose aud is another issuer",
                   claims={"aud": "https://issuer.ler-interop.example"})


def _needs_nonce_endpoint(oid4vci) -> None:
    if "nonce_endpoint" not in oid4vci.metadata():
        unsupported("the issuer has no nonce_endpoint, so it does not use c_nonce (§7)")


@pytest.mark.check(id="ISS-OID4VCI-024", title="A key proof with a c_nonce the issuer never gave is refused",
                   principles=["P2"], level="MUST", spec=ERRORS_SPEC, role="issuer", protocol="oid4vci", requires=["oid4vci"])
def test_proof_unknown_nonce(wallet, oid4vci, twin):
    _needs_nonce_endpoint(oid4vci)
    _refused_proof(wallet, twin, "a key proof with an unknown nonce",
                   claims={"nonce": "ler-interop-" + secrets.token_urlsafe(16)})


@pytest.mark.check(id="ISS-OID4VCI-025", title="A key proof without a nonce is refused",
                   principles=["P2"], level="MUST", spec=ERRORS_SPEC, role="issuer", protocol="oid4vci", requires=["oid4vci"])
def test_proof_without_nonce(wallet, oid4vci, twin):
    _needs_nonce_endpoint(oid4vci)
    # §8.3.1.2 invalid_proof (3): "at least one of the key proofs does not contain a c_nonce value".
    _refused_proof(wallet, twin, "a key proof without a nonce", claims={"nonce": None})


@pytest.mark.check(id="ISS-OID4VCI-036", title="A c_nonce already used in an accepted key proof is not accepted again",
                   principles=["P2"], level="MAY", spec=SPEC + "#section-13.8", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_used_nonce_refused(wallet, oid4vci, learner):
    """§13.8: c_nonce is the defence against key proof replay, but "A Wallet can continue using a
    given nonce until it is rejected by the Credential Issuer. The Credential Issuer determines for
    how long a particular nonce can be used." Single use is the issuer's choice: MAY, a warning."""
    _needs_nonce_endpoint(oid4vci)
    config_id = wallet.any_configuration()
    holder = wallet.holder_for(config_id)
    nonce = oid4vci.c_nonce()
    first = wallet.request(wallet.authorize(config_id, learner), [holder], claims={"nonce": nonce})
    assert_control_issued(first, "a key proof with a fresh c_nonce")
    again = wallet.request(wallet.authorize(config_id, learner), [holder], claims={"nonce": nonce})
    assert_refused(again, "a new key proof reusing a c_nonce that already got a credential", CREDENTIAL_REQUEST_ERRORS)


@pytest.mark.check(id="ISS-OID4VCI-026", title="A key proof not signed by the key its header names is refused",
                   principles=["P2"], level="MUST", spec=PROOF_SPEC, role="issuer", protocol="oid4vci", requires=["oid4vci"])
def test_proof_bad_signature(wallet, twin):
    _, holder, _ = twin
    _refused_proof(wallet, twin, "a key proof signed by another key",
                   signing_key=Key.generate(holder.key.type))


@pytest.mark.check(id="ISS-OID4VCI-027", title="A key proof with alg none or a MAC alg is refused",
                   principles=["P2"], level="MUST", spec=SPEC + "#appendix-F.1", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_proof_alg(wallet, twin, alg):
    signature = b"" if alg == "none" else secrets.token_bytes(32)
    _refused_proof(wallet, twin, f"a key proof with alg {alg}", header={"alg": alg}, signature=signature)


# SHOULD, not MUST: in 1.0 the singular `proof` is an unrecognised parameter and "The `proofs`
# parameter MUST be present if the `proof_types_supported` parameter is present" binds the
# wallet; `invalid_proof` names the answer "if the field is missing". But §8.2 also says
# "Additional Credential Request parameters MAY be defined and used", so an issuer that keeps
# reading `proof` for pre-1.0 wallets (OWF oid4vc-ts does) breaks no MUST.
@pytest.mark.check(id="ISS-OID4VCI-028", title="The pre-1.0 singular `proof` is not accepted in place of `proofs`",
                   principles=["P1"], level="SHOULD", spec=SPEC + "#section-8.2", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_singular_proof_refused(wallet, twin):
    _, holder, session = twin
    token = wallet.proofs([holder])["jwt"][0]
    response = wallet.request(session, [holder], extra={"proofs": DROP, "proof": {"proof_type": "jwt", "jwt": token}})
    # Without `proofs` the request lacks its key proofs (invalid_proof (1)); naming the unsupported
    # parameter is invalid_credential_request. Either refuses; issuing does not.
    assert_refused(response, "a request with the singular `proof` and no `proofs`",
                   {"invalid_proof", "invalid_credential_request"})


@pytest.mark.check(id="ISS-OID4VCI-029", title="Unknown credential request parameters are ignored",
                   principles=["P1", "P5"], level="MUST", spec=SPEC + "#section-8.2", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_unknown_parameters_ignored(wallet, twin):
    _, holder, session = twin
    response = wallet.request(session, [holder], extra={"ler_interop_extension": {"purpose": "must be ignored"}})
    assert response.status_code == 200, f"a request with one unknown parameter: {describe(response)}; §8.2: it MUST be ignored"


@pytest.mark.check(id="ISS-OID4VCI-034", title="A refused credential request names its problem: unknown_credential_configuration, invalid_proof, invalid_nonce",
                   principles=["P1", "P5"], level="SHOULD", spec=ERRORS_SPEC, role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_error_codes_name_the_problem(wallet, oid4vci, twin, learner):
    """A wallet can only recover (fetch a new c_nonce, pick another configuration) when the code
    says what went wrong."""
    config_id, holder, session = twin
    cases = [("an unknown configuration", "unknown_credential_configuration",
              lambda s: wallet.request(s, [holder], configuration_id="ler-interop-unknown-configuration")),
             ("a key proof typed JWT", "invalid_proof", lambda s: wallet.request(s, [holder], header={"typ": "JWT"}))]
    if "nonce_endpoint" in oid4vci.metadata():
        cases.append(("a key proof with an unknown nonce", "invalid_nonce",
                      lambda s: wallet.request(s, [holder], claims={"nonce": "ler-interop-" + secrets.token_urlsafe(16)})))
    for what, code, send in cases:
        assert_refused(send(session), what, {code})
        session = wallet.authorize(config_id, learner)
