"""A verifier that refuses the suite's valid credential (the positive control of every negative
check) leaves those checks unjudged (`error`, as before), and the report says why once, at the
top of the vendor's summary and HTML section, not once per check."""

from __future__ import annotations

import json
from pathlib import Path

from ler_interop.cli import main

SUITES = Path(__file__).resolve().parents[1] / "suites"
CAUSE = "your verifier rejects the suite's valid credential"


def test_a_refused_positive_control_is_reported_once(tmp_path):
    out = tmp_path / "run"
    main(["run", "--suites", str(SUITES), "--out", str(out), "--fault", "verifier.reject-all",
          "-k", "VER-VCAPI-010 or VER-VCAPI-011 or VER-VCAPI-012 or VER-VCAPI-013 or VER-VCAPI-001"])
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    blocked = [r for r in results if r["kind"] == "result" and r.get("cause")]
    assert {r["check"] for r in blocked} == {"VER-VCAPI-010", "VER-VCAPI-011", "VER-VCAPI-012", "VER-VCAPI-013"}
    assert {r["outcome"] for r in blocked} == {"error"}  # unjudged, as before
    assert {r["cause"] for r in blocked} == {CAUSE}
    vendor = json.loads((out / "summary.json").read_text())["vendors"][0]
    assert [(b["cause"], sorted(b["checks"])) for b in vendor["blocked"]] == \
        [(CAUSE, ["VER-VCAPI-010", "VER-VCAPI-011", "VER-VCAPI-012", "VER-VCAPI-013"])]
    html = (out / "index.html").read_text()
    top = html.index('class="blocked"')
    assert top < html.index("VER-VCAPI-010") or "Your verifier rejects" in html[top:top + 400]
    assert html.count("Your verifier rejects the suite&#39;s valid credential") == 1
