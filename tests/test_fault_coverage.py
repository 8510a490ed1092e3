"""Every check can fail: each passes against the clean reference vendors and fails (or warns,
for SHOULD/MAY checks) against a named fault switch. A new check without an entry in
FAULT_FOR fails `test_every_check_has_a_fault`, so the catalog cannot grow unproven.

The runs go through `ler-interop run` in-process, exactly as a user runs the suite.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

import fault_map_oid4vci
import fault_map_oid4vp
import fault_map_wallet
from ler_interop.checks import catalog
from ler_interop.cli import main
from ler_interop.reference.faults import CATALOG

SUITES = Path(__file__).resolve().parents[1] / "suites"

FAULT_FOR: dict[str, str] = {
    # issuer, VC API
    "ISS-VCAPI-001": "issuer.issue-200",
    "ISS-VCAPI-002": "issuer.bad-signature",
    "ISS-VCAPI-003": "issuer.foreign-key",
    "ISS-VCAPI-004": "issuer.undefined-term",
    "ISS-VCAPI-005": "issuer.schema-invalid",
    "ISS-VCAPI-006": "issuer.drop-evidence",
    "ISS-VCAPI-007": "issuer.drop-unicode",
    "ISS-VCAPI-008": "issuer.drop-language-map",
    "ISS-VCAPI-009": "issuer.no-valid-from",
    "ISS-VCAPI-010": "issuer.strip-offset",
    "ISS-VCAPI-011": "issuer.drop-ext-types",
    "ISS-VCAPI-012": "issuer.drop-evidence",
    "ISS-VCAPI-013": "issuer.drop-results",
    "ISS-VCAPI-014": "issuer.drop-alignment",
    "ISS-VCAPI-015": "issuer.ignore-cryptosuite",
    "ISS-VCAPI-016": "issuer.bad-signature",
    "ISS-VCAPI-017": "issuer.foreign-key",
    "ISS-VCAPI-020": "issuer.500-on-malformed",
    "ISS-VCAPI-021": "issuer.500-on-malformed",
    "ISS-VCAPI-022": "issuer.500-on-malformed",
    "ISS-VCAPI-023": "issuer.500-on-malformed",
    "ISS-VCAPI-024": "issuer.500-on-malformed",
    "ISS-VCAPI-025": "issuer.ignore-auth",
    "ISS-VCAPI-026": "issuer.ignore-cryptosuite",
    "ISS-VCAPI-030": "issuer.malformed-status-entry",
    "ISS-VCAPI-031": "issuer.small-status-list",
    "ISS-VCAPI-032": "issuer.status-list-bad-proof",
    "ISS-VCAPI-033": "issuer.inverted-status-bits",
    "ISS-VCAPI-034": "issuer.status-not-updated",
    "ISS-VCAPI-035": "issuer.status-not-updated",
    "ISS-VCAPI-036": "issuer.private-status-list",
    # verifier, VC API
    "VER-VCAPI-001": "verifier.reject-all",
    "VER-VCAPI-002": "verifier.reject-all",
    "VER-VCAPI-003": "verifier.reject-all",
    "VER-VCAPI-004": "verifier.reject-did-web",
    "VER-VCAPI-005": "verifier.reject-language-maps",
    "VER-VCAPI-006": "verifier.latin1-body",
    "VER-VCAPI-007": "verifier.reject-all",
    "VER-VCAPI-010": "verifier.accept-tampered",
    "VER-VCAPI-011": "verifier.accept-tampered",
    "VER-VCAPI-012": "verifier.accept-tampered",
    "VER-VCAPI-013": "verifier.accept-wrong-key",
    "VER-VCAPI-014": "verifier.accept-unknown-cryptosuite",
    "VER-VCAPI-015": "verifier.normalise-unicode",
    "VER-VCAPI-016": "verifier.accept-undefined-terms",
    "VER-VCAPI-017": "verifier.accept-relative-type",
    "VER-VCAPI-018": "verifier.ignore-proof-purpose",
    "VER-VCAPI-019": "verifier.ignore-direction",
    "VER-VCAPI-020": "verifier.ignore-expiry",
    "VER-VCAPI-021": "verifier.ignore-valid-from",
    "VER-VCAPI-022": "verifier.ignore-revocation",
    "VER-VCAPI-023": "verifier.ignore-suspension",
    "VER-VCAPI-024": "verifier.ignore-proof-expiry",
    "VER-VCAPI-030": "verifier.500-on-malformed",
    "VER-VCAPI-031": "verifier.require-account",
    "VER-VCAPI-040": "verifier.reject-all",
    "VER-VCAPI-041": "verifier.ignore-challenge",
    "VER-VCAPI-042": "verifier.ignore-domain",
    "VER-VCAPI-043": "verifier.accept-tampered",
    # interop (issuer A -> verifier B; the embedded run has one vendor in both roles). A cell judges
# the verifier; an issuer defect makes it `skip` (test_an_issuer_defect_skips_the_cell).
    "INT-VCAPI-001": "verifier.reject-all",
    "INT-VCAPI-002": "verifier.reject-all",
    "INT-VCAPI-003": "verifier.latin1-body",
    "INT-VCAPI-004": "verifier.ignore-revocation",
    # issuer A -> the suite as wallet (OpenID4VCI) -> verifier B (OpenID4VP)
    "INT-OPENID-001": "verifier.reject-all",
}
# The OpenID protocols keep their maps in their own files.
FAULT_FOR.update(fault_map_oid4vci.FAULT_FOR)
FAULT_FOR.update(fault_map_oid4vp.FAULT_FOR)
FAULT_FOR.update(fault_map_wallet.FAULT_FOR)
# Faults proven against a check that another fault already covers: fault -> its checks.
MORE_FAULTS: dict[str, tuple[str, ...]] = {
    **fault_map_wallet.MORE_FAULTS,
    **fault_map_oid4vci.MORE_FAULTS,
    # @direction signed with rdfDirection i18n-datatype (issue 10): an issuer that flips it after
    # signing, and a verifier whose canonicalisation drops it (so it refuses a correct RTL name).
    "issuer.flip-direction": ("ISS-VCAPI-008",),
    "verifier.no-rdf-direction": ("VER-VCAPI-005",),
}
# A negative check must fail *as* a failure, not as an error: an error would mean the fault
# broke the plumbing, not the safeguard the check is about.
NOT_PASSED = {"MUST": "fail", "SHOULD": "warn", "MAY": "warn"}


@lru_cache(maxsize=None)
def _run(tmp_root: str, fault: str | None, checks: tuple[str, ...] = ()) -> list[dict]:
    out = Path(tmp_root) / (fault or "clean")
    argv = ["run", "--suites", str(SUITES), "--out", str(out), "--run-id", out.name]
    if fault:
        argv += ["--fault", fault]
    if checks:
        argv += ["-k", " or ".join(checks)]
    code = main(argv)
    assert code in (0, 1), f"ler-interop run exited {code}"
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line["kind"] == "result"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("fault-coverage"))
    return lambda fault=None, checks=(): _run(root, fault, tuple(sorted(checks)))


def test_every_check_has_a_known_fault():
    ids = {meta.id for meta in catalog([SUITES])}
    assert ids, "no checks collected"
    assert sorted(ids - FAULT_FOR.keys()) == [], "checks without a fault proving they can fail"
    assert sorted(FAULT_FOR.keys() - ids) == [], "faults listed for checks that no longer exist"
    assert sorted(set(FAULT_FOR.values()) - CATALOG.keys()) == [], "fault names not in the reference catalog"


# Faults no check is mapped to, and the test that proves each one instead.
PROVEN_ELSEWHERE = {
    "issuer.no-status": "test_reference.py (the issued credential has no credentialStatus)",
    "verifier.500-on-reject": "test_a_crashing_verifier_never_passes_a_negative_check below",
    "verifier.oid4vp-500-on-reject": "test_oid4vp_reference.py (every OpenID4VP negative check errors)",
    **fault_map_wallet.PROVEN_ELSEWHERE,
}


def test_every_fault_is_exercised():
    """The catalog stays honest: a fault nothing uses would be a switch nobody has seen work."""
    assert set(CATALOG) - set(FAULT_FOR.values()) - set(MORE_FAULTS) == set(PROVEN_ELSEWHERE)


def test_clean_reference_passes_every_check(runs):
    results = runs()
    assert {r["check"] for r in results} == set(FAULT_FOR), "the clean run did not execute every check"
    not_passed = [f"{r['check']}{r['params']}: {r['outcome']} {r['message'][:160]}" for r in results if r["outcome"] != "pass"]
    assert not_passed == []


@pytest.mark.parametrize("fault", sorted(set(FAULT_FOR.values())))
def test_fault_makes_its_checks_fail(runs, fault):
    checks = [check for check, f in FAULT_FOR.items() if f == fault]
    results = runs(fault, checks)
    for check in checks:
        mine = [r for r in results if r["check"] == check]
        assert mine, f"{check} did not run under {fault}"
        wanted = NOT_PASSED[mine[0]["level"]]
        hits = [r for r in mine if r["outcome"] == wanted]
        assert hits, (f"{check} under {fault}: expected at least one {wanted}, got "
                      + "; ".join(f"{r['outcome']} {r['message'][:120]}" for r in mine))


@pytest.mark.parametrize("fault, checks", sorted(MORE_FAULTS.items()))
def test_a_second_fault_also_fails_its_checks(runs, fault, checks):
    results = runs(fault, checks)
    for check in checks:
        mine = [r for r in results if r["check"] == check]
        assert mine and any(r["outcome"] == NOT_PASSED[r["level"]] for r in mine), \
            f"{check} under {fault}: " + "; ".join(f"{r['outcome']} {r['message'][:120]}" for r in mine)


def test_a_crashing_verifier_never_passes_a_negative_check(runs):
    """A 500 is not a rejection: with verifier.500-on-reject every negative check is `error`."""
    negatives = ["VER-VCAPI-010", "VER-VCAPI-014", "VER-VCAPI-020", "VER-VCAPI-022", "VER-VCAPI-041"]
    results = runs("verifier.500-on-reject", negatives)
    assert {r["check"] for r in results} == set(negatives)
    assert {r["outcome"] for r in results} == {"error"}, [(r["check"], r["outcome"]) for r in results]


def test_a_verifier_rejecting_everything_passes_no_negative_check(runs):
    """Negative checks send the untouched twin first: a verifier that rejects everything never
    exercised the safeguard, so those checks cannot judge (`error`) instead of passing."""
    negatives = ["VER-VCAPI-010", "VER-VCAPI-013", "VER-VCAPI-020", "VER-VCAPI-022", "VER-VCAPI-041", "INT-VCAPI-004"]
    results = runs("verifier.reject-all", negatives)
    assert {r["check"] for r in results} == set(negatives)
    assert {r["outcome"] for r in results} == {"error"}, [(r["check"], r["outcome"]) for r in results]


@pytest.mark.parametrize("fault, checks", [("issuer.bad-signature", ["INT-VCAPI-001", "INT-VCAPI-003"]),
                                           ("issuer.oid4vci-bad-credential-signature", ["INT-OPENID-001"]),
                                           ("issuer.oid4vci-unbound-credential", ["INT-OPENID-001"]),
                                           ("issuer.oid4vci-bad-credential-signature", ["INT-JOURNEY-001"]),
                                           ("wallet.present-wrong-nonce", ["INT-JOURNEY-001"])])
def test_an_issuer_defect_skips_the_interop_cell(runs, fault, checks):
    """The verifier is never charged for the issuer's (or, on the journey, the wallet's) defects:
    the cell is skipped."""
    results = runs(fault, checks)
    assert results and {r["outcome"] for r in results} == {"skip"}, [(r["check"], r["outcome"], r["message"]) for r in results]
