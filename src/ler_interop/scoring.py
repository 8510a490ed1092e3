"""Outcomes -> per-vendor principle scores, conformance verdicts and profile verdicts.

Rules (DESIGN.md §3 "Scoring", docs/CONTRACTS.md "Scoring"):
- score per vendor and principle = weighted pass rate over applicable checks, MUST 3,
  SHOULD 2, MAY 1; `unsupported` and `skip` are not applicable; `error` and `warn` count
  as not passed; None when nothing is applicable.
- a vendor conforms to a principle when no applicable MUST check of it fails or errors.
- a vendor conforms to a profile it claims when every check of that profile passes, and to one
  of the suite's own profiles when every applicable check of it passes (profile_verdicts).
- expected failures (the vendor's `expected` file, applied like a strict xfail): a check that
  was expected to fail and failed is an "expected fail" — still not passed in the score (a
  vendor cannot raise its score by declaring failures), but it does not break conformance.
  An expected failure that passes is an "unexpected pass": the expectation is stale, so it
  breaks conformance of every principle and profile of that check, whatever its level.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Mapping

from .outcomes import NOT_DECLARED

PRINCIPLES: dict[str, str] = {
    "P1": "Open Standards",
    "P2": "Privacy & Security",
    "P3": "Unlock Learning Anywhere",
    "P4": "Universal Access",
    "P5": "Alignment",
    "P6": "Public & Private Partnerships",
    "P7": "Global Mobility",
}
LEVEL_WEIGHTS: dict[str, int] = {"MUST": 3, "SHOULD": 2, "MAY": 1}
NOT_APPLICABLE: frozenset[str] = frozenset({"unsupported", "skip"})
# Outcomes meaning "the check was not met"; only these can be an expected failure.
NOT_MET: frozenset[str] = frozenset({"fail", "warn"})

EXPECTED_FAIL = "expected-fail"
UNEXPECTED_PASS = "unexpected-pass"


def effective_outcome(result: Mapping[str, Any]) -> str:
    """The outcome as shown to a reader: the raw one, or expected-fail / unexpected-pass."""
    outcome = result["outcome"]
    if result.get("expected_failure"):
        if outcome in NOT_MET:
            return EXPECTED_FAIL
        if outcome == "pass":
            return UNEXPECTED_PASS
    return outcome


def breaks_conformance(result: Mapping[str, Any]) -> bool:
    """Does this result alone deny conformance to the principles it covers? A failed MUST does,
    expected or not: the expected-failures file is the vendor's own, so it may quiet the exit
    code for known failures but never turn a failure into conformance."""
    return result.get("level", "MUST") == "MUST" and result["outcome"] in ("fail", "error")


def principle_score(results: Iterable[Mapping[str, Any]]) -> float | None:
    """Weighted pass rate (0-100, one decimal) of the given results; None if none applicable."""
    earned = possible = 0
    for result in results:
        if result["outcome"] in NOT_APPLICABLE:
            continue
        weight = LEVEL_WEIGHTS.get(result.get("level", "MUST"), LEVEL_WEIGHTS["MUST"])
        possible += weight
        if result["outcome"] == "pass":
            earned += weight
    return None if possible == 0 else round(100 * earned / possible, 1)


def principle_verdicts(results: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """{"P1": {"score": float|None, "conforms": bool}, ...} for one vendor's results."""
    by_principle: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for result in results:
        for principle in result.get("principles", []):
            by_principle[principle].append(result)
    return {
        principle: {
            "score": principle_score(by_principle[principle]),
            "conforms": not any(breaks_conformance(r) for r in by_principle[principle] if r["outcome"] not in NOT_APPLICABLE),
        }
        for principle in PRINCIPLES
    }


# Profiles the suite holds every vendor of a role to (docs/CONTRACTS.md "Profiles"). Their rules
# are conditional on what the vendor declares ("when it declares auth-required", "an OpenID4VCI
# credential"), so a check unsupported by what the vendor declares does not apply to it. Any other
# profile (ob3) is one a vendor claims in its manifest, and a claimed profile demands its features.
SUITE_PROFILES: frozenset[str] = frozenset({"ler-issuer", "ler-wallet", "ler-verifier"})


def profile_verdicts(results: list[Mapping[str, Any]], declared: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """{"ob3": {"conforms": bool | None, "checks": N, "basis": "claimed" | "suite" | "unclaimed"}} for the declared profiles,
    the suite's own profiles, and any other profile a result names.

    - A claimed profile (declared in the manifest): every check of it must pass; `skip` (the
      suite chose not to run it) and checks of a role protocol the vendor does not declare are
      ignored; an expected fail counts against it like any fail, and `unsupported` does too (the
      profile demands the feature). A claimed profile with nothing judged does not conform.
    - A suite profile (SUITE_PROFILES): every applicable check must pass; `unsupported` and
      `skip` are not applicable. None when nothing applied.
    - Any other profile: not claimed, no verdict (None): a vendor is not judged on a profile it
      never claimed, whatever checks of it ran.
    """
    declared = list(declared)
    by_profile: dict[str, list[Mapping[str, Any]]] = {name: [] for name in declared}
    for result in results:
        for profile in result.get("profiles", []):
            by_profile.setdefault(profile, []).append(result)
    verdicts: dict[str, dict[str, Any]] = {}
    for name, members in by_profile.items():
        basis = "claimed" if name in declared else "suite" if name in SUITE_PROFILES else "unclaimed"
        if basis == "claimed":
            judged = [r for r in members if r["outcome"] != "skip" and r.get("reason") != NOT_DECLARED]
            conforms: bool | None = bool(judged) and all(r["outcome"] == "pass" for r in judged)
        elif basis == "suite":
            judged = [r for r in members if r["outcome"] not in NOT_APPLICABLE]
            conforms = all(r["outcome"] == "pass" for r in judged) if judged else None
        else:
            conforms = None
        verdicts[name] = {"conforms": conforms, "checks": len(members), "basis": basis}
    return verdicts


def expectation_counts(results: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """expected_fail / unexpected_pass as listed in the vendor's expected file, and
    unexpected_fail: failed or errored MUST checks the file does not list (what gates CI)."""
    results = list(results)
    shown = [effective_outcome(r) for r in results]
    unexpected_fail = sum(1 for r, s in zip(results, shown) if breaks_conformance(r) and s != EXPECTED_FAIL)
    return {"expected_fail": shown.count(EXPECTED_FAIL), "unexpected_pass": shown.count(UNEXPECTED_PASS),
            "unexpected_fail": unexpected_fail}


def vendor_conforms(vendor_summary: Mapping[str, Any]) -> bool:
    """True when the vendor conforms on every principle (i.e. on all its MUST checks)."""
    return all(v["conforms"] for v in vendor_summary.get("principles", {}).values())


def exit_code(summary: Mapping[str, Any]) -> int:
    """0 when no vendor has a failed or errored MUST check beyond those its expected-failures
    file lists, and no listed failure passed (strict xfail); else 1. Without an expected file
    that is exactly "every vendor conforms on all MUST checks". Lines of the stream that could
    not be read (`problems`) give 1 too: a verdict cannot rest on a record with holes."""
    if summary.get("problems"):
        return 1
    for vendor in summary.get("vendors", []):
        expected = vendor.get("expected")
        if expected is None:  # a summary from elsewhere: judge conformance alone
            if not vendor_conforms(vendor):
                return 1
        elif expected.get("unexpected_fail", 0) or expected.get("unexpected_pass", 0):
            return 1
    return 0
