"""The certificate's content: an unsigned Open Badges 3.0 OpenBadgeCredential whose achievement
is the conformance claim, whose results are the tested verdicts, and whose evidence names the
run, its counts and the stream digest. Self-declared (attested) claims are evidence items of
their own, labelled as not tested, and never results.

OB 3.0 terms used (https://www.imsglobal.org/spec/ob/v3p0/): AchievementSubject identified by
`identifier` IdentityObjects (a vendor has no DID), `achievementType` Certification,
ResultDescription `resultType` Percent (scores) and Status (verdicts: Result `status`
Completed when the vendor conforms, Failed when not), `tag` for principles, profiles, roles.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any, Mapping

from ..credentials.samples import OB_V3, VC_V2
from ..results import count_outcomes
from ..scoring import PRINCIPLES
from .digest import digest_evidence
from .scope import Scope

# Names a UUIDv5 namespace so the same claim (suite version + scope) has the same achievement id
# for every vendor, and each result description a stable id under it.
ACHIEVEMENT_NAMESPACE = uuid.UUID("6f1c2b0e-3a51-5d0c-9a0e-7c2f4b1d8e13")
SELF_DECLARED = "Self-declared (not tested)"
VERDICT_VALUES = ["conforms", "does not conform"]


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, '|'.join(parts))}"


def _identity(value: str, kind: str) -> dict[str, Any]:
    return {"type": "IdentityObject", "hashed": False, "identityHash": value, "identityType": kind}


def _param_values(results: list[Mapping[str, Any]], *keys: str) -> list[str]:
    return sorted({str(r["params"][k]) for r in results for k in keys if isinstance(r.get("params"), dict) and k in r["params"]})


def criteria_narrative(stream_header: Mapping[str, Any], scope: Scope, covered: list[Mapping[str, Any]],
                       vendor: Mapping[str, Any], finished: str) -> str:
    levels = Counter(r.get("level", "MUST") for r in covered)
    roles = sorted({r.get("role") for r in covered if r.get("role")})
    protocols = sorted({r.get("protocol") for r in covered if r.get("protocol") not in (None, "", "none")})
    formats = _param_values(covered, "fmt", "oid4vp_format")
    suites = _param_values(covered, "cryptosuite")
    specs = "; ".join(f"{k} {v}" for k, v in sorted((stream_header.get("spec_versions") or {}).items()))
    parts = [
        f"Tested by ler-interop {stream_header.get('suite_version', '?')} in run {stream_header.get('run_id', '?')} "
        f"({stream_header.get('started', '?')} to {finished}), scope {scope.text}: "
        f"{len(covered)} check results ({', '.join(f'{levels[l]} {l}' for l in ('MUST', 'SHOULD', 'MAY') if levels[l])}).",
        f"Roles: {', '.join(roles) or 'none'}. Protocols: {', '.join(protocols) or 'none'}."
        + (f" Formats: {', '.join(formats)}." if formats else "")
        + (f" Cryptosuites: {', '.join(suites)}." if suites else ""),
        f"Pinned specifications: {specs or 'not stated'}.",
        "Awarded because " + ("every check of the profile passed." if scope.kind == "profile" else
                               "no applicable MUST check failed or errored (SHOULD and MAY checks are scored, not required)."),
        f"Declared profiles: {', '.join(vendor.get('profiles', [])) or 'none'}.",
    ]
    if stream_header.get("selection"):
        parts.append(f"Partial run, selection {dict(stream_header['selection'])}: only the selected checks ran.")
    return " ".join(parts)


def results_and_descriptions(achievement_id: str, summary: Mapping[str, Any]) -> tuple[list[dict], list[dict]]:
    """(results, resultDescriptions): a score and a verdict per principle, a verdict per profile."""
    descriptions: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []

    def add(key: str, name: str, result_type: str, result: dict[str, Any], **more: Any) -> None:
        rid = _urn(achievement_id, key)
        descriptions.append({"id": rid, "type": ["ResultDescription"], "name": name, "resultType": result_type, **more})
        results.append({"type": ["Result"], "resultDescription": rid, **result})

    def verdict(conforms: bool) -> dict[str, str]:
        return {"value": VERDICT_VALUES[0 if conforms else 1], "status": "Completed" if conforms else "Failed"}

    for principle, title in PRINCIPLES.items():
        entry = summary["principles"].get(principle, {})
        if entry.get("score") is not None:
            add(f"{principle}-score", f"{principle} {title}: score (weighted pass rate, MUST 3, SHOULD 2, MAY 1)",
                "Percent", {"value": f"{entry['score']:g}"}, valueMin="0", valueMax="100")
        add(f"{principle}-conforms", f"{principle} {title}: conforms (no applicable MUST check failed or errored)",
            "Status", verdict(bool(entry.get("conforms"))), allowedValue=list(VERDICT_VALUES))
    for profile, entry in summary["profiles"].items():
        if entry.get("conforms") is None:  # a profile the vendor does not claim, or that did not apply
            continue
        add(f"profile-{profile}-conforms", f"Profile {profile}: conforms (every one of its {entry.get('checks', 0)} checks passed)",
            "Status", verdict(bool(entry.get("conforms"))), allowedValue=list(VERDICT_VALUES))
    return results, descriptions


def run_evidence(header: Mapping[str, Any], footer: Mapping[str, Any], vendor_id: str,
                 covered: list[Mapping[str, Any]], everything: list[Mapping[str, Any]]) -> dict[str, Any]:
    scoped = count_outcomes(covered)
    total = count_outcomes(everything)
    text = lambda counts: ", ".join(f"{n} {outcome}" for outcome, n in counts.items())  # noqa: E731
    return {
        "type": ["Evidence"],
        "name": f"Conformance run {header.get('run_id', '')}",
        "genre": "ler-interop conformance run",
        "description": f"Run {header.get('run_id', '')} of ler-interop {header.get('suite_version', '')}, "
                       f"started {header.get('started', '')}, finished {footer.get('finished', '')}.",
        "narrative": f"Results for vendor {vendor_id}: {len(everything)} ({text(total)}); "
                     f"in the certified scope {len(covered)} ({text(scoped)}).",
    }


def attested_evidence(attested: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The vendor's attestation file: evidence items named as self-declared, never results."""
    return [{
        "id": item["evidence_url"],
        "type": ["Evidence"],
        "name": f"{SELF_DECLARED}: {item['principle']} {PRINCIPLES.get(item['principle'], '')}".rstrip(),
        "genre": "Self-declared claim (vendor attestation, not tested by the suite)",
        "narrative": item["claim"],
    } for item in attested]


