"""1EdTech Revocation List Status Method (the status type OB 3.0 names), alone and in the verifier."""

from __future__ import annotations

import pytest

from ler_interop.credentials import crafting, revocationlist, samples
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.revocationlist import check_entry, revocation_list, status_entry
from ler_interop.credentials.verifier import CredentialVerifier
from ler_interop.net import NetError

URL = "https://issuer.example/revocations/1"
CRED = "urn:uuid:8b7e1c1e-4b1a-4a1e-9d8e-3c1f0f6f1a01"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"


def _fetch(document):
    def fetch(url: str):
        assert url == URL
        if isinstance(document, Exception):
            raise document
        return document
    return fetch


def test_listed_is_revoked_and_unlisted_is_clear() -> None:
    revoked = check_entry(status_entry(URL), CRED, _fetch(revocation_list(URL, "did:example:i", [CRED])))
    assert (revoked.revoked, revoked.warning) == (True, None)
    clear = check_entry(status_entry(URL), CRED, _fetch(revocation_list(URL, "did:example:i", ["urn:uuid:other"])))
    assert (clear.revoked, clear.warning) == (False, None)


def test_revoked_false_is_not_revoked_and_omitted_is() -> None:
    """OB 3.0: revoked when the id is listed "and the value of revoked is true or omitted"."""
    listed = {"revokedCredentials": [{"id": CRED, "revoked": False}]}
    assert not check_entry(status_entry(URL), CRED, _fetch(listed)).revoked
    omitted = {"revokedCredentials": [{"id": CRED, "revocationReason": "issued in error"}]}
    answer = check_entry(status_entry(URL), CRED, _fetch(omitted))
    assert answer.revoked and "issued in error" in answer.message


@pytest.mark.parametrize("document, reason", [
    (LookupError("404"), revocationlist.UNREADABLE),
    ([], revocationlist.MALFORMED_LIST),
    ({"revokedCredentials": {"id": CRED}}, revocationlist.MALFORMED_LIST),
    ({"revokedCredentials": [{"id": 7}]}, revocationlist.MALFORMED_LIST),
    ({"revokedCredentials": [{"id": CRED, "revoked": "yes"}]}, revocationlist.MALFORMED_LIST),
    ({"revokedCredentials": [{"id": "x"}] * (revocationlist.MAX_ENTRIES + 1)}, revocationlist.TOO_LARGE),
])
def test_an_unreadable_or_malformed_list_is_a_named_warning(document, reason) -> None:
    """OB 3.0: "If the request is unsuccessful, report a warning, not an error"."""
    answer = check_entry(status_entry(URL), CRED, _fetch(document))
    assert (answer.revoked, answer.reason) == (False, reason)
    assert answer.warning.startswith(reason)


def test_an_entry_without_a_url_or_a_credential_without_an_id() -> None:
    assert check_entry({"type": revocationlist.TYPE}, CRED, _fetch({})).reason == revocationlist.MALFORMED_ENTRY
    assert check_entry(status_entry(URL), None, _fetch({})).reason == revocationlist.NO_CREDENTIAL_ID


# -- through the verifier -----------------------------------------------------------------
@pytest.fixture(scope="module")
def signer() -> crafting.Signer:
    return crafting.Signer.did_key()


def _issued(signer: crafting.Signer) -> dict:
    credential = samples.achievement_credential(signer.did)
    credential["@context"].append(OB_EXTENSIONS)
    credential["id"] = CRED
    credential["credentialStatus"] = status_entry(URL)
    return signer.issue(credential)


def test_verifier_rejects_a_revoked_credential(signer) -> None:
    listed = revocation_list(URL, signer.did, [CRED])
    result = CredentialVerifier(DidResolver(), fetch_json=_fetch(listed)).verify(_issued(signer))
    status = result.check("status")
    assert (status.ok, status.reason) == (False, "status.revocation"), status.message
    assert not result.verified


def test_verifier_accepts_a_clear_credential(signer) -> None:
    result = CredentialVerifier(DidResolver(), fetch_json=_fetch(revocation_list(URL, signer.did))).verify(_issued(signer))
    assert result.verified, [c.to_dict() for c in result.checks if not c.ok]
    assert result.check("status").warnings == []


def test_verifier_warns_when_the_list_cannot_be_read(signer) -> None:
    verifier = CredentialVerifier(DidResolver(), fetch_json=_fetch(NetError("refused")))
    status = verifier.verify(_issued(signer)).check("status")
    assert status.ok and status.warnings[0].startswith(revocationlist.UNREADABLE), status.to_dict()


def test_the_suite_judging_a_vendor_does_not_pass_an_unfetched_list(signer) -> None:
    """Conformance: a transport failure is the suite's `error`, never a pass by warning."""
    verifier = CredentialVerifier(DidResolver(), fetch_json=_fetch(NetError("refused")), raise_transport_errors=True)
    with pytest.raises(NetError):
        verifier.verify(_issued(signer))
