"""VCDM 2.0 structural rules, the dateTimeStamp parser and the validity-period check."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ler_interop.credentials.datamodel import (
    BCP47,
    check_credential,
    check_presentation,
    check_validity_period,
    parse_datetime,
)

VECTORS = Path(__file__).parents[2] / "shared" / "vectors"
VC_V2 = "https://www.w3.org/ns/credentials/v2"

MINIMAL: dict[str, Any] = {
    "@context": [VC_V2, "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:0b1e9a52-9a43-4d0c-8d6a-3f1b1a0a1a01",
    "type": ["VerifiableCredential", "ExampleCredential"],
    "issuer": "did:example:issuer",
    "validFrom": "2024-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:subject", "alumniOf": "Example University"},
}


def with_changes(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(MINIMAL)
    for key, value in changes.items():
        key = key.replace("__", "@")  # context via __context
        if value is ...:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def rules_at(findings: list) -> set[tuple[str, str]]:
    return {(f.rule, f.path) for f in findings}


def test_minimal_credential_conforms() -> None:
    assert check_credential(MINIMAL) == []


@pytest.mark.parametrize(
    ("doc", "rule", "path"),
    [
        (with_changes(__context=...), "vcdm2.context.missing", "$['@context']"),
        (with_changes(__context=VC_V2), "vcdm2.context.type", "$['@context']"),
        (with_changes(__context=["https://www.w3.org/2018/credentials/v1"]), "vcdm2.context.first", "$['@context'][0]"),
        (with_changes(__context=[VC_V2, 42]), "vcdm2.context.item", "$['@context'][1]"),
        (with_changes(__context=[VC_V2, "not a url"]), "vcdm2.context.item", "$['@context'][1]"),
        (with_changes(type=...), "vcdm2.type.missing", "$.type"),
        (with_changes(type=["ExampleCredential"]), "vcdm2.type.credential", "$.type"),
        (with_changes(type=["VerifiableCredential", 7]), "vcdm2.type.value", "$.type"),
        (with_changes(id="credentials/1"), "vcdm2.id.url", "$.id"),
        (with_changes(issuer=...), "vcdm2.issuer.missing", "$.issuer"),
        (with_changes(issuer="issuers/1"), "vcdm2.issuer.url", "$.issuer"),
        (with_changes(issuer={"name": "No id"}), "vcdm2.issuer.id", "$.issuer.id"),
        (with_changes(issuer=["did:example:a"]), "vcdm2.issuer.url", "$.issuer"),
        (with_changes(credentialSubject=...), "vcdm2.credentialSubject.missing", "$.credentialSubject"),
        (with_changes(credentialSubject=[]), "vcdm2.credentialSubject.empty", "$.credentialSubject"),
        (with_changes(credentialSubject="did:example:s"), "vcdm2.credentialSubject.object", "$.credentialSubject"),
        (with_changes(credentialSubject=[{"name": "A"}, {}]), "vcdm2.credentialSubject.claims", "$.credentialSubject[1]"),
        (with_changes(credentialSubject={"id": "s1", "name": "A"}), "vcdm2.id.url", "$.credentialSubject.id"),
        (with_changes(validFrom="2024-01-01T00:00:00"), "vcdm2.validFrom.datetime", "$.validFrom"),
        (with_changes(validFrom="2024-01-01"), "vcdm2.validFrom.datetime", "$.validFrom"),
        (with_changes(validUntil="2024-02-30T00:00:00Z"), "vcdm2.validUntil.datetime", "$.validUntil"),
        (with_changes(validUntil="2023-12-31T23:59:59Z"), "vcdm2.validity.order", "$.validUntil"),
        # 2024-01-01T08:00+09:00 is 2023-12-31T23:00Z: earlier than validFrom once offsets apply.
        (with_changes(validUntil="2024-01-01T08:00:00+09:00"), "vcdm2.validity.order", "$.validUntil"),
        (with_changes(name=42), "vcdm2.name.value", "$.name"),
        (with_changes(description={"text": "x"}), "vcdm2.description.value", "$.description"),
        (with_changes(name={"@value": 3}), "vcdm2.language.value", "$.name['@value']"),
        (with_changes(name={"@value": "x", "@language": "en_US"}), "vcdm2.language.tag", "$.name['@language']"),
        (with_changes(name=[{"@value": "x", "@direction": "auto"}]), "vcdm2.language.direction", "$.name[0]['@direction']"),
        (with_changes(name={"@value": "x", "@language": "en", "lang": "en"}), "vcdm2.language.keys", "$.name"),
        (with_changes(credentialSubject={"motto": {"@value": "x", "@language": "!!"}}),
         "vcdm2.language.tag", "$.credentialSubject.motto['@language']"),
        (with_changes(credentialStatus={"id": "https://s.example/1#3"}), "vcdm2.credentialStatus.type", "$.credentialStatus.type"),
        (with_changes(credentialStatus=[{"type": "X", "id": "status 1"}]), "vcdm2.credentialStatus.id", "$.credentialStatus[0].id"),
        (with_changes(credentialStatus="https://s.example/1"), "vcdm2.credentialStatus.object", "$.credentialStatus"),
        (with_changes(credentialSchema={"type": "JsonSchema"}), "vcdm2.credentialSchema.id", "$.credentialSchema.id"),
        (with_changes(credentialSchema=[{"id": "https://s.example/schema.json"}]), "vcdm2.credentialSchema.type",
         "$.credentialSchema[0].type"),
        (with_changes(evidence=[]), "vcdm2.evidence.empty", "$.evidence"),
        (with_changes(evidence=[{"id": "https://e.example/1"}]), "vcdm2.evidence.type", "$.evidence[0].type"),
        (with_changes(termsOfUse={"id": "https://t.example/1"}), "vcdm2.termsOfUse.type", "$.termsOfUse.type"),
        (with_changes(refreshService={"id": "https://r.example/1"}), "vcdm2.refreshService.type", "$.refreshService.type"),
    ],
)
def test_credential_rule(doc: dict[str, Any], rule: str, path: str) -> None:
    assert (rule, path) in rules_at(check_credential(doc))


def test_language_value_objects_in_several_scripts_conform() -> None:
    doc = with_changes(
        name=[
            {"@value": "شهادة الخريجين", "@language": "ar", "@direction": "rtl"},
            {"@value": "卒業証明書", "@language": "ja"},
            {"@value": "Диплом выпускника", "@language": "ru-Cyrl"},
            {"@value": "Πτυχίο", "@language": "el"},
        ],
        description={"@value": "Alumni", "@language": "en-GB", "@direction": "ltr"},
        issuer={"id": "did:example:issuer", "name": {"@value": "大学", "@language": "zh-Hans-CN"}},
    )
    assert check_credential(doc) == []


def test_non_object_document() -> None:
    assert rules_at(check_credential([])) == {("vcdm2.document.object", "$")}
    assert rules_at(check_presentation("eyJ...")) == {("vcdm2.document.object", "$")}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("2024-01-01T09:00:00+09:00", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("2023-12-31T16:00:00-08:00", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("2024-01-01T00:00:00.5Z", datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=timezone.utc)),
        ("2023-12-31T24:00:00Z", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("2024-01-01T00:00:00+14:00", datetime(2023, 12, 31, 10, tzinfo=timezone.utc)),
        ("2024-01-01T00:00:00", None),  # no offset: not a dateTimeStamp
        ("2024-01-01T00:00:00+14:30", None),  # offsets stop at 14:00
        ("2024-01-01T00:00Z", None),
        ("2024-1-01T00:00:00Z", None),
        ("2023-02-29T00:00:00Z", None),  # the regex allows it; the calendar does not
        ("2024-01-01T00:00:00Z\n", None),
        ("2024-01-01 00:00:00Z", None),
        (20240101, None),
    ],
)
def test_parse_datetime(value: Any, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("tag", ["en", "ar", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1901", "es-419", "x-private",
                                 "en-a-bbb-x-a", "i-klingon", "ja-JP-u-ca-japanese"])
def test_bcp47_well_formed(tag: str) -> None:
    assert BCP47.fullmatch(tag)


@pytest.mark.parametrize("tag", ["", "en_US", "e", "en-", "english language", "123", "en--US", "abcdefghi"])
def test_bcp47_malformed(tag: str) -> None:
    assert not BCP47.fullmatch(tag)


def test_validity_period() -> None:
    doc = with_changes(validFrom="2024-01-01T09:00:00+09:00", validUntil="2025-01-01T00:00:00Z")
    inside = datetime(2024, 6, 1, tzinfo=timezone.utc)
    assert check_validity_period(doc, inside) == []
    # The boundary instants themselves are inside the period.
    assert check_validity_period(doc, datetime(2024, 1, 1, tzinfo=timezone.utc)) == []
    assert check_validity_period(doc, datetime(2025, 1, 1, tzinfo=timezone.utc)) == []
    early = datetime(2024, 1, 1, tzinfo=timezone.utc) - timedelta(seconds=1)
    assert rules_at(check_validity_period(doc, early)) == {("validity.not-yet-valid", "$.validFrom")}
    late = datetime(2025, 1, 1, 0, 0, 1, tzinfo=timezone.utc)
    assert rules_at(check_validity_period(doc, late)) == {("validity.expired", "$.validUntil")}
    # A naive clock is read as UTC; malformed dates are a structural matter, not a validity one.
    assert check_validity_period(doc, datetime(2024, 6, 1)) == []
    assert check_validity_period(with_changes(validUntil="soon"), late) == []


# ---- presentations ------------------------------------------------------------------------

VP: dict[str, Any] = {
    "@context": [VC_V2],
    "type": ["VerifiablePresentation"],
    "holder": "did:example:holder",
    "verifiableCredential": [
        MINIMAL,
        {"@context": [VC_V2], "id": "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
         "type": "EnvelopedVerifiableCredential"},
    ],
}


def test_presentation_conforms() -> None:
    assert check_presentation(VP) == []


@pytest.mark.parametrize(
    ("change", "rule", "path"),
    [
        ({"type": ["VerifiableCredential"]}, "vcdm2.type.presentation", "$.type"),
        ({"holder": "holder-1"}, "vcdm2.holder.url", "$.holder"),
        ({"holder": {"name": "no id"}}, "vcdm2.holder.url", "$.holder"),
        ({"id": "vp 1"}, "vcdm2.id.url", "$.id"),
        ({"verifiableCredential": ["https://c.example/1"]}, "vcdm2.verifiableCredential.object", "$.verifiableCredential[0]"),
        ({"verifiableCredential": 5}, "vcdm2.verifiableCredential.object", "$.verifiableCredential"),
        ({"verifiableCredential": [{**MINIMAL, "issuer": "x"}]}, "vcdm2.issuer.url", "$.verifiableCredential[0].issuer"),
        ({"verifiableCredential": [{"@context": [VC_V2], "id": "https://c.example/1",
                                    "type": "EnvelopedVerifiableCredential"}]},
         "vcdm2.envelope.id", "$.verifiableCredential[0].id"),
        ({"verifiableCredential": [{"id": "data:application/vc+jwt,a.b.c", "type": "EnvelopedVerifiableCredential"}]},
         "vcdm2.envelope.context", "$.verifiableCredential[0]['@context']"),
    ],
)
def test_presentation_rule(change: dict[str, Any], rule: str, path: str) -> None:
    assert (rule, path) in rules_at(check_presentation({**VP, **change}))


# ---- the W3C test vectors (unsigned and signed documents) are VCDM 2.0 conforming ---------

def _vector_credentials() -> list[Path]:
    if not VECTORS.is_dir():
        return []
    found = []
    for path in sorted(VECTORS.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "credentialSubject" in doc and "@context" in doc:
            found.append(path)
    return found


@pytest.mark.skipif(not VECTORS.is_dir(), reason="../shared/vectors is not present")
@pytest.mark.parametrize("path", _vector_credentials(), ids=lambda p: str(p.relative_to(VECTORS)))
def test_w3c_vectors_conform(path: Path) -> None:
    assert check_credential(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.skipif(not VECTORS.is_dir(), reason="../shared/vectors is not present")
def test_w3c_vectors_found() -> None:
    names = {p.name for p in _vector_credentials()}
    assert {"unsigned.json", "employmentAuth.json"} <= names
