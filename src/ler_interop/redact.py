"""Secret redaction for everything that reaches a report, a log line or an attachment.

Two layers: names that always hold secrets (headers, JSON keys, form fields), and the
literal values of secrets the run knows about (manifest tokens, client secrets, tx_codes),
scrubbed wherever they appear, even inside free text a vendor echoed back.
"""

from __future__ import annotations

import json
import re
import threading
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


def scrub_text(text: str) -> str:
    with _lock:
        values = sorted(_known_values, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else scrub_text(v)) for k, v in headers.items()}


def redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if k in SECRET_KEYS else redact_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")


def redact_body(text: str, content_type: str = "") -> str:
    """Redact a request/response body given as text, by its content type."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.endswith("json") or text[:1] in "{[":
        try:
            return json.dumps(redact_json(json.loads(text)), ensure_ascii=False)
        except (ValueError, RecursionError):
            pass
    if ctype == "application/x-www-form-urlencoded":
        pairs = parse_qsl(text, keep_blank_values=True)
        return scrub_text(urlencode([(k, REDACTED if k in SECRET_KEYS else v) for k, v in pairs]))
    return _BEARER.sub("Bearer " + REDACTED, scrub_text(text))


def redact_url(url: str) -> str:
    """Query parameters that carry secrets are redacted (e.g. pre-authorized codes in offers)."""
    if "?" not in url:
        return scrub_text(url)
    base, _, query = url.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    return scrub_text(base + "?" + urlencode([(k, REDACTED if k in SECRET_KEYS else v) for k, v in pairs]))
