"""The results stream: writing (thread-safe, flushed per line), reading, merging."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ler_interop.results import (
    MergeRefused,
    ResultsError,
    ResultsFormatError,
    ResultsWriter,
    Stream,
    merge,
    read_results,
    write_stream,
)

SPECS = {"vc-data-model": "2.0", "vc-api": "0.3"}


def header(writer: ResultsWriter, *, run_id: str = "run-1", suite_version: str = "0.1.0", vendors=None, started=None, faults=()) -> None:
    writer.header(
        run_id=run_id, suite_version=suite_version, spec_versions=SPECS, started=started, faults=faults,
        vendors=vendors if vendors is not None else [{"id": "acme", "name": "Acme", "roles": ["issuer"], "profiles": []}],
    )


def result(vendor: str = "acme", check: str = "ISS-VCAPI-001", outcome: str = "pass", nodeid: str | None = None, **extra) -> dict:
    return {"vendor": vendor, "check": check, "outcome": outcome, "nodeid": nodeid or f"suites/t.py::{check}[{vendor}]", "level": "MUST", "principles": ["P1"], **extra}


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "run" / "results.jsonl"
    with ResultsWriter(path) as writer:
        header(writer, faults=["verifier.accept-tampered"])
        written = writer.result(result(outcome="fail", message="bad proof"))
        writer.result(result(check="ISS-VCAPI-002", outcome="unsupported"))
        writer.attested(vendor="acme", principle="P6", claim="free verification", evidence_url="https://acme.example/p")
    stream = read_results(path)
    assert stream.header["run_id"] == "run-1" and stream.header["faults"] == ["verifier.accept-tampered"]
    assert stream.header["spec_versions"] == SPECS
    assert [r["check"] for r in stream.results] == ["ISS-VCAPI-001", "ISS-VCAPI-002"]
    assert stream.results[0] == written
    # Optional keys are filled with neutral defaults.
    assert stream.results[1]["params"] == {} and stream.results[1]["evidence"] == [] and stream.results[1]["expected_failure"] is None
    assert stream.attested == [{"kind": "attested", "vendor": "acme", "principle": "P6", "claim": "free verification", "evidence_url": "https://acme.example/p"}]
    assert stream.footer["checks_executed"] == 2
    assert stream.footer["counts"] == {"pass": 0, "fail": 1, "warn": 0, "unsupported": 1, "error": 0, "skip": 0}


def test_each_line_is_on_disk_before_close(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    writer = ResultsWriter(path)
    header(writer)
    writer.result(result())
    # A crash now (no footer) must lose nothing already written.
    stream = read_results(path)
    assert len(stream.results) == 1 and stream.footer is None
    writer.close()
    writer.close()  # idempotent
    assert read_results(path).footer is not None


def test_concurrent_writers_produce_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    with ResultsWriter(path) as writer:
        header(writer)

        def work(worker: int) -> None:
            for i in range(50):
                writer.result(result(check=f"CHK-{worker}-{i}", message="x" * 2000))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    stream = read_results(path)
    assert len(stream.results) == 400 and stream.footer["checks_executed"] == 400


def test_writer_refuses_misuse(tmp_path: Path) -> None:
    writer = ResultsWriter(tmp_path / "r.jsonl")
    with pytest.raises(ResultsError, match="header first"):
        writer.result(result())
    header(writer)
    with pytest.raises(ResultsError, match="already has a header"):
        header(writer)
    with pytest.raises(ResultsFormatError, match="lacks check"):
        writer.result({"vendor": "acme", "outcome": "pass"})
    with pytest.raises(ResultsFormatError, match="unknown outcome 'xfail'"):
        writer.result(result(outcome="xfail"))
    writer.close()
    with pytest.raises(ResultsError, match="closed"):
        writer.attested(vendor="a", principle="P6", claim="c", evidence_url="u")


def test_reader_skips_and_reports_a_torn_line_keeping_the_others(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with ResultsWriter(path) as writer:
        header(writer)
        writer.result(result())
    text = path.read_text()
    path.write_text(text + '{"kind":"result","vendor":"ac')
    stream = read_results(path)
    assert len(stream.results) == 1 and len(stream.problems) == 1 and "torn last line" in stream.problems[0]
    lines = text.splitlines()
    path.write_text("\n".join([lines[0], '{"kind":"res', *lines[1:]]) + "\n")
    stream = read_results(path)
    assert len(stream.results) == 1 and stream.footer
    assert len(stream.problems) == 1 and "r.jsonl:2: skipped: not JSON" in stream.problems[0]


def test_reader_skips_and_reports_lines_outside_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"kind": "result", "vendor": "a", "check": "C", "outcome": "pass"}) + "\n")
    assert "before the header" in read_results(path).problems[0]
    path.write_text(json.dumps({"kind": "header", "suite_version": "1"}) + "\n" + json.dumps({"kind": "bogus"}) + "\n")
    stream = read_results(path)
    assert stream.header and "unknown line kind 'bogus'" in stream.problems[0]


def test_zero_byte_stream_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("")
    assert read_results(path) == Stream()


def _shard(path: Path, results: list[dict], *, run_id="run-1", suite_version="0.1.0", vendors=None, started="2025-06-01T10:00:00Z") -> Path:
    with ResultsWriter(path) as writer:
        header(writer, run_id=run_id, suite_version=suite_version, vendors=vendors, started=started)
        for record in results:
            writer.result(record)
    return path


def test_merge_two_shards(tmp_path: Path) -> None:
    a = _shard(tmp_path / "a.jsonl", [result(), result(check="ISS-VCAPI-002", outcome="fail")],
               vendors=[{"id": "acme", "name": "Acme", "roles": ["issuer"], "profiles": ["ob3"]}], started="2025-06-01T10:00:05Z")
    b = _shard(tmp_path / "b.jsonl", [result(vendor="beta", outcome="error")],
               vendors=[{"id": "acme", "name": "Acme", "roles": ["verifier"], "profiles": []}, {"id": "beta", "name": "Beta", "roles": ["issuer"], "profiles": []}],
               started="2025-06-01T10:00:00Z")
    empty = tmp_path / "crashed.jsonl"
    empty.write_text("")
    merged = merge([a, empty, b])
    assert merged.header["run_id"] == "run-1"
    assert merged.header["started"] == "2025-06-01T10:00:00Z"
    assert merged.header["vendors"] == [
        {"id": "acme", "name": "Acme", "roles": ["issuer", "verifier"], "profiles": ["ob3"]},
        {"id": "beta", "name": "Beta", "roles": ["issuer"], "profiles": []},
    ]
    assert [(r["vendor"], r["check"]) for r in merged.results] == [("acme", "ISS-VCAPI-001"), ("acme", "ISS-VCAPI-002"), ("beta", "ISS-VCAPI-001")]
    assert merged.footer["counts"] == {"pass": 1, "fail": 1, "warn": 0, "unsupported": 0, "error": 1, "skip": 0}
    out = tmp_path / "merged.jsonl"
    write_stream(merged, out)
    assert read_results(out) == merged


def test_merge_keeps_the_last_run_of_a_nodeid(tmp_path: Path) -> None:
    first = _shard(tmp_path / "first.jsonl", [result(outcome="error", message="timeout"), result(check="OTHER")], run_id="run-1")
    rerun = _shard(tmp_path / "rerun.jsonl", [result(outcome="pass")], run_id="run-2")
    merged = merge([first, rerun])
    assert [(r["check"], r["outcome"]) for r in merged.results] == [("OTHER", "pass"), ("ISS-VCAPI-001", "pass")]
    assert merged.header["run_id"] == "run-1+run-2"


def test_merge_refuses_different_suite_versions(tmp_path: Path) -> None:
    a = _shard(tmp_path / "a.jsonl", [result()], suite_version="0.1.0")
    b = _shard(tmp_path / "b.jsonl", [result()], suite_version="0.2.0")
    with pytest.raises(MergeRefused) as info:
        merge([a, b])
    message = str(info.value)
    assert "\n" not in message and "'0.2.0' != '0.1.0'" in message and "b.jsonl" in message and "a.jsonl" in message


def test_merge_of_unfinished_shards_has_no_footer(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    writer = ResultsWriter(path)
    header(writer)
    writer.result(result())
    assert merge([path]).footer is None  # the writer was never closed: no finish time to claim
    writer.close()
    assert merge([path]).footer["checks_executed"] == 1


def test_writer_starts_a_fresh_stream(tmp_path: Path) -> None:
    path = _shard(tmp_path / "r.jsonl", [result()])
    _shard(path, [result(check="NEW")])
    assert [r["check"] for r in read_results(path).results] == ["NEW"]
