"""The diff as a table for people (stdout) or a stable JSON document (--json).

Everything a vendor controls (ids, titles, messages, node ids) goes through safe_text.neutralise
before it reaches a terminal: a title must not be able to forge a "fixed" line or clear the screen.
The JSON document keeps the text exact (json escapes controls itself)."""

from __future__ import annotations

from typing import Any

from ..results import Stream, json_text
from ..safe_text import neutralise
from .compare import CLASSES, FIXED, MOVED, NEW_CHECK, REMOVED_CHECK, Change, Diff, Verdict, VendorDiff

DIFF_FORMAT = 1  # the JSON document's shape version; bump on an incompatible change
MESSAGE_CHARS = 120


def _run(stream: Stream, path: str) -> dict[str, Any]:
    header = stream.header
    run = {"path": path, "run_id": header.get("run_id", ""), "started": header.get("started", ""),
           "suite_version": header.get("suite_version", ""), "faults": header.get("faults", []),
           "problems": list(stream.problems)}
    if header.get("selection"):  # a partial run: checks outside it show as removed or new
        run["selection"] = header["selection"]
    return run


def _change_json(change: Change) -> dict[str, Any]:
    return {"class": change.cls, "check": change.check, "instance": change.instance, "title": change.title,
            "level": change.level, "old": change.old, "new": change.new, "regression": change.regression,
            "message": change.message}


def _verdict_json(verdict: Verdict | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    entry: dict[str, Any] = {"name": verdict.name, "old_conforms": verdict.old_conforms,
                             "new_conforms": verdict.new_conforms}
    if verdict.old_score is not None or verdict.new_score is not None:
        entry.update(old_score=verdict.old_score, new_score=verdict.new_score)
    return entry


def to_json(diff: Diff, old_path: str, new_path: str) -> dict[str, Any]:
    return {
        "diff_format": DIFF_FORMAT,
        "old": _run(diff.old, old_path),
        "new": _run(diff.new, new_path),
        "regressed": diff.regressed,
        "vendors": [{
            "id": v.id,
            "presence": v.presence,
            "regressed": bool(v.regressions),
            "regressions": v.regressions,
            "counts": v.counts,
            "conforms": _verdict_json(v.overall),
            "principles": [_verdict_json(p) for p in v.principles],
            "profiles": [_verdict_json(p) for p in v.profiles],
            "changes": [_change_json(c) for c in v.changes],
        } for v in diff.vendors],
    }


def json_document(diff: Diff, old_path: str, new_path: str) -> str:
    return json_text(to_json(diff, old_path, new_path), indent=2)


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "-"}[value]


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _change_line(change: Change) -> str:
    # Every vendor-controlled part is cut (a stream may hold a 100 kB title): one readable line each.
    text = (f"  {_cut(change.check)} {_cut(change.instance)}  {_cut(change.level)}  {change.old or 'absent'} -> "
            f"{change.new or 'absent'}  {_cut(change.title)}")
    if change.message and change.new not in ("pass", None):
        text += f"  | {change.message[:MESSAGE_CHARS]}"
    return neutralise(text)


def _vendor_lines(vendor: VendorDiff, show_all: bool) -> list[str]:
    name = neutralise(_cut(vendor.id, 80))
    lines: list[str] = []
    if vendor.presence == "removed":
        lines.append(f"{name}: REGRESSION: vendor missing from NEW")
    elif vendor.presence == "added":
        lines.append(f"{name}: vendor new in NEW")
    verdicts = [v for v in [vendor.overall, *vendor.principles, *vendor.profiles] if v is not None and v.changed]
    for verdict in verdicts:
        score = f"score {_score(verdict.old_score)} -> {_score(verdict.new_score)}, " if verdict.name.startswith("P") else ""
        mark = "  REGRESSION" if verdict.lost else ""
        lines.append(neutralise(f"{name}: {verdict.name}: {score}conforms {_yes(verdict.old_conforms)} -> "
                                f"{_yes(verdict.new_conforms)}{mark}"))
    listed = [c for c in vendor.changes if show_all or c.cls not in (NEW_CHECK, REMOVED_CHECK)]
    groups = [("regressions", [c for c in listed if c.regression]),
              ("fixed", [c for c in listed if c.cls == FIXED]),
              ("moved", [c for c in listed if c.cls == MOVED and not c.regression]),
              ("new checks", [c for c in listed if c.cls == NEW_CHECK]),
              ("removed checks", [c for c in listed if c.cls == REMOVED_CHECK])]
    for label, changes in groups:
        if changes:
            lines.append(f"{name}: {label} ({len(changes)})")
            lines.extend(_change_line(c) for c in changes)
    return lines


def table(diff: Diff, old_path: str, new_path: str, *, show_all: bool = False) -> str:
    lines = []
    for label, stream, path in (("OLD", diff.old, old_path), ("NEW", diff.new, new_path)):
        header = stream.header
        partial = " (partial run: selection " + json_text(header["selection"]) + ")" if header.get("selection") else ""
        lines.append(neutralise(f"{label} {path}: run {_cut(str(header.get('run_id', '')))}, suite {_cut(str(header.get('suite_version', '')))}"
                                f"{', faults ' + ', '.join(header['faults']) if header.get('faults') else ''}{partial}"))
    heads = ["vendor", *CLASSES, "conforms"]
    rows = [[neutralise(_cut(v.id, 80)), *(str(v.counts[c]) for c in CLASSES),
             f"{_yes(v.overall.old_conforms)} -> {_yes(v.overall.new_conforms)}" if v.overall else "-"]
            for v in diff.vendors]
    widths = [max(len(row[i]) for row in [heads, *rows]) for i in range(len(heads))]
    lines.append("")
    for row in [heads, *rows]:
        lines.append("  ".join(cell.ljust(w) if i in (0, len(heads) - 1) else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
    for vendor in diff.vendors:
        details = _vendor_lines(vendor, show_all)
        if details:
            lines += ["", *details]
    count = sum(len(v.regressions) for v in diff.vendors)
    regressed = [neutralise(_cut(v.id, 80)) for v in diff.vendors if v.regressions]
    lines.append("")
    lines.append(f"REGRESSED: {count} regression{'s' if count != 1 else ''} in {', '.join(regressed)}" if regressed
                 else "no regression")
    return "\n".join(lines)
