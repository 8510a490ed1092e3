"""The learner can leave with everything (P4: no lock-in, P6: an open format): a wallet exports
what it holds in the open export format of the wallet backchannel, each credential exactly as
issued, and an export moves into another wallet (the suite's reference wallet, or the vendor's
from the reference's) without losing a claim."""

from __future__ import annotations

import pytest

from ler_interop.credentials import crafting
from ler_interop.outcomes import vendor_error
from ler_interop.protocols.oid4vci_formats import subject_claims, w3c_document
from ler_interop.protocols.suite_tools import missing_claims
from ler_interop.protocols.wallet import EXPORT_TYPE, Stored, exported_credentials
from ler_interop.protocols.wallet_session import WalletSession

VCDM = "https://www.w3.org/TR/vc-data-model-2.0/"
PORTABILITY = VCDM + "#ecosystem-overview"


def _lost(fmt: str, issued, copy) -> list[str]:
    """Claims of the issued credential absent or changed in `copy`, compared claim by claim."""
    if fmt == "dc+sd-jwt":  # the profile's claims, every disclosure applied
        return missing_claims(subject_claims(issued, fmt), subject_claims(copy, fmt), "$.credentialSubject")
    return missing_claims(w3c_document(issued, fmt), w3c_document(copy, fmt))


def _exported(session) -> list[Stored]:
    document = session.wallet.export()
    assert document.get("type") == EXPORT_TYPE and document.get("version") == "1", \
        f"the export is not a {EXPORT_TYPE} version 1 document (type {document.get('type')!r}, version {document.get('version')!r})"
    return exported_credentials(document)


@pytest.mark.check(id="WAL-PORT-001", title="Exports every stored credential, exactly as issued, in the open export format",
                   principles=["P4", "P6"], level="MUST", spec=PORTABILITY, role="wallet", protocol="backchannel",
                   requires=["export"], profiles=["ler-wallet"])
def test_export_holds_each_credential_as_issued(session, fmt):
    stored, _ = session.holding(fmt)
    issued = session.issued()[-1].credential
    mine = [entry for entry in _exported(session) if entry.id == stored.id]
    assert len(mine) == 1, f"the export lists credential {stored.id} {len(mine)} times"
    assert mine[0].format == fmt, f"exported as {mine[0].format!r}, issued as {fmt!r}"
    lost = _lost(fmt, issued, mine[0].credential)
    assert not lost, f"the exported credential lost or changed: {', '.join(lost[:4])}"
    same = mine[0].credential == issued
    assert same, "the exported credential is not byte for byte the one issued (no claim was lost: a re-encoding)"


@pytest.mark.check(id="WAL-PORT-002", title="A deleted credential is not in later exports",
                   principles=["P4", "P2"], level="MUST", spec=PORTABILITY, role="wallet", protocol="backchannel",
                   requires=["delete", "export"], profiles=["ler-wallet"])
def test_deleted_credential_leaves_the_export(session, fmt):
    kept, _ = session.holding(fmt)
    gone, _ = session.holding(fmt)
    if not {kept.id, gone.id} <= {entry.id for entry in _exported(session)}:
        vendor_error("the export lacks the two credentials just received (WAL-PORT-001 says why), "
                     "so a deletion cannot be judged")
    session.wallet.delete(gone.id)
    exported = {entry.id for entry in _exported(session)}
    assert kept.id in exported, "deleting one credential also removed another from the export"
    assert gone.id not in exported, "the deleted credential is still exported"


@pytest.mark.check(id="WAL-PORT-003", title="Its export imports into the reference wallet without losing a claim",
                   principles=["P4", "P5", "P6"], level="MUST", spec=PORTABILITY, role="wallet", protocol="backchannel",
                   requires=["export"], profiles=["ler-wallet"])
