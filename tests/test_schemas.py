"""OB 3.0 / CLR 2.0 schemas and rules, over the fixtures in fixtures/credentials/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ler_interop.credentials import obv3, samples, schemas
from ler_interop.credentials.schemas import check_all, check_clr2, check_ob3, detect_profile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "credentials"
GOOD = sorted((FIXTURES / "good").glob("*.json"))


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def rules_at(findings: list) -> set[tuple[str, str]]:
    return {(f.rule, f.path) for f in findings}


# Each broken fixture: the (rule, path) it must produce through check_all.
BROKEN: dict[str, tuple[str, str]] = {
    "vcdm-context-not-first": ("vcdm2.context.first", "$['@context'][0]"),
    "vcdm-validfrom-no-offset": ("vcdm2.validFrom.datetime", "$.validFrom"),
    "vcdm-validity-reversed": ("vcdm2.validity.order", "$.validUntil"),
    "vcdm-language-object": ("vcdm2.language.tag", "$.name[0]['@language']"),
    "vcdm-issuer-relative": ("vcdm2.issuer.url", "$.issuer"),
    "vcdm-status-no-type": ("vcdm2.credentialStatus.type", "$.credentialStatus.type"),
    "vcdm-subject-empty": ("vcdm2.credentialSubject.empty", "$.credentialSubject"),
    "vp-string-credential": ("vcdm2.verifiableCredential.object", "$.verifiableCredential[0]"),
    "vp-enveloped-not-data-url": ("vcdm2.envelope.id", "$.verifiableCredential[1].id"),
    "ob3-missing-criteria": ("ob3.achievement.criteria.required", "$.credentialSubject.achievement.criteria"),
    "ob3-unknown-achievement-type": ("ob3.achievement.achievementType.enum",
                                     "$.credentialSubject.achievement.achievementType"),
    "ob3-subject-unidentified": ("ob3.achievementSubject.id-or-identifier", "$.credentialSubject"),
    "ob3-identity-hash-malformed": ("ob3.identityObject.identityHash.format",
                                    "$.credentialSubject.identifier[0].identityHash"),
    "ob3-identity-plaintext-hashed": ("ob3.identityObject.identityHash.plaintext",
                                      "$.credentialSubject.identifier[0].identityHash"),
    "ob3-alignment-missing-url": ("ob3.alignment.targetUrl.required",
                                  "$.credentialSubject.achievement.alignment[1].targetUrl"),
    "ob3-result-unresolved": ("ob3.result.resultDescription.unresolved",
                              "$.credentialSubject.result[0].resultDescription"),
    "ob3-context-missing-ob": ("ob3.achievementCredential.context.invalid", "$['@context']"),
    "clr2-dangling-association": ("clr2.association.targetId.unresolved",
                                  "$.credentialSubject.association[0].targetId"),
    "clr2-embedded-missing-criteria": ("ob3.achievement.criteria.required",
                                       "$.credentialSubject.verifiableCredential[1].credentialSubject.achievement.criteria"),
    "clr2-no-credentials": ("clr2.clrSubject.verifiableCredential.invalid", "$.credentialSubject.verifiableCredential"),
}


def test_every_broken_fixture_has_an_expectation() -> None:
    on_disk = {p.stem for p in (FIXTURES / "bad").glob("*.json")}
    assert on_disk == set(BROKEN)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_fixtures_have_no_findings(path: Path) -> None:
    assert check_all(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_fixture_gives_rule_at_path(name: str, expected: tuple[str, str]) -> None:
    assert expected in rules_at(check_all(load(f"bad/{name}.json")))


def test_single_fault_fixtures_give_only_that_finding() -> None:
    # Faults only a profile rule can see must not disturb any other rule.
    for name in ("ob3-missing-criteria", "ob3-unknown-achievement-type", "ob3-subject-unidentified",
                 "ob3-identity-hash-malformed", "ob3-result-unresolved", "clr2-dangling-association",
                 "clr2-embedded-missing-criteria"):
        assert rules_at(check_all(load(f"bad/{name}.json"))) == {BROKEN[name]}, name


def test_fixtures_carry_the_scripts_and_frameworks_they_promise() -> None:
    text = (FIXTURES / "good" / "ob3-achievement-unicode.json").read_text(encoding="utf-8")
    for sample in ("شهادة", "データ", "данных", "δεδομένων"):  # Arabic, CJK, Cyrillic, Greek
        assert sample in text
    doc = json.loads(text)
    urls = [a["targetUrl"] for a in doc["credentialSubject"]["achievement"]["alignment"]]
    assert any(u.startswith("http://data.europa.eu/esco/") for u in urls)
    assert any(a.get("targetType") == "CFItem" for a in doc["credentialSubject"]["achievement"]["alignment"])
    assert doc["evidence"] and doc["credentialSubject"]["result"]
    assert any(isinstance(v, dict) and v.get("@direction") == "rtl" for v in doc["name"])


def test_detect_profile() -> None:
    assert detect_profile(load("good/ob3-achievement-unicode.json")) == "ob3"
    assert detect_profile(load("good/ob3-achievement-identifier-only.json")) == "ob3"  # AchievementCredential
    assert detect_profile(load("good/clr2-bundle.json")) == "clr2"
    assert detect_profile({"type": ["VerifiableCredential"]}) is None
    assert detect_profile({"type": "ClrCredential"}) == "clr2"
    assert detect_profile("not a document") is None


def test_profile_checks_alone() -> None:
    ob = load("good/ob3-achievement-unicode.json")
    assert check_ob3(ob) == []
    assert check_clr2(load("good/clr2-bundle.json")) == []
    # A CLR checked as a badge is not one.
    assert ("ob3.achievementCredential.type.invalid", "$.type") in rules_at(check_ob3(load("good/clr2-bundle.json")))
    assert rules_at(check_ob3([])) == {("ob3.document.object", "$")}


def test_enumerations_accept_extension_terms() -> None:
    doc = load("good/ob3-achievement-unicode.json")
    achievement = doc["credentialSubject"]["achievement"]
    achievement["achievementType"] = "ext:ApprenticeshipMilestone"
    assert check_ob3(doc) == []
    achievement["achievementType"] = "ext:"
    assert ("ob3.achievement.achievementType.enum", "$.credentialSubject.achievement.achievementType") in rules_at(
        check_ob3(doc))
    # Result status is a closed vocabulary: no extension terms.
    doc = load("good/ob3-achievement-identifier-only.json")
    doc["credentialSubject"]["result"][0]["status"] = "ext:Paused"
    assert rules_at(check_ob3(doc)) == {("ob3.result.status.enum", "$.credentialSubject.result[0].status")}


def test_identity_hash_forms() -> None:
    doc = load("good/ob3-achievement-unicode.json")
    identity = doc["credentialSubject"]["identifier"][0]
    identity["identityHash"] = "md5$" + "A" * 32  # md5 and upper-case hex are allowed
    assert check_ob3(doc) == []
    identity["identityHash"] = "sha256$" + "a" * 63
    assert {f.rule for f in check_ob3(doc)} == {"ob3.identityObject.identityHash.format"}


def test_schema_error_paths_point_at_the_value() -> None:
    doc = load("good/ob3-achievement-unicode.json")
    doc["credentialSubject"]["achievement"]["resultDescription"][1]["rubricCriterionLevel"][0]["id"] = "level-1"
    doc["validUntil"] = "2035-01-15"
    found = rules_at(check_ob3(doc))
    assert ("ob3.rubricCriterionLevel.id.invalid",
            "$.credentialSubject.achievement.resultDescription[1].rubricCriterionLevel[0].id") in found
    assert ("ob3.achievementCredential.validUntil.invalid", "$.validUntil") in found
    messages = [f.message for f in check_ob3(doc)]
    assert all("^" not in m for m in messages), "regexes should be described in words"


def test_clr_checks_bundled_credentials_as_vcdm_too() -> None:
    clr = load("good/clr2-bundle.json")
    clr["credentialSubject"]["verifiableCredential"][0]["validFrom"] = "yesterday"
    found = rules_at(check_all(clr))
    assert ("vcdm2.validFrom.datetime", "$.credentialSubject.verifiableCredential[0].validFrom") in found


def test_clr_association_may_name_an_achievement_the_clr_lists() -> None:
    clr = load("good/clr2-bundle.json")
    ids = obv3.bundle_achievement_ids(clr["credentialSubject"])
    assert ids == {"https://university.example/achievements/data-stewardship",
                   "https://university.example/achievements/intro-data-analysis",
                   "https://university.example/achievements/data-program"}


def test_presentation_profiles_are_checked_inside() -> None:
    vp = load("good/vp-ob3-and-enveloped.json")
    bad = copy.deepcopy(vp)
    del bad["verifiableCredential"][0]["credentialSubject"]["achievement"]["criteria"]
    assert rules_at(check_all(bad)) == {
        ("ob3.achievement.criteria.required", "$.verifiableCredential[0].credentialSubject.achievement.criteria")}


@pytest.mark.parametrize("name", [schemas.OB3_SCHEMA, schemas.CLR2_SCHEMA])
def test_bundled_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = schemas.load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # Every $ref stays inside the two bundled documents: nothing can be fetched.
    refs = [v for k, v in _items(schema) if k == "$ref"]
    assert refs and all(r.startswith("#/$defs/") or r.startswith(schemas.OB3_SCHEMA + "#/$defs/") for r in refs)


def test_ob3_schema_defines_the_data_model_classes() -> None:
    defs = schemas.load_schema(schemas.OB3_SCHEMA)["$defs"]
    for cls in ("Achievement", "AchievementSubject", "Profile", "Alignment", "Result", "ResultDescription",
                "Evidence", "IdentityObject", "Criteria", "Image", "RubricCriterionLevel", "EndorsementCredential"):
        assert defs[cls]["title"] == cls


def test_the_suites_sample_credentials_pass() -> None:
    # The credentials the suite asks issuers to issue must themselves be clean.
    assert check_all(samples.achievement_credential("did:example:issuer")) == []
    assert check_all(samples.language_credential("did:example:issuer")) == []


def _items(node: Any):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _items(value)
    elif isinstance(node, list):
        for value in node:
            yield from _items(value)


def test_each_missing_property_is_its_own_finding() -> None:
    """jsonschema gives one `required` error per missing property, all carrying the same list:
    each must name its own property, once (not the first missing one three times)."""
    doc = samples.achievement_credential("did:example:issuer")
    achievement = doc["credentialSubject"]["achievement"]
    for name in ("id", "type", "criteria"):
        del achievement[name]
    required = [(f.rule, f.path) for f in check_ob3(doc) if f.rule.endswith(".required")]
    base = "$.credentialSubject.achievement"
    assert required == [("ob3.achievement.id.required", f"{base}.id"),
                        ("ob3.achievement.type.required", f"{base}.type"),
                        ("ob3.achievement.criteria.required", f"{base}.criteria")]



@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_fixtures_are_safe_mode_json_ld(path):
    """A good fixture carries every context its terms need: a credentialSchema of type
    1EdTechJsonSchemaValidator2019 comes with the OB 3.0 extensions context that defines it
    (as the OB 3.0 examples do), else the type is a relative IRI and safe mode refuses it."""
    from ler_interop.credentials.canon import canonize_checked

    _, findings = canonize_checked(load(f"good/{path.name}"))
    assert findings == []
