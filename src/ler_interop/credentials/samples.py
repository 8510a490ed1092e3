"""The credentials the suite asks issuers to issue and hands verifiers to judge.

Each template exercises something the principles care about: Unicode names in several
scripts (P7), language value objects (VCDM 2.0 §11.1), evidence, results and alignments to
international frameworks (P3, P5), a spread of `achievementType`s (OB 3.0 §B.1.x enumeration).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

# Learner names that must survive issue -> store -> present -> verify byte for byte.
UNICODE_NAMES = {
    "cjk": "山田 花子",
    "arabic": "فاطمة الزهراء",
    "cyrillic": "Анна Каренина",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "latin-diacritics": "Zoë Ñúñez-Øster",
    # The same letters decomposed (NFD): an issuer that normalises Unicode changes the bytes.
    "decomposed": "Zoe\u0308 N\u0303u\u0301n\u0303ez-\u00d8ster",
}

ESCO_SKILL = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
CASE_ITEM = "https://case.example.org/uri/5b4b6d2c-6a46-4a8f-9a2f-4b4e5e3a3c10"

ACHIEVEMENT_TYPES = ["Badge", "Certificate", "Certification", "Course", "Degree", "MicroCredential",
                     "License", "ext:ApprenticeshipMilestone"]


def offered_achievement(name: str, description: str, **more: Any) -> dict[str, Any]:
    """A complete OB 3.0 Achievement (every property the data model requires: id, type, name,
    description, criteria), as the suite offers it: an issuer need not invent any of it."""
    return {"id": "https://ler-interop.example/achievements/offered", "type": ["Achievement"],
            "name": name, "description": description,
            "criteria": {"narrative": "Assessed by the issuer against its published standard."}, **more}


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def xsd_datetime(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement_credential(
    issuer: str,
    *,
    subject_name: str = "Ada Lovelace",
    achievement_type: str = "Certificate",
    subject_id: str | None = None,
    valid_from: str | None = None,
    valid_until: str | None = None,
    rich: bool = True,
) -> dict[str, Any]:
    """An unsigned OB 3.0 AchievementCredential (VCDM 2.0)."""
    cid = f"urn:uuid:{uuid.uuid4()}"
    achievement: dict[str, Any] = {
        "id": "https://ler-interop.example/achievements/data-steward",
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": "Data Stewardship Fundamentals",
        "description": "Demonstrated the fundamentals of stewarding learner data.",
        "criteria": {"narrative": "Completed the course and passed the final assessment with at least 80%."},
    }
    subject: dict[str, Any] = {
        "id": subject_id or f"did:example:learner-{uuid.uuid4().hex[:12]}",
        "type": ["AchievementSubject"],
        "name": subject_name,
        "achievement": achievement,
    }
    if rich:
        achievement["alignment"] = [
            {"type": ["Alignment"], "targetName": "manage personal data", "targetUrl": ESCO_SKILL,
             "targetFramework": "ESCO", "targetType": "ceasn:Competency"},
            {"type": ["Alignment"], "targetName": "Data literacy", "targetUrl": CASE_ITEM,
             "targetFramework": "CASE", "targetType": "CFItem", "targetCode": "DL.1"},
        ]
        achievement["resultDescription"] = [
            {"id": "urn:uuid:7b3c7a9e-0a5e-4c83-9f6b-6f0d3a1d2c11", "type": ["ResultDescription"],
             "name": "Final assessment", "resultType": "Percent", "valueMin": "0", "valueMax": "100"}
        ]
        subject["result"] = [
            {"type": ["Result"], "resultDescription": "urn:uuid:7b3c7a9e-0a5e-4c83-9f6b-6f0d3a1d2c11", "value": "92"}
        ]
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": cid,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "ler-interop Test Institute"},
        "name": "Data Stewardship Fundamentals",
        "validFrom": valid_from or xsd_datetime(utc_now() - timedelta(minutes=5)),
        "credentialSubject": subject,
    }
    if valid_until:
        credential["validUntil"] = valid_until
    if rich:
        credential["evidence"] = [
            {"id": "https://ler-interop.example/evidence/portfolio-1", "type": ["Evidence"],
             "name": "Capstone portfolio", "narrative": "A data-governance plan for a community college."}
        ]
    return credential


def language_credential(issuer: str) -> dict[str, Any]:
    """A plain VCDM 2.0 credential whose name and description are language value objects
    (VCDM 2.0 §11.1). Plain VCDM, not OB 3.0: the OB 3.0 schema wants `name` to be a string."""
    return {
        "@context": [VC_V2],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": xsd_datetime(utc_now() - timedelta(minutes=5)),
        "name": {"@value": "شهادة إدارة البيانات", "@language": "ar", "@direction": "rtl"},
        "description": [
            {"@value": "Data stewardship certificate", "@language": "en"},
            {"@value": "Certificado de gestión de datos", "@language": "es"},
            {"@value": "データ管理証明書", "@language": "ja"},
        ],
        "credentialSubject": {"id": f"did:example:learner-{uuid.uuid4().hex[:12]}"},
    }
