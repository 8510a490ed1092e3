"""Expected outcomes of the peer lab: one file per peer vendor, peers/<peer>/expected/<vendor>.yaml,
in the manifest's expected-failures format (schemas/expected.schema.json) with `outcome`, `spec`
and `unsupported`. Every outcome not listed there must be `pass`; the lab fails on any change,
in either direction.

`LER_LAB_UPDATE=1` rewrites the files from a run: entries that still hold keep their reason and
spec; a new one gets a TODO reason, which the lab refuses until a person justifies it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from ler_interop.manifest import load_expected

TODO = "TODO: who is wrong here? quote the spec sentence, or fix the suite"


@dataclass(frozen=True)
class Outcome:
    vendor: str
    check: str
    params: str  # canonical JSON of the params
    outcome: str
    message: str = ""

    @property
    def params_dict(self) -> dict[str, Any]:
        return json.loads(self.params)


def read_outcomes(results_jsonl: Path) -> list[Outcome]:
    got = []
    for line in results_jsonl.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "outcome" in row and "check" in row:
            got.append(Outcome(row["vendor"], row["check"], json.dumps(row.get("params") or {}, sort_keys=True),
                               row["outcome"], (row.get("message") or "")[:300]))
    return got


def _matches(entry_params: dict[str, Any], params: dict[str, Any]) -> bool:
    return all(params.get(k) == v for k, v in entry_params.items())


def expected_outcome(path: Path, result: Outcome) -> str:
    """What the file says `result` should be: its entry's outcome, `unsupported`, or `pass`."""
    if not path.is_file():
        return "pass"
    for entry in load_expected(path):
        if entry.check == result.check and _matches(entry.params, result.params_dict):
            return entry.outcome
    for item in (yaml.safe_load(path.read_text()) or {}).get("unsupported") or []:
        check, params = (item, {}) if isinstance(item, str) else (item["check"], item["params"])
        if check == result.check and _matches(params, result.params_dict):
            return "unsupported"
    return "pass"


def differences(files: dict[str, Path], results: Iterable[Outcome]) -> list[str]:
    """One line per result whose outcome differs from its vendor's file."""
    lines = []
    for r in results:
        if r.vendor not in files:
            continue
        want = expected_outcome(files[r.vendor], r)
        if want != r.outcome:
            where = f" {r.params}" if r.params != "{}" else ""
            lines.append(f"{r.vendor} {r.check}{where}: expected {want}, got {r.outcome}: {r.message}")
    return lines


def unjustified(path: Path) -> list[str]:
    """Entries with no real reason, or a fail/warn with no quoted spec sentence."""
    lines = []
    for entry in load_expected(path) if path.is_file() else []:
        if entry.reason.startswith("TODO"):
            lines.append(f"{path.name}: {entry.check}: reason is a TODO")
        elif entry.outcome in ("fail", "warn") and not entry.spec:
            lines.append(f"{path.name}: {entry.check}: a {entry.outcome} needs the spec sentence it breaks (`spec`)")
    return lines


def write_expected(path: Path, vendor: str, results: Iterable[Outcome]) -> None:
    """Rewrite `path` from `results` (LER_LAB_UPDATE=1), keeping what still holds."""
    old = {(e.check, json.dumps(e.params, sort_keys=True)): e for e in (load_expected(path) if path.is_file() else [])}
    mine = [r for r in results if r.vendor == vendor]
    entries, unsupported = [], {}
    for r in sorted(mine, key=lambda r: (r.check, r.params)):
        if r.outcome == "unsupported":
            unsupported.setdefault(r.check, []).append(r)
            continue
        if r.outcome == "pass":
            continue
        kept = old.get((r.check, r.params)) or old.get((r.check, "{}"))
        entry: dict[str, Any] = {"check": r.check}
        if r.params != "{}" and not (kept and not kept.params):
            entry["params"] = r.params_dict
        entry["outcome"] = r.outcome
        entry["reason"] = kept.reason if kept and kept.outcome == r.outcome else f"{TODO} (suite: {r.message})"
        if kept and kept.spec and kept.outcome == r.outcome:
            entry["spec"] = kept.spec
        if entry not in entries:
            entries.append(entry)
    every = {r.check: [x for x in mine if x.check == r.check] for r in mine}
    flat: list[Any] = []
    for check, rows in sorted(unsupported.items()):
        if len(rows) == len(every[check]):
            flat.append(check)
        else:
            flat.extend({"check": check, "params": r.params_dict} for r in rows)
    doc = {"expected": entries, "unsupported": flat}
    header = (f"# Expected outcomes of peer vendor {vendor} in the peer lab (tests/lab). Every check not listed\n"
              "# here passes. A fail or warn names the spec sentence the peer breaks; `unsupported` follows\n"
              "# from the capabilities its manifest entry declares. Regenerate: LER_LAB_UPDATE=1 make lab\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110))
