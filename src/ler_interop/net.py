"""The one HTTP client the suite uses to talk to anything a vendor controls.

Every request passes a host guard (only the vendor's declared hosts and the suite's own
loopback servers; never link-local; redirects followed by hand and re-checked), every
response is read with a byte cap and a deadline, JSON is parsed with a depth cap, and every
exchange is recorded with secrets redacted so checks can cite it as evidence.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable
from urllib.parse import urljoin, urlsplit

from . import redact
from .net_decode import ACCEPT_ENCODING, BadEncoding, CappedDecoder, DecodedTooLarge
from .outcomes import CheckTimeout

if TYPE_CHECKING:  # httpx is imported when a client first sends: `verify` of a local file never does
    import httpx

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64
MAX_REDIRECTS = 3
EVIDENCE_BODY_CAP = 16 * 1024


class NetError(Exception):
    """Transport-level trouble: the check could not judge (outcome `error`)."""


class HostNotAllowed(NetError):
    pass


class ResponseTooLarge(NetError):
    pass


class JsonTooDeep(NetError):
    pass


class DuplicateKey(NetError):
    """A JSON object names a member twice. Parsers disagree on which value wins (first, last,
    or an error), so the suite cannot know what the vendor meant: the check cannot judge
    (`error`), and the message names the key. RFC 8259 §4: names SHOULD be unique; I-JSON
    (RFC 7493 §2.3) MUST NOT have duplicates."""


class DeadlineExceeded(NetError):
    """The whole exchange (headers and body) took longer than the client's timeout."""


@dataclass
class Exchange:
    """One recorded HTTP exchange, already redacted."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    duration_ms: float = 0.0
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Recorder:
    """Collects exchanges; the plugin gives each check its own recorder."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        # The vendors (Http `party`) whose exchange ran out of time during the check: the
        # plugin's circuit breaker charges a timeout to them alone, not to every participant.
        self.timed_out: set[str] = set()

    def add(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)


def _cap(text: str) -> str:
    return text if len(text) <= EVIDENCE_BODY_CAP else text[:EVIDENCE_BODY_CAP] + f"... [{len(text)} chars, truncated]"


