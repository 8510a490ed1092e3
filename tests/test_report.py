"""Reports derived from a stream: summary.json shape, junit.xml, the HTML page (escaping), matrix."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ler_interop.report import build_reports
from ler_interop.report.html import render_html, safe_href
from ler_interop.report.matrix import matrix_rows
from ler_interop.report.summary import build_summary
from ler_interop.results import Stream

HOSTILE = "<script>alert('pwned')</script>"
EXCHANGE = {
    "method": "POST", "url": "http://127.0.0.1:9/credentials/verify?x=\"><script>1</script>",
    "request_headers": {"content-type": "application/json", "authorization": "[REDACTED]"},
    "request_body": json.dumps({"verifiableCredential": {"name": HOSTILE}}),
    "status": 200, "response_headers": {"x-evil": "<img src=x onerror=alert(1)>"},
    "response_body": "</pre><script>alert(2)</script>", "duration_ms": 3.0, "error": None,
}


def res(vendor: str, check: str, outcome: str, **extra) -> dict:
    record = {"kind": "result", "vendor": vendor, "check": check, "title": f"title of {check}", "params": {}, "nodeid": f"t::{check}[{vendor}]",
              "outcome": outcome, "expected_failure": None, "level": "MUST", "principles": ["P1"], "role": "issuer", "protocol": "vc-api",
              "profiles": [], "spec": "https://www.w3.org/TR/vc-data-model-2.0/#proofs-signatures", "duration_ms": 10.0, "message": "", "evidence": []}
    record.update(extra)
    return record


def sample_stream() -> Stream:
    header = {
        "kind": "header", "run_id": "run-7", "started": "2025-06-01T10:00:00Z", "suite_version": "0.1.0",
        "spec_versions": {"vc-data-model": "2.0"}, "faults": ["verifier.accept-tampered"],
        "vendors": [{"id": "acme", "name": f"Acme {HOSTILE}", "roles": ["issuer", "verifier"], "profiles": ["ob3"]},
                    {"id": "ref", "name": "Reference", "roles": ["issuer", "verifier"], "profiles": []}],
    }
    results = [
        res("acme", "ISS-1", "pass", profiles=["ob3"]),
        res("acme", "ISS-2", "fail", message=f"proof invalid {HOSTILE}\x00\x1b[31m", evidence=[EXCHANGE], spec="javascript:alert(3)"),
        res("acme", "ISS-3", "warn", level="SHOULD", principles=["P2"], message="no auth required"),
        res("acme", "ISS-4", "unsupported"),
        res("acme", "ISS-5", "error", message="ConnectError"),
        res("acme", "ISS-6", "skip"),
        res("acme", "ISS-7", "fail", expected_failure="known bug"),
        res("acme", "ISS-8", "pass", expected_failure="stale expectation"),
        res("acme", "INT-1", "pass", role="interop", params={"issuer": "ref", "verifier": "acme"}, principles=["P5"]),
        res("ref", "INT-1", "fail", role="interop", params={"issuer": "acme", "verifier": "ref"}, principles=["P5"]),
        res("ref", "INT-2", "pass", role="interop", params={"issuer": "acme", "verifier": "ref"}, principles=["P5"]),
    ]
    attested = [{"kind": "attested", "vendor": "acme", "principle": "P6", "claim": f"free {HOSTILE}", "evidence_url": "javascript:alert(4)"},
                {"kind": "attested", "vendor": "acme", "principle": "P4", "claim": "WCAG audit", "evidence_url": "https://acme.example/wcag"}]
    footer = {"kind": "footer", "finished": "2025-06-01T10:01:00Z", "checks_executed": len(results), "counts": {}}
    return Stream(header, results, attested, footer)


def test_summary_has_the_contract_shape() -> None:
    summary = build_summary(sample_stream())
    assert set(summary) == {"run_id", "suite_version", "spec_versions", "checks_executed", "vendors", "matrix"}
    assert summary["checks_executed"] == 11
    acme = summary["vendors"][0]
    assert set(acme) == {"id", "name", "counts", "principles", "profiles", "attested", "expected", "protocols", "blocked",
                         "not_declared"}
    assert acme["counts"] == {"pass": 3, "fail": 2, "warn": 1, "unsupported": 1, "error": 1, "skip": 1}
    # The same counts, split by role and protocol (every line adds up to the vendor's counts).
    assert sum(sum(row["counts"].values()) for row in acme["protocols"]) == sum(acme["counts"].values())
    assert [(row["role"], row["protocol"]) for row in acme["protocols"]] == sorted(
        {(r["role"], r["protocol"]) for r in sample_stream().results if r["vendor"] == "acme"})
    # P1 applicable (MUST, weight 3 each): ISS-1 pass, ISS-2 fail, ISS-5 error, ISS-7 expected fail,
    # ISS-8 unexpected pass -> earned 6 of 15 = 40.0; ISS-4 unsupported and ISS-6 skip are not applicable.
    assert acme["principles"]["P1"] == {"score": 40.0, "conforms": False}
    assert acme["principles"]["P2"] == {"score": 0.0, "conforms": True}
    assert acme["principles"]["P5"] == {"score": 100.0, "conforms": True}
    assert acme["profiles"] == {"ob3": {"conforms": True, "checks": 1, "basis": "claimed"}}
    assert acme["attested"][1] == {"principle": "P4", "claim": "WCAG audit", "evidence_url": "https://acme.example/wcag"}
    assert summary["matrix"] == [
        {"issuer": "acme", "wallet": None, "verifier": "ref", "protocol": "vc-api", "outcome": "fail"},
        {"issuer": "ref", "wallet": None, "verifier": "acme", "protocol": "vc-api", "outcome": "pass"},
    ]


def test_checks_of_undeclared_protocols_are_one_line_apart_from_unsupported_features() -> None:
    """A vendor declaring only VC API sees its OpenID4VCI checks as one 'not declared' line, not as
    a list of unsupported features; an undeclared capability of a declared protocol stays listed."""
    stream = sample_stream()
    stream.results[:] = [
        res("acme", "ISS-1", "pass"),
        res("acme", "ISS-TXC", "unsupported", reason="capability", message="acme (issuer) does not declare tx_code"),
        *(res("acme", f"ISS-OID4VCI-{i:03}", "unsupported", protocol="oid4vci", reason="not-declared",
              message="acme (issuer) does not declare oid4vci") for i in range(62)),
    ]
    summary = build_summary(stream)
    acme = summary["vendors"][0]
    assert acme["counts"]["unsupported"] == 63  # the outcome is unchanged (contract)
    assert acme["not_declared"] == {"checks": 62, "protocols": ["issuer oid4vci"]}
    page = render_html(stream, summary)
    assert "62 checks of roles/protocols this vendor does not declare (issuer oid4vci): not run" in page
    assert "ISS-OID4VCI-000" not in page and "ISS-TXC" in page
    from ler_interop.console import not_declared_lines

    assert not_declared_lines(summary)[0] == "acme: 62 checks of roles/protocols it does not declare (issuer oid4vci): not run"


def test_matrix_takes_the_worst_outcome_per_cell_and_keeps_wallets_apart() -> None:
    rows = matrix_rows([
        res("b", "I", "unsupported", role="interop", params={"issuer": "a", "verifier": "b"}),
        res("b", "I2", "pass", role="interop", params={"issuer": "a", "verifier": "b"}),
        res("b", "I3", "error", role="interop", protocol="oid4vp", params={"issuer": "a", "wallet": "w", "verifier": "b"}),
        res("b", "I4", "warn", role="interop", protocol="oid4vp", params={"issuer": "a", "wallet": "w", "verifier": "b"}),
        res("b", "X", "fail"),  # not interop: not in the matrix
    ])
    assert rows == [
        {"issuer": "a", "wallet": None, "verifier": "b", "protocol": "vc-api", "outcome": "pass"},
        {"issuer": "a", "wallet": "w", "verifier": "b", "protocol": "oid4vp", "outcome": "error"},
    ]


def test_a_cell_skipped_in_every_declared_format_shows_skip_not_unsupported() -> None:
    """A wallet declaring two of three formats, skipped in both: the cell shows what happened."""
    journey = {"role": "interop", "protocol": "oid4vp", "params": {"issuer": "a", "wallet": "w", "verifier": "b"}}
    rows = matrix_rows([res("b", "J", "skip", **journey), res("b", "J", "skip", **journey),
                        res("b", "J", "unsupported", **journey)])
    assert [row["outcome"] for row in rows] == ["skip"]
    # A judged outcome still comes first, the worst of them.
    rows = matrix_rows([res("b", "J", "skip", **journey), res("b", "J", "pass", **journey),
                        res("b", "J", "unsupported", **journey)])
    assert [row["outcome"] for row in rows] == ["pass"]
    only_undeclared = matrix_rows([res("b", "J", "unsupported", **journey)])
    assert [row["outcome"] for row in only_undeclared] == ["unsupported"]


def test_html_escapes_hostile_vendor_text() -> None:
    stream = sample_stream()
    page = render_html(stream, build_summary(stream))
    # The only script element is the suite's own filter script.
    assert page.count("<script") == 1
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "</pre><script>" not in page
    assert 'href="javascript:' not in page
    assert 'href="https://acme.example/wcag"' in page


def test_html_csp_allows_only_the_suites_own_script() -> None:
    stream = sample_stream()
    page = render_html(stream, build_summary(stream))
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page
    # Self-contained: no external stylesheet, script or image.
    assert not re.search(r"<(link|img)\b|<script[^>]+src=", page)


def test_html_shows_what_a_vendor_needs() -> None:
    stream = sample_stream()
    page = render_html(stream, build_summary(stream))
    for text in ("P3 Unlock Learning Anywhere", "P6 Public &amp; Private Partnerships", "verifier.accept-tampered",
                 "vc-data-model", "run-7", 'data-outcome="expected-fail"', 'data-outcome="unexpected-pass"',
                 "HTTP exchanges (1)", "Attested by the vendor", "Interoperability matrix", "known bug"):
        assert text in page, text


def test_junit_parses_and_maps_outcomes(tmp_path: Path) -> None:
    build_reports(sample_stream(), tmp_path)
    root = ET.parse(tmp_path / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    acme = suites["acme"]
    assert (acme.get("tests"), acme.get("failures"), acme.get("errors"), acme.get("skipped")) == ("9", "2", "1", "3")
    cases = {c.get("name").split(" ")[0]: c for c in acme.iter("testcase")}
    assert cases["ISS-2"].find("failure") is not None
    assert "\x00" not in cases["ISS-2"].find("failure").get("message")
    assert cases["ISS-8"].find("failure").get("type") == "unexpected-pass"
    assert cases["ISS-7"].find("skipped").get("message") == "expected failure: known bug"
    assert cases["ISS-5"].find("error") is not None
    assert cases["ISS-3"].find("system-out").text.startswith("WARN")
    assert cases["ISS-1"].find("failure") is None and cases["ISS-1"].find("skipped") is None
    assert "INT-1[issuer=ref,verifier=acme]" in cases
    assert root.get("tests") == "11"


def test_build_reports_writes_all_three(tmp_path: Path) -> None:
    summary = build_reports(sample_stream(), tmp_path / "out")
    assert json.loads((tmp_path / "out" / "summary.json").read_text()) == summary
    assert (tmp_path / "out" / "index.html").read_text().startswith("<!DOCTYPE html>")


def test_no_crash_on_empty_streams(tmp_path: Path) -> None:
    header_only = Stream({"kind": "header", "run_id": "r", "suite_version": "0.1.0", "spec_versions": {}, "vendors": [], "faults": []})
    for index, stream in enumerate([Stream(), header_only]):
        summary = build_reports(stream, tmp_path / str(index))
        assert summary["vendors"] == [] and summary["matrix"] == [] and summary["checks_executed"] == 0
        ET.parse(tmp_path / str(index) / "junit.xml")
        assert "no vendors and no results" in (tmp_path / str(index) / "index.html").read_text()


def test_safe_href() -> None:
    assert safe_href("https://w3.org/x#a") == "https://w3.org/x#a"
    for bad in ("javascript:alert(1)", " JavaScript:x", "data:text/html,x", "vbscript:x", None, 7, "http://[::1"):
        assert safe_href(bad) is None


def test_report_files_merges_shards_and_writes_the_merged_stream(tmp_path: Path) -> None:
    from ler_interop.report import report_files
    from ler_interop.results import ResultsWriter, read_results

    paths = []
    for shard, vendor in enumerate(("acme", "beta")):
        path = tmp_path / f"shard{shard}.jsonl"
        with ResultsWriter(path) as writer:
            writer.header(run_id="r", suite_version="0.1.0", spec_versions={}, vendors=[{"id": vendor, "name": vendor, "roles": [], "profiles": []}])
            writer.result(res(vendor, "ISS-1", "pass"))
        paths.append(path)
    summary = report_files(paths, tmp_path / "out")
    assert [v["id"] for v in summary["vendors"]] == ["acme", "beta"]
    assert len(read_results(tmp_path / "out" / "results.jsonl").results) == 2


def test_allure_labels_from_check_metadata() -> None:
    from ler_interop.report.allure_labels import allure_labels

    meta = {"id": "VER-VCAPI-010", "role": "verifier", "protocol": "vc-api", "level": "SHOULD", "principles": ["P2"], "profiles": ["ob3"]}
    assert allure_labels(meta, vendor="acme") == [
        ("epic", "verifier"), ("feature", "vc-api"), ("story", "VER-VCAPI-010"), ("severity", "normal"),
        ("tag", "P2 Privacy & Security"), ("tag", "profile:ob3"), ("suite", "acme"),
    ]


def test_junit_summarises_evidence_one_line_per_exchange(tmp_path: Path) -> None:
    build_reports(sample_stream(), tmp_path)
    root = ET.parse(tmp_path / "junit.xml").getroot()
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("ISS-2 "))
    assert case.find("system-err").text == f"POST {EXCHANGE['url']} -> 200"


def test_build_reports_accepts_a_stream_path(tmp_path: Path) -> None:
    from ler_interop.results import write_stream

    write_stream(sample_stream(), tmp_path / "results.jsonl")
    assert build_reports(tmp_path / "results.jsonl", tmp_path) == build_summary(sample_stream())
