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

from .plugin_results import REPORT_ATTR
from .safe_text import neutralise

PRINCIPLE_IDS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
OUTCOME_STYLE = {"pass": "green", "fail": "red", "warn": "yellow", "unsupported": "dim", "error": "magenta", "skip": "dim"}


class ProgressPlugin:
    """A pytest plugin object: one tick per finished test, outcome tallies in the description.
    Works with xdist too: the controller learns the total from the workers' collections and
    receives every report."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.task = self.progress.add_task("checks", total=None)
        self.tally: Counter[str] = Counter()

    def pytest_sessionstart(self) -> None:
        self.progress.start()

    def pytest_collection_finish(self, session: Any) -> None:
        if session.items:
            self.progress.update(self.task, total=len(session.items))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.progress.update(self.task, total=len(ids))  # every worker collects the same items

    def pytest_runtest_logreport(self, report: Any) -> None:
        raw = getattr(report, REPORT_ATTR, None)
        if raw is not None:
            self.tally[json.loads(raw)["outcome"]] += 1
            self.progress.update(self.task, description=self._describe())

    def pytest_runtest_logfinish(self) -> None:
        self.progress.advance(self.task)

    def pytest_sessionfinish(self) -> None:
        self.progress.stop()

    def _describe(self) -> str:
        parts = [f"[{OUTCOME_STYLE[o]}]{n} {o}[/]" for o, n in self.tally.items() if n]
        return "checks " + " ".join(parts)


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
