"""junit.xml for CI systems: one <testsuite> per vendor, one <testcase> per result.

Mapping: fail -> <failure>; error -> <error>; unsupported/skip -> <skipped>; warn -> passed with
a <system-out> note; an expected fail -> <skipped> naming the reason (as pytest reports xfail);
an unexpected pass -> <failure> (as pytest reports a strict xpass). Evidence is summarised one line per HTTP exchange.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Mapping

from ..results import Stream
from ..scoring import EXPECTED_FAIL, UNEXPECTED_PASS, effective_outcome
from ..safe_text import neutralise
from .summary import vendor_entries

# XML 1.0 forbids U+FFFE/U+FFFF (controls and lone surrogates are already escaped by neutralise).
_NOT_XML_CHAR = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """Vendor text for a CI viewer: control characters shown as escapes, never raw."""
    return _NOT_XML_CHAR.sub("\ufffd", neutralise(value, keep_newlines=True))


def _case_name(result: Mapping[str, Any]) -> str:
    params = result.get("params") or {}
    suffix = "[" + ",".join(f"{k}={v}" for k, v in sorted(params.items())) + "]" if params else ""
    return xml_text(f"{result['check']}{suffix} {result.get('title', '')}".strip())


def _testcase(result: Mapping[str, Any]) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=xml_text(f"{result['vendor']}.{result.get('role') or 'none'}.{result.get('protocol') or 'none'}"),
        name=_case_name(result),
        time=f"{float(result.get('duration_ms') or 0) / 1000:.3f}",
    )
    shown, message = effective_outcome(result), xml_text(result.get("message", ""))
    detail = xml_text(f"{result.get('level', '')} {result.get('spec', '')}\n{result.get('message', '')}")
    if shown == "fail":
        ET.SubElement(case, "failure", message=message, type="fail").text = detail
    elif shown == UNEXPECTED_PASS:
        reason = xml_text(result.get("expected_failure"))
        ET.SubElement(case, "failure", message=f"unexpected pass: expected to fail ({reason})", type="unexpected-pass").text = detail
    elif shown == "error":
        ET.SubElement(case, "error", message=message, type="error").text = detail
    elif shown == EXPECTED_FAIL:
        ET.SubElement(case, "skipped", message=xml_text(f"expected failure: {result.get('expected_failure')}"), type="expected-fail")
    elif shown in ("unsupported", "skip"):
        ET.SubElement(case, "skipped", message=message or shown, type=shown)
    elif shown == "warn":
        ET.SubElement(case, "system-out").text = xml_text(f"WARN ({result.get('level')} not met): {result.get('message', '')}")
    if result.get("evidence"):
        # One line per exchange: full bodies live in index.html; CI viewers choke on megabytes of XML.
        ET.SubElement(case, "system-err").text = xml_text("\n".join(
            f"{ex.get('method', '')} {ex.get('url', '')} -> {ex.get('status')}" + (f" ({ex['error']})" if ex.get("error") else "")
            for ex in result["evidence"] if isinstance(ex, Mapping)
        ))
    return case


def build_junit(stream: Stream) -> bytes:
    root = ET.Element("testsuites", name=xml_text(f"ler-interop {stream.header.get('run_id', '')}".strip()))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for vendor in vendor_entries(stream):
        results = [r for r in stream.results if r.get("vendor") == vendor["id"]]
        cases = [_testcase(r) for r in results]
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        suite = ET.SubElement(
            root,
            "testsuite",
            name=xml_text(vendor["id"]),
            time=f"{sum(float(r.get('duration_ms') or 0) for r in results) / 1000:.3f}",
            **{k: str(v) for k, v in counts.items()},
        )
        suite.extend(cases)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
