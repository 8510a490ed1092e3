"""`ler-interop diff OLD NEW`: classes, regressions and exit status over hand-built streams."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ler_interop.cli import main
from ler_interop.diff.compare import classify
from ler_interop.results import ResultsWriter


def result(check: str, outcome: str, *, vendor: str = "acme", level: str = "MUST", instance: str = "",
           principles: tuple[str, ...] = ("P1",), **extra: Any) -> dict[str, Any]:
    return {"vendor": vendor, "check": check, "outcome": outcome, "level": level, "principles": list(principles),
            "title": f"title of {check}", "nodeid": f"/checkout/suites/issuer/test_x.py::test_{check}[{vendor}{instance}]",
            **extra}


BASE = [result("ISS-1", "pass"), result("ISS-2", "fail"), result("ISS-3", "pass", level="SHOULD"),
        result("ISS-4", "pass", instance="-ldp_vc"), result("ISS-4", "pass", instance="-jwt_vc_json"),
        result("ISS-5", "pass", vendor="other")]


def write(path: Path, results: list[dict[str, Any]], vendors: tuple[str, ...] = ("acme", "other"),
          profiles: tuple[str, ...] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with ResultsWriter(path) as writer:
        writer.header(run_id=path.parent.name, suite_version="0.1.0", spec_versions={"vc": "2.0"},
                      vendors=[{"id": v, "name": v, "roles": ["issuer"], "profiles": list(profiles)} for v in vendors])
        for line in results:
            writer.result(line)
    return path


def replaced(changes: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    """BASE with the lines keyed (check, instance suffix of the nodeid) replaced or (None) dropped."""
    out = []
    for line in BASE:
        k = (line["check"], line["nodeid"].split("[")[1])
        if k in changes:
            if changes[k] is not None:
                out.append({**line, **changes[k]})
        else:
            out.append(line)
    return out


def diff(tmp_path: Path, new: list[dict[str, Any]], *args: str, vendors: tuple[str, ...] = ("acme", "other")) -> int:
    old = write(tmp_path / "old" / "results.jsonl", BASE)
    write(tmp_path / "new" / "results.jsonl", new, vendors)
    return main(["diff", *args, str(old), str(tmp_path / "new" / "results.jsonl")])


def as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], new: list[dict[str, Any]], **kw: Any) -> tuple[int, dict]:
    code = diff(tmp_path, new, "--json", **kw)
    return code, json.loads(capsys.readouterr().out)


def test_identical_runs_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, doc = as_json(tmp_path, capsys, BASE)
    assert code == 0 and doc["regressed"] is False
    assert set(doc) == {"diff_format", "old", "new", "regressed", "vendors"} and doc["diff_format"] == 1
    assert set(doc["old"]) == {"path", "run_id", "started", "suite_version", "faults", "problems"}
    assert set(doc["vendors"][0]) == {"id", "presence", "regressed", "regressions", "counts", "conforms",
                                      "principles", "profiles", "changes"}
    assert doc["vendors"][0]["counts"]["unchanged"] == 5 and doc["vendors"][0]["changes"] == []


def test_injected_regression_exits_1_and_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = diff(tmp_path, replaced({("ISS-4", "acme-jwt_vc_json]"): {"outcome": "fail", "message": "bad proof"}}))
    out = capsys.readouterr().out
    assert code == 1
    assert "acme: regressions (1)" in out
    assert "ISS-4 issuer/test_x.py::test_ISS-4[acme-jwt_vc_json]  MUST  pass -> fail  title of ISS-4  | bad proof" in out
    assert "acme: P1: score 78.6 -> 57.1, conforms no -> no" in out  # it failed ISS-2 already: no verdict lost
    assert out.rstrip().endswith("REGRESSED: 1 regression in acme")


def test_lost_conformance_counts_as_regressions(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert diff(tmp_path, replaced({("ISS-5", "other]"): {"outcome": "error"}})) == 1
    out = capsys.readouterr().out
    assert "other: vendor (all principles): conforms yes -> no  REGRESSION" in out
    assert "other: P1: score 100 -> 0, conforms yes -> no  REGRESSION" in out
    assert out.rstrip().endswith("REGRESSED: 3 regressions in other")  # the check, P1 and the vendor verdict


def test_fix_only_exits_0_and_is_listed_as_fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, doc = as_json(tmp_path, capsys, replaced({("ISS-2", "acme]"): {"outcome": "pass"}}))
    assert code == 0
    acme = doc["vendors"][0]
    assert acme["counts"]["fixed"] == 1 and not acme["regressed"]
    assert acme["changes"] == [{"class": "fixed", "check": "ISS-2", "instance": "issuer/test_x.py::test_ISS-2[acme]",
                                "title": "title of ISS-2", "level": "MUST", "old": "fail", "new": "pass",
                                "regression": False, "message": ""}]
    assert acme["conforms"] == {"name": "vendor (all principles)", "old_conforms": False, "new_conforms": True}
    assert acme["principles"] == [{"name": "P1", "old_conforms": False, "new_conforms": True,
                                   "old_score": 78.6, "new_score": 100.0}]


def test_new_and_removed_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    new = [*replaced({("ISS-3", "acme]"): None}), result("ISS-9", "pass"), result("ISS-10", "error", level="SHOULD")]
    code, doc = as_json(tmp_path, capsys, new)
    acme = doc["vendors"][0]
    assert acme["counts"] == {"new-failure": 1, "fixed": 0, "new-check": 1, "removed-check": 1, "moved": 0, "unchanged": 4}
    classes = {c["check"]: (c["class"], c["old"], c["new"], c["regression"]) for c in acme["changes"]}
    assert classes == {"ISS-3": ("removed-check", "pass", None, False), "ISS-9": ("new-check", None, "pass", False),
                       "ISS-10": ("new-failure", None, "error", True)}  # a new check that errors is a regression
    assert code == 1


def test_removed_check_alone_is_not_a_regression(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert diff(tmp_path, replaced({("ISS-3", "acme]"): None})) == 0
    out = capsys.readouterr().out
    assert "removed checks" not in out  # counted in the table, listed with --all
    assert diff(tmp_path, replaced({("ISS-3", "acme]"): None}), "--all") == 0
    assert "acme: removed checks (1)" in capsys.readouterr().out


def test_vendor_removed_is_a_regression(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, doc = as_json(tmp_path, capsys, [r for r in BASE if r["vendor"] != "other"], vendors=("acme",))
    other = doc["vendors"][1]
    assert code == 1 and other["presence"] == "removed"
    assert other["regressions"] == ["vendor missing from NEW"]


def test_should_move_is_listed_must_move_regresses(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert diff(tmp_path, replaced({("ISS-3", "acme]"): {"outcome": "warn"}})) == 0
    assert "acme: moved (1)" in capsys.readouterr().out
    assert diff(tmp_path, replaced({("ISS-1", "acme]"): {"outcome": "unsupported"}})) == 1
    assert "ISS-1 issuer/test_x.py::test_ISS-1[acme]  MUST  pass -> unsupported" in capsys.readouterr().out


def test_expected_failures_are_compared_as_scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # ISS-2 failed unlisted; now the vendor lists it: a move to expected-fail, verdict unchanged
    code, doc = as_json(tmp_path, capsys, replaced({("ISS-2", "acme]"): {"expected_failure": "known bug"}}))
    assert code == 0
    change = doc["vendors"][0]["changes"][0]
    assert (change["class"], change["old"], change["new"], change["regression"]) == ("moved", "fail", "expected-fail", False)
    assert classify("expected-fail", "fail") == "new-failure"  # the listing was dropped while it still fails
    assert classify("expected-fail", "unexpected-pass") == "fixed"


def test_report_folders_and_checkouts_elsewhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path / "old" / "results.jsonl", BASE)
    moved = [{**line, "nodeid": line["nodeid"].replace("/checkout/", "/elsewhere/ci/")} for line in BASE]
    write(tmp_path / "new" / "results.jsonl", moved)
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new")]) == 0
    assert "no regression" in capsys.readouterr().out


def test_folder_of_shard_streams_is_merged(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path / "old" / "results.jsonl", BASE)
    write(tmp_path / "shards" / "a.jsonl", BASE[:3])
    write(tmp_path / "shards" / "b.jsonl", BASE[3:])
    assert main(["diff", "--json", str(tmp_path / "old"), str(tmp_path / "shards")]) == 0
    assert json.loads(capsys.readouterr().out)["vendors"][0]["counts"]["unchanged"] == 5


@pytest.mark.parametrize("make", [
    lambda p: p / "missing.jsonl",
    lambda p: (p / "empty.jsonl").write_text("") and None or p / "empty.jsonl",
    lambda p: (p / "notes.jsonl").write_text("hello\nworld\n") and None or p / "notes.jsonl",
    lambda p: (p / "folder").mkdir() or p / "folder",
    lambda p: (p / "dir.jsonl").mkdir() or p,  # a folder whose only *.jsonl is a folder
])
def test_bad_input_is_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any):
    good = write(tmp_path / "old" / "results.jsonl", BASE)
    bad = make(tmp_path)
    assert main(["diff", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("ler-interop diff: NEW ") and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_skipped_lines_are_named_once_and_tolerated(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    new = write(tmp_path / "new" / "results.jsonl", BASE)
    with new.open("a") as handle:
        handle.write("{not json\n" + json.dumps({"kind": "result", "vendor": "acme", "check": "X", "outcome": "odd"}) + "\n")
    old = write(tmp_path / "old" / "results.jsonl", BASE)
    assert main(["diff", "--json", str(old), str(new)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "(and 1 more)" in captured.err
    assert len(json.loads(captured.out)["new"]["problems"]) == 2


def test_hostile_text_is_neutralised_in_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    hostile = "ok\x1b[2J\r\n[PASS] forged\u202e"
    new = replaced({("ISS-1", "acme]"): {"outcome": "fail", "title": hostile, "message": hostile}})
    assert diff(tmp_path, new) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert not any(line.startswith("[PASS]") for line in out.splitlines())
    assert "ok\\u001b[2J\\u000d\\u000a[PASS] forged\\u202e" in out
    # --json keeps the exact text (JSON escapes what it must)
    diff(tmp_path, new, "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["vendors"][0]["changes"][0]["title"] == hostile



def test_huge_text_is_cut_in_the_table_and_kept_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    huge = "T" * 100_000
    new = replaced({("ISS-1", "acme]"): {"outcome": "fail", "title": huge, "message": huge, "check": "ISS-1" + "C" * 50_000}})
    assert diff(tmp_path, new) == 1
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) < 1000  # a CI log line, not 100 kB
    diff(tmp_path, new, "--json")
    assert huge in [c["title"] for c in json.loads(capsys.readouterr().out)["vendors"][0]["changes"]]

def test_profile_verdict_lost_is_a_regression(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    old = write(tmp_path / "old" / "results.jsonl", [result("ISS-1", "pass", level="SHOULD", profiles=["ob3"])],
                profiles=("ob3",))
    new = write(tmp_path / "new" / "results.jsonl", [result("ISS-1", "warn", level="SHOULD", profiles=["ob3"])],
                profiles=("ob3",))
    assert main(["diff", str(old), str(new)]) == 1
    assert "acme: profile ob3: conforms yes -> no  REGRESSION" in capsys.readouterr().out


def test_help_documents_regressions_and_json(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        main(["diff", "--help"])
    out = capsys.readouterr().out
    assert "a regression is" in out and '"diff_format": 1' in out and "exit status" in out
