"""A wallet receives Open Badges 3.0 credentials through OpenID4VCI 1.0 offers (P4: the learner
holds the credential, P1: through the open protocol) and refuses what it must not store (P2).

The suite's own issuer makes each offer (counterparts/); the wallet runs the whole flow itself.
Negative checks first show the wallet receives a clean twin offer, and only count a refusal
after the suite's issuer actually handed the bad credential out: a wallet that fails early,
or crashes, never passes them.
"""

from __future__ import annotations

import pytest

from ler_interop.outcomes import vendor_error

VCI = "https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html"
TX_CODE = "493536"


def _assert_stored_as_issued(session, received, fmt: str, what: str) -> None:
    refused = f"{received.refusal.error}: {received.refusal.description[:300]}" if received.refusal else ""
    assert not refused, f"the wallet refused {what}: {refused}"
    issued = session.issued()
    assert issued, f"the wallet answered success for {what} but never took a credential from the suite's issuer"
    assert len(received.stored) == 1, f"one credential was offered, the wallet reports {len(received.stored)}"
    stored = received.stored[0]
    assert stored.format == fmt, f"stored as {stored.format!r}, issued as {fmt!r}"
    assert stored.credential == issued[-1].credential, "the wallet reports a credential other than the one issued"


@pytest.mark.check(id="WAL-OID4VCI-001", title="Receives an OB 3.0 credential from an offer by value, in each declared format",
                   principles=["P4", "P1"], level="MUST", spec=VCI + "#section-4.1.2", role="wallet", protocol="oid4vci",
                   profiles=["ob3"])
def test_receives_an_offer_by_value(session, fmt):
    received = session.receive(session.offer(fmt))
    _assert_stored_as_issued(session, received, fmt, f"a {fmt} offer by value")


@pytest.mark.check(id="WAL-OID4VCI-002", title="Receives an offer by reference (credential_offer_uri)",
                   principles=["P4", "P1"], level="MUST", spec=VCI + "#section-4.1.3", role="wallet", protocol="oid4vci",
                   profiles=["ob3"], requires=["by-reference"])
def test_receives_an_offer_by_reference(session, fmt):
    received = session.receive(session.offer(fmt, by_reference=True))
    _assert_stored_as_issued(session, received, fmt, f"a {fmt} offer by reference")


@pytest.mark.check(id="WAL-OID4VCI-003", title="Receives an offer that requires a Transaction Code",
                   principles=["P4", "P2"], level="MUST", spec=VCI + "#section-4.1.1", role="wallet", protocol="oid4vci",
                   requires=["tx_code"])
def test_receives_an_offer_with_a_tx_code(session, fmt):
    received = session.receive(session.offer(fmt, tx_code=TX_CODE))
    _assert_stored_as_issued(session, received, fmt, f"a {fmt} offer with a tx_code")


@pytest.mark.check(id="WAL-OID4VCI-004", title="The Token Request redeems the offer's pre-authorized code with the learner's tx_code",
                   principles=["P1", "P2"], level="MUST", spec=VCI + "#section-6.1", role="wallet", protocol="oid4vci",
                   requires=["tx_code"])
def test_token_request_carries_code_and_tx_code(session, fmt):
    session.receive(session.offer(fmt, tx_code=TX_CODE))
    token_calls = session.cp.issuer.requests_to("/token", session.since)
    if not token_calls:
        vendor_error("the wallet sent no Token Request to the suite's issuer")
    form = token_calls[-1].form()  # recorded redacted: a check sees that a code was sent, not which
    assert form.get("grant_type") == "urn:ietf:params:oauth:grant-type:pre-authorized_code", \
        f"grant_type is {form.get('grant_type')!r}"
    assert form.get("pre-authorized_code"), "the Token Request has no pre-authorized_code"
    assert form.get("tx_code"), "the Token Request has no tx_code although the offer asked for one"
    # The suite's issuer is strict: it grants a token only for the offer's code with its tx_code.
    assert token_calls[-1].status == 200, \
        f"the suite's issuer refused the Token Request (HTTP {token_calls[-1].status}): wrong code or tx_code"


