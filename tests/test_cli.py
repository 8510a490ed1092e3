"""The `ler-interop` command: exit codes, usage errors, reports, the embedded reference path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from ler_interop.cli import main
from vendor_stub import stub_vendor

CHECK = textwrap.dedent(
    '''
    import pytest

    def check(id, level="MUST"):
        return pytest.mark.check(id=id, title="cli " + id, principles=["P1"], level=level, role="issuer",
                                 spec="https://www.w3.org/TR/vc-data-model-2.0/#issuer", protocol="vc-api")
    '''
)


def make_suites(tmp_path: Path, name: str, body: str) -> Path:
    """A suites folder with one module; module names are unique per test because the runs
    share this process (pytest would refuse a second, different `test_x` module)."""
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / f"test_cli_suite_{name}.py").write_text(CHECK + textwrap.dedent(body))
    return suites


def make_manifest(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "vendors.yaml"
    path.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [
        {"id": "stub", "name": "Stub", "issuer": {"vc-api": {"issue": f"{base}/credentials/issue"}}}]}))
    return path


def run_cli(tmp_path: Path, suites: Path, manifest: Path | None, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "reports" / "r1"
    argv = ["run", "--suites", str(suites), "--out", str(out), "--run-id", "r1", *extra]
    if manifest is not None:
        argv += ["--vendors", str(manifest)]
    return main(argv), out


def test_unknown_flag_is_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        main(["run", "--no-such-flag"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unrecognized arguments: --no-such-flag" in err[0]


def test_unreadable_manifest_is_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    suites = make_suites(tmp_path, "unused", "")
    code, _ = run_cli(tmp_path, suites, tmp_path / "missing.yaml")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing.yaml" in err[0]


def test_conforming_vendor_exits_0_and_writes_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    suites = make_suites(tmp_path, "conforming", '''
        @check("CLI-PASS-001")
        def test_pass(vendor):
            assert vendor.http.post(vendor.endpoint("issuer", "vc-api", "issue"), json={}).status_code == 201

        @check("CLI-SHOULD-001", level="SHOULD")
        def test_should(vendor):
            assert False, "a SHOULD not met is a warning, not a verdict"
    ''')
    with stub_vendor() as base:
        code, out = run_cli(tmp_path, suites, make_manifest(tmp_path, base))
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["vendors"][0]["counts"]["pass"] == 1 and summary["vendors"][0]["counts"]["warn"] == 1
    assert (out / "index.html").is_file() and (out / "junit.xml").is_file()
    assert not (out.parent / "latest").exists()  # --out DIR: nothing written outside DIR
    assert "stub" in capsys.readouterr().out  # the principle table


def test_failing_must_exits_1(tmp_path: Path):
    suites = make_suites(tmp_path, "failing", '''
        @check("CLI-FAIL-001")
        def test_fail(vendor):
            assert False
    ''')
    with stub_vendor() as base:
        code, out = run_cli(tmp_path, suites, make_manifest(tmp_path, base))
    assert code == 1
    assert json.loads((out / "summary.json").read_text())["vendors"][0]["principles"]["P1"]["conforms"] is False


def test_interrupted_run_still_writes_footer_and_reports(tmp_path: Path):
    suites = make_suites(tmp_path, "interrupted", '''
        @check("CLI-PASS-002")
        def test_a_pass(vendor):
            pass

        @check("CLI-STOP-001")
        def test_b_ctrl_c(vendor):
            raise KeyboardInterrupt
    ''')
    with stub_vendor() as base:
        code, out = run_cli(tmp_path, suites, make_manifest(tmp_path, base))
    assert code == 1
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert lines[-1]["kind"] == "footer" and lines[-1]["checks_executed"] == 1
    assert (out / "summary.json").is_file()


def test_no_vendors_runs_the_embedded_reference(tmp_path: Path):
    suites = make_suites(tmp_path, "reference", '''
        @check("CLI-REF-001")
        def test_reference_answers(vendor):
            assert vendor.id == "reference"
            vendor.http.get(vendor.endpoint("issuer", "vc-api", "issue"))
    ''')
    code, out = run_cli(tmp_path, suites, None, "--fault", "issuer.no-status")
    assert code == 0
    header = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert header["faults"] == ["issuer.no-status"] and header["vendors"][0]["id"] == "reference"


def test_unknown_fault_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    suites = make_suites(tmp_path, "unused2", "")
    code, _ = run_cli(tmp_path, suites, None, "--fault", "issuer.nope")
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_report_merges_streams(tmp_path: Path):
    suites = make_suites(tmp_path, "merged", '''
        @check("CLI-PASS-003")
        def test_pass(vendor):
            pass
    ''')
    with stub_vendor() as base:
        _, out = run_cli(tmp_path, suites, make_manifest(tmp_path, base))
    merged = tmp_path / "merged"
    assert main(["report", str(out / "results.jsonl"), str(out / "results.jsonl"), "--out", str(merged)]) == 0
    assert json.loads((merged / "summary.json").read_text())["checks_executed"] == 1


def test_checks_catalog_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    suites = make_suites(tmp_path, "catalog", '''
        @check("CLI-CAT-001")
        def test_one(vendor):
            pass

        @check("CLI-CAT-002", level="MAY")
        def test_two():
            pass
    ''')
    assert main(["checks", "--json", "--suites", str(suites)]) == 0
    catalog = json.loads(capsys.readouterr().out)
    assert [(c["id"], c["level"]) for c in catalog] == [("CLI-CAT-001", "MUST"), ("CLI-CAT-002", "MAY")]


def test_default_folder_gets_latest_and_a_named_out_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    suites = make_suites(tmp_path, "latest", '''
        @check("CLI-PASS-003")
        def test_pass(vendor):
            pass
    ''')
    with stub_vendor() as base:
        manifest = make_manifest(tmp_path, base)
        named = tmp_path / "mine" / "run"
        assert main(["run", "--suites", str(suites), "--vendors", str(manifest), "--out", str(named)]) == 0
        assert sorted(p.name for p in named.parent.iterdir()) == ["run"]  # no `latest` beside the named folder
        assert not (named / "latest").exists()
        monkeypatch.chdir(tmp_path)
        assert main(["run", "--suites", str(suites), "--vendors", str(manifest), "--run-id", "r9"]) == 0
    assert (tmp_path / "reports" / "latest").resolve() == (tmp_path / "reports" / "r9").resolve()


def test_latest_that_is_not_ours_is_left_alone(tmp_path: Path):
    from ler_interop.run import refresh_latest

    (tmp_path / "latest").mkdir()
    (tmp_path / "latest" / "precious.txt").write_text("mine")
    (tmp_path / "r1").mkdir()
    assert refresh_latest(tmp_path / "r1") is None
    assert (tmp_path / "latest" / "precious.txt").read_text() == "mine"
    (tmp_path / "latest" / "precious.txt").unlink()
    (tmp_path / "latest").rmdir()
    assert refresh_latest(tmp_path / "r1") == tmp_path / "latest"
    assert (tmp_path / "latest").resolve() == (tmp_path / "r1").resolve()


def test_a_partial_run_says_so(tmp_path: Path):
    from ler_interop.cli import main as cli

    out = tmp_path / "r"
    assert cli(["run", "--out", str(out), "-k", "ISS-VCAPI-001"]) == 0
    header = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert header["selection"] == {"keyword": "ISS-VCAPI-001"}
    assert json.loads((out / "summary.json").read_text())["selection"] == {"keyword": "ISS-VCAPI-001"}
    assert "Partial run" in (out / "index.html").read_text()


def test_manifest_check_without_secrets(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    example = Path(__file__).resolve().parents[1] / "fixtures" / "manifests" / "example-vendor.yaml"
    for name in ("ACME_ISSUER_TOKEN", "ACME_VERIFIER_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["manifest", "check", str(example)]) == 2
    assert "ACME_ISSUER_TOKEN" in capsys.readouterr().err
    assert main(["manifest", "check", "--no-secrets", str(example)]) == 0


def test_run_one_vendor_needs_only_its_own_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]):
    """`run --vendor stub` must not demand the token of another vendor it will never contact;
    `manifest check` still reports every vendor's missing variable."""
    monkeypatch.delenv("OTHER_VENDOR_TOKEN_UNSET", raising=False)
    suites = make_suites(tmp_path, "selected", '''
        @check("CLI-PASS-004")
        def test_pass(vendor):
            assert vendor.id == "stub"
    ''')
    with stub_vendor() as base:
        manifest = make_manifest(tmp_path, base)
        data = yaml.safe_load(manifest.read_text())
        data["vendors"].append({"id": "other", "name": "Other", "auth": {"type": "bearer", "token_env": "OTHER_VENDOR_TOKEN_UNSET"},
                                "issuer": {"vc-api": {"issue": "https://other.example/credentials/issue"}}})
        manifest.write_text(yaml.safe_dump(data))
        code, out = run_cli(tmp_path, suites, manifest, "--vendor", "stub")
    assert code == 0, capsys.readouterr().err
    assert [v["id"] for v in json.loads((out / "summary.json").read_text())["vendors"]] == ["stub"]
    assert main(["manifest", "check", str(manifest)]) == 2
    assert "OTHER_VENDOR_TOKEN_UNSET" in capsys.readouterr().err
    assert run_cli(tmp_path, suites, manifest, "--vendor", "other")[0] == 2  # its own secret is still required
    assert "OTHER_VENDOR_TOKEN_UNSET" in capsys.readouterr().err


