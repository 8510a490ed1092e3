"""Outcome capture and the results stream.

Each check's result line is built where the check ran (`result_for`), carried on the pytest
report as the attribute `ler_interop_result` (a JSON string, so it survives xdist's report
serialisation unchanged), and written by the one controller process (`ResultsSink`), so
`-n 4` still gives ONE stream. Reports (summary.json, index.html, junit.xml) are derived from
the stream at session end, also when the run was interrupted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import pytest

from . import SPEC_VERSIONS, __version__, net, redact
from .checks import CheckMeta
from .manifest import Attestation, ExpectedFailure
from .outcomes import CAPABILITY, FAIL, PASS, UNSUPPORTED, WARN, CheckTimeout, ControlRefused, Unsupported, classify
from .plugin_state import (EVIDENCE_SOURCES, META, NO_VENDOR, NOT_RUN, PARTICIPANTS, RECORDER, item_vendors, state_of,
                           uses_vendors)
from .results import ResultsWriter
from .safe_text import neutralise

REPORT_ATTR = "ler_interop_result"
# True on the report of an item that was never run (no vendor plays its role, or it does not
# apply to its vendors): the progress bar leaves it out of its total (console.py).
NOT_RUN_ATTR = "ler_interop_not_run"


def expected_reason(entries: Iterable[ExpectedFailure], check_id: str, params: Mapping[str, Any]) -> str | None:
    """The reason a check (with these params) is expected to fail, or None. An entry without
    params covers every parametrisation of the check; with params, those given must match."""
    for entry in entries:
        if entry.check == check_id and all(str(params.get(k)) == str(v) for k, v in entry.params.items()):
            return entry.reason or "expected to fail"
    return None


def result_for(
    meta: CheckMeta,
    *,
    vendor: str,
    params: Mapping[str, Any],
    nodeid: str,
    outcome: str,
    message: str,
    duration_s: float,
    evidence: list[dict[str, Any]],
    expected_failure: str | None,
    cause: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    result = {
        "kind": "result",
        "vendor": vendor,
        "check": meta.id,
        "title": meta.title,
        "params": dict(params),
        "nodeid": nodeid,
        "outcome": outcome,
        "expected_failure": expected_failure,
        "level": meta.level,
        "principles": list(meta.principles),
        "role": meta.role,
        "protocol": meta.protocol,
        "profiles": list(meta.profiles),
        "spec": meta.spec,
        "duration_ms": round(duration_s * 1000, 1),
        "message": message,
        "evidence": evidence,
    }
    if outcome == UNSUPPORTED:  # not-declared (role protocol) or capability (outcomes.py)
        result["reason"] = reason or CAPABILITY
    if cause:  # a refused positive control: the report states it once per vendor (report/summary.py)
        result["cause"] = cause
    return result


def adjust_report(report: Any, result: Mapping[str, Any], location: tuple[str, int]) -> None:
    """Make pytest's own verdict agree with the check's outcome (terminal, exit status, junit)."""
    outcome, reason = result["outcome"], result["expected_failure"]
    if reason and outcome in (FAIL, WARN):
        report.outcome, report.wasxfail = "skipped", reason  # shown as XFAIL
    elif reason and outcome == PASS:
        report.outcome = "failed"  # strict: the expected-failures entry is stale
        report.longrepr = f"[XPASS(strict)] {result['check']} was expected to fail ({reason}) but passed"
    elif outcome == "unsupported":
        report.outcome, report.longrepr = "skipped", (location[0], location[1], f"unsupported: {neutralise(result['message'])}")
    elif outcome == WARN:
        # A SHOULD/MAY not met is not a failed run; the stream keeps the message.
        report.outcome, report.longrepr = "passed", None
        report.sections.append(("ler-interop warn", neutralise(result["message"])))


class ResultsSink:
    """The controller's stream: header at start, a line per check, footer + reports at the end."""

    def __init__(self, results_dir: Path, run_id: str):
        self.results_dir = results_dir
        self.run_id = run_id
        self.path = results_dir / "results.jsonl"
        self.writer = ResultsWriter(self.path)
        self.summary: dict[str, Any] | None = None

    def start(self, vendors: list[Mapping[str, Any]], faults: Iterable[str],
              attested: Mapping[str, list[Attestation]], selection: Mapping[str, Any] | None = None,
              shape: Mapping[str, Any] | None = None) -> None:
        self.writer.header(run_id=self.run_id, suite_version=__version__, spec_versions=SPEC_VERSIONS,
                           vendors=[dict(v) for v in vendors], faults=faults, selection=selection, shape=shape)
        for vendor_id, items in attested.items():
            for item in items:
                self.writer.attested(vendor=vendor_id, principle=item.principle, claim=item.claim,
                                     evidence_url=item.evidence_url)

    def write(self, result: Mapping[str, Any]) -> None:
        self.writer.result(result)

    def finish(self) -> dict[str, Any] | None:
        """Footer, then the derived reports; a broken report builder must not lose the stream."""
        self.writer.close()
        try:
            from .report import build_reports  # type: ignore[attr-defined]
        except ImportError:
            build_reports = _summary_only
        try:
            self.summary = build_reports(self.path, self.results_dir)
        except Exception as exc:  # report bugs are reported, never fatal to the run's record
            print(f"ler-interop: building reports from {self.path} failed: {neutralise(f'{type(exc).__name__}: {exc}')[:500]}",
                  file=sys.stderr)
        return self.summary


def _summary_only(stream_path: Path, out_dir: Path) -> dict[str, Any]:
    # Used only until report.build_reports lands: summary.json from the stream.
    from .report.summary import build_summary
    from .results import json_text, read_results

    summary = build_summary(read_results(stream_path))
    (out_dir / "summary.json").write_text(json_text(summary, indent=2), encoding="utf-8")
    return summary


