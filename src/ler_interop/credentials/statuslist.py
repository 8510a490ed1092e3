"""Bitstring Status List v1.0: build, encode, decode (bounded) and check status entries.

Spec: https://www.w3.org/TR/vc-bitstring-status-list/. The list is a bitstring, index 0 at the
left-most bit (the most significant bit of byte 0), GZIP-compressed and multibase-encoded as
base64url without padding (prefix `u`) (#encodedList). Decompression is streamed and stops
past a byte cap, so a gzip bomb from a vendor is a finding, never an out-of-memory. The
herd-privacy minimum of 131,072 entries (#validate-algorithm, STATUS_LIST_LENGTH_ERROR) is a
check of its own, so a too-short list can be told apart from one that cannot be read.
Hand-written rather than a library: negative checks need malformed lists crafted on purpose.
"""

from __future__ import annotations

import base64
import gzip
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from ler_interop.credentials import revocationlist
from ler_interop.credentials.findings import Finding

SPEC = "https://www.w3.org/TR/vc-bitstring-status-list/"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MIN_ENTRIES = 131_072  # 16 KB of 1-bit entries (#validate-algorithm, minimumNumberOfEntries)
DEFAULT_MAX_BYTES = 8 * 1024 * 1024  # decompressed cap: 67M entries, far above any real list
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_DECIMAL = re.compile(r"^[0-9]+$")

# Reasons. Decoding (StatusListError):
NOT_MULTIBASE_U = "not-multibase-u"
NOT_GZIP = "not-gzip"
TOO_LARGE = "too-large"
TOO_SHORT = "too-short"  # STATUS_LIST_LENGTH_ERROR
INDEX_OUT_OF_RANGE = "index-out-of-range"  # RANGE_ERROR
# Checking an entry (StatusResult.reason):
MALFORMED_ENTRY = "malformed-entry"  # MALFORMED_VALUE_ERROR
UNSUPPORTED_STATUS_TYPE = "unsupported-status-type"
UNSUPPORTED_STATUS_SIZE = "unsupported-status-size"  # processors MAY support only size 1 (#conformance)
RETRIEVAL_FAILED = "status-retrieval"  # STATUS_RETRIEVAL_ERROR
MALFORMED_LIST = "malformed-list"  # MALFORMED_VALUE_ERROR on the list credential
LIST_PROOF_INVALID = "list-proof-invalid"  # STATUS_VERIFICATION_ERROR
PURPOSE_MISMATCH = "purpose-mismatch"  # STATUS_VERIFICATION_ERROR
LIST_NOT_YET_VALID = "list-not-yet-valid"
LIST_EXPIRED = "list-expired"


