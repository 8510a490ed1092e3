"""Compact JWS assembled and taken apart by hand (RFC 7515).

Written here rather than taken from a JOSE library because the suite must also build
*wrong* tokens on purpose (alg "none", a foreign typ, a flipped signature byte, a header
with duplicate names) and report each failure with a precise reason. Only the two
algorithms the suite speaks are accepted: EdDSA (Ed25519, RFC 8037) and ES256 (P-256,
raw r||s, RFC 7518 §3.4); signing and verifying go through `keys.Key`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..net import DEFAULT_MAX_DEPTH, json_depth_ok
from .findings import BAD_SIGNATURE, MALFORMED_PROOF, UNKNOWN_CRYPTOSUITE
from .keys import Key, b64url_decode, b64url_encode

# JWS "alg" -> the key type that can produce it. Nothing else verifies, "none" least of all
# (RFC 8725 §3.1, https://www.rfc-editor.org/rfc/rfc8725#section-3.1).
SUPPORTED_ALGS: dict[str, str] = {"EdDSA": "Ed25519", "ES256": "P-256"}
# Open Badges 3.0 §8.2 (JOSE header): 'The signing algorithm MUST be "RS256" as a minimum'.
# Only the OB 3.0 JWT proof path passes these; every other JOSE use keeps the two above.
OPEN_BADGES_ALGS: dict[str, str] = {**SUPPORTED_ALGS, "RS256": "RSA"}

# A token larger than this is not a credential a verifier should spend time on.
MAX_TOKEN_CHARS = 1024 * 1024


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class JwsError(ValueError):
    """A JWS that cannot be accepted, with the findings reason that says why."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class CompactJws:
    """One compact JWS, split and decoded but not yet verified."""

    header: dict[str, Any]
    payload_bytes: bytes
    signature: bytes
    signing_input: bytes  # ASCII(b64(header) "." b64(payload)), what the signature covers

    def payload_json(self) -> Any:
        return loads_strict(self.payload_bytes, "payload")


def b64url_decode_strict(text: str) -> bytes:
    """Unpadded, canonical base64url (RFC 7515 §2, RFC 4648 §3.5).

    The stdlib decoder skips stray characters and ignores non-zero trailing bits, so two
    different strings could decode to one signature; a tamper check must see them differ.
    """
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    raw = b64url_decode(text)
    if b64url_encode(raw) != text:
        raise ValueError("non-canonical base64url (non-zero trailing bits)")
    return raw


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # RFC 7515 §5.2 step 4 lets a verifier reject duplicate Header Parameter names; a
    # conformance suite must (https://www.rfc-editor.org/rfc/rfc7515#section-5.2).
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise ValueError(f"duplicate member name {name!r}")
        out[name] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259)")


def loads_strict(data: bytes | str, what: str) -> Any:
    """JSON with no duplicate names, no NaN/Infinity and a depth cap, or JwsError(malformed)."""
    try:
        value = json.loads(data, object_pairs_hook=_reject_duplicates, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise JwsError(MALFORMED_PROOF, f"{what} is not valid JSON: {exc}") from None
    if not json_depth_ok(value, DEFAULT_MAX_DEPTH):
        raise JwsError(MALFORMED_PROOF, f"{what} JSON is nested deeper than {DEFAULT_MAX_DEPTH}")
    return value


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the suite's own artifacts are serialized."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _segment(value: Mapping[str, Any] | bytes) -> str:
    return b64url_encode(value if isinstance(value, bytes) else encode_json(dict(value)))


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any] | bytes, key: Key) -> str:
    """Sign header+payload with `key`; `header` is used exactly as given (alg included)."""
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    return f"{signing_input}.{b64url_encode(key.sign(signing_input.encode('ascii')))}"


def unsigned_compact(header: Mapping[str, Any], payload: Mapping[str, Any] | bytes, signature: bytes = b"") -> str:
    """Assemble a token with any signature bytes (empty for alg "none"): negative vectors only."""
    return f"{_segment(header)}.{_segment(payload)}.{b64url_encode(signature)}"


def parse_compact(token: str) -> CompactJws:
    """Split and decode a compact JWS (RFC 7515 §7.1), or raise JwsError(malformed-proof)."""
    if not isinstance(token, str):
        raise JwsError(MALFORMED_PROOF, "a compact JWS must be a string")
    if len(token) > MAX_TOKEN_CHARS:
        raise JwsError(MALFORMED_PROOF, f"token longer than {MAX_TOKEN_CHARS} characters")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwsError(MALFORMED_PROOF, f"a compact JWS has 3 dot-separated parts, this has {len(parts)}")
    try:
        header_bytes, payload_bytes, signature = (b64url_decode_strict(p) for p in parts)
    except (ValueError, TypeError) as exc:
        raise JwsError(MALFORMED_PROOF, f"a JWS part is not unpadded base64url: {exc}") from None
    header = loads_strict(header_bytes, "JOSE header")
    if not isinstance(header, dict):
        raise JwsError(MALFORMED_PROOF, "JOSE header is not a JSON object")
    return CompactJws(header, payload_bytes, signature, f"{parts[0]}.{parts[1]}".encode("ascii"))


def check_alg(header: Mapping[str, Any], algs: Mapping[str, str] = SUPPORTED_ALGS) -> str:
    """The header's alg if it is one of `algs`; JwsError otherwise."""
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise JwsError(MALFORMED_PROOF, "JOSE header has no alg (RFC 7515 §4.1.1)")
    if alg not in algs:
        raise JwsError(UNKNOWN_CRYPTOSUITE, f"alg {alg!r} is not accepted (only {', '.join(algs)})")
    # We understand no JWS extension, so any "crit" entry must fail (RFC 7515 §4.1.11,
    # https://www.rfc-editor.org/rfc/rfc7515#section-4.1.11).
    if "crit" in header:
        raise JwsError(MALFORMED_PROOF, f"JOSE header marks extensions critical that are not understood: {header['crit']!r}")
    return alg


def check_typ(header: Mapping[str, Any], expected: str | tuple[str, ...] | None) -> None:
    """Explicit typing (RFC 8725 §3.11): a wrong typ is a malformed proof, whatever the signature."""
    if expected is None:
        return
    allowed = (expected,) if isinstance(expected, str) else expected
    typ = header.get("typ")
    if typ not in allowed:
        raise JwsError(MALFORMED_PROOF, f"typ is {typ!r}, expected {' or '.join(map(repr, allowed))}")


def verify_signature(jws: CompactJws, key: Key, algs: Mapping[str, str] = SUPPORTED_ALGS) -> None:
    """Check the signature with `key`, or raise JwsError(bad-signature)."""
    alg = check_alg(jws.header, algs)
    if algs[alg] != key.type:
        raise JwsError(BAD_SIGNATURE, f"alg {alg} cannot be verified with a {key.type} key")
    if not key.verify(jws.signature, jws.signing_input):
        raise JwsError(BAD_SIGNATURE, f"{alg} signature does not verify")
