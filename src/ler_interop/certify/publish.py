"""What `certify` writes into OUT/certificates/ besides the status list: the certificate, its
badge, the index the HTML report reads, and (did:web) the DID document to publish; then the
report in OUT is rebuilt so it links the badges."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..reference.didweb import did_document
from ..results import json_text
from ..credentials.keys import Key
from .badge import badge_svg
from .errors import CertifyError

CERT_DIR = "certificates"
INDEX_FILE = "index.json"
LOCK_FILE = ".certify.lock"


@contextmanager
def locked(out: Path) -> Iterator[Path]:
    """OUT/certificates/, created, held by this process alone: two `certify` (or `--revoke`) runs
    into one folder would otherwise both read the index and the list, draw indices and write,
    and the second write would drop the first's entry (and its index could be drawn again)."""
    cert_dir = out / CERT_DIR
    try:
        cert_dir.mkdir(parents=True, exist_ok=True)
        handle = (cert_dir / LOCK_FILE).open("a")
    except OSError as exc:
        raise CertifyError(f"--out {out}: cannot write {cert_dir}: {exc.strerror} (give a folder)") from None
    with handle:
        try:
            import fcntl
        except ImportError:  # no advisory locks here (Windows): one certify at a time
            yield cert_dir
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield cert_dir
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def file_slug(text: str) -> str:
    """`text` as a file name part: itself when it is a plain slug; otherwise its safe characters
    plus a short hash of the whole, so two ids never share a file ('a/b' and 'a-b') and nothing
    ('/', '..') leads out of certificates/."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")[:80]
    if slug == text and slug:
        return slug
    return f"{slug or 'x'}-{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)  # a reader (a web server) never sees half a file


def write_json(path: Path, value: Any) -> None:
    # As the results stream writes JSON: vendor text keeps its meaning, never a raw line separator.
    write_text(path, json_text(value, indent=2) + "\n")


def write_badge(out: Path, stem: str, credential: dict[str, Any], *, vendor: str, scope: str) -> str:
    """certificates/<stem>.svg with the credential baked in (OB 3.0 SVG baking, badge.py)."""
    # The badge shows the day (the full instant is in the credential it carries).
    svg = badge_svg(credential, vendor=vendor, scope=scope, issued=credential["validFrom"][:10], conforms=True)
    path = out / CERT_DIR / f"{stem}.svg"
    write_text(path, svg)
    return path.relative_to(out).as_posix()


def read_index(out: Path) -> list[dict[str, Any]]:
    """Every certificate ever issued into OUT (superseded ones too): [] when there is no index.
    The index is the record of the status-list indices in use, so an unreadable one is refused
    (CertifyError), never read as empty: an index drawn again would revoke two certificates."""
    path = out / CERT_DIR / INDEX_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise CertifyError(f"{path} is not readable ({getattr(exc, 'strerror', None) or str(exc)[:100]}): it records the "
                           f"status-list indices in use; restore it (the published copy) before certifying") from None
    if not isinstance(entries, list):
        raise CertifyError(f"{path} is not a JSON list: restore it (the published copy) before certifying")
    return [e for e in entries if isinstance(e, dict)]


def taken_indices(entries: list[dict[str, Any]]) -> set[int]:
    return {int(e["statusListIndex"]) for e in entries if str(e.get("statusListIndex", "")).isdigit()}


def record(out: Path, entry: dict[str, Any]) -> None:
    """Add one certificate to certificates/index.json. An earlier certificate of the same vendor
    and scope stays, marked `"superseded": true` without its file links (its file now holds the
    new certificate; the report does not show it): its status-list index stays in use for good,
    so no later certificate draws it, and `--revoke` of the old certificate still finds it."""
    entries = []
    for old in read_index(out):
        if (old.get("vendor"), old.get("scope")) == (entry["vendor"], entry["scope"]) and not old.get("superseded"):
            old = {**{k: v for k, v in old.items() if k not in ("json", "svg")}, "superseded": True}
        entries.append(old)
    write_json(out / CERT_DIR / INDEX_FILE, [*entries, entry])


def mark_revoked(out: Path, index: int) -> None:
    """Mark the certificate holding status-list index `index` revoked (indices are never reused)."""
    entries = read_index(out)
    for entry in entries:
        if str(entry.get("statusListIndex", "")) == str(index):
            entry["revoked"] = True
    if entries:
        write_json(out / CERT_DIR / INDEX_FILE, entries)


def write_did_document(out: Path, did: str, key: Key) -> Path:
    """The public DID document a did:web certifier publishes (public key only)."""
    path = out / CERT_DIR / "did.json"
    write_json(path, did_document(did, [key.public_only()]))
    return path


def rebuild_report(out: Path) -> None:
    """Rebuild OUT's report (when OUT holds one) so its HTML links the certificates."""
    if (out / "results.jsonl").is_file() and (out / "index.html").is_file():
        from ..report import build_reports

        if build_reports(out / "results.jsonl", out) is None:
            print(f"ler-interop certify: the report in {out} was not rebuilt (see above)", file=sys.stderr)
