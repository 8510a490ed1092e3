"""Check metadata: the `check` marker every test in suites/ carries, and the check catalog.

A check is identified by a stable id (e.g. `ISS-VCAPI-004`) and says which principles it
evidences, how strong the rule is (MUST/SHOULD/MAY, RFC 2119), where the rule is written
(a spec URL with its section anchor), which role and protocol it exercises, which shared
profiles it belongs to and which declared capabilities (`requires`) it needs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

PRINCIPLES = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
LEVELS = ("MUST", "SHOULD", "MAY")
ROLES = ("issuer", "verifier", "wallet", "interop", "credential")
# `backchannel`: what a wallet does through its backchannel alone (store, list, delete, export, import).
PROTOCOLS = ("vc-api", "oid4vci", "oid4vp", "backchannel", "none")
CHECK_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
FIELDS = ("id", "title", "principles", "level", "spec", "role", "protocol", "profiles", "requires")
REQUIRED_FIELDS = ("id", "title", "principles", "level", "spec", "role", "protocol")


class CheckMetaError(ValueError):
    """A `check` marker that does not follow the contract (reported as a collection error)."""


@dataclass(frozen=True)
class CheckMeta:
    id: str
    title: str
    principles: tuple[str, ...]
    level: str
    spec: str
    role: str
    protocol: str
    profiles: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any], where: str = "") -> "CheckMeta":
        at = f" ({where})" if where else ""
        unknown = sorted(set(kwargs) - set(FIELDS))
        if unknown:
            raise CheckMetaError(f"check marker{at}: unknown field(s) {', '.join(unknown)}")
        missing = [name for name in REQUIRED_FIELDS if not kwargs.get(name)]
        if missing:
            raise CheckMetaError(f"check marker{at}: missing field(s) {', '.join(missing)}")
        meta = cls(
            id=str(kwargs["id"]),
            title=str(kwargs["title"]),
            principles=_tuple(kwargs["principles"]),
            level=str(kwargs["level"]),
            spec=str(kwargs["spec"]),
            role=str(kwargs["role"]),
            protocol=str(kwargs["protocol"]),
            profiles=_tuple(kwargs.get("profiles", ())),
            requires=_tuple(kwargs.get("requires", ())),
        )
        meta.validate(where)
        return meta

    @classmethod
    def from_marker(cls, marker: Any, where: str = "") -> "CheckMeta":
        if marker.args:
            raise CheckMetaError(f"check marker ({where}): use keyword arguments only")
        return cls.from_kwargs(dict(marker.kwargs), where)

    def validate(self, where: str = "") -> None:
        at = f"{self.id}{' at ' + where if where else ''}"
        if not CHECK_ID.match(self.id):
            raise CheckMetaError(f"check {at}: id must look like ISS-VCAPI-004")
        bad = [p for p in self.principles if p not in PRINCIPLES]
        if bad or not self.principles:
            raise CheckMetaError(f"check {at}: unknown principle(s) {bad or '[]'}; use {', '.join(PRINCIPLES)}")
        for name, value, allowed in (("level", self.level, LEVELS), ("role", self.role, ROLES),
                                     ("protocol", self.protocol, PROTOCOLS)):
            if value not in allowed:
                raise CheckMetaError(f"check {at}: unknown {name} {value!r}; use one of {', '.join(allowed)}")
        # Every rule must cite where it is written, down to the section (DESIGN.md §3).
        if not self.spec.startswith("https://") or "#" not in self.spec:
            raise CheckMetaError(f"check {at}: spec must be an https URL with a section anchor")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def _tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


# --- the catalog -------------------------------------------------------------------------


class _Collector:
    """A pytest plugin object that keeps the check metadata of every collected item."""

    def __init__(self) -> None:
        self.metas: dict[str, CheckMeta] = {}
        self.errors: list[str] = []

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        for item in items:
            marker = item.get_closest_marker("check")
            if marker is None:
                continue
            try:
                meta = CheckMeta.from_marker(marker, item.nodeid)
            except CheckMetaError as exc:
                self.errors.append(str(exc))
                continue
            self.metas.setdefault(meta.id, meta)  # one entry per check, whatever its params

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {report.longreprtext.strip().splitlines()[-1:]}")


def catalog(paths: Iterable[str | Path]) -> list[CheckMeta]:
    """Collect the given suite paths in-process (no vendor is contacted) and return their checks."""
    import pytest

    collector = _Collector()
    args = [str(p) for p in paths] + ["--collect-only", "-q", "-p", "no:cacheprovider", "--ler-catalog"]
    # pytest prints its collection tree; keep stdout clean for `checks --json`.
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main(args, plugins=[collector])
    if collector.errors:
        raise CheckMetaError("; ".join(collector.errors))
    if int(code) not in (0, 5):  # 5 = nothing collected
        raise CheckMetaError(f"collecting {', '.join(map(str, paths))} failed (pytest exit {int(code)})")
    return sorted(collector.metas.values(), key=lambda m: m.id)


def render_markdown(metas: list[CheckMeta], levels: dict[str, dict[str, str]] | None = None) -> str:
    """The catalog table; with `levels` (suites/levels.yaml), then what each MUST rests on."""
    lines = [
        "# Check catalog",
        "",
        "Generated by `ler-interop checks --markdown`; do not edit by hand.",
        "",
        "| id | level | principles | role | protocol | profiles | requires | title |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in metas:
        title = m.title.replace("|", "\\|")
        lines.append(
            f"| [{m.id}]({m.spec}) | {m.level} | {' '.join(m.principles)} | {m.role} | {m.protocol} "
            f"| {' '.join(m.profiles)} | {' '.join(m.requires)} | {title} |"
        )
    lines.append("")
    lines.append(f"{len(metas)} checks.")
    if levels:
        lines += _render_basis(metas, levels)
    return "\n".join(lines) + "\n"


def _render_basis(metas: list[CheckMeta], levels: dict[str, dict[str, str]]) -> list[str]:
    from .check_levels import describe

    lines = ["", "## What each MUST check rests on", "",
             "From `suites/levels.yaml`: the sentence (MUST/REQUIRED) a MUST check rests on, or the profile",
             "(docs/CONTRACTS.md, \"Profiles\") that makes it one.", "",
             "| id | rests on | sentence or rule |", "|---|---|---|"]
    for m in metas:
        if m.level == "MUST" and m.id in levels:
            where, what = (part.replace("|", "\\|").replace("\n", " ") for part in describe(levels[m.id]))
            lines.append(f"| {m.id} | {where} | {what} |")
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the catalog as JSON")
    fmt.add_argument("--markdown", action="store_true", help="write docs/CHECKS.md (or --out)")
    parser.add_argument("--out", help="where --markdown writes (default docs/CHECKS.md)")
    parser.add_argument("--suites", help="the suites folder to collect (default: the installed suites)")


def command(args: argparse.Namespace, suites: Path) -> int:
    from . import check_levels

    where = Path(args.suites or suites)
    try:
        metas = catalog([where])
        levels = check_levels.load(where)
    except (CheckMetaError, ValueError) as exc:
        print(f"ler-interop checks: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([{**m.to_dict(), **({"basis": levels[m.id]} if m.id in levels else {})} for m in metas],
                         indent=2))
    elif args.markdown:
        out = Path(args.out or "docs/CHECKS.md")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_markdown(metas, levels), encoding="utf-8")
        print(f"wrote {out} ({len(metas)} checks)")
    else:
        for m in metas:
            print(f"{m.id:<18} {m.level:<6} {','.join(m.principles):<9} {m.role:<10} {m.protocol:<8} {m.title}")
        print(f"{len(metas)} checks")
    return 0
