"""A wallet presents through OpenID4VP 1.0 (P4: the learner shares what they choose, P2: bound
to the verifier's request, nothing more than asked) to the suite's strict verifier, which
records every response it gets. Each request names this check's learner (DCQL `values`), so
only this check's credential matches in a wallet that holds many."""

from __future__ import annotations

import pytest

from ler_interop.outcomes import vendor_error
from ler_interop.protocols import oid4vp_present
from ler_interop.protocols.oid4vp_present import ASKED_CLAIMS
from ler_interop.protocols.wallet_session import (
    binding_of,
    disclosed_names,
    learner,
    name_query,
    presented_names,
    vp_token_of,
)

VP = "https://openid.net/specs/openid-4-verifiable-presentations-1_0.html"
NAME_ONLY = (("credentialSubject", "name"),)


def _asked(session, fmt, asked_claims=ASKED_CLAIMS):
    """A stored credential and a request that matches exactly it."""
    claims = learner()
    stored, _ = session.holding(fmt, claims)
    return stored, session.ask(fmt, name_query(fmt, claims["name"], asked_claims)), claims


def _presented(session, fmt, asked_claims=ASKED_CLAIMS):
    """Present a fresh credential with consent; error when the wallet sent nothing to judge."""
    stored, asked, claims = _asked(session, fmt, asked_claims)
    answer = session.present(asked)
    if answer.refusal:
        vendor_error(f"the wallet refused the suite's request: {answer.refusal.error}: {answer.refusal.description[:300]}")
    presentations = session.presentations(asked)
    if not presentations:
        vendor_error(f"the wallet answered {answer.status!r} and sent no presentation to the suite's verifier")
    return stored, asked, answer, presentations, claims


@pytest.mark.check(id="WAL-OID4VP-001", title="Presents a stored credential to a DCQL query and the suite's verifier accepts it",
                   principles=["P4", "P1", "P5"], level="MUST", spec=VP + "#section-8.2", role="wallet", protocol="oid4vp",
                   profiles=["ob3"])
def test_presents_to_a_dcql_query(session, fmt):
    stored, asked, _ = _asked(session, fmt)
    answer = session.present(asked)
    assert answer.refusal is None, f"the wallet refused the request: {answer.refusal.error}: {answer.refusal.description[:300]}"
    assert answer.status == "presented", f"the wallet answered {answer.status!r} to a request its credential matches"
    verdict = session.verdict(asked)
    assert verdict.get("status") == "verified", \
        f"the suite's verifier did not accept the presentation: {'; '.join(map(str, verdict.get('errors', [])))[:400]}"
    assert stored.id in answer.presented or not answer.presented, "the wallet names other credentials as presented"


@pytest.mark.check(id="WAL-OID4VP-002", title="Presentations are bound to the request's nonce",
                   principles=["P2"], level="MUST", spec=VP + "#section-14.2", role="wallet", protocol="oid4vp")
def test_binds_the_nonce(session, fmt):
    _, asked, _, presentations, _ = _presented(session, fmt)
    nonce = session.cp.verifier.nonce(asked.transaction)
    for presentation in presentations:
        got, _ = binding_of(fmt, presentation)
        assert got == nonce, f"the presentation is bound to nonce {got!r}, not the request's"


@pytest.mark.check(id="WAL-OID4VP-003", title="Presentations are bound to the verifier's full client_id (audience)",
                   principles=["P2"], level="MUST", spec=VP + "#section-14.2", role="wallet", protocol="oid4vp")
def test_binds_the_audience(session, fmt):
    _, _, _, presentations, _ = _presented(session, fmt)
    client_id = session.cp.verifier.client_id
    for presentation in presentations:
        _, got = binding_of(fmt, presentation)
        assert got == client_id, f"the presentation's audience is {got!r}, not {client_id!r}"


# Selective disclosure is judged where the format has it.
SD_JWT_ONLY = pytest.mark.parametrize("fmt", ["dc+sd-jwt"], indirect=True)


@pytest.mark.check(id="WAL-OID4VP-004", title="A query naming no claims gets no selectively disclosable claim (SD-JWT)",
                   principles=["P2", "P4"], level="MUST", spec=VP + "#section-6.4.1", role="wallet", protocol="oid4vp")
@SD_JWT_ONLY
def test_discloses_nothing_unasked(session, fmt):
    claims = learner()
    stored, _ = session.holding(fmt, claims)
    asked = session.ask(fmt, oid4vp_present.credential_query(fmt, claims=()))
    answer = session.present(asked)
    presentations = session.presentations(asked)
    if answer.refusal or not presentations:
        vendor_error(f"the wallet sent no presentation for a query without claims (answer {answer.status!r})")
    for presentation in presentations:
        disclosed = disclosed_names(presentation)
        assert not disclosed, f"the query named no claims, the wallet disclosed {disclosed}"


@pytest.mark.check(id="WAL-OID4VP-005", title="Discloses only the SD-JWT claims the query asked for",
                   principles=["P2", "P4"], level="SHOULD", spec=VP + "#section-15.4", role="wallet", protocol="oid4vp")
@SD_JWT_ONLY
def test_discloses_only_what_is_asked(session, fmt):
    _, _, _, presentations, _ = _presented(session, fmt, NAME_ONLY)
    for presentation in presentations:
        disclosed = disclosed_names(presentation)
        assert set(disclosed) <= {"name"}, f"asked for the learner's name only, the wallet disclosed {sorted(set(disclosed))}"