@pytest.mark.check(id="WAL-OID4VCI-005", title="The Credential Request asks for the offered credential_configuration_id",
                   principles=["P1"], level="MUST", spec=VCI + "#section-8.2", role="wallet", protocol="oid4vci")
def test_credential_request_names_the_offered_configuration(session, fmt):
    session.receive(session.offer(fmt))
    requests = session.cp.issuer.credential_requests(session.since)
    if not requests:
        vendor_error("the wallet sent no Credential Request to the suite's issuer")
    wanted = session.cp.issuer.configuration_id(fmt)
    asked = [r.get("credential_configuration_id") for r in requests]
    assert asked and all(a == wanted for a in asked), f"asked for {asked}, the offer named {wanted!r}"


def _refuses(session, vendor, fmt: str, defect: str, what: str) -> None:
    control = session.receive(session.offer(fmt))
    if control.refusal or not control.stored:
        vendor_error(f"the wallet did not receive the clean twin {fmt} offer "
                     f"({control.refusal.error if control.refusal else 'no credential'}), so its refusal would prove nothing")
    lists = vendor.supports("wallet", "list")
    before = session.wallet.ids() if lists else set()
    issued_before = len(session.issued())
    received = session.receive(session.offer(fmt, defect=defect))
    if len(session.issued()) == issued_before:
        vendor_error(f"the wallet never took the {what} from the suite's issuer, so it was never asked to judge it "
                     f"(answer: {received.refusal.error if received.refusal else 'stored'})")
    answer = received.refusal.error if received.refusal else "stored it"
    assert answer == "credential_rejected", f"the wallet answered {answer!r}, not credential_rejected, for {what}"
    if lists:  # a refusal must leave nothing behind (one wallet never runs two checks at once)
        kept = sorted(session.wallet.ids() - before)
        assert not kept, f"the wallet refused {what} but lists new credential(s) {kept}"


@pytest.mark.check(id="WAL-OID4VCI-011", title="Refuses, and does not keep, a credential whose proof does not verify",
                   principles=["P2", "P1"], level="MUST", spec="https://www.w3.org/TR/vc-data-model-2.0/#verification",
                   role="wallet", protocol="oid4vci", profiles=["ler-wallet"])
def test_refuses_a_credential_whose_proof_fails(session, vendor, fmt):
    _refuses(session, vendor, fmt, "bad-signature", f"a {fmt} credential whose signature does not verify")


@pytest.mark.check(id="WAL-OID4VCI-012", title="Refuses, and does not keep, a credential bound to a key other than the one it proved",
                   principles=["P2"], level="MUST", spec=VCI + "#section-8.2", role="wallet", protocol="oid4vci",
                   profiles=["ler-wallet"])
def test_refuses_a_credential_bound_to_another_key(session, vendor, fmt):
    _refuses(session, vendor, fmt, "other-key", f"a {fmt} credential bound to another key")


@pytest.mark.check(id="WAL-OID4VCI-014", title="Refuses, and does not keep, a credential with no holder binding after it sent a key proof",
                   principles=["P2"], level="MUST", spec=VCI + "#section-8.2", role="wallet", protocol="oid4vci",
                   profiles=["ler-wallet"])
def test_refuses_an_unbound_credential(session, vendor, fmt):
    """The configuration lists cryptographic_binding_methods_supported ("It MUST be present when
    Cryptographic Key Binding is required", §12.2.4) and the wallet proved a key; a credential
    bound to nothing (no subject id, no cnf) is a bearer credential anyone holding a copy can
    present. OpenID4VCI names no wallet duty here: MUST under the ler-wallet profile."""
    _refuses(session, vendor, fmt, "unbound", f"a {fmt} credential bound to no key at all")