def build_credential(*, header: Mapping[str, Any], footer: Mapping[str, Any], vendor: Mapping[str, Any],
                     summary: Mapping[str, Any], scope: Scope, covered: list[Mapping[str, Any]],
                     everything: list[Mapping[str, Any]], attested: list[Mapping[str, Any]],
                     issuer: Mapping[str, Any], valid_from: str, valid_until: str,
                     status_entry: Mapping[str, Any], stream_hex: str, stream_name: str) -> dict[str, Any]:
    version = str(header.get("suite_version", ""))
    achievement_id = _urn(str(issuer["id"]), version, scope.text)
    results, descriptions = results_and_descriptions(achievement_id, summary)
    tags = ([f"principle:{p}" for p in PRINCIPLES] + [f"profile:{p}" for p, e in summary["profiles"].items() if e.get("conforms") is not None]
            + [f"role:{r}" for r in vendor.get("roles", [])] + [f"scope:{scope.text}"])
    name = f"ler-interop conformance: {scope.label}"
    return {
        "@context": [VC_V2, OB_V3],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{name} ({vendor['name']})",
        "description": f"{vendor['name']} ({vendor['id']}) conforms to ler-interop {version} on {scope.label}.",
        "issuer": dict(issuer),
        "validFrom": valid_from,
        "validUntil": valid_until,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The manifest's vendor id and name: a vendor has no DID the suite knows.
            "identifier": [_identity(vendor["id"], "systemId"), _identity(vendor["name"], "name")],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": name,
                "description": f"Conformance to the ler-interop suite {version} on {scope.label}, judged against "
                               "the seven C-BEN principles for interoperability and the declared profiles.",
                "criteria": {"narrative": criteria_narrative(header, scope, covered, vendor, str(footer.get("finished", "")))},
                "version": version,
                "tag": tags,
                "resultDescription": descriptions,
            },
            "result": results,
        },
        "evidence": [digest_evidence(stream_hex, stream_name), run_evidence(header, footer, vendor["id"], covered, everything),
                     *attested_evidence(attested)],
        "credentialStatus": dict(status_entry),
    }
