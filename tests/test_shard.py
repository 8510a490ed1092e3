"""`ler-interop run --shard K/N` and `ler-interop report` (issue 12 item 12): N slices of one run,
merged, give the report one machine would have written; streams that are not slices of one
run are refused with one line.

"The same report" means (docs/CONTRACTS.md, "Shards"): the same outcome for every (vendor,
check, params), and summary.json equal in everything but `run_id` — counts, scores and
conformance per principle, profiles, the matrix, the plan and the selection. Run ids, times,
durations, messages and evidence (which carry ports and nonces) may differ.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ler_interop.cli import main
from ler_interop.reference.servers import start_reference
from ler_interop.results import MergeRefused, ResultsWriter, merge
from ler_interop.shard import parse_shard, shard_of

SUITES = Path(__file__).resolve().parents[1] / "suites"
# Checks of every role and the three kinds of cells, kept small enough for a test.
CHECKS = ("ISS-VCAPI-001 or ISS-VCAPI-004 or VER-VCAPI-001 or VER-VCAPI-010 or WAL-OID4VCI-001 or WAL-STORE-001 "
          "or INT-VCAPI-001 or INT-OPENID-001 or INT-JOURNEY-001 and ldp_vc")


def _entry(servers, vendor_id: str) -> dict:
    entry = servers.manifest_vendor()
    entry["id"], entry["name"] = vendor_id, f"reference {vendor_id}"
    return entry


def _outcomes(stream_path: Path) -> dict[tuple[str, str, str], str]:
    results = [json.loads(line) for line in stream_path.read_text().splitlines()]
    keyed = [((r["vendor"], r["check"], json.dumps(r["params"], sort_keys=True)), r["outcome"])
             for r in results if r["kind"] == "result"]
    assert len(dict(keyed)) == len(keyed), "a (vendor, check, params) ran twice"
    return dict(keyed)


def _comparable(summary_path: Path) -> dict:
    summary = json.loads(summary_path.read_text())
    summary.pop("run_id")
    return summary


def test_shards_merged_equal_the_unsharded_run(tmp_path: Path):
    with start_reference() as alpha, start_reference() as beta:
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1,
                                            "vendors": [_entry(alpha, "alpha"), _entry(beta, "beta")]}))

        def run(name: str, *extra: str) -> Path:
            out = tmp_path / name
            main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out), "--run-id", name,
                  "-k", CHECKS, *extra])
            return out

        whole = run("whole")
        shards = {n: [run(f"s{k}of{n}", "--shard", f"{k}/{n}") for k in range(1, n + 1)] for n in (2, 3)}
    expected = _outcomes(whole / "results.jsonl")
    assert {check for _, check, _ in expected} >= {"ISS-VCAPI-001", "VER-VCAPI-001", "WAL-OID4VCI-001",
                                                   "INT-VCAPI-001", "INT-OPENID-001", "INT-JOURNEY-001"}
    for n, outs in shards.items():
        slices = [_outcomes(out / "results.jsonl") for out in outs]
        assert all(slices), f"an empty shard of {n}"
        assert sum(len(s) for s in slices) == len(expected)  # disjoint, and together the whole
        assert json.loads((outs[0] / "summary.json").read_text())["shard"] == {"index": 1, "of": n}
        merged = tmp_path / f"merged{n}"
        # Given in any order, the merge is the same.
        assert main(["report", *(str(out / "results.jsonl") for out in reversed(outs)), "--out", str(merged)]) == \
            main(["report", str(whole / "results.jsonl"), "--out", str(tmp_path / f"again{n}")])
        assert _outcomes(merged / "results.jsonl") == expected
        assert _comparable(merged / "summary.json") == _comparable(whole / "summary.json")
        assert "covering: " in (merged / "index.html").read_text()


def _stream(path: Path, *, shard=None, manifest="sha256:aa", plan=None, suite="1.0", results=()) -> Path:
    shape = {"manifest": manifest, "plan": plan or {"matrix": "covering", "journeys": 1, "of": 1}}
    if shard:
        shape["shard"] = {"index": shard[0], "of": shard[1]}
    with ResultsWriter(path) as writer:
        writer.header(run_id=path.stem, suite_version=suite, spec_versions={}, vendors=[{"id": "acme", "name": "A"}],
                      started="2026-01-01T00:00:00Z", shape=shape)
        for check in results:
            writer.result({"vendor": "acme", "check": check, "outcome": "pass", "nodeid": check})
    return path


def test_shards_of_one_run_merge_and_others_are_refused(tmp_path: Path):
    a, b = _stream(tmp_path / "a.jsonl", shard=(1, 2), results=["X"]), _stream(tmp_path / "b.jsonl", shard=(2, 2), results=["Y"])
    merged = merge([a, b])
    assert [r["check"] for r in merged.results] == ["X", "Y"]
    assert "shard" not in merged.header and merged.header["manifest"] == "sha256:aa"
    refused = {
        "manifest": _stream(tmp_path / "m.jsonl", shard=(2, 2), manifest="sha256:bb"),
        "plan": _stream(tmp_path / "p.jsonl", shard=(2, 2), plan={"matrix": "full", "journeys": 4, "of": 4}),
        "suite_version": _stream(tmp_path / "v.jsonl", shard=(2, 2), suite="0.9"),
        "shard_count": _stream(tmp_path / "n.jsonl", shard=(2, 3)),
    }
    for key, other in refused.items():
        with pytest.raises(MergeRefused, match=key):
            merge([a, other])
    with pytest.raises(MergeRefused, match="shard 2/2 missing"):
        merge([a])


def test_report_refuses_inconsistent_shards_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    a = _stream(tmp_path / "a.jsonl", shard=(1, 2))
    b = _stream(tmp_path / "b.jsonl", shard=(2, 2), manifest="sha256:bb")
    assert main(["report", str(a), str(b), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "manifest" in err and "not shards of one run" in err


def test_shard_slicing_is_stable_and_validated():
    assert [shard_of("interop/test_x.py::t[a->b]", 3) for _ in range(3)] == [shard_of("interop/test_x.py::t[a->b]", 3)] * 3
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/2", "3/2", "x", "1/0"):
        with pytest.raises(Exception, match="K/N"):
            parse_shard(bad)
