"""The wallet's credential store: one learner's credentials, in memory, thread-safe.

Holder private keys live only here, beside the credential they were proved for (never in an
answer, an export or a log: `repr=False`). Imported credentials come without keys, so they can
be listed, fetched and exported again, but not presented (no key to bind a presentation).

Store-level fault switches: wallet.single-issuer, wallet.delete-keeps-listed,
wallet.export-keeps-deleted (tombstones are kept only under that fault),
wallet.reset-keeps-credentials.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ...protocols.oid4vci_wallet import Holder


def utc_now() -> str:
    """xsd:dateTime in UTC, second precision, `Z`."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class StoredCredential:
    id: str
    format: str
    credential: Any  # as the Credential Endpoint returned it (unless a fault changed it)
    issuer: str | None
    types: list[str]
    received: str = field(default_factory=utc_now)
    holder: Holder | None = field(default=None, repr=False)  # None for imported credentials

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "format": self.format, "types": list(self.types)}
        if self.issuer is not None:
            out["issuer"] = self.issuer
        return out

    def detail(self) -> dict[str, Any]:
        return {"id": self.id, "format": self.format, "credential": self.credential}


def new_id() -> str:
    return str(uuid.uuid4())


class CredentialStore:
    def __init__(self, faults: frozenset[str] = frozenset()):
        self.faults = faults
        self._lock = threading.Lock()
        self._items: dict[str, StoredCredential] = {}
        self._deleted: list[StoredCredential] = []

    def add(self, items: list[StoredCredential], *, from_issuance: bool = False) -> None:
        with self._lock:
            if from_issuance and "wallet.single-issuer" in self.faults:
                keep = {i.issuer for i in items}
                self._items = {k: v for k, v in self._items.items() if v.issuer in keep}
            for item in items:
                self._items[item.id] = item

    def all(self) -> list[StoredCredential]:
        with self._lock:
            return list(self._items.values())

    def get(self, credential_id: str) -> StoredCredential | None:
        with self._lock:
            return self._items.get(credential_id)

    def delete(self, credential_id: str) -> bool:
        """False when unknown."""
        with self._lock:
            item = self._items.get(credential_id)
            if item is None:
                return False
            if "wallet.delete-keeps-listed" in self.faults:
                return True
            del self._items[credential_id]
            if "wallet.export-keeps-deleted" in self.faults:
                self._deleted.append(item)
            return True

    def exportable(self) -> list[StoredCredential]:
        with self._lock:
            return list(self._items.values()) + list(self._deleted)

    def reset(self) -> None:
        if "wallet.reset-keeps-credentials" in self.faults:
            return
        with self._lock:
            self._items.clear()
            self._deleted.clear()
