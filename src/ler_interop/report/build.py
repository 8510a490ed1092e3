"""Derive every report from a results stream: summary.json, index.html, junit.xml."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

from ..results import Stream, json_text, merge, read_results, write_stream
from ..safe_text import neutralise
from .html import write_html
from .junit import build_junit
from .summary import build_summary

RESULTS_FILE = "results.jsonl"
SUMMARY_FILE = "summary.json"
HTML_FILE = "index.html"
JUNIT_FILE = "junit.xml"


def build_reports(stream: Stream | str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Write summary.json, index.html and junit.xml into out_dir; return the summary dict
    (None when it could not be built).

    `stream` is a parsed Stream or the path of a results.jsonl file. Each report is written on
    its own: one that fails is named in one line on stderr and the others are still written.
    Lines the reader skipped are named on stderr too, and in every report.
    """
    if not isinstance(stream, Stream):
        stream = read_results(stream, light=True)  # evidence is read back per vendor page
    for problem in stream.problems:
        _say(f"results stream: {problem}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = _attempt(SUMMARY_FILE, lambda: build_summary(stream))
    if summary is not None:
        _attempt(SUMMARY_FILE, lambda: (out / SUMMARY_FILE).write_text(json_text(summary, indent=2) + "\n", encoding="utf-8"))
        _attempt(HTML_FILE, lambda: write_html(stream, summary, out, HTML_FILE))
    else:
        _say(f"{HTML_FILE} not written: it needs the summary")
    _attempt(JUNIT_FILE, lambda: (out / JUNIT_FILE).write_bytes(build_junit(stream)))
    return summary


def _attempt(name: str, build: Callable[[], Any]) -> Any:
    try:
        return build()
    except Exception as exc:  # one report's bug (or a full disk) must not cost the others
        _say(f"could not write {name}: {type(exc).__name__}: {exc}")
        return None


def _say(line: str) -> None:
    print(f"ler-interop: {neutralise(line)[:500]}", file=sys.stderr)


def report_files(paths: list[str | os.PathLike[str]], out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """`ler-interop report a.jsonl b.jsonl --out DIR`: merge the streams (refusing different suite
    versions), write the merged results.jsonl beside the reports, and build them."""
    merged = Path(out_dir) / RESULTS_FILE
    write_stream(merge(paths, light=True), merged)
    return build_reports(merged, out_dir)  # the merged file, read light: an input may have been `merged`
