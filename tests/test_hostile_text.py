"""Issue 12 items 1, 7, 8 and redaction by value: hostile text from a vendor must not cost the
results stream, the reports or the terminal, and evidence shows what was on the wire."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from hostile_vendor import DUPLICATE_JSON, FORGED_TEXT, TEXT_BEHAVIOURS, HostileVendor
from ler_interop import net, redact
from ler_interop.cli import main
from ler_interop.report import build_reports
from ler_interop.results import ResultsWriter, read_results
from ler_interop.safe_text import neutralise

EVERY_HOSTILE_TEXT = FORGED_TEXT + "\ud800 \udfff \x00 \x9b"
REPORTS = ("summary.json", "index.html", "junit.xml")


def _stream(path: Path, messages: list[str]) -> None:
    with ResultsWriter(path) as writer:
        writer.header(run_id="r", suite_version="1", spec_versions={}, vendors=[{"id": "acme", "name": "Acme"}])
        for i, message in enumerate(messages):
            writer.result({"vendor": "acme", "check": f"C-{i}", "outcome": "fail", "message": message,
                           "evidence": [{"response_body": message}]})


def test_the_stream_round_trips_any_text_and_holds_no_raw_line_separator(tmp_path: Path):
    path = tmp_path / "results.jsonl"
    _stream(path, [EVERY_HOSTILE_TEXT, "plain"])
    raw = path.read_bytes()
    for separator in ("\u2028", "\u2029", "\u0085", "\r", "\x0b", "\x0c", "\x1c"):
        assert separator.encode() not in raw
    stream = read_results(path)
    assert not stream.problems
    assert [r["message"] for r in stream.results] == [EVERY_HOSTILE_TEXT, "plain"]
    assert stream.results[0]["evidence"][0]["response_body"] == EVERY_HOSTILE_TEXT


def test_an_unreadable_line_is_reported_and_skipped_and_every_report_is_written(tmp_path: Path, capsys):
    path = tmp_path / "results.jsonl"
    _stream(path, ["one", "two"])
    lines = path.read_bytes().split(b"\n")
    lines.insert(2, b'{"kind": "result", "vendor": "acme"\xff\xfe garbage')
    path.write_bytes(b"\n".join(lines))
    stream = read_results(path)
    assert [r["message"] for r in stream.results] == ["one", "two"] and stream.footer
    assert len(stream.problems) == 1 and ":3: skipped" in stream.problems[0]
    summary = build_reports(path, tmp_path)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ":3: skipped" in err[0]
    assert summary["problems"] == stream.problems
    assert all((tmp_path / name).is_file() for name in REPORTS)
    assert "could not be read" in (tmp_path / "index.html").read_text()


def test_a_failing_report_does_not_stop_the_others(tmp_path: Path, capsys, monkeypatch):
    from ler_interop.report import build as build_module

    path = tmp_path / "results.jsonl"
    _stream(path, [EVERY_HOSTILE_TEXT])

    def broken(*args, **kwargs):
        raise RuntimeError("template bug\nwith a second line")

    monkeypatch.setattr(build_module, "write_html", broken)
    build_reports(path, tmp_path)
    assert (tmp_path / "summary.json").is_file() and (tmp_path / "junit.xml").is_file()
    assert not (tmp_path / "index.html").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not write index.html: RuntimeError: template bug" in err[0]


def test_reports_show_vendor_control_characters_as_escapes(tmp_path: Path):
    path = tmp_path / "results.jsonl"
    _stream(path, [EVERY_HOSTILE_TEXT])
    build_reports(path, tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "\x1b" not in html and "\r" not in html and "\u2028" not in html and "\\u001b[32m" in html
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert "\\u001b[32m" in junit and "\ufffd" not in junit
    json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))


def test_neutralise_leaves_no_line_break_and_no_escape_character():
    shown = neutralise(EVERY_HOSTILE_TEXT)
    assert shown.splitlines() == [shown] and shown.replace("\t", "").isprintable()
    assert neutralise("Zoë 張 مرحبا\ttab") == "Zoë 張 مرحبا\ttab"  # P7 text and tabs are untouched
    assert neutralise("a\nb\rc", keep_newlines=True) == "a\nb\\u000dc"


# --- item 7: duplicate keys -----------------------------------------------------------------


def test_a_duplicate_key_is_a_finding_not_read_last_wins():
    with pytest.raises(net.DuplicateKey, match="duplicate key 'verified' in the vendor's JSON"):
        net.parse_json(DUPLICATE_JSON)
    assert net.parse_json(b'{"a": {"verified": 1}, "verified": 2}') == {"a": {"verified": 1}, "verified": 2}


def test_evidence_keeps_the_json_bytes_as_received():
    assert redact.redact_body(DUPLICATE_JSON.decode(), "application/json") == DUPLICATE_JSON.decode()
    odd = '{ "a" : "\\u00e9\\/x" ,"access_token":"at-wire-7f3a",  "n": 1.50 }'
    assert redact.redact_body(odd, "application/json") == odd.replace('"at-wire-7f3a"', '"[REDACTED]"')


# --- redaction by value ----------------------------------------------------------------------


def test_null_or_empty_values_under_secret_names_are_shown():
    body = '{"tx_code": null, "pre-authorized_code": "", "client_secret": {}}'
    assert redact.redact_body(body, "application/json") == body
    assert redact.redact_body("tx_code=&code=abc", "application/x-www-form-urlencoded") == "tx_code=&code=%5BREDACTED%5D"


def test_a_seen_secret_under_an_extra_member_is_redacted_even_when_learnt_after_recording():
    code = "pac-extra-member-4b1d9e"
    recorded = {"response_body": json.dumps({"offer": "x", "debug_echo": code})}
    assert code in redact.redact_body(recorded["response_body"], "application/json")  # not seen yet
    redact.register_secret(code)  # the suite parses the offer and learns the code
    assert code not in json.dumps(redact.scrub_strings(recorded))


# --- a hostile stub vendor in a real run ----------------------------------------------------


def test_a_run_against_hostile_text_writes_every_report_and_a_clean_terminal(tmp_path: Path, capfd):
    with HostileVendor(plan=TEXT_BEHAVIOURS, then=TEXT_BEHAVIOURS) as hostile:
        entry = hostile.manifest_vendor({"issuer": {"supports": ["eddsa-rdfc-2022"]},
                                         "verifier": {"supports": ["eddsa-rdfc-2022"]}})
        manifest = tmp_path / "m.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [entry]}))
        out = tmp_path / "out"
        code = main(["run", "--vendors", str(manifest), "--out", str(out), "--check-timeout", "5", "-v",
                     "-k", "VER-VCAPI-001 or VER-VCAPI-010 or VER-VCAPI-014 or ISS-VCAPI-001 or ISS-VCAPI-002"])
        served = set(hostile.served)
    captured = capfd.readouterr()
    assert code == 1 and served == set(TEXT_BEHAVIOURS)
    stream = read_results(out / "results.jsonl")
    assert not stream.problems and stream.footer and len(stream.results) >= 3
    for name in REPORTS:
        assert (out / name).is_file(), name
    bodies = [e.get("response_body", "") for r in stream.results for e in r["evidence"]]
    assert DUPLICATE_JSON.decode() in bodies, "the evidence must show the duplicate key as received"
    assert any("\u2028" in b for b in bodies), "evidence keeps the vendor's exact text"
    assert any("duplicate key 'verified'" in r["message"] and r["outcome"] == "error" for r in stream.results)
    terminal = captured.out + captured.err
    assert "Traceback" not in terminal
    assert "\x1b[32m[PASS]" not in terminal and "\u2028" not in terminal and "\r[PASS]" not in terminal
    assert not [line for line in terminal.split("\n") if line.startswith("[PASS]")]
