"""The reference issuer's Bitstring Status Lists: one for revocation, one for suspension.

Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/):
- each issued credential gets one index, the same in both lists, chosen at random so an
  index says nothing about issue order (§6.2 privacy, "herd privacy");
- the list is at least 131,072 entries (16 KB) (§6.1 and §4.1 `encodedList` minimum);
- revocation is permanent: "this status is not reversible" (§4.1 statusPurpose);
- each list is served as a signed BitstringStatusListCredential, re-signed after a change.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Callable

from ..credentials.statuslist import StatusList, status_entry, status_list_credential

PURPOSES = ("revocation", "suspension")
HERD_PRIVACY_LENGTH = 131_072
SMALL_LENGTH = 16_384  # fault issuer.small-status-list

Signer = Callable[[dict], dict]


class UnknownCredential(KeyError):
    """No credential with that id was issued here (VC API: 404)."""


class StatusChangeRefused(ValueError):
    """A status change the rules forbid, e.g. un-revoking (VC API: 400)."""


@dataclass
class StatusRegistry:
    base_url: str  # the issuer origin; lists live at <base>/status/<purpose>
    issuer: str
    sign: Signer
    length: int = HERD_PRIVACY_LENGTH
    frozen: bool = False  # fault issuer.status-not-updated: accept changes, never apply them
    inverted: bool = False  # fault issuer.inverted-status-bits: publish every bit flipped
    _lists: dict[str, StatusList] = field(init=False)
    _signed: dict[str, dict] = field(init=False, default_factory=dict)
    _index_of: dict[str, int] = field(init=False, default_factory=dict)
    _purposes_of: dict[str, tuple[str, ...]] = field(init=False, default_factory=dict)
    _used: set[int] = field(init=False, default_factory=set)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._lists = {p: StatusList(self.length) for p in PURPOSES}

    def list_url(self, purpose: str) -> str:
        return f"{self.base_url}/status/{purpose}"

    def allocate(self, credential_id: str, purposes: tuple[str, ...] = PURPOSES) -> int:
        """A fresh random index for `credential_id` (the same one in every purpose's list)."""
        with self._lock:
            self._purposes_of[credential_id] = purposes
            if credential_id in self._index_of:
                return self._index_of[credential_id]
            if len(self._used) >= self.length:
                raise StatusChangeRefused("status lists are full")
            index = secrets.randbelow(self.length)
            while index in self._used:
                index = secrets.randbelow(self.length)
            self._used.add(index)
            self._index_of[credential_id] = index
            return index

    def entries(self, credential_id: str) -> list[dict]:
        index = self.index_of(credential_id)
        return [status_entry(self.list_url(p), index, p) for p in self._purposes_of[credential_id]]

    def index_of(self, credential_id: str) -> int:
        try:
            return self._index_of[credential_id]
        except KeyError:
            raise UnknownCredential(credential_id) from None

    def get(self, credential_id: str, purpose: str) -> bool:
        return self._lists[purpose].get(self.index_of(credential_id))

    def set_status(self, credential_id: str, purpose: str, value: bool) -> None:
        if purpose not in PURPOSES:
            raise StatusChangeRefused(f"unknown statusPurpose {purpose!r}; this issuer keeps {', '.join(PURPOSES)}")
        index = self.index_of(credential_id)
        if purpose not in self._purposes_of[credential_id]:
            raise StatusChangeRefused(f"credential {credential_id!r} has no {purpose} status entry")
        with self._lock:
            current = self._lists[purpose].get(index)
            if purpose == "revocation" and current and not value:
                raise StatusChangeRefused("revocation is not reversible (Bitstring Status List §4.1)")
            if self.frozen or current == value:
                return
            self._lists[purpose].set(index, value)
            self._signed.pop(purpose, None)

    def token_status_values(self) -> dict[int, int]:
        """The same statuses as IETF Token Status List values (1 invalid = revoked, 2 suspended),
        for the SD-JWT VCs whose index this registry allocated; unset indices are valid (0)."""
        with self._lock:
            out = {}
            for index in self._index_of.values():
                if self._lists["revocation"].get(index):
                    out[index] = 1
                elif self._lists["suspension"].get(index):
                    out[index] = 2
            return out

    def credential(self, purpose: str) -> dict:
        """The signed BitstringStatusListCredential for `purpose` (cached until a change)."""
        with self._lock:
            cached = self._signed.get(purpose)
            if cached is None:
                bits = self._lists[purpose]
                if self.inverted:
                    bits = StatusList(bits=bytes(b ^ 0xFF for b in bits.to_bytes()))
                unsigned = status_list_credential(self.list_url(purpose), self.issuer, purpose, bits)
                cached = self._signed[purpose] = self.sign(unsigned)
            return cached
