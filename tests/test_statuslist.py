"""Bitstring Status List: bit order, encoding, bounded decoding, and the validate algorithm."""

from __future__ import annotations

import base64
import gzip
import time
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from ler_interop.credentials.statuslist import (
    MIN_ENTRIES,
    StatusList,
    StatusListError,
    check_status,
    status_entry,
    status_list_credential,
)

LIST_URL = "https://issuer.example/status/1"
ISSUER = "did:example:issuer"
NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
# Bitstring Status List v1.0, example BitstringStatusListCredential: 16 KB of zeros.
SPEC_EXAMPLE_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _multibase(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unwrap(encoded: str) -> bytes:
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


# -- the bitstring ------------------------------------------------------------------
def test_bit_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    bits = StatusList()
    bits.set(0)
    bits.set(15)
    raw = _unwrap(bits.encode())
    assert raw[:2] == b"\x80\x01"
    assert len(raw) == MIN_ENTRIES // 8 == 16 * 1024


def test_round_trip() -> None:
    bits = StatusList()
    indexes = {1, 7, 8, 4242, MIN_ENTRIES - 1}
    for index in indexes:
        bits.set(index)
    bits.set(4242, False)
    decoded = StatusList.decode(bits.encode())
    assert decoded.length == MIN_ENTRIES
    assert {i for i in range(MIN_ENTRIES) if decoded.get(i)} == indexes - {4242}


def test_encoding_is_deterministic_and_small() -> None:
    bits = StatusList()
    bits.set(99)
    encoded = bits.encode()
    assert encoded == bits.encode()
    assert encoded.startswith("u") and "=" not in encoded
    assert len(encoded) < 200


def test_spec_example_decodes_to_16kb_of_zeros() -> None:
    decoded = StatusList.decode(SPEC_EXAMPLE_LIST)
    assert decoded.length == MIN_ENTRIES
    assert not any(decoded.to_bytes())


def test_index_out_of_range() -> None:
    bits = StatusList()
    for index in (-1, MIN_ENTRIES):
        with pytest.raises(StatusListError) as err:
            bits.get(index)
        assert err.value.reason == "index-out-of-range"


# mtime=0: parameter ids hold the bytes, and must be the same in every xdist worker.
@pytest.mark.parametrize(
    "text, reason",
    [
        ("z" + "1" * 20, "not-multibase-u"),
        (_multibase(gzip.compress(b"\0" * 16, mtime=0)) + "==", "not-multibase-u"),
        ("u!!!!", "not-multibase-u"),
        (_multibase(zlib.compress(b"\0" * 16384)), "not-gzip"),  # zlib framing, not GZIP
        (_multibase(gzip.compress(b"\0" * 16384, mtime=0)[:-12]), "not-gzip"),  # truncated
        ("u", "not-gzip"),
        (_multibase(gzip.compress(b"", mtime=0)), "too-short"),
    ],
)
def test_malformed_encodings(text: str, reason: str) -> None:
    with pytest.raises(StatusListError) as err:
        StatusList.decode(text)
    assert err.value.reason == reason


def test_multi_member_gzip_is_read_whole() -> None:
    # RFC 1952 §2.2: a GZIP file is a series of members.
    head, tail = b"\x80" + b"\0" * 8191, b"\0" * 8191 + b"\x01"
    decoded = StatusList.decode(_multibase(gzip.compress(head) + gzip.compress(tail)))
    assert decoded.length == MIN_ENTRIES and decoded.get(0) and decoded.get(MIN_ENTRIES - 1)


def _gzip_of_zeros(total: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(total // len(block))]
    return b"".join(parts) + packer.flush()


def test_gzip_bomb_stops_at_the_cap() -> None:
    bomb = _gzip_of_zeros(64 * 1024 * 1024)  # 64 MiB of zeros in ~64 KB
    assert len(bomb) < 100_000
    started = time.monotonic()
    with pytest.raises(StatusListError) as err:
        StatusList.decode(_multibase(bomb), max_bytes=1024 * 1024)
    assert err.value.reason == "too-large"
    assert time.monotonic() - started < 2  # stopped early, not after inflating 64 MiB


def test_too_short_is_its_own_finding() -> None:
    small = StatusList.decode(StatusList(16_384).encode())
    small.check_min_length(16_384)
    with pytest.raises(StatusListError) as err:
        small.check_min_length()
    assert err.value.reason == "too-short"
    assert err.value.finding().rule == "bsl.too-short"


# -- documents -------------------------------------------------------------------------
def test_status_list_credential_and_entry_shape() -> None:
    bits = StatusList()
    vc = status_list_credential(LIST_URL, ISSUER, "revocation", bits, valid_from=NOW)
    assert vc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert vc["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vc["validFrom"] == "2025-06-01T00:00:00Z"
    assert vc["credentialSubject"] == {
        "id": f"{LIST_URL}#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": bits.encode(),
    }
    entry = status_entry(LIST_URL, 42, "revocation")
    assert entry == {
        "id": f"{LIST_URL}#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": LIST_URL,
    }


# -- check_status -------------------------------------------------------------------------
class Lists:
    """An in-memory fetch that counts requests."""

    def __init__(self, **by_url: dict) -> None:
        self.by_url = by_url
        self.requests: list[str] = []

    def __call__(self, url: str) -> dict:
        self.requests.append(url)
        if url not in self.by_url:
            raise LookupError(f"404 {url}")
        return self.by_url[url]


def _credential(*entries: dict) -> dict:
    return {"credentialStatus": entries[0] if len(entries) == 1 else list(entries)}


def _list(purpose: str | list[str] = "revocation", set_index: int | None = None, length: int = MIN_ENTRIES,
          **extra: object) -> dict:
    bits = StatusList(length)
    if set_index is not None:
        bits.set(set_index)
    return {**status_list_credential(LIST_URL, ISSUER, purpose, bits), **extra}


def test_revoked_and_clear_entries() -> None:
    fetch = Lists(**{LIST_URL: _list(["revocation", "suspension"], set_index=7)})
    results = check_status(
        _credential(status_entry(LIST_URL, 7, "revocation"), status_entry(LIST_URL, 8, "suspension")),
        fetch, verify_list=lambda vc: True, now=NOW,
    )
    assert [(r.purpose, r.index, r.is_set, r.ok, r.valid) for r in results] == [
        ("revocation", 7, True, True, False),
        ("suspension", 8, False, True, True),
    ]
    assert fetch.requests == [LIST_URL]  # one list, fetched once


def test_purpose_mismatch() -> None:
    [result] = check_status(_credential(status_entry(LIST_URL, 1, "suspension")),
                            Lists(**{LIST_URL: _list("revocation")}), now=NOW)
    assert (result.ok, result.reason) == (False, "purpose-mismatch")


def test_too_short_list_fails_but_reports_the_bit() -> None:
    [result] = check_status(_credential(status_entry(LIST_URL, 3, "revocation")),
                            Lists(**{LIST_URL: _list(set_index=3, length=16_384)}), now=NOW)
    assert (result.ok, result.reason, result.is_set) == (False, "too-short", True)
    assert "131072" in result.message


def test_ecosystem_lower_bound_is_honoured() -> None:
    [result] = check_status(_credential(status_entry(LIST_URL, 3, "revocation")),
                            Lists(**{LIST_URL: _list(length=16_384)}), now=NOW, min_entries=16_384)
    assert result.ok


def test_index_beyond_the_list() -> None:
    [result] = check_status(_credential(status_entry(LIST_URL, MIN_ENTRIES, "revocation")),
                            Lists(**{LIST_URL: _list()}), now=NOW)
    assert (result.ok, result.reason) == (False, "index-out-of-range")
    assert result.findings[0].path == "$.credentialStatus.statusListIndex"


def test_malformed_entries_are_findings_with_paths() -> None:
    number_index = {**status_entry(LIST_URL, 5, "revocation"), "statusListIndex": 5}
    self_id = {**status_entry(LIST_URL, 5, "revocation"), "id": LIST_URL}
    results = check_status(_credential(number_index, self_id), Lists(**{LIST_URL: _list()}), now=NOW)
    assert [r.reason for r in results] == ["malformed-entry", "malformed-entry"]
    assert [(f.rule, f.path) for f in results[0].findings] == [
        ("bsl.entry.statusListIndex", "$.credentialStatus[0].statusListIndex")
    ]
    assert [(f.rule, f.path) for f in results[1].findings] == [("bsl.entry.id", "$.credentialStatus[1].id")]


def test_unsupported_entries() -> None:
    other = {"type": "StatusList2021Entry", "id": "https://issuer.example/revocations#1"}  # legacy, not read
    sized = {**status_entry(LIST_URL, 5, "message"), "statusSize": 2,
             "statusMessage": [{"status": f"0x{i}", "message": str(i)} for i in range(4)]}
    results = check_status(_credential(other, sized), Lists(), now=NOW)
    assert [r.reason for r in results] == ["unsupported-status-type", "unsupported-status-size"]


def test_retrieval_and_proof_failures() -> None:
    entry = status_entry(LIST_URL, 1, "revocation")
    [missing] = check_status(_credential(entry), Lists(), now=NOW)
    assert (missing.reason, "404" in missing.message) == ("status-retrieval", True)
    lists = Lists(**{LIST_URL: _list()})
    [forged] = check_status(_credential(entry), lists, verify_list=lambda vc: False, now=NOW)
    assert forged.reason == "list-proof-invalid"

    def crash(vc: dict) -> bool:
        raise RuntimeError("boom")

    [crashed] = check_status(_credential(entry), lists, verify_list=crash, now=NOW)
    assert crashed.reason == "list-proof-invalid" and "boom" in crashed.message


def test_malformed_list_credential() -> None:
    bad = _list()
    bad["credentialSubject"]["type"] = "StatusList2021"
    del bad["credentialSubject"]["encodedList"]
    [result] = check_status(_credential(status_entry(LIST_URL, 1, "revocation")), Lists(**{LIST_URL: bad}), now=NOW)
    assert result.reason == "malformed-list"
    assert {f.rule for f in result.findings} == {"bsl.list.subject.type", "bsl.list.subject.encodedList"}


def test_list_validity_period() -> None:
    entry = _credential(status_entry(LIST_URL, 1, "revocation"))
    later = (NOW + timedelta(days=1)).isoformat()
    earlier = (NOW - timedelta(days=1)).isoformat()
    [early] = check_status(entry, Lists(**{LIST_URL: _list(validFrom=later)}), now=NOW)
    [late] = check_status(entry, Lists(**{LIST_URL: _list(validUntil=earlier)}), now=NOW)
    [fine] = check_status(entry, Lists(**{LIST_URL: _list(validFrom=earlier, validUntil=later)}), now=NOW)
    assert (early.reason, late.reason, fine.ok) == ("list-not-yet-valid", "list-expired", True)


def test_bomb_in_a_list_credential_is_a_finding() -> None:
    bomb = _list()
    bomb["credentialSubject"]["encodedList"] = _multibase(_gzip_of_zeros(16 * 1024 * 1024))
    [result] = check_status(_credential(status_entry(LIST_URL, 1, "revocation")), Lists(**{LIST_URL: bomb}),
                            now=NOW, max_bytes=1024 * 1024)
    assert (result.ok, result.reason) == (False, "too-large")


def test_a_one_gigabyte_bomb_is_refused_in_bounded_memory() -> None:
    """Issue 12 item 9: the list is inflated with max_length per call, so memory is about the
    cap (8 MiB by default), never the 1 GiB the bomb claims."""
    import tracemalloc

    from hostile_vendor import gzip_bomb

    text = _multibase(gzip_bomb(1 << 30))  # 1 GiB of zeros, about 1 MiB compressed
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError) as err:
            StatusList.decode(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.reason == "too-large"
    assert peak < 32 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"
