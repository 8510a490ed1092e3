"""The certifier's revocation list: certificates/status-list.json, a signed
BitstringStatusListCredential (statusPurpose revocation) with MIN_ENTRIES entries.

Indices are drawn at random from the unused ones, so a certificate's position in the list says
nothing about when it was issued or to whom (the herd privacy the 131,072-entry minimum is for).
Every change re-signs the whole list with the certifier's key.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote

from ..credentials.crafting import Signer
from ..credentials.statuslist import MIN_ENTRIES, StatusList, StatusListError, status_list_credential
from ..results import utc_now
from .errors import CertifyError

PURPOSE = "revocation"
STATUS_FILE = "status-list.json"


def default_status_url(did: str) -> str | None:
    """did:web:HOST[:path] -> https://HOST[/path]/status-list.json (beside where did:web puts did.json
    for a path); a did:key has no home on the web, so None (the certifier gives --status-url)."""
    if not did.startswith("did:web:"):
        return None
    host, *path = did[len("did:web:"):].split(":")
    return "https://" + "/".join([unquote(host), *(unquote(p) for p in path), STATUS_FILE])


def load_list(path: Path, url: str, signer: Signer) -> StatusList:
    """The list already published at `url` (read from `path`), or a new empty one. Refuses a list
    for another URL or signed by another key: re-signing it would hijack another certifier's list."""
    if not path.exists():
        return StatusList(MIN_ENTRIES)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        encoded = doc["credentialSubject"]["encodedList"]
        bits = StatusList.decode(encoded)
    except (OSError, ValueError, KeyError, TypeError, StatusListError) as exc:
        raise CertifyError(f"{path} is not a readable status list ({str(exc)[:100]}); move it away to start a new one") from None
    if doc.get("id") != url:
        raise CertifyError(f"{path} is the list for {doc.get('id')}, not {url}; give --out another folder or --status-url {doc.get('id')}")
    proof = doc.get("proof") if isinstance(doc.get("proof"), dict) else {}
    if proof.get("verificationMethod") != signer.vm:
        raise CertifyError(f"{path} was signed by {proof.get('verificationMethod')}, not by this key ({signer.vm})")
    return bits


def allocate(statuslist: StatusList, taken: Iterable[int]) -> int:
    """A random index neither set in the list nor held by a listed certificate."""
    used = set(taken)
    for _ in range(1000):
        index = secrets.randbelow(statuslist.length)
        if index not in used and not statuslist.get(index):
            return index
    raise CertifyError("the status list is full; start a new one in another --out folder")


def write_list(path: Path, url: str, signer: Signer, statuslist: StatusList) -> dict[str, Any]:
    issuer = {"id": signer.did}
    credential = signer.sign(status_list_credential(url, issuer["id"], PURPOSE, statuslist, valid_from=utc_now()))
    from .publish import write_json

    write_json(path, credential)  # atomic: the published list is never half written
    return credential
