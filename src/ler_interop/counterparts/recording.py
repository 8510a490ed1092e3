"""Everything the suite's counterparts receive, recorded (redacted) so checks can judge a
wallet by what it sent and cite it as evidence.

An ASGI middleware (`Recording`) wraps the counterparts' one app: each request and its
response (method, path, query, headers, body, status, response body; bodies capped) becomes an
`Inbound`, redacted before it is stored (redact.py: Authorization/Cookie headers, access_token,
pre-authorized_code, tx_code, ... in JSON, form bodies and query strings; and every secret the
counterparts registered). Access tokens the token endpoint hands out are registered with
redact.register_secret on their way out, so a wallet echoing one anywhere is scrubbed too.

In a check's evidence (`InboundLog.attach`) an inbound exchange shows as method `<- POST` and
url `inbound: <B><path>?<query>`: the arrow and the prefix say the wallet called the suite,
not the other way round.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl

from .. import net, redact

BODY_CAP = 64 * 1024  # bytes kept per body; more is cut (and said so)
# Bytes read per body before redacting: redaction must see a secret whole before any cut.
CAPTURE_CAP = 1024 * 1024
MAX_KEPT = 5000  # entries; the oldest go first (positions stay absolute)
INBOUND_METHOD_PREFIX = "<- "
INBOUND_URL_PREFIX = "inbound: "

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Inbound:
    """One request a counterpart received and what it answered, already redacted."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int
    response: bytes
    response_headers: dict[str, str] = field(default_factory=dict)
    duration_ms: float = 0.0

    def json(self) -> Any:
        """The request body as JSON (ValueError when it is not)."""
        return net.parse_json(self.body)

    def form(self) -> dict[str, str]:
        """The request body as a form (last value wins for a repeated name)."""
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True))

    def response_json(self) -> Any:
        return net.parse_json(self.response)

    def to_exchange(self, base_url: str) -> net.Exchange:
        query = f"?{self.query}" if self.query else ""
        return net.Exchange(
            method=INBOUND_METHOD_PREFIX + self.method,
            url=INBOUND_URL_PREFIX + base_url + self.path + query,
            request_headers=dict(self.headers),
            request_body=_evidence(self.body),
            status=self.status,
            response_headers=dict(self.response_headers),
            response_body=_evidence(self.response),
            duration_ms=self.duration_ms,
        )


def _evidence(raw: bytes) -> str:
    """A body as report evidence: text, capped like the suite's own outbound exchanges."""
    text = raw.decode("utf-8", errors="replace")
    cap = net.EVIDENCE_BODY_CAP
    return text if len(text) <= cap else text[:cap] + f"... [{len(text)} chars, truncated]"


def _redacted_body(raw: bytes, content_type: str) -> bytes:
    """Redacted first, then cut (a cut first could keep half a secret, or break the JSON or
    form the redaction reads). A body past CAPTURE_CAP is not kept at all."""
    if len(raw) > CAPTURE_CAP:
        return f"[{len(raw)}+ bytes, not recorded]".encode()
    text = redact.redact_body(raw.decode("utf-8", errors="replace"), content_type)
    data = text.encode("utf-8")
    if len(data) <= BODY_CAP:
        return data
    return data[:BODY_CAP].decode("utf-8", errors="ignore").encode("utf-8") + f"... [{len(data)} bytes, truncated]".encode()


def _register_issued_tokens(raw: bytes, content_type: str) -> None:
    """Token responses carry access tokens: remember them as secrets before anything records them."""
    if "json" not in content_type:
        return
    try:
        value = json.loads(raw)
    except ValueError:
        return
    if isinstance(value, dict):
        for name in ("access_token", "refresh_token"):
            if isinstance(value.get(name), str):
                redact.register_secret(value[name])


class InboundLog:
    """Thread-safe, bounded; positions (marks) are absolute and never reused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Inbound] = []
        self._dropped = 0

    def add(self, entry: Inbound) -> None:
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > MAX_KEPT:
                extra = len(self._entries) - MAX_KEPT
                del self._entries[:extra]
                self._dropped += extra

    def mark(self) -> int:
        with self._lock:
            return self._dropped + len(self._entries)

    def since(self, position: int = 0) -> list[Inbound]:
        with self._lock:
            return list(self._entries[max(0, position - self._dropped):])

    def attach(self, recorder: net.Recorder, since: int, base_url: str) -> None:
        for entry in self.since(since):
            recorder.add(entry.to_exchange(base_url))


class Recording:
    """ASGI middleware: records every HTTP request to `app` into `log`."""

    def __init__(self, app: Callable[..., Awaitable[None]], log: InboundLog):
        self.app, self.log = app, log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        # Routing (a Mount) rewrites root_path in this very scope dict: read the path first.
        path = scope.get("root_path", "") + scope.get("path", "")
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        answer: dict[str, Any] = {"status": 500, "headers": []}

        recorded = False

        def record() -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                self._record(scope, path, b"".join(request_chunks), answer, b"".join(response_chunks), started)

        async def recording_receive() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request" and sum(map(len, request_chunks)) <= CAPTURE_CAP:
                request_chunks.append(message.get("body", b""))
            return message

        held_start: list[dict[str, Any]] = []

        async def recording_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], message.get("headers", [])
                # Held back: a wallet that acts on the status line alone (and answers its
                # backchannel at once) must not get ahead of the log (seen with the OWF wallet).
                held_start.append(message)
                return
            if message["type"] == "http.response.body":
                if sum(map(len, response_chunks)) <= CAPTURE_CAP:
                    response_chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    # In the log before the caller has any of the answer: a check reading the log
                    # right after its wallet returned must find the exchange there.
                    record()
                if held_start:
                    await send(held_start.pop())  # a streamed body releases it with its first chunk
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            record()

    def _record(self, scope: Scope, path: str, body: bytes, answer: dict[str, Any], response: bytes, started: float) -> None:
        headers = _headers(scope.get("headers", []))
        response_headers = _headers(answer["headers"])
        response_type = response_headers.get("content-type", "")
        _register_issued_tokens(response, response_type)
        query = scope.get("query_string", b"").decode("latin-1")
        self.log.add(Inbound(
            method=scope.get("method", "GET"),
            path=path,
            query=redact.redact_url("?" + query).lstrip("?") if query else "",
            headers=redact.redact_headers(headers),
            body=_redacted_body(body, headers.get("content-type", "")),
            status=int(answer["status"]),
            response=_redacted_body(response, response_type),
            response_headers=redact.redact_headers(response_headers),
            duration_ms=round((time.monotonic() - started) * 1000, 1),
        ))


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        out[key] = f"{out[key]}, {value.decode('latin-1')}" if key in out else value.decode("latin-1")
    return out
