"""Derive every report from a results stream: summary.json, index.html, junit.xml."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..results import Stream, merge, read_results, write_stream
from .html import write_html
from .junit import build_junit
from .summary import build_summary

RESULTS_FILE = "results.jsonl"
SUMMARY_FILE = "summary.json"
HTML_FILE = "index.html"
JUNIT_FILE = "junit.xml"


def build_reports(stream: Stream | str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Write summary.json, index.html and junit.xml into out_dir; return the summary dict.

    `stream` is a parsed Stream or the path of a results.jsonl file.
    """
    if not isinstance(stream, Stream):
        stream = read_results(stream, light=True)  # evidence is read back per vendor page
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = build_summary(stream)
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_html(stream, summary, out, HTML_FILE)
    (out / JUNIT_FILE).write_bytes(build_junit(stream))
    return summary


def report_files(paths: list[str | os.PathLike[str]], out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """`ler-interop report a.jsonl b.jsonl --out DIR`: merge the streams (refusing different suite
    versions), write the merged results.jsonl beside the reports, and build them."""
    merged = Path(out_dir) / RESULTS_FILE
    write_stream(merge(paths, light=True), merged)
    return build_reports(merged, out_dir)  # the merged file, read light: an input may have been `merged`
