"""The certificates a certifier issued into a report folder (`certificates/index.json`, written
by `ler-interop certify`), made ready for index.html.

The folder may have been copied, edited or planted, so the index is hostile input: it may be
absent (no section), empty, broken or hold odd entries; the report is built either way, with at
most one line on stderr. Only a relative path to a file inside the folder becomes a link, and
the badge is shown inline (a data: URI: the page's CSP loads no file, and an SVG in <img> runs
nothing) only when it reads back as a baked badge.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from ..certify.badge import MAX_BADGE_BYTES, BadgeError, unbake
from ..safe_text import neutralise

INDEX = PurePosixPath("certificates/index.json")
MAX_INDEX_BYTES = 1024 * 1024
MAX_CERTIFICATES = 500
TEXT_FIELDS = ("vendor", "scope", "validFrom", "validUntil")


def load_certificates(folder: Path) -> list[dict[str, Any]]:
    """The index's entries as views ({vendor, scope, validFrom, validUntil, revoked, json_href,
    svg_href, badge_src, anchor}); [] when there is no index or it cannot be read."""
    path = Path(folder) / INDEX
    if not path.is_file():
        return []
    try:
        if path.stat().st_size > MAX_INDEX_BYTES:
            raise ValueError(f"over {MAX_INDEX_BYTES} bytes")
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entries, list):
            raise ValueError("not a JSON list")
    except (OSError, ValueError, RecursionError) as exc:
        _say(f"{INDEX} not shown: {exc}")
        return []
    # A superseded certificate (re-issued for the same vendor and scope) stays in the index only
    # to keep its status-list index in use; the section shows the current ones.
    entries = [e for e in entries if not (isinstance(e, dict) and e.get("superseded") is True)]
    views = [_view(Path(folder), entry, i) for i, entry in enumerate(entries[:MAX_CERTIFICATES], start=1)]
    skipped = len(entries) - sum(v is not None for v in views)
    if skipped:
        _say(f"{INDEX}: {skipped} of {len(entries)} entries not shown (not an object with a vendor, or past {MAX_CERTIFICATES})")
    return [v for v in views if v is not None]


def _view(folder: Path, entry: Any, index: int) -> dict[str, Any] | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("vendor"), str) or not entry["vendor"]:
        return None
    view: dict[str, Any] = {field: _text(entry.get(field)) for field in TEXT_FIELDS}
    view.update(
        revoked=entry.get("revoked") is True,
        anchor=f"certificate-{index}",
        json_href=local_href(folder, entry.get("json"), ".json"),
        svg_href=local_href(folder, entry.get("svg"), ".svg"),
        json_path=_text(entry.get("json")), svg_path=_text(entry.get("svg")),
    )
    view["badge_src"] = _badge_src(folder, view["svg_href"] and entry["svg"])
    return view


def _text(value: Any) -> str:
    return "" if value is None else neutralise(value)[:200]


def local_href(folder: Path, relative: Any, suffix: str) -> str | None:
    """A URL-quoted relative link to a `suffix` file in the folder's certificates/, or None: no
    scheme, no absolute path, no `..`, no backslash, and the resolved file must lie there
    (symlinks too). Nothing else in the folder (a certifier's key, say) is ever linked."""
    if not isinstance(relative, str) or not relative.endswith(suffix) or len(relative) > 500 or "\\" in relative:
        return None
    if any(ord(c) < 0x20 or c == "\x7f" for c in relative):
        return None
    try:
        parts = urlsplit(relative)
    except ValueError:
        return None
    pure = PurePosixPath(relative)
    if parts.scheme or parts.netloc or pure.is_absolute() or ".." in pure.parts or pure.parts[0] != INDEX.parts[0]:
        return None
    try:
        root = (folder / INDEX.parent).resolve()
        target = (folder / pure).resolve()
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return quote(pure.as_posix(), safe="/")


def _badge_src(folder: Path, relative: str | None) -> str | None:
    if not relative:
        return None
    try:
        path = folder / relative
        if path.stat().st_size > MAX_BADGE_BYTES:
            return None
        data = path.read_bytes()
        unbake(data)  # shown only when it is a well-formed, baked badge
    except (OSError, BadgeError):
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def _say(line: str) -> None:
    print(f"ler-interop: {neutralise(line)[:500]}", file=sys.stderr)
