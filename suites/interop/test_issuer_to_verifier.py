"""Cross-vendor interoperability (P5 Alignment): a credential issued by vendor A is accepted
by vendor B's verifier, for every issuer x verifier pair in the manifest. Each cell of the
report's matrix is one of these results, with the HTTP exchanges of both sides as evidence.

A cell only uses what both sides declare: B must declare the DID method A issues as (did:key is
the baseline every verifier check assumes) and the status purpose of every status entry A's
credential carries; otherwise the cell is `unsupported`, saying which. The VC API gives no issue
option to ask an issuer for another DID or no status entry, so the cell reads A's declared
`issuer_id` before issuing, and the credential itself after.

A cell judges the verifier B (its result is recorded under B). When issuer A cannot feed it —
no credential, one the suite's own verifier rejects, a cryptosuite other than asked, a
revocation refused — the cell is `skip`: B is never charged for A's defects, which A's own
issuer checks report.
"""

from __future__ import annotations

import pytest

from ler_interop.cell_feed import fed_by
from ler_interop.credentials import samples
from ler_interop.credentials.statuslist import status_purposes
from ler_interop.credentials.verifier import issuer_id as issuer_of
from ler_interop.outcomes import unsupported
from ler_interop.protocols.suite_tools import (cryptosuite_options, declared_issuer_id, first_subject, issue_through,
                                              proof_cryptosuites, require_cryptosuite, suite_verifier)
from ler_interop.protocols.vcapi import VcApiClient, assert_accepted, assert_rejected_against_control, classify_verify

VCAPI = "https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/"


def check(id, title, principles, spec, level="MUST"):
    return pytest.mark.check(id=id, title=title, principles=principles, level=level, spec=spec, role="interop",
                             protocol="vc-api")


# A DID method a verifier is assumed to resolve without declaring it (the verifier checks sign as did:key).
BASELINE_DID_METHODS = ("did:key",)


def _unprocessable(verifier_vendor, issuer: str | None, credential: dict | None = None) -> str | None:
    """What of A's credential (its issuer DID, its status entries) B does not declare, or None."""
    lacking = []
    method = ":".join(issuer.split(":")[:2]) if isinstance(issuer, str) and issuer.startswith("did:") else None
    if method and method not in BASELINE_DID_METHODS and not verifier_vendor.supports("verifier", method):
        lacking.append(f"{method} (the issuer is {issuer})")
    for purpose in status_purposes(credential or {}):
        if not verifier_vendor.supports("verifier", f"status:{purpose}"):
            lacking.append(f"status:{purpose} (the credential carries a {purpose} status entry)")
    return f"{verifier_vendor.id} (verifier) does not declare {', '.join(lacking)}" if lacking else None


def _issued(issuer_vendor, verifier_vendor, credential: dict, **options) -> dict:
    """A's credential, when B declares what it needs to process it (else `unsupported`); skip
    when A cannot provide one the suite's own verifier accepts."""
    reason = _unprocessable(verifier_vendor, issuer_vendor.protocol("issuer", "vc-api").get("issuer_id"))
    if reason:
        unsupported(reason)
    with fed_by(f"issuer {issuer_vendor.id}"):
        vc = issue_through(issuer_vendor, credential, **options)
    reason = _unprocessable(verifier_vendor, issuer_of(vc), vc)
    if reason:
        unsupported(reason)
    with fed_by(f"issuer {issuer_vendor.id}"):  # its DID document or status list may fail us too
        own = suite_verifier(issuer_vendor.http_for("issuer", authorized=False)).verify_credential(vc)
    if not own.verified:
        pytest.skip(f"issuer {issuer_vendor.id}'s credential fails the suite's own verifier "
                    f"({'; '.join(own.errors)[:300]}); its issuer checks report it")
    return vc


def _verify(verifier_vendor, vc: dict):
    url = verifier_vendor.endpoint("verifier", "vc-api", "credentials_verify")
    return classify_verify(VcApiClient(verifier_vendor.http).verify_credential(url, vc))