def test_progress_total_counts_only_the_checks_that_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The bar's total leaves out checks deselected by -k, of a role no vendor plays, and of a
    protocol the vendor does not declare (those are counted apart as not run)."""
    suites = make_suites(tmp_path, "progress", '''
        def other(id, role, protocol):
            return pytest.mark.check(id=id, title="cli " + id, principles=["P1"], level="MUST", role=role,
                                     spec="https://www.w3.org/TR/vc-data-model-2.0/#issuer", protocol=protocol)

        @check("CLI-RUN-001")
        def test_runs(vendor):
            pass

        @check("CLI-DESELECTED-001")
        def test_deselected(vendor):
            pass

        @other("CLI-OID4VCI-001", "issuer", "oid4vci")
        def test_undeclared_protocol(vendor):
            pass

        @other("CLI-WALLET-001", "wallet", "backchannel")
        def test_no_wallet(vendor):
            pass
    ''')
    with stub_vendor() as base:
        code, out = run_cli(tmp_path, suites, make_manifest(tmp_path, base), "-k", "not DESELECTED")
    assert code == 0
    err = capsys.readouterr().err
    assert " 1/1 " in err and "/4 " not in err and "/3 " not in err, err
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    undeclared = next(r for r in results if r.get("check") == "CLI-OID4VCI-001")
    assert (undeclared["outcome"], undeclared["reason"]) == ("unsupported", "not-declared")