@pytest.mark.check(id="WAL-OID4VP-006", title="Presents only the credentials that match the query",
                   principles=["P2", "P4"], level="MUST", spec=VP + "#section-6.4.2", role="wallet", protocol="oid4vp")
def test_presents_only_matching(session, fmt):
    session.holding(fmt)  # another learner's credential of the same format and type
    _, _, _, presentations, claims = _presented(session, fmt)
    names = [name for p in presentations for name in presented_names(fmt, p)]
    assert names and all(name == claims["name"] for name in names), \
        f"asked for {claims['name']!r}'s credential, the wallet presented credentials of {names}"


@pytest.mark.check(id="WAL-OID4VP-007", title="Presents nothing when no stored credential matches",
                   principles=["P2", "P4"], level="MUST", spec=VP + "#section-6.4.2", role="wallet", protocol="oid4vp")
def test_presents_nothing_without_a_match(session, fmt):
    session.holding(fmt)
    asked = session.ask(fmt, name_query(fmt, learner()["name"]))  # nobody the wallet holds
    answer = session.present(asked)
    assert not session.presentations(asked), "the wallet presented a credential the query does not match"
    assert answer.status in ("no_match", "declined") or answer.refusal, \
        f"the wallet answered {answer.status!r} although nothing matched"


@pytest.mark.check(id="WAL-OID4VP-008", title="Honours the learner's decline: nothing is presented",
                   principles=["P4", "P2"], level="MUST", spec=VP + "#section-15.1", role="wallet", protocol="oid4vp",
                   requires=["decline"])
def test_honours_decline(session, fmt):
    _, asked, _ = _asked(session, fmt)
    answer = session.present(asked, consent="decline")
    assert not session.presentations(asked), "the learner declined, the wallet presented anyway"
    assert answer.status == "declined", f"the wallet answered {answer.status!r} to a decline"


@pytest.mark.check(id="WAL-OID4VP-009", title="On decline, tells the verifier access_denied",
                   principles=["P4", "P1"], level="SHOULD", spec=VP + "#section-8.5", role="wallet", protocol="oid4vp",
                   requires=["decline"])
def test_decline_sends_access_denied(session, fmt):
    _, asked, _ = _asked(session, fmt)
    session.present(asked, consent="decline")
    errors = [form.get("error") for form in session.responses(asked)]
    assert "access_denied" in errors, f"the verifier got {errors or 'no response'} after the learner declined"


@pytest.mark.check(id="WAL-OID4VP-010", title="Does not present a revoked credential silently",
                   principles=["P2", "P4"], level="MUST", spec="https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm",
                   role="wallet", protocol="oid4vp")
def test_revoked_not_presented_silently(session, fmt):
    claims = learner()
    stored, _ = session.holding(fmt, claims)
    control = session.ask(fmt, name_query(fmt, claims["name"]))
    if session.present(control).status != "presented" or not session.presentations(control):
        vendor_error("the wallet did not present the credential before it was revoked, so leaving it out proves nothing")
    session.cp.issuer.revoke(session.issued()[-1].credential)
    asked = session.ask(fmt, name_query(fmt, claims["name"]))
    answer = session.present(asked)
    if session.presentations(asked):
        assert answer.warns_about(stored.id), "the wallet presented a revoked credential without a warning"


@pytest.mark.check(id="WAL-OID4VP-011", title="Refuses a Request Object whose signature does not verify for its client_id",
                   principles=["P2"], level="MUST", spec=VP + "#section-5.9.3", role="wallet", protocol="oid4vp")
def test_refuses_a_forged_request(session, fmt):
    claims = learner()
    session.holding(fmt, claims)
    control = session.ask(fmt, name_query(fmt, claims["name"]))
    if session.present(control).status != "presented":
        vendor_error("the wallet did not answer a well-signed request, so refusing a forged one proves nothing")
    forged = session.ask(fmt, name_query(fmt, claims["name"]), bad_signature=True)
    answer = session.present(forged)
    assert not session.presentations(forged), "the wallet presented to a request whose signature does not verify"
    assert answer.refusal is not None and answer.refusal.error == "request_rejected", \
        f"the wallet answered {answer.status!r} to a forged request, not request_rejected"


@pytest.mark.check(id="WAL-OID4VP-012", title="The response carries the request's state",
                   principles=["P2", "P1"], level="MUST", spec=VP + "#section-8.2", role="wallet", protocol="oid4vp")
def test_response_carries_state(session, fmt):
    stored, asked, _ = _asked(session, fmt)
    session.present(asked)
    posted = session.posted_responses()
    if not posted:
        vendor_error("the wallet posted nothing to the suite's Response URI")
    state = session.cp.verifier.state(asked.transaction)
    assert any(form.get("state") == state for form in posted), "no response the wallet posted carries the request's state"


@pytest.mark.check(id="WAL-OID4VP-013", title="The vp_token is keyed by the DCQL credential query id, each with a list of presentations",
                   principles=["P1"], level="MUST", spec=VP + "#section-8.1", role="wallet", protocol="oid4vp")
def test_vp_token_keyed_by_query_id(session, fmt):
    _, asked, _, _, _ = _presented(session, fmt)
    query_ids = {cq["id"] for cq in asked.dcql_query["credentials"]}
    for form in session.responses(asked):
        token = vp_token_of(form)
        if token is None:
            continue
        assert isinstance(token, dict), "the vp_token is not a JSON object"
        assert set(token) <= query_ids and set(token), f"the vp_token is keyed by {sorted(token)}, not {sorted(query_ids)}"
        assert all(isinstance(v, list) and v for v in token.values()), "each vp_token entry must be a non-empty array"