def _is_forbidden_address(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    # ::ffff:169.254.169.254 reaches the IPv4 address, but Python 3.11 does not call it link-local.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_link_local or ip.is_multicast or ip.is_unspecified


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    """localhost or a loopback IP (127.0.0.0/8, ::1): the one definition the suite uses."""
    host = host.lower().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_port_entry(host: str, port: int) -> str:
    """A host:port guard entry; an IPv6 address in brackets, so `[::1]:8080` reads one way only."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def entry_host(entry: str) -> str:
    """The host of a guard entry: `127.0.0.1:8080` -> `127.0.0.1`, `[::1]:8080` -> `::1`, a bare host as is."""
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    host, sep, port = entry.rpartition(":")
    return host if sep and port.isdigit() and ":" not in host else entry


def guard_entry(url: str) -> str:
    """What a declared URL allows: its host, or host:port for a loopback host (where many
    vendors share one address and only the port tells them apart)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if is_loopback(host):
        return host_port_entry(host, parts.port or (443 if parts.scheme == "https" else 80))
    return host


@dataclass
class HttpPolicy:
    allowed_hosts: set[str]
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH

    def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise HostNotAllowed(f"refused {url!r}: only http(s) URLs are fetched")
        host = (parts.hostname or "").lower()
        if _is_forbidden_address(host):
            raise HostNotAllowed(f"refused {url!r}: link-local/multicast addresses are never fetched")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise HostNotAllowed(f"refused {url!r}: the port is out of range") from None
        # An entry is a host (any port) or host:port; loopback vendors are declared with their
        # port, so two vendors sharing 127.0.0.1 cannot reach each other through the suite.
        if host not in self.allowed_hosts and host_port_entry(host, port) not in self.allowed_hosts:
            raise HostNotAllowed(
                f"refused {url!r}: {host}:{port} is not among the vendor's declared hosts "
                f"({', '.join(sorted(self.allowed_hosts)) or 'none'})"
            )


class _ConnectionWatch:
    """Cuts a client's connections when an exchange outlives its deadline.

    httpx's timeouts apply to each socket operation, so a server that drips one byte at a time
    (status line and headers included) is never timed out by them. httpcore's `trace` extension
    hands over every socket the client opens; shutting them down unblocks a pending read at
    once. An Http client serves one exchange at a time, so cutting all its sockets is safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:  # closed (or TLS-wrapped, hence detached) sockets have fileno -1
                self._sockets = [s for s in self._sockets if s.fileno() != -1] + [sock]

    def cut(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Response:
    """A fully read, capped response."""

    def __init__(self, status: int, headers: "httpx.Headers | dict[str, str]", content: bytes, url: str, max_depth: int):
        self.status_code = status
        self.headers = headers
        self.content = content
        self.url = url
        self._max_depth = max_depth

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return parse_json(self.content, self._max_depth)


def json_depth_ok(value: Any, max_depth: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return True


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise DuplicateKey(
            f"duplicate key {redact.quote(key, 80)!r} in the vendor's JSON: which value it meant is ambiguous "
            "(RFC 8259 §4: names SHOULD be unique; I-JSON, RFC 7493 §2.3: MUST NOT be duplicated)")
    return obj


def parse_json(data: bytes | str, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """json.loads with a depth cap; raises ValueError on bad JSON, JsonTooDeep on nesting,
    DuplicateKey on an object naming a member twice (never read last-wins)."""
    try:
        value = json.loads(data, object_pairs_hook=_unique_members)
    except RecursionError:
        raise JsonTooDeep(f"JSON nested deeper than {max_depth}") from None
    if not json_depth_ok(value, max_depth):
        raise JsonTooDeep(f"JSON nested deeper than {max_depth}")
    return value


class Http:
    """A guarded, capped, recording HTTP client for one vendor (or the suite's own servers)."""

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_depth: int = DEFAULT_MAX_DEPTH,
        headers: dict[str, str] | None = None,
        recorder: Recorder | None = None,
        verify_tls: bool = True,
        party: str | None = None,
    ):
        self.party = party  # the vendor whose hosts this client talks to (None: the suite's own)
        self.policy = HttpPolicy({h.lower() for h in allowed_hosts}, timeout, max_bytes, max_depth)
        self.recorder = recorder
        self._watch = _ConnectionWatch()
        # No keep-alive: a vendor that sends a second, unasked-for response after the first
        # (response smuggling) would have it read as the answer to the next request on a reused
        # connection (httpcore checks the socket, not bytes its parser already buffered), so
        # each exchange gets its own connection and nothing left on one is ever read.
        self._settings = (timeout, verify_tls, {"accept-encoding": ACCEPT_ENCODING, **(headers or {})})
        self._client_made: httpx.Client | None = None

    @property
    def _client(self) -> "httpx.Client":
        if self._client_made is None:
            import httpx

            timeout, verify_tls, headers = self._settings
            self._client_made = httpx.Client(
                timeout=httpx.Timeout(timeout), follow_redirects=False, verify=verify_tls, headers=headers,
                limits=httpx.Limits(max_keepalive_connections=0),
            )
        return self._client_made

    def close(self) -> None:
        if self._client_made is not None:
            self._client_made.close()

    def __enter__(self) -> "Http":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, url: str, *, follow_redirects: bool = True, **kwargs: Any) -> Response:
        """`follow_redirects=False` hands a 3xx back as the answer (an OpenID4VP wallet does not
        follow a Response URI's redirect, §8.2), instead of following it within the guard."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self._one(method, url, **kwargs)
            if not follow_redirects:
                return response
            if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                if response.status_code == 303:
                    method, kwargs = "GET", {k: v for k, v in kwargs.items() if k in ("headers", "params")}
                continue
            return response
        raise NetError(f"more than {MAX_REDIRECTS} redirects from {url}")

    def _note_timeout(self) -> None:
        if self.party is not None and self.recorder is not None:
            self.recorder.timed_out.add(self.party)

    def _too_slow(self, method: str, url: str) -> str:
        return f"{method} {redact.redact_url(url)}: no complete answer within {self.policy.timeout:g}s"

    def get(self, url: str, **kwargs: Any) -> Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Response:
        return self.request("DELETE", url, **kwargs)

    def _read_body(self, resp: httpx.Response, method: str, url: str, deadline: float) -> bytes:
        """The body, decoded, with both the bytes on the wire and the decoded bytes capped."""
        cap = self.policy.max_bytes
        decoder = CappedDecoder(resp.headers.get("content-encoding", ""), cap)
        chunks, total, wire = [], 0, 0
        try:
            for raw in itertools.chain(resp.iter_raw(), [None]):  # None: the end, flush the decoder
                if raw is not None:
                    wire += len(raw)
                    if wire > cap:
                        raise ResponseTooLarge(f"response from {url} exceeds {cap} bytes")
                chunk = decoder.feed(raw) if raw is not None else decoder.finish()
                total += len(chunk)
                if total > cap:
                    raise DecodedTooLarge(f"decompresses to more than {cap} bytes")
                if time.monotonic() > deadline:
                    raise DeadlineExceeded(self._too_slow(method, url))
                chunks.append(chunk)
        except DecodedTooLarge as exc:
            raise ResponseTooLarge(f"response from {url} {exc}") from None
        except BadEncoding as exc:
            raise NetError(f"{method} {redact.redact_url(url)}: {resp.headers.get('content-encoding')}: {exc}") from None
        return b"".join(chunks)

    def _one(self, method: str, url: str, **kwargs: Any) -> Response:
        import httpx

        self.policy.check_url(url)
        try:
            request = self._client.build_request(method, url, **kwargs)
        except (ValueError, httpx.InvalidURL) as exc:  # e.g. a port out of range in a vendor's URL
            raise NetError(f"cannot request {redact.redact_url(url)!r}: {exc}") from None
        req_body = request.content.decode("utf-8", errors="replace") if request.content else ""
        exchange = Exchange(
            method=method,
            url=redact.redact_url(url),
            request_headers=redact.redact_headers(dict(request.headers)),
            request_body=_cap(redact.redact_body(req_body, request.headers.get("content-type", ""))),
        )
        started = time.monotonic()
        deadline = started + self.policy.timeout
        timer = threading.Timer(self.policy.timeout, self._watch.cut)
        timer.daemon = True
        timer.start()
        extensions = {**kwargs.pop("extensions", {}), "trace": self._watch.trace}
        try:
            with self._client.stream(method, url, extensions=extensions, **kwargs) as resp:
                content = self._read_body(resp, method, url, deadline)
                exchange.status = resp.status_code
                exchange.response_headers = redact.redact_headers(dict(resp.headers))
                exchange.response_body = _cap(
                    redact.redact_body(content.decode("utf-8", errors="replace"), resp.headers.get("content-type", ""))
                )
                return Response(resp.status_code, resp.headers, content, str(resp.url), self.policy.max_depth)
        except NetError as exc:
            exchange.error = str(exc)
            if isinstance(exc, DeadlineExceeded):
                self._note_timeout()
            raise
        except httpx.HTTPError as exc:
            if time.monotonic() >= deadline:  # the watch cut the connection, or a read timed out at the end
                exchange.error = self._too_slow(method, url)
                self._note_timeout()
                raise DeadlineExceeded(exchange.error) from None
            exchange.error = f"{type(exc).__name__}: {exc}"
            raise NetError(f"{method} {redact.redact_url(url)}: {type(exc).__name__}: {exc}") from None
        except CheckTimeout:  # the check's own time limit struck while this vendor kept us waiting
            exchange.error = f"{method} {redact.redact_url(url)}: the check's time limit struck while waiting"
            self._note_timeout()
            raise
        finally:
            timer.cancel()
            exchange.duration_ms = round((time.monotonic() - started) * 1000, 1)
            if self.recorder is not None:
                self.recorder.add(exchange)
