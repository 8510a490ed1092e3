"""The pytest plugin, driven through pytester against a stub vendor on loopback."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from vendor_stub import closed_port, stub_vendor

DEMO_CHECKS = textwrap.dedent(
    '''
    import time
    import pytest
    from ler_interop.outcomes import vendor_error

    SPEC = "https://www.w3.org/TR/vc-data-model-2.0/#verifiable-credentials"

    def check(id, level="MUST", requires=(), role="issuer"):
        return pytest.mark.check(id=id, title="demo " + id, principles=["P1", "P2"], level=level,
                                 spec=SPEC, role=role, protocol="vc-api", requires=list(requires))

    @check("DEMO-PASS-001")
    def test_pass(vendor):
        answer = vendor.http.post(vendor.endpoint("issuer", "vc-api", "issue"), json={"credential": {}})
        assert answer.status_code == 201

    @check("DEMO-FAIL-001")
    def test_fail(vendor):
        assert 1 == 2, "issuer did not do the thing"

    @check("DEMO-WARN-001", level="SHOULD")
    def test_warn(vendor):
        assert False, "should have done the thing"

    @check("DEMO-UNSUP-001", requires=["status:suspension"])
    def test_unsupported(vendor):
        raise AssertionError("never runs")

    @check("DEMO-NET-001")
    def test_host_guard(vendor):
        vendor.http.get("http://elsewhere.example/")

    @check("DEMO-VERR-001")
    def test_vendor_error(vendor):
        vendor_error("answered garbage")

    @check("DEMO-XFAIL-001")
    def test_expected_fail(vendor):
        assert False

    @check("DEMO-XPASS-001")
    def test_expected_but_passes(vendor):
        pass

    @check("DEMO-SLOW-001")
    def test_slow(vendor):
        time.sleep(5)

    @check("DEMO-VERIFY-001", role="verifier")
    def test_verifier_only(vendor):
        pass
    '''
)


def write_manifest(folder: Path, base: str) -> Path:
    (folder / "expected.yaml").write_text(yaml.safe_dump({"expected": [
        {"check": "DEMO-XFAIL-001", "reason": "known bug 12"},
        {"check": "DEMO-XPASS-001", "reason": "stale entry"},
    ]}))
    dead = f"http://127.0.0.1:{closed_port()}"
    manifest = {"manifest_version": 1, "vendors": [
        {"id": "alive", "name": "Alive Co", "expected": "expected.yaml",
         "issuer": {"vc-api": {"issue": f"{base}/credentials/issue"}, "supports": ["eddsa-rdfc-2022"]}},
        {"id": "dead", "name": "Dead Co",
         "issuer": {"vc-api": {"issue": f"{dead}/credentials/issue"}, "supports": ["status:suspension"]}},
    ]}
    path = folder / "manifest.yaml"
    path.write_text(yaml.safe_dump(manifest))
    return path


def read_stream(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def outcomes_of(lines: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["vendor"], r["check"]): r for r in lines if r["kind"] == "result"}


@pytest.fixture
def demo(pytester: pytest.Pytester):
    suites = pytester.mkdir("suites")
    (suites / "test_demo.py").write_text(DEMO_CHECKS)
    with stub_vendor() as base:
        yield pytester, write_manifest(pytester.path, base)


def test_outcome_mapping_dead_vendor_and_expected_failures(demo):
    pytester, manifest = demo
    started = time.monotonic()
    run = pytester.runpytest("suites", "--vendors", str(manifest), "--results-dir", "out", "--check-timeout", "1",
                             "--run-id", "demo-run")
    elapsed = time.monotonic() - started
    lines = read_stream(pytester.path / "out" / "results.jsonl")
    assert lines[0]["kind"] == "header" and lines[0]["run_id"] == "demo-run"
    assert [v["id"] for v in lines[0]["vendors"]] == ["alive", "dead"]
    assert lines[-1]["kind"] == "footer" and lines[-1]["checks_executed"] == 18
    got = outcomes_of(lines)
    alive = {check: r["outcome"] for (vendor, check), r in got.items() if vendor == "alive"}
    assert alive == {
        "DEMO-PASS-001": "pass", "DEMO-FAIL-001": "fail", "DEMO-WARN-001": "warn",
        "DEMO-UNSUP-001": "unsupported", "DEMO-NET-001": "error", "DEMO-VERR-001": "error",
        "DEMO-XFAIL-001": "fail", "DEMO-XPASS-001": "pass", "DEMO-SLOW-001": "error",
    }
    assert "time limit" in got[("alive", "DEMO-SLOW-001")]["message"]
    assert got[("alive", "DEMO-XFAIL-001")]["expected_failure"] == "known bug 12"
    assert got[("alive", "DEMO-PASS-001")]["evidence"][0]["status"] == 201
    assert got[("alive", "DEMO-PASS-001")]["principles"] == ["P1", "P2"]
    assert "not among the vendor's declared hosts" in got[("alive", "DEMO-NET-001")]["message"]
    # The dead vendor's checks are errors at once (the unsupported gate comes after health).
    dead = [r for (vendor, _), r in got.items() if vendor == "dead"]
    assert len(dead) == 9 and {r["outcome"] for r in dead} == {"error"}
    assert "unreachable" in dead[0]["message"]
    assert elapsed < 15
    # No verifier in the manifest: the verifier-only check runs for nobody and leaves no result.
    assert not any(check == "DEMO-VERIFY-001" for _, check in got)
    # pytest's own verdicts agree: XFAIL for the expected failure, strict XPASS fails the run.
    run.assert_outcomes(passed=1, failed=5, errors=9, skipped=1, xfailed=1)
    run.stdout.fnmatch_lines(["*1 warned, 1 unsupported*"])
    run.stdout.fnmatch_lines(["*XPASS(strict)*DEMO-XPASS-001*stale entry*"])
    summary = json.loads((pytester.path / "out" / "summary.json").read_text())
    assert [v["id"] for v in summary["vendors"]] == ["alive", "dead"]


def test_vendor_and_role_selection(demo):
    pytester, manifest = demo
    run = pytester.runpytest("suites", "--vendors", str(manifest), "--results-dir", "out", "--vendor", "alive",
                             "--role", "verifier")
    lines = read_stream(pytester.path / "out" / "results.jsonl")
    assert [v["id"] for v in lines[0]["vendors"]] == ["alive"]
    assert outcomes_of(lines) == {}
    run.stdout.fnmatch_lines(["*9 deselected*"])


def test_unknown_vendor_is_a_usage_error(demo):
    pytester, manifest = demo
    run = pytester.runpytest("suites", "--vendors", str(manifest), "--vendor", "nobody")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*unknown vendor(s) nobody*alive, dead*"])


def test_invalid_marker_is_a_collection_error(pytester: pytest.Pytester):
    suites = pytester.mkdir("suites")
    (suites / "test_bad.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.mark.check(id="BAD-001", title="t", principles=["P9"], level="MUST",
                           spec="https://example.org/#x", role="issuer", protocol="none")
        def test_bad():
            pass

        def test_unmarked():
            pass
    '''))
    run = pytester.runpytest("suites", "--ler-catalog")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*unknown principle(s) *P9*", "*test_unmarked: needs exactly one*"])


def test_xdist_gives_one_merged_stream(demo):
    pytester, manifest = demo
    pytester.runpytest_subprocess("suites", "--vendors", str(manifest), "--results-dir", "out", "-n", "2",
                                  "--check-timeout", "1", "-p", "xdist")
    lines = read_stream(pytester.path / "out" / "results.jsonl")
    assert [line["kind"] for line in lines].count("header") == 1
    assert lines[-1]["kind"] == "footer" and lines[-1]["checks_executed"] == 18
    got = outcomes_of(lines)
    assert len(got) == 18
    assert got[("alive", "DEMO-WARN-001")]["outcome"] == "warn"
    assert got[("dead", "DEMO-PASS-001")]["outcome"] == "error"


INTEROP_CHECKS = textwrap.dedent(
    '''
    import pytest

    @pytest.mark.check(id="DEMO-INTEROP-001", title="cell", principles=["P5"], level="MUST", role="interop",
                       spec="https://www.w3.org/TR/vc-data-model-2.0/#verification", protocol="vc-api")
    def test_cell(issuer_vendor, verifier_vendor, suite_http, counterpart, now):
        assert issuer_vendor.id in ("one", "two") and verifier_vendor.id == "one"
        assert suite_http.get(counterpart.url + "/nothing-here").status_code == 404
        assert now.tzinfo is not None
    '''
)


def test_interop_cells_and_suite_fixtures(pytester: pytest.Pytester):
    (pytester.mkdir("suites") / "test_interop.py").write_text(INTEROP_CHECKS)
    with stub_vendor() as base:
        manifest = pytester.path / "manifest.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [
            {"id": "one", "name": "One", "issuer": {"vc-api": {"issue": f"{base}/issue"}},
             "verifier": {"vc-api": {"credentials_verify": f"{base}/verify"}}},
            {"id": "two", "name": "Two", "issuer": {"vc-api": {"issue": f"{base}/issue"}}},
        ]}))
        pytester.runpytest("suites", "--vendors", str(manifest), "--results-dir", "out")
    results = [r for r in read_stream(pytester.path / "out" / "results.jsonl") if r["kind"] == "result"]
    # One cell per issuer -> verifier pair; the result belongs to the verifier.
    assert sorted((r["vendor"], r["params"]["issuer"], r["outcome"]) for r in results) == [
        ("one", "one", "pass"), ("one", "two", "pass")]
    assert results[0]["evidence"][0]["status"] == 404