# --- hooks (re-exported by plugin.py so pluggy registers them) -----------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    # A check's failure text quotes what the vendor answered, which may echo a secret. Scrub
    # the exception before any other plugin (Allure, the terminal) formats it, and the report after;
    # what pytest prints (`run -v`) has the vendor's control characters neutralised.
    if call.excinfo is not None:
        _scrub_exception(call.excinfo.value)
    report = yield
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        # A skip's (path, line, reason): keep the shape the terminal's `-rs` summary folds.
        path, line, reason = report.longrepr
        report.longrepr = (path, line, neutralise(redact.scrub_text(reason)))
    elif report.longrepr is not None:
        # Newlines kept: pytest prefixes each line of an exception's text ("E   "), so a vendor's
        # LF cannot start a bare line; CR (which could overwrite that prefix) and ESC are escaped.
        report.longrepr = neutralise(redact.scrub_text(report.longreprtext), keep_newlines=True)
    state = state_of(item.config)
    meta = item.stash.get(META, None)
    # One result per check: from the call phase, or from setup when the check never ran.
    if meta is None or not state.active or call.when == "teardown" or (call.when == "setup" and report.passed):
        return report
    primary, cell, participants = item_vendors(item)
    if primary is None and uses_vendors(item):
        setattr(report, NOT_RUN_ATTR, True)
        return report  # an empty parameter set: no vendor plays this role, nothing was checked
    exc = call.excinfo.value if call.excinfo else None
    outcome, message = classify(exc, meta.level)
    if call.when == "call":
        timed_out = _timed_out_parties(item.stash.get(RECORDER, None), exc, participants)
        for vendor_id, _ in participants:
            state.note_outcome(vendor_id, vendor_id in timed_out)
    for source in item.stash.get(EVIDENCE_SOURCES, []):
        source()
    item.stash[EVIDENCE_SOURCES] = []  # once: setup and call may both report
    evidence = [e.to_dict() for e in item.stash.get(RECORDER, net.Recorder()).exchanges]
    for vendor_id, _ in participants:
        health = state.health.get(vendor_id)
        if health and not health.alive:
            evidence.extend(health.evidence)
    evidence = redact.scrub_strings(evidence)  # also of the secrets learnt after each exchange was recorded
    callspec_params = getattr(getattr(item, "callspec", None), "params", {})
    params = {**cell, **{k: _json_safe(v) for k, v in callspec_params.items() if k != "vendor" and k not in PARTICIPANTS}}
    vendor_id = primary or NO_VENDOR
    result = result_for(meta, vendor=vendor_id, params=params, nodeid=item.nodeid, outcome=outcome,
                        message=redact.scrub_text(message), duration_s=call.duration, evidence=evidence,
                        expected_failure=expected_reason(state.expected.get(vendor_id, []), meta.id, params),
                        cause=redact.scrub_text(exc.cause) if isinstance(exc, ControlRefused) else None,
                        reason=exc.kind if isinstance(exc, Unsupported) else None)
    # ASCII JSON: a vendor's lone surrogate must survive xdist's transport (UTF-8) as an escape.
    setattr(report, REPORT_ATTR, json.dumps(result, default=str))
    if item.stash.get(NOT_RUN, False):
        setattr(report, NOT_RUN_ATTR, True)
    adjust_report(report, result, (str(item.path), item.location[1] or 0))
    return report


def _timed_out_parties(recorder: net.Recorder | None, exc: BaseException | None,
                       participants: list[tuple[str, str]]) -> set[str]:
    """Whom a timeout is charged to: the vendors whose own exchange ran out of time (their HTTP
    client knows), so three hanging verifiers never cut off the issuer of their cells. A check
    of one vendor that timed out elsewhere (e.g. waiting for what its wallet should send the
    suite's counterparts) is charged to that vendor; a cell's, to nobody it cannot name."""
    parties = set(recorder.timed_out) if recorder is not None else set()
    vendors = {vendor_id for vendor_id, _ in participants}
    if not parties and exc is not None and _is_timeout(exc) and len(vendors) == 1:
        parties = vendors
    return parties


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, (net.DeadlineExceeded, CheckTimeout)) or (
        isinstance(exc, net.NetError) and "Timeout" in str(exc))


def _scrub_exception(exc: BaseException) -> None:
    try:
        exc.args = tuple(redact.scrub_text(a) if isinstance(a, str) else a for a in exc.args)
    except (AttributeError, TypeError):  # exotic exceptions with read-only args
        pass


def _json_safe(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    raw = getattr(report, REPORT_ATTR, None)
    if raw is None:
        return None
    outcome = json.loads(raw)["outcome"]
    if outcome == WARN and report.passed:
        return "warned", "W", "WARN"
    if outcome == "unsupported" and report.skipped:
        return "unsupported", "U", "UNSUPPORTED"
    return None


class StreamListener:
    """Registered on the controller only (also the only process without xdist): every worker's
    report arrives here, so one process writes the one stream."""

    def __init__(self, sink: ResultsSink):
        self.sink = sink

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        raw = getattr(report, REPORT_ATTR, None)
        if raw is None:
            return
        try:
            result = json.loads(raw)
            self.sink.write(result)
        except Exception as exc:  # one unrecordable result must not end the run (and every report)
            print(f"ler-interop: could not record {neutralise(report.nodeid)[:200]}: "
                  f"{neutralise(f'{type(exc).__name__}: {exc}')[:300]}", file=sys.stderr)
            return
        # pytest keeps every report to the end of the session (terminal stats): once the line
        # is on disk, the report keeps only the outcome the terminal hooks read, not the evidence.
        setattr(report, REPORT_ATTR, json.dumps({"outcome": result["outcome"]}))
