"""Console output of `ler-interop run`: a rich progress bar fed by pytest hooks, and the
per-vendor table of the seven principle scores."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Mapping

import pytest
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .plugin_results import NOT_RUN_ATTR, REPORT_ATTR
from .safe_text import neutralise

PRINCIPLE_IDS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
OUTCOME_STYLE = {"pass": "green", "fail": "red", "warn": "yellow", "unsupported": "dim", "error": "magenta", "skip": "dim"}


class ProgressPlugin:
    """A pytest plugin object: one tick per check that runs, outcome tallies in the description.
    The total counts only the checks that will run, after -k, --role, --vendor and applicability
    (plugin.will_run): one not applicable to its vendors, or a role no vendor plays, is counted
    apart as "not run". With xdist the controller only learns the workers' node ids, so the
    total starts at their count and drops as each not-run item is reported."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.task = self.progress.add_task("checks", total=None)
        self.tally: Counter[str] = Counter()
        self.not_run: set[str] = set()  # node ids that are not ticked
        self.total: int | None = None

    def pytest_sessionstart(self) -> None:
        self.progress.start()

    def pytest_collection_finish(self, session: Any) -> None:
        from .plugin import will_run

        if session.items:
            self.not_run = {item.nodeid for item in session.items if not will_run(item)}
            self._set_total(len(session.items) - len(self.not_run))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self._set_total(len(ids))  # every worker collects the same items

    def pytest_runtest_logreport(self, report: Any) -> None:
        if getattr(report, NOT_RUN_ATTR, False) and report.nodeid not in self.not_run:
            self.not_run.add(report.nodeid)  # xdist: learnt only now
            self._set_total((self.total or 1) - 1)
        raw = getattr(report, REPORT_ATTR, None)
        if raw is not None and report.nodeid not in self.not_run:
            self.tally[json.loads(raw)["outcome"]] += 1
        self.progress.update(self.task, description=self._describe())

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        if nodeid not in self.not_run:
            self.progress.advance(self.task)

    def pytest_sessionfinish(self) -> None:
        self.progress.stop()

    def _set_total(self, total: int) -> None:
        self.total = total
        self.progress.update(self.task, total=total)

    def _describe(self) -> str:
        parts = [f"[{OUTCOME_STYLE[o]}]{n} {o}[/]" for o, n in self.tally.items() if n]
        if self.not_run:
            parts.append(f"[dim]({len(self.not_run)} not run: not declared)[/]")
        return "checks " + " ".join(parts)


def not_declared_lines(summary: Mapping[str, Any]) -> list[str]:
    """One line per vendor for the checks of roles/protocols it does not declare: not run, and
    not a missing feature (the table's u counts them with the other unsupported checks)."""
    lines = []
    for vendor in summary.get("vendors", []):
        skipped = vendor.get("not_declared") or {}
        if skipped.get("checks"):
            plural = "s" if skipped["checks"] != 1 else ""
            lines.append(f"{vendor['id']}: {skipped['checks']} check{plural} of roles/protocols it does not declare "
                         f"({', '.join(skipped.get('protocols', []))}): not run")
    return lines


def _score_cell(verdict: Mapping[str, Any]) -> str:
    score = verdict.get("score")
    if score is None:
        return "[dim]-[/]"
    style = "green" if verdict.get("conforms") else "red"
    return f"[{style}]{score:.0f}[/]"  # whole numbers keep the table narrow; summary.json has decimals


def summary_table(summary: Mapping[str, Any]) -> Table:
    """Vendors x principles: the score (0-100), green when the vendor conforms, red when not."""
    # Tight padding and unwrapped score columns: the table must stay whole in 80 columns.
    table = Table(title=f"ler-interop run {summary.get('run_id', '')}", padding=(0, 1), collapse_padding=True,
                  caption="scores 0-100 (red: a MUST check failed or errored); "
                          "p/f/w/u/e/s = pass/fail/warn/unsupported/error/skip")
    table.add_column("vendor", no_wrap=True)
    for principle in PRINCIPLE_IDS:
        table.add_column(principle, justify="right", no_wrap=True, min_width=3)
    table.add_column("p/f/w/u/e/s", justify="right", no_wrap=True)
    table.add_column("conforms", no_wrap=True)
    for vendor in summary.get("vendors", []):
        principles = vendor.get("principles", {})
        counts = vendor.get("counts", {})
        conforms = all(v.get("conforms") for v in principles.values())
        table.add_row(
            neutralise(vendor["id"]),
            *(_score_cell(principles.get(p, {})) for p in PRINCIPLE_IDS),
            "/".join(str(counts.get(o, 0)) for o in ("pass", "fail", "warn", "unsupported", "error", "skip")),
            "[green]yes[/]" if conforms else "[red]no[/]",
        )
    return table
