"""VC API issuers: issuing an Open Badges 3.0 AchievementCredential that any verifier accepts.

The suite asks the vendor to issue, then judges the result with its own verifier
(ler_interop.credentials.verifier), never with the vendor's.
"""

from __future__ import annotations

import copy

import pytest

from ler_interop.credentials.datamodel import parse_datetime
from ler_interop.credentials.verifier import issuer_id
from ler_interop.protocols.suite_tools import (achievement_of, assert_open_badge_schema, cryptosuite_options,
                                              first_subject, missing_claims, proof_cryptosuites, require_cryptosuite)
from ler_interop.protocols.vcapi import json_body

VCAPI_ISSUE = "https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#issue-credential"
VCDM = "https://www.w3.org/TR/vc-data-model-2.0/"
OB3 = "https://www.imsglobal.org/spec/ob/v3p0/"


@pytest.mark.check(id="ISS-VCAPI-001", title="Issues an OB 3.0 AchievementCredential with 201 Created",
                   principles=["P1"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api", profiles=["ob3"])
def test_issue_returns_201(vcapi, issue_url, template):
    response = vcapi.issue(issue_url, template())
    assert response.status_code == 201, f"issue answered {response.status_code}, the VC API requires 201"
    body = json_body(response)
    assert isinstance(body, dict) and isinstance(body.get("verifiableCredential"), dict), \
        "201 body has no `verifiableCredential` object"


@pytest.mark.check(id="ISS-VCAPI-002", title="The issued credential's proof verifies under the suite's own verifier",
                   principles=["P1", "P2"], level="MUST", spec="https://www.w3.org/TR/vc-data-integrity/#verify-proof",
                   role="issuer", protocol="vc-api")
def test_issued_proof_verifies(issue, template, verifier):
    result = verifier.verify_credential(issue(template()))
    proof = result.check("proof")
    assert proof.ok, f"proof does not verify: [{proof.reason}] {proof.message}"


@pytest.mark.check(id="ISS-VCAPI-003", title="The issued credential is signed by a key its issuer controls",
                   principles=["P2"], level="MUST",
                   spec="https://www.w3.org/TR/vc-data-integrity/#relationship-to-verifiable-credentials", role="issuer",
                   protocol="vc-api", profiles=["ler-issuer"])
def test_issuer_controls_signing_key(issue, template, verifier):
    result = verifier.verify_credential(issue(template()))
    if not result.check("proof").ok:  # ISS-VCAPI-002 reports that; the binding cannot be judged
        pytest.skip(f"binding not judged: the proof does not verify ({result.check('proof').message})")
    binding = result.check("issuer-binding")
    assert binding.ok, binding.message


@pytest.mark.check(id="ISS-VCAPI-004", title="The issued credential conforms to the VCDM 2.0 data model",
                   principles=["P1"], level="MUST", spec=VCDM + "#basic-concepts", role="issuer", protocol="vc-api")
def test_issued_vcdm2_valid(issue, template, verifier):
    result = verifier.verify_credential(issue(template()))
    for name in ("data-model", "jsonld"):
        check = result.check(name)
        assert check.ok, f"{name}: {check.message}"


@pytest.mark.check(id="ISS-VCAPI-005", title="The issued credential is valid against the Open Badges 3.0 schema and rules",
                   principles=["P1", "P3"], level="MUST", spec=OB3 + "#achievementcredential", role="issuer",
                   protocol="vc-api", profiles=["ob3"])
def test_issued_ob3_schema_valid(issue, template, verifier):
    assert_open_badge_schema(verifier.verify_credential(issue(template())), "the issued credential")


@pytest.mark.check(id="ISS-VCAPI-006", title="Keeps every claim it was given (nothing dropped or rewritten)",
                   principles=["P1", "P3"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api",
                   profiles=["ler-issuer"])
def test_keeps_every_claim(issue, template):
    sent = template()
    got = issue(sent)
    # Everything given must come back: only the issuer's own id may be replaced (it signs as
    # itself); proof and credentialStatus are the issuer's to add.
    given = copy.deepcopy(sent)
    given["issuer"].pop("id", None)
    lost = missing_claims(given, got)
    assert not lost, f"claims lost or changed: {', '.join(lost[:5])}"


@pytest.mark.check(id="ISS-VCAPI-007", title="Unicode learner names survive issuance byte for byte (CJK, Arabic, Cyrillic, Greek)",
                   principles=["P7"], level="MUST", spec=VCDM + "#credential-subject", role="issuer", protocol="vc-api",
                   profiles=["ler-issuer"])
@pytest.mark.parametrize("script", ["cjk", "arabic", "cyrillic", "greek", "latin-diacritics", "decomposed"])
def test_unicode_names_survive(issue, template, verifier, script):
    from ler_interop.credentials.samples import UNICODE_NAMES

    name = UNICODE_NAMES[script]
    got = issue(template(subject_name=name))
    assert first_subject(got).get("name") == name, \
        f"name came back as {first_subject(got).get('name')!r}, sent {name!r}"
    proof = verifier.verify_credential(got).check("proof")
    assert proof.ok, f"proof over the Unicode name does not verify: {proof.message}"


@pytest.mark.check(id="ISS-VCAPI-008", title="Language value objects (@value/@language/@direction) survive issuance",
                   principles=["P7"], level="MUST", spec=VCDM + "#language-and-base-direction", role="issuer",
                   protocol="vc-api", profiles=["ler-issuer"])
def test_language_values_survive(issue, issuer_did, verifier):
    from ler_interop.credentials.samples import language_credential

    sent = language_credential(issuer_did)
    got = issue(sent)
    lost = missing_claims({"name": sent["name"], "description": sent["description"]}, got)
    assert not lost, f"language value objects lost or collapsed: {', '.join(lost[:4])}"
    assert verifier.verify_credential(got).check("proof").ok, "proof over language value objects does not verify"


# MAY: VCDM 2.0 §4.9 makes validFrom optional ("If present, ...") and the VC API issue
# endpoint defines no default; an issuer that signs exactly what it was given is conformant.
@pytest.mark.check(id="ISS-VCAPI-009", title="Adds validFrom, a dateTime with a time-zone offset, when the request has none",
                   principles=["P1", "P7"], level="MAY", spec=VCDM + "#validity-period", role="issuer", protocol="vc-api")
def test_sets_valid_from(issue, template):
    sent = template()
    del sent["validFrom"]
    got = issue(sent)
    assert "validFrom" in got, "issued credential has no validFrom"
    assert parse_datetime(got["validFrom"]) is not None, \
        f"validFrom {got['validFrom']!r} is not a dateTime with an offset"


@pytest.mark.check(id="ISS-VCAPI-010", title="Keeps a validFrom given with a non-UTC offset",
                   principles=["P7"], level="MUST", spec=VCDM + "#validity-period", role="issuer", protocol="vc-api",
                   profiles=["ler-issuer"])
def test_keeps_offset_datetime(issue, template):
    sent = template(valid_from="2026-01-15T09:30:00+09:00")
    got = issue(sent)
    given, back = parse_datetime(sent["validFrom"]), parse_datetime(got.get("validFrom", ""))
    assert back is not None and back == given, f"validFrom came back as {got.get('validFrom')!r}"


@pytest.mark.check(id="ISS-VCAPI-011", title="Every achievementType, including ext: extensions, survives issuance",
                   principles=["P3"], level="MUST", spec=OB3 + "#achievementtype-enumeration", role="issuer",
                   protocol="vc-api", profiles=["ob3"])
@pytest.mark.parametrize("achievement_type", ["Badge", "Certification", "Degree", "MicroCredential", "ext:ApprenticeshipMilestone"])
def test_achievement_types_survive(issue, template, achievement_type):
    got = issue(template(achievement_type=achievement_type))
    back = achievement_of(got).get("achievementType")
    assert back == achievement_type, f"achievementType came back as {back!r}"


@pytest.mark.check(id="ISS-VCAPI-012", title="Evidence survives issuance",
                   principles=["P3", "P6"], level="MUST", spec=OB3 + "#evidence", role="issuer", protocol="vc-api",
                   profiles=["ob3"])
def test_evidence_survives(issue, template):
    sent = template()
    lost = missing_claims(sent["evidence"], issue(sent).get("evidence"), "$.evidence")
    assert not lost, f"evidence lost: {', '.join(lost[:4])}"


@pytest.mark.check(id="ISS-VCAPI-013", title="Results and result descriptions survive issuance",
                   principles=["P3"], level="MUST", spec=OB3 + "#result", role="issuer", protocol="vc-api", profiles=["ob3"])
def test_results_survive(issue, template):
    sent = template()
    got_subject = first_subject(issue(sent))
    lost = missing_claims(first_subject(sent)["result"], got_subject.get("result"), "$.credentialSubject.result")
    lost += missing_claims(first_subject(sent)["achievement"]["resultDescription"],
                           achievement_of({"credentialSubject": got_subject}).get("resultDescription"),
                           "$.credentialSubject.achievement.resultDescription")
    assert not lost, f"results lost: {', '.join(lost[:4])}"


@pytest.mark.check(id="ISS-VCAPI-014", title="Alignments to ESCO and CASE frameworks survive issuance",
                   principles=["P5", "P7"], level="MUST", spec=OB3 + "#alignment", role="issuer", protocol="vc-api",
                   profiles=["ob3"])
def test_alignments_survive(issue, template):
    sent = template()
    want = first_subject(sent)["achievement"]["alignment"]
    got = achievement_of(issue(sent)).get("alignment")
    lost = missing_claims(want, got, "$.credentialSubject.achievement.alignment")
    assert not lost, f"alignments lost: {', '.join(lost[:4])}"


def _assert_issues_with(vendor, issue, template, verifier, cryptosuite: str) -> None:
    got = issue(template(), **cryptosuite_options(vendor, cryptosuite))
    require_cryptosuite(vendor, got, cryptosuite)
    suites = proof_cryptosuites(got)
    assert cryptosuite in suites, f"asked for {cryptosuite}, got proofs with {suites}"
    proof = verifier.verify_credential(got).check("proof")
    assert proof.ok, f"{cryptosuite} proof does not verify: [{proof.reason}] {proof.message}"


@pytest.mark.check(id="ISS-VCAPI-015", title="Issues with ecdsa-rdfc-2019 (P-256) when it declares that cryptosuite",
                   principles=["P1"], level="MUST", spec="https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019",
                   role="issuer", protocol="vc-api", requires=["ecdsa-rdfc-2019"])
def test_issues_ecdsa_rdfc_2019(vendor, issue, template, verifier):
    _assert_issues_with(vendor, issue, template, verifier, "ecdsa-rdfc-2019")


@pytest.mark.check(id="ISS-VCAPI-016", title="Issues with eddsa-rdfc-2022 when it declares that cryptosuite",
                   principles=["P1"], level="MUST", spec="https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022",
                   role="issuer", protocol="vc-api", requires=["eddsa-rdfc-2022"])
def test_issues_eddsa_rdfc_2022(vendor, issue, template, verifier):
    _assert_issues_with(vendor, issue, template, verifier, "eddsa-rdfc-2022")


@pytest.mark.check(id="ISS-VCAPI-017", title="The issuer is the same identity across credentials and its DID resolves publicly",
                   principles=["P6"], level="SHOULD", spec="https://w3c-ccg.github.io/did-method-web/#read-resolve",
                   role="issuer", protocol="vc-api")
def test_issuer_did_resolves(issue, template, verifier):
    a, b = issue(template()), issue(template())
    assert issuer_id(a) == issuer_id(b), "two credentials name different issuers"
    from ler_interop.credentials.did import DidResolutionError

    try:
        verifier.resolver.resolve(issuer_id(a))
    except DidResolutionError as exc:
        raise AssertionError(f"issuer DID {issuer_id(a)} does not resolve: {exc.message}") from None
    result = verifier.verify_credential(a)
    if result.check("proof").ok:  # with a broken proof the binding is ISS-VCAPI-002's to report
        assert result.check("issuer-binding").ok, result.check("issuer-binding").message
