"""Open Badges 3.0 / CLR 2.0 rules a JSON Schema cannot say.

The extensible enumerations (a listed term or `ext:` + name), the subject's `id`-or-
`identifier`, identity hashes, result-to-description links, and CLR associations that must
point at achievements in the bundle. Structure is in schemas/*.json (see schemas.py).

Specs: https://www.imsglobal.org/spec/ob/v3p0/ (data model, appendix B) and
https://www.imsglobal.org/spec/clr/v2p0/ . Terms below are the data model's own lists.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .datamodel import as_list, child, types_of
from .findings import Finding

OB_SPEC = "https://www.imsglobal.org/spec/ob/v3p0/"
CLR_SPEC = "https://www.imsglobal.org/spec/clr/v2p0/"

# An extension term of an EnumExt vocabulary: `ext:` followed by a name.
# https://www.imsglobal.org/spec/ob/v3p0/#achievementtype-enumeration (and the other EnumExt)
EXTENSION_TERM = re.compile(r"ext:[A-Za-z0-9._-]+")

ACHIEVEMENT_TYPES = frozenset({
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award",
    "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
    "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree",
    "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License",
    "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
    "MasterDegree", "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
})
ALIGNMENT_TARGET_TYPES = frozenset({
    "ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
    "CFRubricCriterionLevel", "CTDL",
})
RESULT_TYPES = frozenset({
    "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore", "RawScore",
    "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore", "ScaledScore", "Status",
})
# A closed Enumeration: no `ext:` terms.
RESULT_STATUS_TYPES = frozenset({
    "Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew",
})
IDENTIFIER_TYPES = frozenset({
    "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId", "sisSourcedId",
    "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier",
})

# IdentityHash: `md5$` or `sha256$` then the hex digest (either case).
# https://www.imsglobal.org/spec/ob/v3p0/#identityhash
IDENTITY_HASH = re.compile(r"(?:md5\$[0-9A-Fa-f]{32}|sha256\$[0-9A-Fa-f]{64})")

# (class type, property, vocabulary, extensible, rule prefix)
_ENUM_RULES = (
    ("Achievement", "achievementType", ACHIEVEMENT_TYPES, True, "achievement"),
    ("Alignment", "targetType", ALIGNMENT_TARGET_TYPES, True, "alignment"),
    ("ResultDescription", "resultType", RESULT_TYPES, True, "resultDescription"),
    ("Result", "status", RESULT_STATUS_TYPES, False, "result"),
    ("IdentityObject", "identityType", IDENTIFIER_TYPES, True, "identityObject"),
    ("IdentifierEntry", "identifierType", IDENTIFIER_TYPES, True, "identifierEntry"),
)


def walk(node: Any, path: str, skip: frozenset[str] = frozenset()) -> Iterator[tuple[dict[str, Any], str]]:
    """Every object in the tree with its JSON path (keys in `skip` are not entered)."""
    if isinstance(node, dict):
        yield node, path
        for key, value in node.items():
            if key not in skip and key != "@context":
                yield from walk(value, child(path, key), skip)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, child(path, i), skip)


def check_terms(root: Any, profile: str, skip: frozenset[str] = frozenset()) -> list[Finding]:
    """Enumerated properties hold a listed term (or, when extensible, an `ext:` term)."""
    out: list[Finding] = []
    for obj, path in walk(root, "$", skip):
        kinds = types_of(obj)
        for cls, prop, vocabulary, extensible, rule in _ENUM_RULES:
            if cls not in kinds or prop not in obj:
                continue
            value = obj[prop]
            ok = isinstance(value, str) and (
                value in vocabulary or (extensible and bool(EXTENSION_TERM.fullmatch(value))))
            if not ok:
                hint = " or an extension term 'ext:<Name>'" if extensible else ""
                out.append(Finding(f"{profile}.{rule}.{prop}.enum", child(path, prop),
                                   f"{value!r} is not an allowed {cls}.{prop} term{hint} ({OB_SPEC})"))
    return out


def check_identity_objects(root: Any, profile: str, skip: frozenset[str] = frozenset()) -> list[Finding]:
    """`hashed: true` needs an IdentityHash; `hashed: false` needs the plaintext value."""
    out: list[Finding] = []
    for obj, path in walk(root, "$", skip):
        if "IdentityObject" not in types_of(obj) or not isinstance(obj.get("identityHash"), str):
            continue
        value, hashed = obj["identityHash"], obj.get("hashed")
        looks_hashed = bool(IDENTITY_HASH.fullmatch(value))
        if hashed is True and not looks_hashed:
            out.append(Finding(f"{profile}.identityObject.identityHash.format", child(path, "identityHash"),
                               "hashed is true, so identityHash must be 'sha256$' + 64 hex digits or "
                               "'md5$' + 32 hex digits"))
        elif hashed is False and looks_hashed:
            out.append(Finding(f"{profile}.identityObject.identityHash.plaintext", child(path, "identityHash"),
                               "hashed is false, so identityHash must be the plaintext identifier, not a hash"))
    return out


def check_subject_identified(subject: Any, path: str, rule: str) -> list[Finding]:
    """A subject needs an `id` or at least one `identifier`.
    https://www.imsglobal.org/spec/ob/v3p0/#achievementsubject"""
    if isinstance(subject, dict) and not subject.get("id") and not as_list(subject.get("identifier") or []):
        return [Finding(rule, path, "the subject must have an id or at least one identifier")]
    return []


