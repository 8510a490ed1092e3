"""A wallet presents through OpenID4VP 1.0 (P4: the learner shares what they choose, P2: bound
to the verifier's request, nothing more than asked) to the suite's strict verifier, which
records every response it gets.

Each check starts from an empty wallet (POST /reset) and gives it exactly the credentials it
needs: DCQL `values` matching is only a SHOULD (§6.4.1), so a check cannot count on it to
single out its credential among earlier checks' ones. Negative checks first show the wallet
presenting to a matching request (the positive control), then look at everything posted to
the suite's Response URI since, whatever `state` it carries.
"""

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
# Selective disclosure is judged where the format has it.
SD_JWT_ONLY = pytest.mark.parametrize("fmt", ["dc+sd-jwt"], indirect=True)


def _held(session, fmt):
    """An empty wallet given one fresh credential: (stored, the learner's claims)."""
    session.clean_slate()
    claims = learner()
    stored, _ = session.holding(fmt, claims)
    return stored, claims


def _presented(session, fmt, asked_claims=ASKED_CLAIMS):
    """Present a fresh credential with consent; error when the wallet sent nothing to judge."""
    stored, claims = _held(session, fmt)
    asked = session.ask(fmt, name_query(fmt, claims["name"], asked_claims))
    answer = session.present(asked)
    if answer.refusal:
        vendor_error(f"the wallet refused the suite's request: {answer.refusal.error}: {answer.refusal.description[:300]}")
    presentations = session.presentations(asked)
    if not presentations:
        vendor_error(f"the wallet answered {answer.status!r} and sent no presentation the suite could read")
    return stored, asked, answer, presentations, claims


def _control(session, fmt, name: str) -> int:
    """The positive control of a negative check: the wallet presents its credential to a
    matching request. Returns the inbound log mark after it."""
    asked = session.ask(fmt, name_query(fmt, name))
    answer = session.present(asked)
    if answer.status != "presented" or not session.presentations(asked):
        vendor_error(f"the wallet did not present its credential to a matching request (answer {answer.status!r}), "
                     "so what it does not present proves nothing")
    return session.cp.mark()


def _vp_tokens_since(session, mark: int) -> list:
    return [form["vp_token"] for form in session.posted_responses(mark) if "vp_token" in form]


@pytest.mark.check(id="WAL-OID4VP-001", title="Presents a stored credential to a DCQL query and the suite's verifier accepts it",
                   principles=["P4", "P1", "P5"], level="MUST", spec=VP + "#section-8.2", role="wallet", protocol="oid4vp",
                   profiles=["ob3"])
def test_presents_to_a_dcql_query(session, fmt):
    stored, claims = _held(session, fmt)
    asked = session.ask(fmt, name_query(fmt, claims["name"]))
    answer = session.present(asked)
    refused = f"{answer.refusal.error}: {answer.refusal.description[:300]}" if answer.refusal else ""
    assert not refused, f"the wallet refused the request: {refused}"
    assert answer.status == "presented", f"the wallet answered {answer.status!r} to a request its credential matches"
    verdict = session.verdict(asked)
    errors = "; ".join(map(str, verdict.get("errors", [])))[:400]
    assert verdict.get("status") == "verified", f"the suite's verifier did not accept the presentation: {errors}"


@pytest.mark.check(id="WAL-OID4VP-002", title="Presentations are bound to the request's nonce",
                   principles=["P2"], level="MUST", spec=VP + "#section-14.2.2", role="wallet", protocol="oid4vp")
def test_binds_the_nonce(session, fmt):
    _, asked, _, presentations, _ = _presented(session, fmt)
    nonce = session.cp.verifier.nonce(asked.transaction)
    bound = [binding_of(fmt, p)[0] for p in presentations]
    assert all(got == nonce for got in bound), f"presentations bound to nonce(s) {bound}, not the request's"


@pytest.mark.check(id="WAL-OID4VP-003", title="Presentations are bound to the verifier's full client_id (audience)",
                   principles=["P2"], level="MUST", spec=VP + "#section-14.2.2", role="wallet", protocol="oid4vp")
def test_binds_the_audience(session, fmt):
    _, _, _, presentations, _ = _presented(session, fmt)
    client_id = session.cp.verifier.client_id
    bound = [binding_of(fmt, p)[1] for p in presentations]
    assert all(got == client_id for got in bound), f"presentations bound to audience(s) {bound}, not {client_id!r}"


