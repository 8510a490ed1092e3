"""What `certify` writes into OUT/certificates/ besides the status list: the certificate, its
badge, the index the HTML report reads, and (did:web) the DID document to publish; then the
report in OUT is rebuilt so it links the badges."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from ..reference.didweb import did_document
from ..credentials.keys import Key
from .badge import badge_svg

CERT_DIR = "certificates"
INDEX_FILE = "index.json"


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)  # a reader (a web server) never sees half a file


def write_badge(out: Path, stem: str, credential: dict[str, Any], *, vendor: str, scope: str) -> str:
    """certificates/<stem>.svg with the credential baked in (OB 3.0 SVG baking, badge.py)."""
    # The badge shows the day (the full instant is in the credential it carries).
    svg = badge_svg(credential, vendor=vendor, scope=scope, issued=credential["validFrom"][:10], conforms=True)
    path = out / CERT_DIR / f"{stem}.svg"
    path.write_text(svg, encoding="utf-8")
    return path.relative_to(out).as_posix()


def read_index(out: Path) -> list[dict[str, Any]]:
    path = out / CERT_DIR / INDEX_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return []  # rebuilt from what is issued next; the certificates themselves are untouched
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def record(out: Path, entry: dict[str, Any]) -> None:
    """Add (or replace, same vendor and scope) one certificate in certificates/index.json."""
    entries = [e for e in read_index(out) if (e.get("vendor"), e.get("scope")) != (entry["vendor"], entry["scope"])]
    write_json(out / CERT_DIR / INDEX_FILE, [*entries, entry])


def mark_revoked(out: Path, cert_path: Path) -> None:
    entries = read_index(out)
    for entry in entries:
        if entry.get("json") and (out / entry["json"]).resolve() == cert_path.resolve():
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