def test_export_imports_into_the_reference_wallet(session, fmt, reference_wallet):
    stored, _ = session.holding(fmt)
    issued = session.issued()[-1].credential
    document = session.wallet.export()
    exported_credentials(document)  # VendorAnswerError (error) when it is not an export at all
    # Only this check's credential moves (the wallet holds every earlier check's too).
    document = {**document, "credentials": [e for e in document["credentials"]
                                            if isinstance(e, dict) and e.get("id") == stored.id]}
    if not document["credentials"]:
        pytest.fail(f"credential {stored.id} is not in the wallet's export")
    imported, refusal = reference_wallet.try_import(document)
    # The reference wallet refuses a credential whose proof no longer verifies (contract 1.3):
    # the export changed the credential, which is this wallet's defect, not the reference's.
    assert refusal is None, f"the reference wallet refused the export: {refusal.error}: {refusal.description[:200]}"
    assert imported, "the reference wallet imported nothing from the export"
    copies = [reference_wallet.get(ident) for ident in imported]
    ours = [c for c in copies if c is not None and c.format == fmt and not _lost(fmt, issued, c.credential)]
    if not ours:
        closest = [_lost(fmt, issued, c.credential) for c in copies if c is not None and c.format == fmt]
        detail = min(closest, key=len) if closest else ["no credential of that format"]
        pytest.fail(f"after export and import, the {fmt} credential lost: {', '.join(detail[:4])}")


@pytest.mark.check(id="WAL-PORT-004", title="Imports the reference wallet's export without losing a claim",
                   principles=["P4", "P5", "P6"], level="MUST", spec=PORTABILITY, role="wallet", protocol="backchannel",
                   requires=["import"], profiles=["ler-wallet"])
def test_imports_the_reference_wallets_export(session, fmt, reference_wallet, counterparts):
    donor = WalletSession(reference_wallet, counterparts, counterparts.mark())
    stored, _ = donor.holding(fmt)
    issued = donor.issued()[-1].credential
    document = {**reference_wallet.export()}
    document["credentials"] = [e for e in document["credentials"] if e.get("id") == stored.id]
    imported = session.wallet.import_(document)
    assert len(imported) == 1, f"one credential was in the export, the wallet reports {len(imported)} imported"
    copy = session.wallet.get(imported[0])
    if copy is None:
        vendor_error(f"GET /credentials/{imported[0]} answered 404 right after the import")
    lost = _lost(fmt, issued, copy.credential)
    assert not lost, f"the imported credential lost or changed: {', '.join(lost[:4])}"


@pytest.mark.check(id="WAL-PORT-005", title="Refuses to import a credential changed after signing",
                   principles=["P2", "P4"], level="MUST", spec=PORTABILITY, role="wallet", protocol="backchannel",
                   requires=["import"], profiles=["ler-wallet"])
def test_refuses_to_import_a_tampered_credential(session, vendor, fmt, reference_wallet, counterparts):
    """Import is a second way in: a wallet that checks what it receives but not what it imports
    keeps a forged credential. Backchannel 1.3 /import: 422 credential_rejected, nothing kept.
    The untouched twin is imported first (the positive control)."""
    donor = WalletSession(reference_wallet, counterparts, counterparts.mark())
    stored, _ = donor.holding(fmt)
    entry = next(e for e in reference_wallet.export()["credentials"] if e.get("id") == stored.id)
    document = {**reference_wallet.export(), "credentials": [entry]}
    imported, refusal = session.wallet.try_import(document)
    if refusal or len(imported) != 1:
        vendor_error(f"the wallet did not import the untouched {fmt} credential "
                     f"({refusal.error if refusal else f'{len(imported)} imported'}), so a refusal would prove nothing")
    lists = vendor.supports("wallet", "list")
    before = session.wallet.ids() if lists else set()
    forged = {**document, "credentials": [{**entry, "credential": crafting.tamper_stored(fmt, entry["credential"])}]}
    imported, refusal = session.wallet.try_import(forged)
    assert refusal is not None, f"the wallet imported a {fmt} credential changed after signing (ids {imported})"
    if lists:
        kept = sorted(session.wallet.ids() - before)
        assert not kept, f"the wallet refused the tampered {fmt} credential but lists new credential(s) {kept}"
