"""The certificate's link to its results stream: a SHA-256 of the stream file's exact bytes.

It rides in one `evidence` item (genre DIGEST_GENRE) twice: as the item's `id`, an RFC 6920
Named Information URI (`ni:///sha-256;` + base64url digest, no padding) a program compares, and
as hex in its `description` for a person with `sha256sum`. Bytes, not parsed lines: any edit
to the file, even whitespace, is a different stream.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from ..credentials.findings import Check

DIGEST_GENRE = "ler-interop results stream digest"
NI_PREFIX = "ni:///sha-256;"
CHECK_NAME = "results-digest"


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of the file's bytes, read in blocks (streams can be large)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ni_uri(hex_digest: str) -> str:
    return NI_PREFIX + base64.urlsafe_b64encode(bytes.fromhex(hex_digest)).rstrip(b"=").decode("ascii")


def digest_evidence(hex_digest: str, file_name: str) -> dict[str, Any]:
    return {
        "id": ni_uri(hex_digest),
        "type": ["Evidence"],
        "name": "Results stream digest",
        "genre": DIGEST_GENRE,
        "description": f"SHA-256 of the exact bytes of the results stream ({file_name}): {hex_digest}",
        "narrative": "Anyone holding the stream can check this certificate covers exactly it: "
                     "`ler-interop verify --results RESULTS.jsonl CERT.json`, or compare `sha256sum` with the hex above.",
    }


def _digest_item(credential: Any) -> dict[str, Any] | None:
    evidence = credential.get("evidence") if isinstance(credential, dict) else None
    for item in evidence if isinstance(evidence, list) else [evidence]:
        if isinstance(item, dict) and item.get("genre") == DIGEST_GENRE and str(item.get("id", "")).startswith(NI_PREFIX):
            return item
    return None


def certificate_digest(credential: Any) -> str | None:
    """The stream digest (hex) a certificate names, or None."""
    item = _digest_item(credential)
    if item is None:
        return None
    encoded = item["id"][len(NI_PREFIX):]
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).hex()
    except ValueError:
        return None


def certificate_stream_name(credential: Any) -> str | None:
    """The file name the certificate says its digest covers (from the item's description), or None."""
    item = _digest_item(credential)
    found = re.search(r"results stream \((.{1,200})\): [0-9a-f]{64}$", str((item or {}).get("description", "")))
    return found.group(1) if found else None


def digest_check(credential: Any, stream_hex: str, stream_name: str) -> Check:
    """The `results-digest` step of `ler-interop verify --results` (credential: JSON text or parsed)."""
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except ValueError:  # a vc+jwt or SD-JWT: no evidence list to read
            credential = None
    named = certificate_digest(credential)
    if named is None:
        return Check(CHECK_NAME, False, "the credential names no results stream digest (not a ler-interop certificate)",
                     reason="results-digest.missing")
    if named != stream_hex:
        covers = certificate_stream_name(credential)
        return Check(CHECK_NAME, False, f"{stream_name} has SHA-256 {stream_hex}; the certificate covers "
                     f"{'a stream named ' + repr(covers) + ' with ' if covers else ''}SHA-256 {named} (give that exact file: "
                     f"a merged stream's shard or an edited copy is another file)", reason="results-digest.mismatch")
    return Check(CHECK_NAME, True, f"the certificate covers {stream_name} (SHA-256 {stream_hex})")