@pytest.mark.check(id="WAL-OID4VP-004", title="A query naming no claims gets no selectively disclosable claim (SD-JWT)",
                   principles=["P2", "P4"], level="MUST", spec=VP + "#section-6.4.1", role="wallet", protocol="oid4vp")
@SD_JWT_ONLY
def test_discloses_nothing_unasked(session, fmt):
    _held(session, fmt)
    asked = session.ask(fmt, oid4vp_present.credential_query(fmt, claims=()))
    answer = session.present(asked)
    presentations = session.presentations(asked)
    if answer.refusal or not presentations:
        vendor_error(f"the wallet sent no presentation for a query without claims (answer {answer.status!r})")
    disclosed = sorted({name for p in presentations for name in disclosed_names(p)})
    assert not disclosed, f"the query named no claims, the wallet disclosed {disclosed}"


@pytest.mark.check(id="WAL-OID4VP-005", title="Discloses only the SD-JWT claims the query asked for",
                   principles=["P2", "P4"], level="SHOULD", spec=VP + "#section-6.4.1", role="wallet", protocol="oid4vp")
@SD_JWT_ONLY
def test_discloses_only_what_is_asked(session, fmt):
    _, _, _, presentations, _ = _presented(session, fmt, NAME_ONLY)
    disclosed = sorted({name for p in presentations for name in disclosed_names(p)})
    if "name" not in disclosed:  # the control: "only what is asked" is vacuous when nothing asked was given
        vendor_error(f"the wallet did not disclose the one claim asked for (name; disclosed {disclosed}), "
                     "so what else it withholds cannot be judged")
    assert set(disclosed) <= {"name"}, f"asked for the learner's name only, the wallet disclosed {disclosed}"


@pytest.mark.check(id="WAL-OID4VP-006", title="Presents only the credential whose claim values match the query",
                   principles=["P2", "P4"], level="SHOULD", spec=VP + "#section-6.4.1", role="wallet", protocol="oid4vp")
def test_presents_only_matching(session, fmt):
    session.clean_slate()
    target = learner()
    session.holding(fmt)  # other learners' credentials of the same format and type, before and after
    session.holding(fmt, target)
    session.holding(fmt)
    asked = session.ask(fmt, name_query(fmt, target["name"]))
    session.present(asked)
    presentations = session.presentations(asked)
    if not presentations:
        vendor_error("the wallet presented nothing the suite could read, so what it chose cannot be judged")
    names = [name for p in presentations for name in presented_names(fmt, p)]
    assert names and all(name == target["name"] for name in names), \
        f"asked for {target['name']!r}'s credential, the wallet presented credentials of {names}"


@pytest.mark.check(id="WAL-OID4VP-007", title="Presents nothing when no stored credential matches the query's values",
                   principles=["P2", "P4"], level="SHOULD", spec=VP + "#section-6.4.1", role="wallet", protocol="oid4vp")
def test_presents_nothing_without_a_match(session, fmt):
    _, claims = _held(session, fmt)
    mark = _control(session, fmt, claims["name"])
    answer = session.present(session.ask(fmt, name_query(fmt, learner()["name"])))  # nobody the wallet holds
    assert not _vp_tokens_since(session, mark), "the wallet presented a credential the query does not match"
    assert answer.status in ("no_match", "declined"), f"the wallet answered {answer.status!r} although nothing matched"


@pytest.mark.check(id="WAL-OID4VP-008", title="Honours the learner's decline: nothing is presented",
                   principles=["P4", "P2"], level="MUST", spec=VP + "#section-15.1", role="wallet", protocol="oid4vp",
                   requires=["decline"], profiles=["ler-wallet"])
def test_honours_decline(session, fmt):
    _, claims = _held(session, fmt)
    mark = _control(session, fmt, claims["name"])
    answer = session.present(session.ask(fmt, name_query(fmt, claims["name"])), consent="decline")
    assert not _vp_tokens_since(session, mark), "the learner declined, the wallet presented anyway"
    assert answer.status == "declined", f"the wallet answered {answer.status!r} to a decline"


@pytest.mark.check(id="WAL-OID4VP-009", title="On decline, tells the verifier access_denied",
                   principles=["P4", "P1"], level="SHOULD", spec=VP + "#section-8.5", role="wallet", protocol="oid4vp",
                   requires=["decline"])