class StatusListError(Exception):
    """An encoded list that cannot be used; `.reason` is one of the decoding reasons above."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message

    def finding(self, path: str = "$.credentialSubject.encodedList") -> Finding:
        return Finding(f"bsl.{self.reason}", path, self.message)


def _gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """GZIP-decompress every member (RFC 1952 §2.2), refusing to produce more than `max_bytes`."""
    if not data:
        raise StatusListError(NOT_GZIP, "encodedList is empty")
    out = bytearray()
    pending = data
    while pending:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
        try:
            todo = pending
            while todo:
                # max_length bounds each output (>= 1 here; 0 would mean unbounded): memory
                # stays ~ max_bytes however much the input claims to expand to.
                chunk = inflater.decompress(todo, max_bytes + 1 - len(out))
                out += chunk
                if len(out) > max_bytes:
                    raise StatusListError(TOO_LARGE, f"the status list decompresses to more than {max_bytes} bytes")
                if inflater.eof or (not chunk and inflater.unconsumed_tail == todo):
                    break
                todo = inflater.unconsumed_tail
        except zlib.error as exc:
            raise StatusListError(NOT_GZIP, f"encodedList is not GZIP data: {exc}") from None
        if not inflater.eof:
            raise StatusListError(NOT_GZIP, "encodedList holds a truncated GZIP stream")
        pending = inflater.unused_data
    return bytes(out)


class StatusList:
    """A bitstring of 1-bit status entries; bit 0 is the MSB of byte 0 (#encodedList)."""

    def __init__(self, length: int = MIN_ENTRIES, *, bits: bytes | bytearray | None = None):
        if bits is not None:
            self._bits = bytearray(bits)
        else:
            # Shorter than MIN_ENTRIES is allowed on purpose: negative tests publish such lists.
            if length <= 0 or length % 8:
                raise ValueError("a status list length must be a positive multiple of 8")
            self._bits = bytearray(length // 8)

    @property
    def length(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.length:
            raise StatusListError(INDEX_OUT_OF_RANGE, f"index {index} is outside the list (0..{self.length - 1})")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        """`u` + base64url-no-pad(GZIP(bits)); mtime 0 so the same list encodes the same."""
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> "StatusList":
        """Decode an `encodedList` (#bitstring-expansion-algorithm), decompressing at most `max_bytes`."""
        if not isinstance(text, str) or not text.startswith("u"):
            raise StatusListError(NOT_MULTIBASE_U, "encodedList must be a multibase base64url string starting with 'u'")
        body = text[1:]
        # Even an incompressible list is only ~4/3 of max_bytes in base64url: refuse longer
        # strings before decoding them at all.
        if len(body) > 2 * max_bytes:
            raise StatusListError(TOO_LARGE, f"encodedList is longer than {max_bytes} characters")
        if not _BASE64URL.match(body):
            raise StatusListError(NOT_MULTIBASE_U, "encodedList is not unpadded base64url (alphabet A-Z a-z 0-9 - _)")
        if len(body) % 4 == 1:
            raise StatusListError(NOT_MULTIBASE_U, "encodedList has an impossible base64url length")
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        bits = _gunzip_capped(compressed, max_bytes)
        if not bits:
            raise StatusListError(TOO_SHORT, "the status list is empty")
        return cls(bits=bits)

    def check_min_length(self, min_entries: int = MIN_ENTRIES) -> None:
        """Herd privacy: at least `min_entries` entries (#validate-algorithm, STATUS_LIST_LENGTH_ERROR)."""
        if self.length < min_entries:
            raise StatusListError(
                TOO_SHORT, f"the status list has {self.length} entries; herd privacy needs at least {min_entries}"
            )


# -- documents -------------------------------------------------------------------
def status_list_credential(
    list_id_url: str,
    issuer: str | dict,
    purpose: str | list[str],
    statuslist: StatusList,
    valid_from: str | datetime | None = None,
) -> dict:
    """An unsigned BitstringStatusListCredential (#bitstringstatuslistcredential)."""
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_id_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if valid_from is not None:
        if isinstance(valid_from, datetime):
            valid_from = valid_from.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        credential["validFrom"] = valid_from
    credential["credentialSubject"] = {
        "id": f"{list_id_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": statuslist.encode(),
    }
    return credential


def status_entry(list_url: str, index: int, purpose: str) -> dict:
    """A BitstringStatusListEntry (#bitstringstatuslistentry); the index is a base-10 string."""
    return {
        "id": f"{list_url}#{index}",  # MUST NOT be the list URL itself
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_entries(credential: dict) -> list[dict]:
    """A credential's status entries: `credentialStatus` is one object or a list of them."""
    entries = credential.get("credentialStatus")
    entries = [entries] if isinstance(entries, dict) else entries if isinstance(entries, list) else []
    return [e for e in entries if isinstance(e, dict)]


def status_purposes(credential: dict) -> list[str]:
    """The distinct `statusPurpose` values of a credential's status entries, in order."""
    purposes = (e.get("statusPurpose") for e in status_entries(credential))
    return list(dict.fromkeys(p for p in purposes if isinstance(p, str)))


# -- checking --------------------------------------------------------------------
@dataclass
class StatusResult:
    """One entry's answer. `ok`: the status could be determined from a valid list; `is_set`: the bit."""

    purpose: str | None
    index: int | None
    is_set: bool
    ok: bool
    message: str
    reason: str | None = None
    findings: list[Finding] = field(default_factory=list)
    list_url: str | None = None
    # What left the status undetermined without a verdict (a 1EdTech list that cannot be read).
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """The spec's `valid`: status determined and bit 0 (#validate-algorithm)."""
        return self.ok and not self.is_set


def _entry_findings(entry: Any, path: str) -> list[Finding]:
    """Shape of a BitstringStatusListEntry (#bitstringstatuslistentry)."""
    if not isinstance(entry, dict):
        return [Finding("bsl.entry.object", path, "a credentialStatus entry must be a JSON object")]
    found: list[Finding] = []
    if entry.get("type") != "BitstringStatusListEntry":
        found.append(Finding("bsl.entry.type", f"{path}.type", "type must be BitstringStatusListEntry"))
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        found.append(Finding("bsl.entry.statusPurpose", f"{path}.statusPurpose", "statusPurpose must be a string"))
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not _DECIMAL.match(index):
        found.append(Finding("bsl.entry.statusListIndex", f"{path}.statusListIndex",
                             f"statusListIndex must be a base-10 integer written as a string, got {index!r}"))
    list_url = entry.get("statusListCredential")
    if not isinstance(list_url, str) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", list_url):
        found.append(Finding("bsl.entry.statusListCredential", f"{path}.statusListCredential",
                             "statusListCredential must be a URL"))
    elif entry.get("id") == list_url:
        found.append(Finding("bsl.entry.id", f"{path}.id", "the entry id must not be the status list URL"))
    size = entry.get("statusSize", 1)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        found.append(Finding("bsl.entry.statusSize", f"{path}.statusSize", "statusSize must be an integer > 0"))
    elif size > 1 and not isinstance(entry.get("statusMessage"), list):
        found.append(Finding("bsl.entry.statusMessage", f"{path}.statusMessage",
                             "statusMessage must be present when statusSize is greater than 1"))
    return found


def _list_findings(vc: Any) -> list[Finding]:
    """Shape of a BitstringStatusListCredential (#bitstringstatuslistcredential)."""
    if not isinstance(vc, dict):
        return [Finding("bsl.list.object", "$", "the status list credential must be a JSON object")]
    found: list[Finding] = []
    types = vc.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        found.append(Finding("bsl.list.type", "$.type", "type must include BitstringStatusListCredential"))
    subject = vc.get("credentialSubject")
    if not isinstance(subject, dict):
        found.append(Finding("bsl.list.subject", "$.credentialSubject", "credentialSubject must be one object"))
        return found
    if subject.get("type") != "BitstringStatusList":
        found.append(Finding("bsl.list.subject.type", "$.credentialSubject.type", "type must be BitstringStatusList"))
    purposes = subject.get("statusPurpose")
    purposes = [purposes] if isinstance(purposes, str) else purposes
    if not isinstance(purposes, list) or not purposes or not all(isinstance(p, str) and p for p in purposes):
        found.append(Finding("bsl.list.subject.statusPurpose", "$.credentialSubject.statusPurpose",
                             "statusPurpose must be one or more strings"))
    if not isinstance(subject.get("encodedList"), str):
        found.append(Finding("bsl.list.subject.encodedList", "$.credentialSubject.encodedList",
                             "encodedList must be a string"))
    for name in ("validFrom", "validUntil"):
        if name in vc and _parse_datetime(vc[name]) is None:
            found.append(Finding(f"bsl.list.{name}", f"$.{name}", f"{name} must be a date-time with a time zone"))
    return found


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _fail(reason: str, message: str, **kw: Any) -> StatusResult:
    return StatusResult(kw.pop("purpose", None), kw.pop("index", None), False, False, message, reason, **kw)


def check_status(
    credential: dict,
    fetch: Callable[[str], dict],
    verify_list: Callable[[dict], bool | str] | None = None,
    now: datetime | None = None,
    *,
    min_entries: int = MIN_ENTRIES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[StatusResult]:
    """Run the validate algorithm (#validate-algorithm) for each status entry of `credential`.

    `fetch` dereferences a list URL (the caller's host-guarded client); `verify_list` checks
    the list credential's proof and returns True, or False or a message naming why the list
    does not verify. Each list URL is fetched, verified and decoded once.
    """
    now = now or datetime.now(timezone.utc)
    entries = credential.get("credentialStatus")
    single = isinstance(entries, dict)
    entries = [entries] if single else entries if isinstance(entries, list) else []
    lists: dict[str, tuple[dict, StatusList] | StatusResult] = {}
    results = []
    for position, entry in enumerate(entries):
        path = "$.credentialStatus" if single else f"$.credentialStatus[{position}]"
        if isinstance(entry, dict) and entry.get("type") == revocationlist.TYPE:
            results.append(_check_1edtech(entry, credential.get("id"), fetch))
            continue
        results.append(_check_entry(entry, path, fetch, verify_list, now, lists, min_entries, max_bytes))
    return results


def _check_1edtech(entry: dict, credential_id: Any, fetch: Callable[[str], dict]) -> StatusResult:
    """OB 3.0's 1EdTech Revocation List (revocationlist.py): revoked, clear, or undetermined with a warning."""
    answer = revocationlist.check_entry(entry, credential_id, fetch)
    return StatusResult("revocation", None, answer.revoked, True, answer.message, None, [], answer.list_url,
                        [answer.warning] if answer.warning else [])


def _check_entry(entry: Any, path: str, fetch: Callable[[str], dict], verify_list: Callable[[dict], bool | str] | None,
                 now: datetime, lists: dict, min_entries: int, max_bytes: int) -> StatusResult:
    if isinstance(entry, dict) and entry.get("type") != "BitstringStatusListEntry":
        return _fail(UNSUPPORTED_STATUS_TYPE, f"status type {entry.get('type')!r} is not checked by this suite")
    findings = _entry_findings(entry, path)
    if findings:
        return _fail(MALFORMED_ENTRY, "; ".join(str(f) for f in findings), findings=findings,
                     purpose=entry.get("statusPurpose") if isinstance(entry, dict) else None)
    purpose, index, url = entry["statusPurpose"], int(entry["statusListIndex"]), entry["statusListCredential"]
    where = {"purpose": purpose, "index": index, "list_url": url}
    if entry.get("statusSize", 1) != 1:
        return _fail(UNSUPPORTED_STATUS_SIZE, f"statusSize {entry['statusSize']} is not supported (only 1)", **where)
    loaded = lists.get(url)
    if loaded is None:
        loaded = lists[url] = _load_list(url, fetch, verify_list, now, max_bytes)
    if isinstance(loaded, StatusResult):
        return _fail(loaded.reason or RETRIEVAL_FAILED, loaded.message, findings=list(loaded.findings), **where)
    list_vc, bits = loaded
    purposes = list_vc["credentialSubject"]["statusPurpose"]
    purposes = [purposes] if isinstance(purposes, str) else purposes
    if purpose not in purposes:
        return _fail(PURPOSE_MISMATCH, f"entry purpose {purpose!r} is not a purpose of the list at {url} "
                     f"({', '.join(purposes)})", **where)
    try:
        is_set = bits.get(index)
    except StatusListError as exc:  # RANGE_ERROR
        return _fail(exc.reason, f"{exc.message} at {url}", findings=[exc.finding(f"{path}.statusListIndex")], **where)
    try:
        bits.check_min_length(min_entries)
    except StatusListError as exc:  # STATUS_LIST_LENGTH_ERROR: the bit is still reported
        return StatusResult(purpose, index, is_set, False, f"{exc.message} ({url})", exc.reason,
                            [exc.finding()], url)
    state = "set" if is_set else "unset"
    return StatusResult(purpose, index, is_set, True, f"{purpose} bit {index} is {state} in {url}", None, [], url)


def _load_list(url: str, fetch: Callable[[str], dict], verify_list: Callable[[dict], bool | str] | None,
               now: datetime, max_bytes: int) -> tuple[dict, StatusList] | StatusResult:
    try:
        list_vc = fetch(url)
    except Exception as exc:  # the caller's fetch: any failure to dereference is a retrieval error
        return _fail(RETRIEVAL_FAILED, f"cannot fetch the status list {url}: {type(exc).__name__}: {exc}")
    findings = _list_findings(list_vc)
    if findings:
        return _fail(MALFORMED_LIST, f"the status list credential at {url} is malformed: "
                     + "; ".join(str(f) for f in findings), findings=findings)
    if verify_list is not None:
        try:
            verified = verify_list(list_vc)
        except Exception as exc:  # the caller's verifier: a crash is a failed verification
            verified, detail = False, f" ({type(exc).__name__}: {exc})"
        else:
            detail = f": {verified}" if isinstance(verified, str) and verified else ""
        if verified is not True:
            return _fail(LIST_PROOF_INVALID, f"the status list credential at {url} does not verify{detail}")
    valid_from, valid_until = _parse_datetime(list_vc.get("validFrom")), _parse_datetime(list_vc.get("validUntil"))
    if valid_from is not None and now < valid_from:
        return _fail(LIST_NOT_YET_VALID, f"the status list at {url} is valid only from {list_vc['validFrom']}")
    if valid_until is not None and now > valid_until:
        return _fail(LIST_EXPIRED, f"the status list at {url} expired at {list_vc['validUntil']}")
    try:
        bits = StatusList.decode(list_vc["credentialSubject"]["encodedList"], max_bytes)
    except StatusListError as exc:
        return _fail(exc.reason, f"the status list at {url}: {exc.message}", findings=[exc.finding()])
    return list_vc, bits
