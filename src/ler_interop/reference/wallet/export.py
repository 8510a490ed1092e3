"""The wallet's export document and its import (wallet backchannel v1, `GET /export`,
`POST /import`; docs/backchannels.openapi.yaml):

    {"type": "LerWalletExport", "version": "1", "exported": "<xsd:dateTime Z>",
     "credentials": [{"id", "format", "credential", "received"}]}

Credentials travel exactly as issued; holder private keys never leave the wallet, so an
imported credential can be shown and exported again but not presented. Import validates the
whole document before storing anything and gives every credential a new id.
"""

from __future__ import annotations

import re
from typing import Any

from . import mutations
from .reading import FORMATS, issuer_and_types
from .store import CredentialStore, StoredCredential, new_id, utc_now

EXPORT_TYPE = "LerWalletExport"
EXPORT_VERSION = "1"
MAX_IMPORTED = 1000
# xsd:dateTime (with an optional fraction and a Z or +hh:mm offset).
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class NotAnExport(ValueError):
    """The import body is not an export document (answered 400 invalid_request)."""


def export_document(store: CredentialStore, faults: frozenset[str]) -> dict[str, Any]:
    entries = []
    for item in store.exportable():
        credential = item.credential
        if item.format == "ldp_vc" and "wallet.export-drops-evidence" in faults:
            credential = mutations.drop_evidence(credential)
        entries.append({"id": item.id, "format": item.format, "credential": credential, "received": item.received})
    return {"type": EXPORT_TYPE, "version": EXPORT_VERSION, "exported": utc_now(), "credentials": entries}


def _entry(i: int, entry: Any) -> StoredCredential:
    where = f"credentials[{i}]"
    if not isinstance(entry, dict):
        raise NotAnExport(f"{where} is not an object")
    fmt, credential, received = entry.get("format"), entry.get("credential"), entry.get("received")
    if fmt not in FORMATS:
        raise NotAnExport(f"{where}.format must be one of {', '.join(FORMATS)}")
    if not isinstance(credential, dict if fmt == "ldp_vc" else str):
        raise NotAnExport(f"{where}.credential must be {'a JSON object' if fmt == 'ldp_vc' else 'a compact string'} "
                          f"for {fmt}")
    if received is not None and not (isinstance(received, str) and _DATETIME.match(received)):
        raise NotAnExport(f"{where}.received must be an xsd:dateTime")
    try:
        issuer, types = issuer_and_types(credential, fmt)
    except ValueError as exc:
        raise NotAnExport(f"{where}.credential is not a readable {fmt} credential: {exc}") from None
    return StoredCredential(new_id(), fmt, credential, issuer, types, received or utc_now())


def parse_import(doc: dict[str, Any]) -> list[StoredCredential]:
    if doc.get("type") != EXPORT_TYPE or doc.get("version") != EXPORT_VERSION:
        raise NotAnExport(f"an export document has type {EXPORT_TYPE!r} and version {EXPORT_VERSION!r}")
    credentials = doc.get("credentials")
    if not isinstance(credentials, list):
        raise NotAnExport("`credentials` must be an array")
    if len(credentials) > MAX_IMPORTED:
        raise NotAnExport(f"at most {MAX_IMPORTED} credentials per import")
    return [_entry(i, entry) for i, entry in enumerate(credentials)]


def as_imported(items: list[StoredCredential], faults: frozenset[str]) -> list[StoredCredential]:
    """What the wallet keeps of verified imports (a content fault loses data only after the
    import was verified, as a storage bug would)."""
    if "wallet.import-drops-alignment" in faults:
        for item in items:
            if item.format == "ldp_vc":
                item.credential = mutations.drop_alignment(item.credential)
    return items
