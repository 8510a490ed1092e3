"""Legacy credentials (issue 13, item 7): VCDM 1.1 documents and the Ed25519Signature2020 proof.

`verify` (accept_vcdm1) reads a 1.1 credential by the 1.1 rules with a legacy warning; the
suite judging a vendor (the default verifier) still refuses it as VCDM 2.0.
"""

from __future__ import annotations

import copy
import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ler_interop.credentials import crafting, datamodel_v1, ed25519_2020, findings as R
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.verifier import CredentialVerifier

V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V1 = "https://www.w3.org/2018/credentials/examples/v1"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
CREATED = datetime(2024, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def signer() -> crafting.Signer:
    return crafting.Signer.did_key()


@pytest.fixture(scope="module")
def legacy() -> CredentialVerifier:
    return CredentialVerifier(DidResolver(), now=NOW, accept_vcdm1=True)


@pytest.fixture(scope="module")
def strict() -> CredentialVerifier:
    return CredentialVerifier(DidResolver(), now=NOW)


def credential_v1(issuer: str, **extra) -> dict:
    doc = {"@context": [V1, EXAMPLES_V1], "id": "urn:uuid:7c5b1a9e-1111-4c3e-9a8e-000000000001",
           "type": ["VerifiableCredential", "UniversityDegreeCredential"], "issuer": issuer,
           "issuanceDate": "2024-01-01T00:00:00Z",
           "credentialSubject": {"id": "did:example:learner", "degree": {"type": "BachelorDegree", "name": "BSc"}}}
    doc.update(extra)
    return doc


def sign_2020(signer: crafting.Signer, doc: dict, **kw) -> dict:
    return ed25519_2020.sign(doc, signer.key, verification_method=signer.vm, created=CREATED, **kw)


def failed(result, name: str):
    check = result.check(name)
    assert check is not None and not check.ok, f"{name} passed: {check}"
    return check


# -- Ed25519Signature2020 ---------------------------------------------------------------------
def test_ed25519signature2020_on_vcdm11_verifies_with_a_legacy_warning(signer, legacy):
    vc = sign_2020(signer, credential_v1(signer.did, expirationDate="2030-01-01T00:00:00Z"))
    result = legacy.verify(vc)
    assert result.verified, result.errors
    assert result.check("proof").ok and not result.check("proof").warnings
    model = result.check("data-model")
    assert model.ok and model.warnings and model.warnings[0].startswith("VCDM 1.1 (legacy)")


def test_ed25519signature2020_tampered_claim_is_a_bad_signature(signer, legacy):
    vc = sign_2020(signer, credential_v1(signer.did))
    vc["credentialSubject"]["degree"]["name"] = "PhD"
    assert failed(legacy.verify(vc), "proof").reason == R.BAD_SIGNATURE


def test_ed25519signature2020_without_proof_value_is_malformed(signer, legacy):
    vc = sign_2020(signer, credential_v1(signer.did))
    del vc["proof"]["proofValue"]
    assert failed(legacy.verify(vc), "proof").reason == R.MALFORMED_PROOF


def test_ed25519signature2020_by_another_key_fails_issuer_binding(signer, legacy):
    other = crafting.Signer.did_key()
    vc = sign_2020(other, credential_v1(signer.did))
    result = legacy.verify(vc)
    assert result.check("proof").ok and failed(result, "issuer-binding").reason == "issuer-binding"


def test_eddsa_rdfc_2022_on_vcdm11_verifies(signer, legacy):
    vc = signer.sign(credential_v1(signer.did), created=CREATED)
    assert vc["proof"]["type"] == "DataIntegrityProof"
    assert legacy.verify(vc).verified


@pytest.mark.parametrize("proof_type", ["RsaSignature2018", "BbsBlsSignature2020"])
def test_an_unsupported_proof_type_is_named_not_malformed(signer, legacy, proof_type):
    vc = credential_v1(signer.did)
    vc["proof"] = {"type": proof_type, "created": "2024-01-01T00:00:00Z", "verificationMethod": signer.vm,
                   "proofPurpose": "assertionMethod", "proofValue": "z3"}
    proof = failed(legacy.verify(vc), "proof")
    assert proof.reason == R.UNSUPPORTED_PROOF_TYPE and f"unsupported proof type {proof_type}" in proof.message


# -- VCDM 1.1 rules ---------------------------------------------------------------------------
def test_missing_issuance_date_breaks_the_11_data_model(signer, legacy):
    doc = credential_v1(signer.did)
    del doc["issuanceDate"]
    assert failed(legacy.verify(sign_2020(signer, doc)), "data-model").reason == "vcdm1.issuanceDate.missing"


def test_issuance_date_in_the_future_is_not_yet_valid(signer, legacy):
    vc = sign_2020(signer, credential_v1(signer.did, issuanceDate="2027-01-01T00:00:00Z"))
    assert failed(legacy.verify(vc), "validity").reason == "validity.not-yet-valid"


def test_expiration_date_is_read_and_enforced(signer, legacy):
    vc = sign_2020(signer, credential_v1(signer.did, expirationDate="2025-01-01T00:00:00Z"))
    check = failed(legacy.verify(vc), "validity")
    assert check.reason == "validity.expired" and "expirationDate" in check.message


def test_the_20_validity_rules_are_not_applied_to_an_11_document(legacy):
    # validFrom/validUntil are VCDM 2.0 terms: a 1.1 document is dated by issuanceDate alone.
    doc = credential_v1("did:example:issuer", validFrom="2027-01-01T00:00:00Z", validUntil="2025-01-01T00:00:00Z")
    assert legacy.verify_credential(doc, unsigned=True).check("validity").ok
    assert datamodel_v1.check_validity_period(doc, NOW) == []


def test_an_offset_less_11_date_time_is_read_as_utc():
    assert datamodel_v1.parse_datetime_v1("2024-01-01T00:00:00") == datetime(2024, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("change, rule", [
    (lambda d: d.update({"@context": [EXAMPLES_V1, V1]}), None),  # not 1.1 any more: the 2.0 rules apply
    (lambda d: d.update({"type": ["UniversityDegreeCredential"]}), "vcdm1.type"),
    (lambda d: d.pop("credentialSubject"), "vcdm1.credentialSubject.missing"),
    (lambda d: d.update({"issuer": {"name": "Example U"}}), "vcdm1.issuer"),
    (lambda d: d.update({"issuanceDate": "1 January 2024"}), "vcdm1.issuanceDate.datetime"),
])
def test_each_11_must_is_a_data_model_finding(legacy, change, rule):
    doc = credential_v1("did:example:issuer")
    change(doc)
    check = failed(legacy.verify_credential(doc, unsigned=True), "data-model")
    assert check.reason == (rule or "vcdm2.context.first")


# -- presentations ----------------------------------------------------------------------------
def test_an_11_presentation_of_an_11_credential_verifies(signer, legacy):
    holder = crafting.Signer.did_key()
    vc = sign_2020(signer, credential_v1(signer.did))
    vp = {"@context": [V1], "type": ["VerifiablePresentation"], "holder": holder.did, "verifiableCredential": [vc]}
    signed = sign_2020(holder, vp, proof_purpose="authentication", challenge="n-0S6_WzA2Mj")
    result = legacy.verify(signed, challenge="n-0S6_WzA2Mj")
    assert result.verified, result.errors
    assert result.check("data-model").warnings and result.check("credential[0].data-model").warnings


def test_an_unsigned_11_presentation_is_judged_by_the_11_rules(signer, legacy):
    vp = {"@context": [V1], "type": ["VerifiablePresentation"], "verifiableCredential": [credential_v1(signer.did)]}
    assert legacy.verify(vp, unsigned=True).verified
    vp["type"] = ["Presentation"]
    assert failed(legacy.verify(vp, unsigned=True), "data-model").reason == "vcdm1.type"


# -- jwt_vc_json: the VCDM 1.1 JWT encoding (VCDM 1.1 §6.3.1) ----------------------------------
@pytest.mark.parametrize("open_badges_jwt", [False, True], ids=["jwt_vc_json", "as-verify-reads-typ-JWT"])
def test_an_11_jwt_vc_json_credential_is_judged_by_the_11_rules(signer, open_badges_jwt):
    """A jwt_vc_json token carries a VCDM 1.1 credential in its `vc` claim: `verify` reads it by
    the 1.1 rules (legacy warning), issuanceDate/expirationDate included, as it does JSON-LD."""
    from ler_interop.credentials import jwtvc

    verifier = CredentialVerifier(DidResolver(), now=NOW, accept_vcdm1=True, open_badges_jwt=open_badges_jwt)
    result = verifier.verify(jwtvc.sign_jwt_vc(credential_v1(signer.did), signer.key, kid=signer.vm))
    assert result.verified, result.errors
    assert result.check("data-model").warnings[0].startswith("VCDM 1.1 (legacy)")
    expired = credential_v1(signer.did, expirationDate="2026-02-01T00:00:00Z")  # no exp claim: only the 1.1 date says so
    check = failed(verifier.verify(jwtvc.sign_jwt_vc(expired, signer.key, kid="#" + signer.did.split(":")[-1])), "validity")
    assert check.reason == "validity.expired" and "expirationDate" in check.message


def test_the_strict_verifier_refuses_an_11_jwt_vc_json_as_vcdm20(signer, strict):
    from ler_interop.credentials import jwtvc

    result = strict.verify(jwtvc.sign_jwt_vc(credential_v1(signer.did), signer.key, kid=signer.vm))
    assert result.check("proof").ok
    assert failed(result, "data-model").reason == "vcdm2.context.first"


# -- the suite judging a vendor still requires VCDM 2.0 ---------------------------------------
def test_the_strict_verifier_refuses_11_as_vcdm20(signer, strict):
    result = strict.verify(sign_2020(signer, credential_v1(signer.did)))
    assert result.check("proof").ok  # the signature is fine; the data model is not 2.0
    check = failed(result, "data-model")
    assert check.reason == "vcdm2.context.first" and check.warnings[0].startswith("VCDM 1.1 (legacy)")


def _suite_module(relative: str):
    path = Path(__file__).resolve().parents[1] / relative
    spec = importlib.util.spec_from_file_location(f"_suite_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_issuer_issuing_11_fails_the_vcdm20_check(signer):
    """ISS-VCAPI-004 (issued credential conforms to VCDM 2.0), run as the suite runs it (its own
    verifier, suite_tools.suite_verifier), against an issuer that answers a signed 1.1 credential."""
    from ler_interop.net import Http
    from ler_interop.protocols.suite_tools import suite_verifier

    issued = sign_2020(signer, credential_v1(signer.did))
    check = _suite_module("suites/issuer/test_vcapi_issue.py").test_issued_vcdm2_valid
    with Http(set()) as http:
        verifier = suite_verifier(http)
        assert not verifier.accept_vcdm1
        with pytest.raises(AssertionError, match="data-model"):
            check(issue=lambda template: copy.deepcopy(issued), template=lambda: {}, verifier=verifier)


def test_ob3_on_vcdm11_is_read_by_verify_and_refused_as_vcdm20_by_the_suite(signer, legacy, strict):
    """Open Badges 3.0 as first published (VCDM 1.1, issuanceDate): verify judges it by the OB
    schema minus its VCDM 2.0 rules; a vendor's conformance check still sees no VCDM 2.0."""
    from tools.corpus.family_legacy import ob3_on_vcdm11

    signed = sign_2020(signer, ob3_on_vcdm11(signer.did))
    assert legacy.verify(signed).verified
    schema = strict.verify(signed).check("schema")
    assert not schema.ok and {f.rule for f in schema.findings} >= {"ob3.achievementCredential.validFrom.required"}
    broken = copy.deepcopy(ob3_on_vcdm11(signer.did))
    del broken["credentialSubject"]["achievement"]["criteria"]
    assert failed(legacy.verify(sign_2020(signer, broken)), "schema")
