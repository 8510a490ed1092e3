"""Issue 12 item 9: results stream to disk during a run, and the report of many vendors stays
usable (one page per vendor, a small index, capped bodies) in bounded memory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

from synthetic_stream import write_stream

from ler_interop.plugin_results import REPORT_ATTR, ResultsSink, StreamListener
from ler_interop.results import read_results

MiB = 1024 * 1024


def _peak(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_writer_keeps_no_result_in_memory(tmp_path: Path):
    path = tmp_path / "results.jsonl"
    peak = _peak(lambda: write_stream(path, vendors=10, per_vendor=300, body_chars=4000))
    assert peak < 4 * MiB, f"writer peak {peak / MiB:.1f} MiB for a {path.stat().st_size / MiB:.0f} MiB stream"
    assert read_results(path).footer["checks_executed"] == 3000


def test_a_report_keeps_only_the_outcome_once_its_line_is_written(tmp_path: Path):
    sink = ResultsSink(tmp_path, "run-1")
    sink.start([{"id": "v"}], [], {})
    line = {"vendor": "v", "check": "X-1", "outcome": "fail", "evidence": [{"response_body": "x" * 10000}]}
    report = SimpleNamespace(**{REPORT_ATTR: json.dumps(line)})
    StreamListener(sink).pytest_runtest_logreport(report)  # type: ignore[arg-type]
    sink.writer.close()
    assert json.loads(getattr(report, REPORT_ATTR)) == {"outcome": "fail"}  # pytest keeps reports to the end
    assert read_results(tmp_path / "results.jsonl").results[0]["evidence"][0]["response_body"] == "x" * 10000


def test_forty_vendors_get_a_page_each_and_a_small_index(tmp_path: Path):
    source = write_stream(tmp_path / "in.jsonl", vendors=40, per_vendor=300, body_chars=1500)
    out = tmp_path / "report"
    # `ler-interop report` in its own process, so its peak resident memory is its own (tracemalloc
    # would measure the same in-process, at a few times the run time). VmHWM, not ru_maxrss: Linux
    # carries ru_maxrss across exec, so a big parent (an xdist worker) would count as the child's peak.
    probe = ("import re, sys; from ler_interop.cli import main; code = main(sys.argv[1:]); "
             "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
             "print(int(hwm) // 1024); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe, "report", str(source), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr  # 1: the synthetic vendors fail checks
    peak_mib = int(done.stdout.split()[-1])
    index = (out / "index.html").read_text(encoding="utf-8")
    pages = sorted((out / "vendors").glob("*.html"))
    assert len(pages) == 40
    assert len(index) < 1 * MiB, f"index.html is {len(index) / MiB:.1f} MiB"
    assert set(re.findall(r'href="(vendors/[^"]+)"', index)) == {f"vendors/{p.name}" for p in pages}
    page = pages[7].read_text(encoding="utf-8")
    assert "vendor-07" in page and page.count('class="check ') == 300 and 'href="../index.html"' in page
    assert peak_mib < 160, f"report peak {peak_mib} MiB over a {source.stat().st_size / MiB:.0f} MiB stream"
    # The merged stream the report wrote is the input, line for line (bodies kept whole there).
    assert (out / "results.jsonl").read_bytes().splitlines()[1:-1] == source.read_bytes().splitlines()[1:-1]


def test_bodies_shown_in_the_page_are_capped():
    from ler_interop.report.html import HTML_BODY_CAP, pretty_body

    shown = pretty_body(json.dumps({"a": "y" * 50000}))
    assert len(shown) < HTML_BODY_CAP + 100 and "the rest is in results.jsonl" in shown
