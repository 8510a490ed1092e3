"""Content-Encoding decoding with a cap on what it produces, fed one network read at a time.

httpx inflates each network read whole before its caller can count it, so 64 KiB of a gzip
bomb is 64 MiB in memory before any cap is checked. Here every zlib call is bounded by
`max_length`, so memory stays about the cap whatever the input claims to expand to. Only the
codings the suite asks for are decoded; others pass through as received, as httpx does.
"""

from __future__ import annotations

import zlib

ACCEPT_ENCODING = "gzip, deflate"
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class DecodedTooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


class _Inflater:
    """One coding with an output cap. "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2), but some
    servers send it raw, so a first chunk that is not zlib is retried as raw deflate."""

    def __init__(self, coding: str, max_bytes: int):
        self._zlib = zlib.decompressobj(_WBITS[coding])
        self._may_be_raw = coding == "deflate"
        self._room = max_bytes + 1  # one byte over the cap tells "too large" from "exactly the cap"
        self._max = max_bytes

    def _inflate(self, data: bytes) -> bytes:
        try:
            chunk = self._zlib.decompress(data, self._room)
        except zlib.error as exc:
            if not self._may_be_raw:
                raise BadEncoding(f"the body is not valid {exc}") from None
            self._zlib, self._may_be_raw = zlib.decompressobj(-zlib.MAX_WBITS), False
            return self._inflate(data)
        self._may_be_raw = False
        self._room -= len(chunk)
        if self._room <= 0:
            raise DecodedTooLarge(f"decompresses to more than {self._max} bytes")
        return chunk

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data and not self._zlib.eof:
            out += self._inflate(data)
            data = self._zlib.unconsumed_tail
        return bytes(out)

    def finish(self) -> bytes:
        # Output zlib held back when a call hit its max_length with all input consumed.
        out = bytearray()
        while not self._zlib.eof and (chunk := self._inflate(b"")):
            out += chunk
        return bytes(out)


class CappedDecoder:
    """Undoes a body's Content-Encoding chain (listed in the order applied), stage by stage."""

    def __init__(self, content_encoding: str, max_bytes: int):
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        self._stages = [_Inflater(c, max_bytes) for c in reversed(codings) if c in _WBITS]

    def feed(self, data: bytes) -> bytes:
        for stage in self._stages:
            data = stage.feed(data)
        return data

    def finish(self) -> bytes:
        data = b""
        for stage in self._stages:
            data = stage.feed(data) + stage.finish()
        return data
