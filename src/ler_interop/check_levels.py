"""What each MUST check rests on: suites/levels.yaml, part of the catalog.

A check is MUST only when a specification says so in a sentence with MUST, MUST NOT, REQUIRED
or SHALL (RFC 2119), or when a profile the suite defines (docs/CONTRACTS.md, "Profiles") makes
it mandatory and the check names that profile. levels.yaml holds one entry per MUST check:
`{spec, quote}` (the document and section, and the sentence word for word) or `{profile, rule}`.
`problems` is what tests/test_check_levels.py and `ler-interop checks` hold the catalog to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

FILE = "levels.yaml"
# RFC 2119 words that make a requirement; "MUST NOT" contains "MUST".
NORMATIVE = re.compile(r"\b(MUST|REQUIRED|SHALL)\b")
SPEC_KEYS = {"spec", "quote"}
PROFILE_KEYS = {"profile", "rule"}


def load(suites: str | Path) -> dict[str, dict[str, str]]:
    """The basis entries next to the suites (empty when the file is absent)."""
    path = Path(suites) / FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of check id -> basis")
    return data


def problems(metas: Iterable[Any], levels: Mapping[str, Any]) -> list[str]:
    """Every way the catalog and levels.yaml disagree, one line each (empty: they agree)."""
    metas = {m.id: m for m in metas}
    found = []
    for check_id, meta in sorted(metas.items()):
        if meta.level == "MUST" and check_id not in levels:
            found.append(f"{check_id}: MUST with no basis in {FILE}")
    for check_id, entry in sorted(levels.items()):
        meta = metas.get(check_id)
        if meta is None or meta.level != "MUST":
            found.append(f"{check_id}: has a basis in {FILE} but is {meta.level if meta else 'not a check'}, not MUST")
            continue
        keys = set(entry) if isinstance(entry, dict) else set()
        if keys == SPEC_KEYS:
            if not NORMATIVE.search(str(entry["quote"])):
                found.append(f"{check_id}: its quote has no MUST, MUST NOT, REQUIRED or SHALL")
        elif keys == PROFILE_KEYS:
            if entry["profile"] not in meta.profiles:
                found.append(f"{check_id}: rests on profile {entry['profile']!r}, which the check does not name")
        else:
            found.append(f"{check_id}: a basis is {{spec, quote}} or {{profile, rule}}, got {sorted(keys)}")
    return found


def describe(entry: Mapping[str, str]) -> tuple[str, str]:
    """(where, what): the document and section, or `profile X`; the sentence or the rule."""
    if "profile" in entry:
        return f"profile `{entry['profile']}`", str(entry["rule"])
    return str(entry["spec"]), f"\u201c{entry['quote']}\u201d"
