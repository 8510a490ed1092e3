"""Secret redaction for everything that reaches a report, a log line or an attachment.

Two layers: the literal values of secrets the run has seen (manifest tokens, client secrets,
tx_codes, pre-authorized codes, access tokens), scrubbed wherever they appear, even inside free
text or an extra member a vendor echoed back; and names that always hold secrets (headers, JSON
keys, form fields), for what the suite has not seen yet. A null or empty value under such a
name hides nothing and stays: "tx_code": null may be why a vendor refused. A JSON body keeps
its bytes as received apart from the redacted strings (never re-serialised, so a duplicate key
or an odd escape stays visible in the evidence).
"""

from __future__ import annotations

import json
import re
import threading
from json.decoder import scanstring
from typing import Any
from urllib.parse import parse_qsl, urlencode

REDACTED = "[REDACTED]"

SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "dpop", "x-api-key"}
SECRET_KEYS = {
    "access_token", "refresh_token", "id_token", "tx_code", "client_secret", "password",
    "pre-authorized_code", "code", "d", "privateKeyMultibase", "secretKeyMultibase",
    "privateKeyJwk", "private_key", "token", "client_assertion",
}

_lock = threading.Lock()
_known_values: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a literal secret value so it is scrubbed from any text later recorded."""
    if value and len(value) >= 4:
        with _lock:
            _known_values.add(value)


# Credentials in free text (an echoed Authorization header, a log line in an error body),
# registered or not. Schemes are case-insensitive (RFC 9110 §11.1,
# https://www.rfc-editor.org/rfc/rfc9110#section-11.1); the credential must be 12+ token68
# characters and not a plain lowercase word, so "the bearer of this badge" stays readable.
_CREDENTIAL_IN_TEXT = re.compile(r"\b((?i:bearer|basic|dpop))(\s+)([A-Za-z0-9._~+/-]{12,}=*)")


def _credential_redacted(match: re.Match[str]) -> str:
    scheme, space, credential = match.groups()
    if credential.isalpha() and credential.islower():  # a word ("bearer responsibilities"), not a token
        return match.group(0)
    return scheme + space + REDACTED


def quote(value: object, limit: int = 200) -> str:
    """Vendor text for a message: scrubbed of known secrets *before* it is cut, so a cut can
    never leave half a secret behind, and on one line with its control characters visible."""
    from .safe_text import neutralise

    return neutralise(scrub_text(str(value)))[:limit]


def scrub_text(text: str) -> str:
    """Registered secret values, and bearer/basic credentials, replaced wherever they appear."""
    with _lock:
        values = sorted(_known_values, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, REDACTED)
    return _CREDENTIAL_IN_TEXT.sub(_credential_redacted, text)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else scrub_text(v)) for k, v in headers.items()}


# URIs whose query carries secrets inside a JSON string value: an OpenID4VCI credential offer
# by value holds its pre-authorized_code (https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html#section-4.1.2).
SECRET_BEARING_URI_SCHEMES = ("openid-credential-offer:",)


def hides_something(value: Any) -> bool:
    """A value under a secret name worth redacting: not null, not empty."""
    return value not in (None, "", [], {})


def scrub_strings(value: Any) -> Any:
    """Every string in a recorded structure scrubbed of the secrets registered *so far*: the
    evidence of a check is scrubbed again when its result is written, so a secret the suite
    learnt after the exchange was recorded (a pre-authorized code parsed from that very answer)
    is hidden wherever the vendor put it."""
    if isinstance(value, dict):
        return {k: scrub_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_strings(v) for v in value]
    return scrub_text(value) if isinstance(value, str) else value


def redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if k in SECRET_KEYS and hides_something(v) else redact_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, str):
        return redact_url(value) if value.startswith(SECRET_BEARING_URI_SCHEMES) else scrub_text(value)
    return value


def redact_body(text: str, content_type: str = "") -> str:
    """Redact a request/response body given as text, by its content type."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.endswith("json") or text[:1] in "{[":
        redacted = _redacted_json_text(text)
        if redacted is not None:
            return redacted
    if ctype == "application/x-www-form-urlencoded":
        return _redact_pairs(text)
    return scrub_text(text)


def redact_url(url: str) -> str:
    """Query parameters that carry secrets are redacted (e.g. pre-authorized codes in offers)."""
    if "?" not in url:
        return scrub_text(url)
    base, _, query = url.partition("?")
    return scrub_text(base) + "?" + _redact_pairs(query)


def _redact_pairs(encoded: str) -> str:
    """A form body or query string: secret fields blanked, the rest scrubbed after decoding
    (so a percent-encoded secret is still found). A value holding a JSON object is redacted as
    JSON: an OpenID4VCI credential offer by value carries its pre-authorized_code that way
    (https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html#section-4.1)."""
    pairs = parse_qsl(encoded, keep_blank_values=True)
    return urlencode([(scrub_text(k), _redact_value(k, v)) for k, v in pairs])


def _redact_value(key: str, value: str) -> str:
    if key in SECRET_KEYS and value:  # an empty field hides nothing and may be why a vendor refused
        return REDACTED
    if value[:1] == "{":
        redacted = _redacted_json_text(value, separators=(",", ":"))
        if redacted is not None:
            return redacted
    return scrub_text(value)


# Deeper JSON is not recorded: its keys cannot be redacted without unbounded recursion, and
# whatever renders evidence later (HTML, JUnit, Allure) would have to recurse as deep.
# Matches net.DEFAULT_MAX_DEPTH, beyond which the suite refuses to parse an answer anyway.
MAX_JSON_DEPTH = 64


def _redacted_json_text(text: str, separators: tuple[str, str] | None = None) -> str | None:
    """JSON text with its secrets redacted in place, every other byte as received; a placeholder
    when nested too deep; None if not JSON. (`separators` is kept for callers; the text is never
    re-serialised.)"""
    try:
        value = json.loads(text)
    except RecursionError:
        value = _TOO_DEEP
    except ValueError:
        return None
    if value is _TOO_DEEP or not _depth_within(value, MAX_JSON_DEPTH):
        return f"[not recorded: JSON nested deeper than {MAX_JSON_DEPTH} levels, {len(text)} chars]"
    edits: list[tuple[int, int, str]] = []
    _walk_value(text, 0, edits)
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")
_DECODER = json.JSONDecoder()


def _walk_value(text: str, i: int, edits: list[tuple[int, int, str]]) -> int:
    """Scan the (already validated) JSON value at text[i:], noting (start, end, replacement) for
    each secret: a string holding a registered secret, a non-empty value under a secret key.
    Returns the index after the value. Depth is bounded by the check above."""
    i = _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]
    char = text[i]
    if char == '"':
        string, end = scanstring(text, i + 1)
        shown = redact_url(string) if string.startswith(SECRET_BEARING_URI_SCHEMES) else scrub_text(string)
        if shown != string:
            edits.append((i, end, json.dumps(shown, ensure_ascii=False)))
        return end
    if char not in "[{":
        return _SCALAR.match(text, i).end()  # type: ignore[union-attr]
    closing, i = ("]" if char == "[" else "}"), i + 1
    while True:
        i = _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]
        if text[i] == closing:
            return i + 1
        if text[i] == ",":
            i += 1
            continue
        if closing == "}":
            key, i = scanstring(text, _WHITESPACE.match(text, i).end() + 1)  # type: ignore[union-attr]
            i = _WHITESPACE.match(text, i).end() + 1  # past the colon  # type: ignore[union-attr]
            if key in SECRET_KEYS:
                start = _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]
                member, i = _DECODER.raw_decode(text, start)
                if hides_something(member):
                    edits.append((start, i, json.dumps(REDACTED)))
                continue
        i = _walk_value(text, i, edits)


_TOO_DEEP = object()


def _depth_within(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return True