def _require(vendor, role: str, token: str) -> None:
    if not vendor.supports(role, token):
        unsupported(f"{vendor.id} ({role}) does not declare {token}")


@check("INT-VCAPI-001", "A credential issued by A is accepted by B's verifier", ["P5", "P1"], VCAPI + "#verify-credential")
def test_issued_here_verified_there(issuer_vendor, verifier_vendor):
    vc = _issued(issuer_vendor, verifier_vendor, samples.achievement_credential(declared_issuer_id(issuer_vendor)))
    assert_accepted(_verify(verifier_vendor, vc), f"a credential issued by {issuer_vendor.id}")


@check("INT-VCAPI-002", "Each cryptosuite both sides declare works from A to B", ["P5", "P1"],
       "https://www.w3.org/TR/vc-data-integrity/#cryptographic-suites")
@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_cryptosuite_interop(issuer_vendor, verifier_vendor, cryptosuite):
    _require(issuer_vendor, "issuer", cryptosuite)
    _require(verifier_vendor, "verifier", cryptosuite)
    vc = _issued(issuer_vendor, verifier_vendor, samples.achievement_credential(declared_issuer_id(issuer_vendor)),
                 **cryptosuite_options(issuer_vendor, cryptosuite))
    require_cryptosuite(issuer_vendor, vc, cryptosuite)
    if cryptosuite not in proof_cryptosuites(vc):
        pytest.skip(f"issuer {issuer_vendor.id} was asked for {cryptosuite} and used {proof_cryptosuites(vc)}")
    assert_accepted(_verify(verifier_vendor, vc), f"a {cryptosuite} credential issued by {issuer_vendor.id}")


@check("INT-VCAPI-003", "A learner's name in another script survives from A to B", ["P5", "P7"], VCAPI + "#verify-credential")
def test_unicode_interop(issuer_vendor, verifier_vendor):
    name = samples.UNICODE_NAMES["arabic"]
    vc = _issued(issuer_vendor, verifier_vendor, samples.achievement_credential(declared_issuer_id(issuer_vendor), subject_name=name))
    if first_subject(vc).get("name") != name:
        pytest.skip(f"issuer {issuer_vendor.id} changed the name to {first_subject(vc).get('name')!r}")
    assert_accepted(_verify(verifier_vendor, vc), "an Arabic learner name")


@check("INT-VCAPI-004", "A credential A revoked is rejected by B", ["P5", "P2"],
       "https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm")
def test_revocation_interop(issuer_vendor, verifier_vendor):
    for token in ("status:revocation", "status-endpoint"):
        _require(issuer_vendor, "issuer", token)
    _require(verifier_vendor, "verifier", "status:revocation")
    vc = _issued(issuer_vendor, verifier_vendor, samples.achievement_credential(declared_issuer_id(issuer_vendor)))
    control = _verify(verifier_vendor, vc)  # before revocation: the positive control
    if not isinstance(vc.get("id"), str):
        pytest.skip(f"issuer {issuer_vendor.id}'s credential has no id to revoke")
    status_url = issuer_vendor.endpoint("issuer", "vc-api", "status")
    with fed_by(f"issuer {issuer_vendor.id}"):
        response = VcApiClient(issuer_vendor.http).update_status(status_url, vc["id"], "revocation", True)
    if not 200 <= response.status_code < 300:
        pytest.skip(f"issuer {issuer_vendor.id} did not revoke (HTTP {response.status_code})")
    with fed_by(f"issuer {issuer_vendor.id}"):
        revoked = suite_verifier(issuer_vendor.http_for("issuer", authorized=False)).verify_credential(vc).check("status")
    if revoked.reason != "status.revocation":
        pytest.skip(f"issuer {issuer_vendor.id}'s list does not show the revocation ({revoked.message})")
    assert_rejected_against_control(control, _verify(verifier_vendor, vc), f"a credential {issuer_vendor.id} revoked",
                                    warning_suffices=True)
