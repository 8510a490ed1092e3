"""A wallet keeps what it received exactly as issued (P4: the learner's record is theirs, P7:
every script and language survives), holds credentials from many issuers at once, and deletes
what the learner deletes. Each check compares the wallet's copy with what the suite's issuer
handed out, claim by claim."""

from __future__ import annotations

import pytest

from ler_interop.credentials.samples import UNICODE_NAMES, language_credential
from ler_interop.outcomes import vendor_error
from ler_interop.protocols.oid4vci_formats import subject_claims, w3c_document
from ler_interop.protocols.suite_tools import missing_claims
from ler_interop.protocols.wallet_session import learner

VCDM = "https://www.w3.org/TR/vc-data-model-2.0/"
OB3 = "https://www.imsglobal.org/spec/ob/v3p0/"
VCI = "https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html"
W3C_FORMATS = ("ldp_vc", "jwt_vc_json")


def _kept(session, fmt, **offer):
    """(the wallet's copy, what was issued) for a fresh offer."""
    stored, _ = session.holding(fmt, **offer)
    copy = session.wallet.get(stored.id)
    if copy is None:
        vendor_error(f"GET /credentials/{stored.id} answered 404 right after the wallet stored it")
    return copy, session.issued()[-1].credential


# The Open Badge SD-JWT VC profile carries only the subject: credential-level members
# (evidence, the credential's name and description) are judged in the W3C formats.
W3C_ONLY = pytest.mark.parametrize("fmt", W3C_FORMATS, indirect=True)


@pytest.mark.check(id="WAL-STORE-001", title="Stores each credential exactly as issued",
                   principles=["P4", "P1"], level="MUST", spec=VCI + "#section-8.3", role="wallet", protocol="backchannel",
                   profiles=["ler-wallet"])
def test_stores_exactly_as_issued(session, fmt):
    copy, issued = _kept(session, fmt)
    assert copy.format == fmt, f"GET answers format {copy.format!r}, it was issued as {fmt!r}"
    same = copy.credential == issued
    how = "the compact string differs (a re-encoding, or disclosures reordered or dropped)" if isinstance(issued, str) \
        else "the JSON differs"
    assert same, f"the stored {fmt} credential is not the one issued: {how}"


@pytest.mark.check(id="WAL-STORE-002", title="Names in every script (CJK, Arabic, Cyrillic, Greek, decomposed) are kept byte for byte",
                   principles=["P7", "P4"], level="MUST", spec=VCDM + "#credential-subject", role="wallet",
                   protocol="backchannel", profiles=["ler-wallet"])
def test_keeps_unicode(session, fmt):
    claims = learner()
    claims["name"] = " · ".join(UNICODE_NAMES.values()) + claims["name"][-9:]
    copy, _ = _kept(session, fmt, claims=claims)
    got = subject_claims(copy.credential, fmt).get("name")
    assert got == claims["name"], f"the name came back as {got!r}"


@pytest.mark.check(id="WAL-STORE-003", title="Language value objects (@value/@language/@direction) are kept",
                   principles=["P7", "P4"], level="MUST", spec=VCDM + "#language-and-base-direction", role="wallet",
                   protocol="backchannel", profiles=["ler-wallet"])
@W3C_ONLY
def test_keeps_language_values(session, fmt):
    sample = language_credential("did:example:unused")
    sent = {"name": sample["name"], "description": sample["description"]}
    copy, _ = _kept(session, fmt, extra=sent)
    lost = missing_claims(sent, w3c_document(copy.credential, fmt))
    assert not lost, f"language value objects lost or collapsed: {', '.join(lost[:4])}"


@pytest.mark.check(id="WAL-STORE-004", title="Evidence is kept", principles=["P3", "P4"], level="MUST",
                   spec=OB3 + "#evidence", role="wallet", protocol="backchannel", profiles=["ob3"])
@W3C_ONLY
def test_keeps_evidence(session, fmt):
    copy, issued = _kept(session, fmt)
    sent = w3c_document(issued, fmt).get("evidence")
    if not sent:
        raise RuntimeError("the suite's issuer issued no evidence: a suite defect, not the wallet's")
    lost = missing_claims(sent, w3c_document(copy.credential, fmt).get("evidence"), "$.evidence")
    assert not lost, f"evidence lost: {', '.join(lost[:4])}"


@pytest.mark.check(id="WAL-STORE-005", title="Alignments to skills frameworks (ESCO, CASE) are kept",
                   principles=["P5", "P7", "P4"], level="MUST", spec=OB3 + "#alignment", role="wallet",
                   protocol="backchannel", profiles=["ob3"])
def test_keeps_alignments(session, fmt):
    copy, issued = _kept(session, fmt)
    sent = subject_claims(issued, fmt).get("achievement", {}).get("alignment")
    if not sent:
        raise RuntimeError("the suite's issuer issued no alignment: a suite defect, not the wallet's")
    got = subject_claims(copy.credential, fmt).get("achievement", {})
    lost = missing_claims(sent, got.get("alignment") if isinstance(got, dict) else None, "$.achievement.alignment")
    assert not lost, f"alignments lost: {', '.join(lost[:4])}"


@pytest.mark.check(id="WAL-STORE-006", title="Holds credentials from two different issuers at once",
                   principles=["P4", "P5"], level="MUST", spec=VCDM + "#ecosystem-overview", role="wallet",
                   protocol="backchannel", requires=["list"], profiles=["ler-wallet"])
def test_holds_two_issuers(session, fmt):
    first, _ = session.holding(fmt)
    second, _ = session.holding(fmt, issuer=session.cp.issuer2)
    listed = session.wallet.ids()
    assert {first.id, second.id} <= listed, \
        f"after receiving from a second issuer the wallet lists {sorted(listed & {first.id, second.id})} of both"
    lost = [stored.id for stored in (first, second) if session.wallet.get(stored.id) is None]
    assert not lost, f"credential(s) {lost} can no longer be fetched"


@pytest.mark.check(id="WAL-STORE-007", title="A deleted credential leaves the list and can no longer be fetched",
                   principles=["P4", "P2"], level="MUST", spec=VCDM + "#ecosystem-overview", role="wallet",
                   protocol="backchannel", requires=["list", "delete"], profiles=["ler-wallet"])
def test_delete_removes_it(session, fmt):
    kept, _ = session.holding(fmt)
    gone, _ = session.holding(fmt)
    if not {kept.id, gone.id} <= session.wallet.ids():
        vendor_error("the wallet does not list the two credentials it just received, so a deletion cannot be judged")
    session.wallet.delete(gone.id)
    listed = session.wallet.ids()
    assert kept.id in listed, "deleting one credential also removed another"
    assert gone.id not in listed, "the deleted credential is still listed"
    fetched = session.wallet.get(gone.id)
    assert fetched is None, "the deleted credential can still be fetched"
