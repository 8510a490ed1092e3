"""Scores, conformance verdicts, profiles and expected-failure semantics (hand-computed)."""

from __future__ import annotations

from ler_interop import scoring
from ler_interop.report.summary import build_summary
from ler_interop.results import Stream


def r(outcome: str, level: str = "MUST", principles=("P1",), profiles=(), expected_failure=None, vendor="acme", check="C") -> dict:
    return {"kind": "result", "vendor": vendor, "check": check, "outcome": outcome, "level": level,
            "principles": list(principles), "profiles": list(profiles), "expected_failure": expected_failure}


def test_weighted_score_and_applicability() -> None:
    results = [
        r("pass", "MUST"),                           # 3 of 3
        r("warn", "SHOULD"),                         # 0 of 2
        r("pass", "MAY"),                            # 1 of 1
        r("error", "MUST", principles=("P1", "P2")),  # 0 of 3
        r("unsupported", "MUST"),                    # not applicable
        r("skip", "SHOULD"),                         # not applicable
    ]
    verdicts = scoring.principle_verdicts(results)
    assert verdicts["P1"] == {"score": 44.4, "conforms": False}  # 4 / 9
    assert verdicts["P2"] == {"score": 0.0, "conforms": False}   # an erroring MUST denies conformance
    assert verdicts["P3"] == {"score": None, "conforms": True}   # nothing applicable
    assert list(verdicts) == ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]


def test_only_must_failures_deny_conformance() -> None:
    verdicts = scoring.principle_verdicts([r("pass", "MUST"), r("warn", "SHOULD"), r("fail", "MAY"), r("error", "SHOULD")])
    assert verdicts["P1"] == {"score": 37.5, "conforms": True}  # 3 / (3+2+1+2)
    assert scoring.principle_verdicts([r("unsupported", "MUST"), r("skip", "MUST")])["P1"] == {"score": None, "conforms": True}


def test_expected_failure_is_shown_but_never_turns_into_conformance() -> None:
    """The expected file is the vendor's own: it quiets the exit code, not the verdict."""
    results = [r("pass"), r("fail", expected_failure="known bug #12")]
    assert scoring.effective_outcome(results[1]) == scoring.EXPECTED_FAIL
    assert scoring.principle_verdicts(results)["P1"] == {"score": 50.0, "conforms": False}
    assert scoring.effective_outcome(r("warn", "SHOULD", expected_failure="x")) == scoring.EXPECTED_FAIL


def test_expected_failure_that_passes_is_flagged_at_any_level() -> None:
    for level in ("MUST", "SHOULD", "MAY"):
        stale = r("pass", level, principles=("P2",), profiles=("ob3",), expected_failure="fixed since?")
        assert scoring.effective_outcome(stale) == scoring.UNEXPECTED_PASS
        assert scoring.principle_verdicts([stale])["P2"] == {"score": 100.0, "conforms": True}
        assert scoring.profile_verdicts([stale], declared=["ob3"]) == {"ob3": {"conforms": True, "checks": 1, "basis": "claimed"}}
        assert scoring.expectation_counts([stale])["unexpected_pass"] == 1


def test_expected_failure_does_not_excuse_an_error_or_cover_neutral_outcomes() -> None:
    assert scoring.effective_outcome(r("error", expected_failure="x")) == "error"
    assert scoring.principle_verdicts([r("error", expected_failure="x")])["P1"]["conforms"] is False
    assert scoring.effective_outcome(r("unsupported", expected_failure="x")) == "unsupported"


def test_profile_verdicts() -> None:
    results = [
        r("pass", profiles=("ob3",)), r("skip", profiles=("ob3",)),
        r("pass", profiles=("clr2",)), r("unsupported", "MAY", profiles=("clr2",)),
        r("warn", "SHOULD", profiles=("jff",)),
        r("fail", profiles=("xf",), expected_failure="known"),
        {**r("unsupported", profiles=("ob3",)), "reason": "not-declared"},
    ]
    claimed = ["ob3", "declared-only", "clr2", "jff", "xf"]
    assert scoring.profile_verdicts(results, declared=claimed) == {
        "ob3": {"conforms": True, "checks": 3, "basis": "claimed"},            # skip, undeclared protocol ignored
        "declared-only": {"conforms": False, "checks": 0, "basis": "claimed"},  # nothing showed it
        "clr2": {"conforms": False, "checks": 2, "basis": "claimed"},           # a claimed profile demands its features
        "jff": {"conforms": False, "checks": 1, "basis": "claimed"},            # every check must pass, SHOULD too
        "xf": {"conforms": False, "checks": 1, "basis": "claimed"},             # an expected fail is still a fail
    }


def test_unclaimed_and_suite_profiles() -> None:
    """A vendor is not judged on a profile it never claimed; the suite's own profiles hold every
    vendor of a role, over the checks that apply to what it declares (a review found every peer
    of the lab shown as not conforming to ler-issuer and ob3 with no failing check)."""
    results = [
        r("pass", profiles=("ob3", "ler-issuer")),
        r("unsupported", profiles=("ob3", "ler-issuer")),  # e.g. auth-required not declared
        {**r("unsupported", profiles=("ler-issuer",)), "reason": "not-declared"},
        r("unsupported", profiles=("ler-wallet",)),
        r("fail", profiles=("ler-verifier",)),
    ]
    assert scoring.profile_verdicts(results) == {
        "ob3": {"conforms": None, "checks": 2, "basis": "unclaimed"},
        "ler-issuer": {"conforms": True, "checks": 3, "basis": "suite"},
        "ler-wallet": {"conforms": None, "checks": 1, "basis": "suite"},     # nothing applied
        "ler-verifier": {"conforms": False, "checks": 1, "basis": "suite"},
    }


def _summary(results: list[dict]) -> dict:
    header = {"kind": "header", "run_id": "r", "suite_version": "0.1.0", "spec_versions": {},
              "vendors": [{"id": "acme", "name": "Acme", "roles": [], "profiles": []}, {"id": "beta", "name": "Beta", "roles": [], "profiles": []}]}
    return build_summary(Stream(header, results))


def test_exit_code() -> None:
    clean = [r("pass"), r("warn", "SHOULD"), r("unsupported"), r("pass", vendor="beta")]
    assert scoring.exit_code(_summary(clean)) == 0
    assert scoring.exit_code(_summary(clean + [r("fail", expected_failure="known")])) == 0
    assert scoring.exit_code(_summary(clean + [r("fail", vendor="beta", principles=("P7",))])) == 1
    assert scoring.exit_code(_summary(clean + [r("error")])) == 1
    assert scoring.exit_code(_summary(clean + [r("pass", "MAY", expected_failure="stale")])) == 1
    assert scoring.exit_code(build_summary(Stream())) == 0


def test_summary_counts_and_expectations_per_vendor() -> None:
    summary = _summary([r("pass"), r("fail", expected_failure="k"), r("pass", expected_failure="s"), r("skip", vendor="beta")])
    acme, beta = summary["vendors"]
    assert acme["counts"] == {"pass": 2, "fail": 1, "warn": 0, "unsupported": 0, "error": 0, "skip": 0}
    assert acme["expected"] == {"expected_fail": 1, "unexpected_pass": 1, "unexpected_fail": 0}
    assert acme["principles"]["P1"] == {"score": 66.7, "conforms": False}
    assert beta["principles"]["P1"] == {"score": None, "conforms": True}