def test_decline_sends_access_denied(session, fmt):
    _, claims = _held(session, fmt)
    asked = session.ask(fmt, name_query(fmt, claims["name"]))
    session.present(asked, consent="decline")
    errors = [form.get("error") for form in session.responses(asked)]
    assert "access_denied" in errors, f"the verifier got {errors or 'no response'} after the learner declined"


@pytest.mark.check(id="WAL-OID4VP-010", title="Does not present a revoked credential without saying so",
                   principles=["P2", "P4"], level="MUST", spec=VP + "#section-15.1", role="wallet", protocol="oid4vp",
                   profiles=["ler-wallet"])
def test_revoked_not_presented_silently(session, fmt):
    stored, claims = _held(session, fmt)
    mark = _control(session, fmt, claims["name"])
    issued = [i for i in session.issued() if i.format == fmt][-1].credential
    session.cp.issuer.revoke(issued)
    asked = session.ask(fmt, name_query(fmt, claims["name"]))
    answer = session.present(asked)
    presented = [name for token in _vp_tokens_since(session, mark) for p in _all_presentations(token)
                 for name in presented_names(fmt, p)]
    if claims["name"] in presented:
        warned = [w for w in answer.warnings if isinstance(w, dict) and w.get("credential") == stored.id]
        assert any(w.get("reason") == "revoked" for w in warned), \
            f"the wallet presented a revoked credential with no `revoked` warning (warnings: {answer.warnings})"


def _all_presentations(raw: str) -> list:
    token = vp_token_of({"vp_token": raw})
    if isinstance(token, dict):
        return [p for v in token.values() for p in (v if isinstance(v, list) else [v])]
    return [token]


@pytest.mark.check(id="WAL-OID4VP-011", title="Refuses a Request Object whose signature does not verify for its client_id",
                   principles=["P2"], level="MUST", spec=VP + "#section-5.9.3", role="wallet", protocol="oid4vp")
def test_refuses_a_forged_request(session, fmt):
    _, claims = _held(session, fmt)
    mark = _control(session, fmt, claims["name"])
    answer = session.present(session.ask(fmt, name_query(fmt, claims["name"]), bad_signature=True))
    assert not _vp_tokens_since(session, mark), "the wallet presented to a request whose signature does not verify"
    refused = answer.refusal.error if answer.refusal else answer.status
    assert refused == "request_rejected", f"the wallet answered {refused!r} to a forged request, not request_rejected"


@pytest.mark.check(id="WAL-OID4VP-012", title="The response carries the request's state",
                   principles=["P2", "P1"], level="MUST", spec=VP + "#section-5.2", role="wallet", protocol="oid4vp")
def test_response_carries_state(session, fmt):
    _, claims = _held(session, fmt)
    mark = session.cp.mark()
    asked = session.ask(fmt, name_query(fmt, claims["name"]))
    session.present(asked)
    posted = session.posted_responses(mark)
    if not posted:
        vendor_error("the wallet posted nothing to the suite's Response URI")
    state = session.cp.verifier.state(asked.transaction)
    assert any(form.get("state") == state for form in posted), "no response the wallet posted carries the request's state"


@pytest.mark.check(id="WAL-OID4VP-013", title="The vp_token is a JSON object keyed by the credential query id, each a one-item array",
                   principles=["P1"], level="MUST", spec=VP + "#section-8.1", role="wallet", protocol="oid4vp")
def test_vp_token_keyed_by_query_id(session, fmt):
    _, claims = _held(session, fmt)
    mark = session.cp.mark()
    asked = session.ask(fmt, name_query(fmt, claims["name"]))
    session.present(asked)
    tokens = _vp_tokens_since(session, mark)
    if not tokens:
        vendor_error("the wallet posted no vp_token to the suite's Response URI")
    query_ids = sorted(cq["id"] for cq in asked.dcql_query["credentials"])
    for raw in tokens:
        token = vp_token_of({"vp_token": raw})
        assert isinstance(token, dict), "the vp_token is not a JSON object keyed by credential query id"
        assert sorted(token) == query_ids, f"the vp_token is keyed by {sorted(token)}, not {query_ids}"
        # `multiple` is omitted in the suite's queries: one presentation per query (§6.1, §8.1).
        shapes = [len(v) if isinstance(v, list) else type(v).__name__ for v in token.values()]
        assert all(shape == 1 for shape in shapes), f"each entry must be an array of one presentation, got {shapes}"
