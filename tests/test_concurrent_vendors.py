"""`ler-interop run` tests vendors side by side by default (run_workers.py, plugin_xdist.py):
several vendors run at once, one vendor keeps the serial in-process run, and the outcomes are
those of a serial run."""

from __future__ import annotations

import argparse
import os
import json
from pathlib import Path

import pytest
import yaml

from ler_interop.plugin_xdist import UNKNOWN_SCOPE, vendor_scope
from ler_interop.reference.servers import start_reference
from ler_interop.run import pytest_args
from ler_interop.run_workers import MAX_WORKERS, default_workers
from test_cli import make_suites, run_cli
from vendor_stub import stub_vendor

SUITES = Path(__file__).resolve().parents[1] / "suites"

# Each vendor's check leaves its mark, then waits for the other vendor's: it passes only when
# the two vendors are tested at the same time (a serial run would wait out the deadline).
RENDEZVOUS = '''
    import os, time
    from pathlib import Path

    @check("CLI-TOGETHER-001")
    def test_together(vendor):
        marks = Path(os.environ["LER_TEST_MARKS"])
        (marks / vendor.id).write_text(str(os.getpid()))
        others = [v for v in os.environ["LER_TEST_VENDORS"].split() if v != vendor.id]
        deadline = time.monotonic() + float(os.environ["LER_TEST_WAIT"])
        while not all((marks / other).exists() for other in others) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all((marks / other).exists() for other in others), "tested one after the other"
'''


def _manifest(tmp_path: Path, base: str, ids: list[str]) -> Path:
    path = tmp_path / "vendors.yaml"
    path.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [
        {"id": i, "name": i, "issuer": {"vc-api": {"issue": f"{base}/credentials/issue"}}} for i in ids]}))
    return path


def _marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait: float, vendors: list[str]) -> Path:
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("LER_TEST_VENDORS", " ".join(vendors))
    monkeypatch.setenv("LER_TEST_MARKS", str(marks))
    monkeypatch.setenv("LER_TEST_WAIT", str(wait))
    return marks


def test_two_vendors_are_tested_at_the_same_time_by_default(tmp_path, monkeypatch):
    marks = _marks(tmp_path, monkeypatch, wait=30, vendors=["one", "two"])
    suites = make_suites(tmp_path, "together", RENDEZVOUS)
    with stub_vendor() as base:
        code, out = run_cli(tmp_path, suites, _manifest(tmp_path, base, ["one", "two"]))
    assert code == 0
    workers = {mark.name: mark.read_text() for mark in marks.iterdir()}
    assert set(workers) == {"one", "two"} and len(set(workers.values())) == 2
    assert str(os.getpid()) not in workers.values()  # on workers of the run, not in this process
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted((r["vendor"], r["outcome"]) for r in results if r["kind"] == "result") == \
        [("one", "pass"), ("two", "pass")]


def test_one_vendor_keeps_the_serial_in_process_run(tmp_path, monkeypatch):
    marks = _marks(tmp_path, monkeypatch, wait=0, vendors=["one"])
    suites = make_suites(tmp_path, "alone", RENDEZVOUS)
    with stub_vendor() as base:
        code, _ = run_cli(tmp_path, suites, _manifest(tmp_path, base, ["one"]))
    assert code == 0
    assert (marks / "one").read_text() == str(os.getpid())  # in this very process


def _args(manifest: Path | None, *, vendor=(), role=None, workers=None) -> argparse.Namespace:
    return argparse.Namespace(vendors=str(manifest) if manifest else None, vendor=list(vendor), role=role,
                              workers=workers, with_reference=False, fault=[], keyword=None, alluredir=None,
                              check_timeout=None, verbose=False, matrix="covering", shard=None)


def test_workers_follow_the_vendors_under_test(tmp_path):
    nine = _manifest(tmp_path, "http://127.0.0.1:9", [f"v{i}" for i in range(9)])
    assert default_workers(_args(None)) == 0  # the embedded reference vendor
    assert default_workers(_args(nine)) == MAX_WORKERS
    assert default_workers(_args(nine, vendor=["v1", "v2", "v3"])) == 3
    assert default_workers(_args(nine, vendor=["v1"])) == 0
    assert default_workers(_args(nine, role="verifier")) == 0  # nobody declares a verifier

    def argv(**kw):
        return pytest_args(_args(nine, **kw), SUITES, tmp_path / "out", "r")

    assert argv()[argv().index("-n") + 1] == str(MAX_WORKERS)
    assert argv(workers="3")[argv(workers="3").index("-n") + 1] == "3"
    assert "-n" not in argv(workers="0") and "-n" not in argv(vendor=["v1"])


def test_a_vendors_checks_share_one_scope():
    """Its own checks, the cells its verifier judges, the journeys through its wallet."""
    ids = ["acme", "a", "w", "b", "jwt"]
    assert vendor_scope("suites/verifier/test_vcapi_verify.py::test_accepts_eddsa_rdfc[acme]", ids) == "acme"
    assert vendor_scope("suites/wallet/test_storage.py::test_keeps_unicode[ldp_vc-acme]", ids) == "acme"
    assert vendor_scope("wallet/test_portability.py::test_export[dc+sd-jwt-acme]", ids) == "acme"
    assert vendor_scope("suites/issuer/test_vcapi_issue.py::test_types[acme-Certification]", ids) == "acme"
    assert vendor_scope("suites/wallet/test_x.py::test_y[b-dc+sd-jwt-c]", ids) == "b"
    assert vendor_scope("../x/suites/interop/test_learner_journey.py::test_learner_journey[a->w->b-ldp_vc]", ids) == "w"
    assert vendor_scope("suites/interop/test_openid_issuer_to_verifier.py::test_o[a->b-ldp_vc]", ids) == "b"
    assert vendor_scope("suites/interop/test_issuer_to_verifier.py::test_i[acme->a]", ids) == "a"
    assert vendor_scope("suites/x.py::test_no_params", ids) == UNKNOWN_SCOPE


def test_outcomes_side_by_side_equal_the_serial_ones(tmp_path):
    """Two reference vendors, beta's verifier faulty: the default run and `-n 0` agree on every
    result (durations aside), wallet checks and journeys included."""
    checks = "VER-VCAPI-001 or ISS-VCAPI-001 or INT-VCAPI-001 or WAL-OID4VCI-001 or (INT-JOURNEY-001 and ldp_vc)"

    def entry(servers, vendor_id):
        return {**servers.manifest_vendor(), "id": vendor_id, "name": vendor_id}

    def outcomes(out: Path) -> list[tuple]:
        lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
        return sorted((r["check"], r["vendor"], json.dumps(r.get("params"), sort_keys=True), r["outcome"])
                      for r in lines if r["kind"] == "result")

    with start_reference() as alpha, start_reference({"verifier.reject-all"}) as beta:
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1,
                                            "vendors": [entry(alpha, "alpha"), entry(beta, "beta")]}))
        runs = {}
        for name, extra in (("side_by_side", []), ("serial", ["-n", "0"])):
            out = tmp_path / name
            main_argv = ["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out), "-k", checks]
            from ler_interop.cli import main

            assert main([*main_argv, *extra]) == 1  # beta's verifier does not conform
            runs[name] = outcomes(out)
    assert runs["side_by_side"] == runs["serial"]
    assert {o[3] for o in runs["serial"]} == {"pass", "fail"}
    assert {o[0] for o in runs["serial"]} >= {"WAL-OID4VCI-001", "INT-JOURNEY-001", "INT-VCAPI-001"}
