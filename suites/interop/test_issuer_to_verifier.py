"""Cross-vendor interoperability (P5 Alignment): a credential issued by vendor A is accepted
by vendor B's verifier, for every issuer x verifier pair in the manifest. Each cell of the
report's matrix is one of these results, with the HTTP exchanges of both sides as evidence."""

from __future__ import annotations

import pytest

from ler_interop.credentials import samples
from ler_interop.outcomes import unsupported
from ler_interop.protocols.suite_tools import credential_id, proof_cryptosuites
from ler_interop.protocols.vcapi import VcApiClient, assert_accepted, assert_rejected_against_control, classify_verify

VCAPI = "https://w3c-ccg.github.io/vc-api/"


def check(id, title, principles, spec, level="MUST"):
    return pytest.mark.check(id=id, title=title, principles=principles, level=level, spec=spec, role="interop",
                             protocol="vc-api")


def _issue(issuer_vendor, credential: dict, **options) -> dict:
    client = VcApiClient(issuer_vendor.http)
    config = issuer_vendor.role("issuer").protocols["vc-api"]
    response = client.issue(config["issue"], credential, {**(config.get("options") or {}), **options})
    return client.issued_credential(response)


def _verify(verifier_vendor, vc: dict):
    url = verifier_vendor.endpoint("verifier", "vc-api", "credentials_verify")
    return classify_verify(VcApiClient(verifier_vendor.http).verify_credential(url, vc))


def _issuer_id(issuer_vendor) -> str:
    return issuer_vendor.role("issuer").protocols["vc-api"].get("issuer_id") or "did:example:ler-interop-issuer"


def _require(vendor, role: str, token: str) -> None:
    if not vendor.supports(role, token):
        unsupported(f"{vendor.id} ({role}) does not declare {token}")


@check("INT-VCAPI-001", "A credential issued by A is accepted by B's verifier", ["P5", "P1"], VCAPI + "#verify-credential")
def test_issued_here_verified_there(issuer_vendor, verifier_vendor):
    vc = _issue(issuer_vendor, samples.achievement_credential(_issuer_id(issuer_vendor)))
    assert_accepted(_verify(verifier_vendor, vc), f"a credential issued by {issuer_vendor.id}")


@check("INT-VCAPI-002", "Each cryptosuite both sides declare works from A to B", ["P5", "P1"],
       "https://www.w3.org/TR/vc-data-integrity/#cryptographic-suites")
@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_cryptosuite_interop(issuer_vendor, verifier_vendor, cryptosuite):
    _require(issuer_vendor, "issuer", cryptosuite)
    _require(verifier_vendor, "verifier", cryptosuite)
    vc = _issue(issuer_vendor, samples.achievement_credential(_issuer_id(issuer_vendor)), cryptosuite=cryptosuite)
    assert cryptosuite in proof_cryptosuites(vc), f"{issuer_vendor.id} was asked for {cryptosuite}, used {proof_cryptosuites(vc)}"
    assert_accepted(_verify(verifier_vendor, vc), f"a {cryptosuite} credential issued by {issuer_vendor.id}")


@check("INT-VCAPI-003", "A learner's name in another script survives from A to B", ["P5", "P7"], VCAPI + "#verify-credential")
def test_unicode_interop(issuer_vendor, verifier_vendor):
    credential = samples.achievement_credential(_issuer_id(issuer_vendor), subject_name=samples.UNICODE_NAMES["arabic"])
    assert_accepted(_verify(verifier_vendor, _issue(issuer_vendor, credential)), "an Arabic learner name")


@check("INT-VCAPI-004", "A credential A revoked is rejected by B", ["P5", "P2"], "https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm")
def test_revocation_interop(issuer_vendor, verifier_vendor):
    for token in ("status:revocation", "status-endpoint"):
        _require(issuer_vendor, "issuer", token)
    _require(verifier_vendor, "verifier", "status:revocation")
    vc = _issue(issuer_vendor, samples.achievement_credential(_issuer_id(issuer_vendor)))
    control = _verify(verifier_vendor, vc)  # before revocation: the positive control
    status_url = issuer_vendor.endpoint("issuer", "vc-api", "status")
    response = VcApiClient(issuer_vendor.http).update_status(status_url, credential_id(vc), "revocation", True)
    assert response.status_code in (200, 201, 204), f"{issuer_vendor.id} could not revoke: HTTP {response.status_code}"
    assert_rejected_against_control(control, _verify(verifier_vendor, vc), f"a credential {issuer_vendor.id} revoked",
                                    warning_suffices=True)
