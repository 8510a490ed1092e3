"""VC API issuers and Bitstring Status List v1.0: revocation and suspension that a verifier
can see, in lists large enough to hide one learner among many (herd privacy, P2)."""

from __future__ import annotations

import pytest

from ler_interop.credentials.samples import language_credential
from ler_interop.credentials.statuslist import MIN_ENTRIES, StatusList, StatusListError, status_entries
from ler_interop.protocols.suite_tools import credential_id
from ler_interop.outcomes import vendor_error
from ler_interop.protocols.vcapi import NOT_A_VERDICT, json_body

BSL = "https://www.w3.org/TR/vc-bitstring-status-list/"
VCAPI_STATUS = "https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#update-status"


def _entry(vc: dict, purpose: str) -> dict:
    for entry in status_entries(vc):
        if entry.get("statusPurpose") == purpose:
            assert isinstance(entry.get("statusListCredential"), str), \
                f"the {purpose} status entry has no statusListCredential URL"
            return entry
    raise AssertionError(f"issued credential has no BitstringStatusListEntry with statusPurpose {purpose!r}")


def _status(verifier, vc: dict):
    """The suite verifier's status step: list fetched, its proof and purpose checked, bit read."""
    return verifier.verify_credential(vc).check("status")


@pytest.mark.check(id="ISS-VCAPI-030", title="Status entries are well-formed BitstringStatusListEntry objects",
                   principles=["P1", "P2"], level="MUST", spec=BSL + "#bitstringstatuslistentry", role="issuer",
                   protocol="vc-api", requires=["status:revocation"])
def test_status_entries_well_formed(issue, template, verifier):
    vc = issue(template())
    assert status_entries(vc), "issued credential has no credentialStatus"
    result = verifier.verify_credential(vc).check("status")
    assert result.ok, result.message


@pytest.mark.check(id="ISS-VCAPI-031", title="The status list holds at least 131,072 entries (herd privacy)",
                   principles=["P2"], level="MUST", spec=BSL + "#bitstringstatuslistcredential", role="issuer",
                   protocol="vc-api", requires=["status:revocation"])
def test_status_list_large_enough(issue, template, verifier):
    entry = _entry(issue(template()), "revocation")
    list_vc = verifier.fetch_json(entry["statusListCredential"])
    try:
        bits = StatusList.decode(list_vc["credentialSubject"]["encodedList"])
    except (KeyError, TypeError):
        raise AssertionError("the status list credential has no credentialSubject.encodedList") from None
    except StatusListError as exc:
        raise AssertionError(f"encodedList unreadable: [{exc.reason}] {exc.message}") from None
    assert bits.length >= MIN_ENTRIES, f"status list has {bits.length} entries, fewer than {MIN_ENTRIES}"


@pytest.mark.check(id="ISS-VCAPI-032", title="The status list credential verifies, signed by a key its issuer controls",
                   principles=["P2"], level="MUST", spec=BSL + "#bitstringstatuslistcredential", role="issuer",
                   protocol="vc-api", requires=["status:revocation"])
def test_status_list_credential_verifies(issue, template, vendor, verifier):
    vc = issue(template())
    list_vc = verifier.fetch_json(_entry(vc, "revocation")["statusListCredential"])
    result = verifier.verify_credential(list_vc, check_status=False)
    # The list's issuer MAY differ from the credential's (BSL §2.2); it must still be bound to its proof.
    for name in ("proof", "issuer-binding", "data-model"):
        assert result.check(name).ok, f"status list credential {name}: {result.check(name).message}"


@pytest.mark.check(id="ISS-VCAPI-033", title="A newly issued credential is neither revoked nor suspended",
                   principles=["P2"], level="MUST", spec=BSL + "#validate-algorithm", role="issuer", protocol="vc-api",
                   requires=["status:revocation"])
def test_new_credential_status_clear(issue, template, verifier):
    vc = issue(template())
    _entry(vc, "revocation")  # a credential without a status entry exercises nothing here
    status = _status(verifier, vc)
    assert status.ok, f"fresh credential: {status.message}"


def _flip(vcapi, vendor, vc: dict, purpose: str, value: bool) -> None:
    url = vendor.endpoint("issuer", "vc-api", "status")
    response = vcapi.update_status(url, credential_id(vc), purpose, value)
    if response.status_code in NOT_A_VERDICT:
        vendor_error(f"status update answered {response.status_code}, which says nothing about the request (auth? endpoint?)")
    assert response.status_code in (200, 201, 204), \
        f"status update answered {response.status_code}: {str(json_body(response))[:200]}"


@pytest.mark.check(id="ISS-VCAPI-034", title="Revoking through /credentials/status shows in the published list",
                   principles=["P2"], level="MUST", spec=VCAPI_STATUS, role="issuer", protocol="vc-api",
                   requires=["status:revocation", "status-endpoint"])
def test_revocation_visible(issue, template, vcapi, vendor, verifier):
    vc = issue(template())
    _entry(vc, "revocation")
    before = _status(verifier, vc)
    if not before.ok:  # ISS-VCAPI-030..033 report an unreadable or pre-flagged list
        pytest.skip(f"not judged: the status cannot be read before revocation ({before.message})")
    _flip(vcapi, vendor, vc, "revocation", True)
    status = _status(verifier, vc)
    assert status.reason == "status.revocation", f"status endpoint accepted the revocation, the list says: {status.message}"


@pytest.mark.check(id="ISS-VCAPI-035", title="Suspension can be set and lifted through /credentials/status",
                   principles=["P2"], level="MUST", spec=VCAPI_STATUS, role="issuer", protocol="vc-api",
                   requires=["status:suspension", "status-endpoint"])
def test_suspension_set_and_lifted(issue, issuer_did, vcapi, vendor, verifier):
    # A plain VCDM 2.0 credential: OB 3.0 allows a single credentialStatus, which issuers
    # use for revocation, so suspension is exercised where several entries are allowed.
    vc = issue(language_credential(issuer_did))
    _entry(vc, "suspension")
    _flip(vcapi, vendor, vc, "suspension", True)
    status = _status(verifier, vc)
    assert status.reason == "status.suspension", f"suspension accepted, the list says: {status.message}"
    _flip(vcapi, vendor, vc, "suspension", False)
    status = _status(verifier, vc)
    assert status.ok, f"suspension lifted, the list says: {status.message}"


@pytest.mark.check(id="ISS-VCAPI-036", title="Status lists are public: readable without credentials and CORS-open",
                   principles=["P6"], level="SHOULD", spec=BSL + "#privacy-considerations", role="issuer",
                   protocol="vc-api", requires=["status:revocation"])
def test_status_list_public(issue, template, vendor):
    entry = _entry(issue(template()), "revocation")
    anonymous = vendor.http_for("issuer", authorized=False)
    response = anonymous.get(entry["statusListCredential"], headers={"origin": "https://verifier.example"})
    assert response.status_code == 200, f"anonymous fetch of the status list answered {response.status_code}"
    cors = response.headers.get("access-control-allow-origin")
    assert cors in ("*", "https://verifier.example"), f"no CORS header allowing other origins (got {cors!r})"
