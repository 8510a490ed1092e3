"""IETF Token Status List: the status of an SD-JWT VC (or any JWT) by index into a signed,
compressed list (https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/).

SD-JWT VC points at it with `status: {status_list: {idx, uri}}`
(https://datatracker.ietf.org/doc/html/draft-ietf-oauth-sd-jwt-vc#section-3.2.2.2); Bitstring
Status List (statuslist.py) is the W3C counterpart for Data Integrity and jwt_vc_json.

The list: `bits` per token (1, 2, 4 or 8) packed least-significant-bit first within each byte
(index i lives in byte i*bits//8 at bit offset i*bits%8), ZLIB-compressed (RFC 1950) and
base64url-encoded as `lst`. The Status List Token is a JWT, `typ: statuslist+jwt`, whose `sub`
is the list's URI and whose `status_list` holds {bits, lst}. Decompression is bounded: a
hostile list cannot inflate past MAX_LIST_BYTES.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .findings import KEY_NOT_FOUND, MALFORMED_PROOF
from .jose import Now, ResolveVm, absolute_kid, check_time_claims, guarded_resolution, resolve_key
from .jws import JwsError, check_alg, check_typ, parse_compact, sign_compact, verify_signature
from .keys import Key, b64url_decode, b64url_encode

TYP = "statuslist+jwt"
MEDIA_TYPE = "application/statuslist+jwt"
VALID, INVALID, SUSPENDED = 0x00, 0x01, 0x02
BITS = (1, 2, 4, 8)
MAX_LIST_BYTES = 16 * 1024 * 1024
# Enough entries that one index says little about who holds it (herd privacy, as for BSL).
DEFAULT_SIZE = 131_072


class TokenStatusError(ValueError):
    """A status reference or list that cannot be read (reason: a stable short code)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class TokenStatusList:
    bits: int = 1
    size: int = DEFAULT_SIZE
    data: bytearray | None = None

    def __post_init__(self) -> None:
        if self.bits not in BITS:
            raise ValueError(f"bits must be one of {BITS}")
        if self.data is None:
            self.data = bytearray((self.size * self.bits + 7) // 8)
        self.size = len(self.data) * 8 // self.bits

    def get(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise TokenStatusError("index-out-of-range", f"index {index} is outside the list of {self.size} entries")
        offset = index * self.bits
        return (self.data[offset // 8] >> (offset % 8)) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        if not 0 <= value < (1 << self.bits):
            raise ValueError(f"status {value} does not fit in {self.bits} bits")
        self.get(index)  # bounds
        offset, mask = index * self.bits, (1 << self.bits) - 1
        byte = self.data[offset // 8] & ~(mask << (offset % 8))
        self.data[offset // 8] = byte | (value << (offset % 8))

    def encode(self) -> dict[str, Any]:
        return {"bits": self.bits, "lst": b64url_encode(zlib.compress(bytes(self.data), 9))}

    @classmethod
    def decode(cls, value: Any) -> "TokenStatusList":
        if not isinstance(value, Mapping) or value.get("bits") not in BITS or not isinstance(value.get("lst"), str):
            raise TokenStatusError("malformed-list", "status_list must be {bits: 1|2|4|8, lst: base64url}")
        try:
            compressed = b64url_decode(value["lst"])
            inflater = zlib.decompressobj()
            data = inflater.decompress(compressed, MAX_LIST_BYTES)
            if inflater.unconsumed_tail:
                raise TokenStatusError("list-too-large", f"the list inflates past {MAX_LIST_BYTES} bytes")
            if not inflater.eof:  # a truncated stream would silently read as a shorter list
                raise TokenStatusError("malformed-list", "lst ends before its ZLIB stream does")
        except (ValueError, zlib.error) as exc:
            if isinstance(exc, TokenStatusError):
                raise
            raise TokenStatusError("malformed-list", f"lst is not base64url ZLIB data: {exc}") from None
        return cls(bits=value["bits"], data=bytearray(data))


def reference(uri: str, index: int) -> dict[str, Any]:
    """The `status` claim of a referenced token."""
    return {"status_list": {"idx": index, "uri": uri}}


def sign_status_list_token(statuslist: TokenStatusList, uri: str, key: Key, kid: str, *,
                           ttl: int | None = None, extra_claims: Mapping[str, Any] | None = None,
                           headers: Mapping[str, Any] | None = None) -> str:
    payload: dict[str, Any] = {"sub": uri, "iat": int(time.time()), "status_list": statuslist.encode()}
    if ttl is not None:
        payload["ttl"] = ttl
    payload.update(extra_claims or {})
    header = {"alg": key.jws_alg, "typ": TYP, **({"kid": kid} if kid else {}), **(headers or {})}
    return sign_compact(header, payload, key)


def parse_reference(claims: Mapping[str, Any]) -> tuple[str, int]:
    status = claims.get("status")
    ref = status.get("status_list") if isinstance(status, Mapping) else None
    if not isinstance(ref, Mapping):
        raise TokenStatusError("unsupported-status-type", "the status claim has no status_list reference")
    idx, uri = ref.get("idx"), ref.get("uri")
    if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0 or not isinstance(uri, str) or not uri:
        raise TokenStatusError("malformed-reference", "status_list needs a non-negative integer idx and a uri")
    return uri, idx


def status_of(claims: Mapping[str, Any], fetch_text: Callable[[str], str], resolve_vm: ResolveVm, *,
              issuer: str | None, now: Now = None, issuer_key: Callable[..., Any] | None = None) -> int:
    """The status value of a referenced token whose (verified) claims are `claims`.

    The list token must be a `statuslist+jwt` for that very URI (`sub`), unexpired, and signed by
    a key the referenced token's issuer controls, so nobody else can revoke or revive it.
    Transport errors from `fetch_text` propagate (the caller decides whether they are a verdict).
    `issuer_key` (an sdjwt.IssuerKeyResolver) finds the list's key the way the referenced token's
    was found (DID, JWT VC Issuer Metadata, x5c), held to that token's `iss`.
    """
    uri, idx = parse_reference(claims)
    if not issuer:  # nobody to hold the list to: anyone could have signed it
        raise TokenStatusError("list-unverified", "the token names no issuer (iss) its status list must be signed by")
    token = fetch_text(uri)
    try:
        jws = parse_compact(token.strip())
        check_alg(jws.header)
        check_typ(jws.header, TYP)
        payload = jws.payload_json()
        if not isinstance(payload, dict):
            raise JwsError(MALFORMED_PROOF, "status list token payload is not a JSON object")
        kid = jws.header.get("kid")
        if (not isinstance(kid, str) or not kid) and "x5c" not in jws.header:
            raise JwsError(MALFORMED_PROOF, "status list token has no kid")
        if issuer_key is not None:
            key, controller = guarded_resolution(kid, lambda: issuer_key(jws.header, {**payload, "iss": issuer}))
        else:
            key, controller = resolve_key(resolve_vm, absolute_kid(kid, issuer), "assertionMethod")
        verify_signature(jws, key)
        if controller.split("#", 1)[0] != issuer:
            raise JwsError(KEY_NOT_FOUND, f"status list signed by {controller}, not by the issuer {issuer}")
        check_time_claims(payload, now)
        if "iat" not in payload:  # REQUIRED in a Status List Token
            raise JwsError(MALFORMED_PROOF, "status list token has no iat")
    except JwsError as err:
        raise TokenStatusError("list-unverified", f"status list token at {uri}: {err.message}") from None
    if payload.get("sub") != uri:
        raise TokenStatusError("list-unverified", f"status list token sub {payload.get('sub')!r} is not its URI {uri!r}")
    return TokenStatusList.decode(payload.get("status_list")).get(idx)


def describe(value: int) -> str:
    return {VALID: "valid", INVALID: "invalid (revoked)", SUSPENDED: "suspended"}.get(value, f"status 0x{value:02x}")