def check_result_links(credential: Any, profile: str) -> list[Finding]:
    """A Result's `resultDescription` names a ResultDescription of the awarded achievement.
    https://www.imsglobal.org/spec/ob/v3p0/#result"""
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    if not isinstance(subject, dict) or not isinstance(subject.get("result"), list):
        return []
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    described = {d["id"] for d in as_list(achievement.get("resultDescription") or [])
                 if isinstance(d, dict) and isinstance(d.get("id"), str)}  # an id that is not a string names nothing
    out = []
    for i, result in enumerate(subject["result"]):
        ref = result.get("resultDescription") if isinstance(result, dict) else None
        if isinstance(ref, str) and ref not in described:
            out.append(Finding(f"{profile}.result.resultDescription.unresolved",
                               f"$.credentialSubject.result[{i}].resultDescription",
                               f"{ref!r} is not the id of a resultDescription of the awarded achievement"))
    return out


def ob3_semantics(doc: dict[str, Any]) -> list[Finding]:
    out = check_subject_identified(doc.get("credentialSubject"), "$.credentialSubject",
                                   "ob3.achievementSubject.id-or-identifier")
    out += check_terms(doc, "ob3")
    out += check_identity_objects(doc, "ob3")
    out += check_result_links(doc, "ob3")
    return out


def clr2_semantics(doc: dict[str, Any]) -> list[Finding]:
    """CLR-level rules; the bundled credentials are checked separately (schemas.check_clr2)."""
    subject = doc.get("credentialSubject")
    bundled = frozenset({"verifiableCredential"})
    out = check_subject_identified(subject, "$.credentialSubject", "clr2.clrSubject.id-or-identifier")
    out += check_terms(doc, "clr2", skip=bundled)
    out += check_identity_objects(doc, "clr2", skip=bundled)
    if isinstance(subject, dict):
        out += _check_associations(subject)
    return out


def bundle_achievement_ids(subject: dict[str, Any]) -> set[str]:
    """Ids of the achievements a CLR carries: its own list and those its credentials award."""
    ids = {a.get("id") for a in as_list(subject.get("achievement") or []) if isinstance(a, dict)}
    for vc in as_list(subject.get("verifiableCredential") or []):
        vc_subjects = vc.get("credentialSubject") if isinstance(vc, dict) else None
        for s in as_list(vc_subjects or []):
            if isinstance(s, dict) and isinstance(s.get("achievement"), dict):
                ids.add(s["achievement"].get("id"))
    return {i for i in ids if isinstance(i, str)}


def _check_associations(subject: dict[str, Any]) -> list[Finding]:
    # sourceId/targetId are achievement ids in this CLR. https://www.imsglobal.org/spec/clr/v2p0/#association
    associations = subject.get("association")
    if not isinstance(associations, list):
        return []
    known = bundle_achievement_ids(subject)
    out = []
    for i, assoc in enumerate(associations):
        if not isinstance(assoc, dict):
            continue
        for end in ("sourceId", "targetId"):
            ref = assoc.get(end)
            if isinstance(ref, str) and ref not in known:
                out.append(Finding(f"clr2.association.{end}.unresolved",
                                   f"$.credentialSubject.association[{i}].{end}",
                                   f"{ref!r} is not the id of an achievement in this CLR ({CLR_SPEC})"))
    return out
