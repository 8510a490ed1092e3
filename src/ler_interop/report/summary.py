"""summary.json: per-vendor counts, principle scores and verdicts, profiles, attested items, and
the interop matrix — exactly the shape in docs/CONTRACTS.md ("summary.json"), plus one additive
per-vendor keys: `expected`, counting expected fails and unexpected passes (why a vendor with
no failing MUST check may still not conform), `protocols`, the outcome counts per role and
exchange protocol, `blocked`, each cause that left checks unjudged (a refused positive
control), stated once, and `not_declared`, the checks of role protocols the vendor does not
declare (unsupported, reason not-declared), counted once."""

from __future__ import annotations

from typing import Any, Mapping

from .. import scoring
from ..outcomes import NOT_DECLARED, UNSUPPORTED
from ..results import Stream, count_outcomes
from .matrix import matrix_rows


def vendor_entries(stream: Stream) -> list[dict[str, Any]]:
    """Vendors of the header, then any vendor only seen in results/attested lines (order kept)."""
    entries: dict[str, dict[str, Any]] = {}
    for vendor in stream.header.get("vendors", []):
        entries.setdefault(vendor["id"], {"id": vendor["id"], "name": vendor.get("name", vendor["id"]), "profiles": list(vendor.get("profiles", []))})
    for record in [*stream.results, *stream.attested]:
        vendor_id = record.get("vendor", "")
        entries.setdefault(vendor_id, {"id": vendor_id, "name": vendor_id, "profiles": []})
    return list(entries.values())


def vendor_summary(vendor: Mapping[str, Any], stream: Stream) -> dict[str, Any]:
    results = [r for r in stream.results if r.get("vendor") == vendor["id"]]
    return {
        "id": vendor["id"],
        "name": vendor["name"],
        "counts": count_outcomes(results),
        # One line per role and protocol (issuer over VC API, issuer over OpenID4VCI, ...), so
        # a vendor sees at once which exchange protocol its failures are in.
        "protocols": [
            {"role": role, "protocol": protocol, "counts": count_outcomes(group)}
            for (role, protocol), group in _by_role_and_protocol(results)
        ],
        "principles": scoring.principle_verdicts(results),
        "profiles": scoring.profile_verdicts(results, vendor.get("profiles", [])),
        "attested": [
            {"principle": a.get("principle"), "claim": a.get("claim"), "evidence_url": a.get("evidence_url")}
            for a in stream.attested
            if a.get("vendor") == vendor["id"]
        ],
        "expected": scoring.expectation_counts(results),
        "blocked": blocked_by_cause(results),
        "not_declared": not_declared(results),
    }


def is_not_declared(result: Mapping[str, Any]) -> bool:
    """An `unsupported` check of a role protocol the vendor does not declare: it was not run."""
    return result.get("outcome") == UNSUPPORTED and result.get("reason") == NOT_DECLARED


def not_declared(results: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The checks not run because the vendor does not declare their role's protocol, stated once
    (reports show them collapsed, apart from unsupported features of declared protocols):
    {"checks": N, "protocols": ["issuer oid4vci", ...]}."""
    skipped = [r for r in results if is_not_declared(r)]
    protocols = sorted({f"{r.get('role') or '-'} {r.get('protocol') or 'none'}" for r in skipped})
    return {"checks": len(skipped), "protocols": protocols}


def blocked_by_cause(results: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Checks left unjudged by one cause (a refused positive control), stated once per cause:
    [{"cause", "example", "checks": [ids]}], the most checks first."""
    causes: dict[str, dict[str, Any]] = {}
    for result in results:
        cause = result.get("cause")
        if cause:
            entry = causes.setdefault(cause, {"cause": cause, "example": result.get("message", ""), "checks": []})
            if result["check"] not in entry["checks"]:
                entry["checks"].append(result["check"])
    return sorted(causes.values(), key=lambda e: (-len(e["checks"]), e["cause"]))


def _by_role_and_protocol(results: list[Mapping[str, Any]]) -> list[tuple[tuple[str, str], list[Mapping[str, Any]]]]:
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for result in results:
        groups.setdefault((result.get("role") or "-", result.get("protocol") or "none"), []).append(result)
    return sorted(groups.items())


def build_summary(stream: Stream) -> dict[str, Any]:
    summary = {
        "run_id": stream.header.get("run_id", ""),
        "suite_version": stream.header.get("suite_version", ""),
        "spec_versions": stream.header.get("spec_versions", {}),
        "checks_executed": len(stream.results),
        "vendors": [vendor_summary(v, stream) for v in vendor_entries(stream)],
        "matrix": matrix_rows(stream.results),
    }
    if stream.header.get("selection"):  # a partial run: verdicts cover only what ran
        summary["selection"] = stream.header["selection"]
    if stream.problems:  # lines of the stream the reader skipped: the reports miss what they held
        summary["problems"] = list(stream.problems)
    if stream.header.get("plan"):  # which learner's journeys were planned: covering or full
        summary["plan"] = stream.header["plan"]
    if stream.header.get("shard"):  # one slice of a run: merge the others' streams for the whole
        summary["shard"] = stream.header["shard"]
    return summary
