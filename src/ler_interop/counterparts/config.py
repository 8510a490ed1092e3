"""Where the suite's counterparts listen (bind) and the URL they advertise (B).

Options (pytest `--counterpart-url URL`, `--counterpart-bind HOST:PORT`; `ler-interop run` passes them):
- neither: bind 127.0.0.1 on a free port, B = http://127.0.0.1:<port> (the default; wallets on
  this machine only);
- `--counterpart-bind` only: listen there; B = http://<host>:<port> (127.0.0.1 for a wildcard bind);
- `--counterpart-url` only: a loopback URL (http://localhost:8765) binds 127.0.0.1 on its port; any
  other URL needs `--counterpart-bind` too (the address a reverse proxy forwards to);
- both: listen on the bind, advertise the URL (e.g. https://suite.example.org -> 0.0.0.0:8765).

B must be an origin (no path). TLS: B is https when a reverse proxy in front terminates TLS
and forwards plain http to the bind (the documented way to reach a wallet on another machine:
did:web resolves over https for every non-loopback host, and wallets expect https). A
non-loopback plain-http B is allowed but noted: no wallet can resolve its did:web identities.

pytest-xdist: worker gwN (PYTEST_XDIST_WORKER) binds PORT+N and advertises B with port+N
(the URL's explicit or default port: https://suite.example.org is https://suite.example.org:444
on gw1), only when a fixed port or a URL was given; a free port (0) is per worker anyway. The
proxy in front must then forward each port+N to bind port+N.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..net import is_loopback
from ..net import host_port_entry as _authority  # host:port, IPv6 in brackets

DEFAULT_BIND = ("127.0.0.1", 0)
_BIND = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>\d{1,5})$")
_WORKER = re.compile(r"^gw(\d+)$")


class CounterpartConfigError(ValueError):
    """A bad --counterpart-url / --counterpart-bind value; the message says what to fix."""


@dataclass(frozen=True)
class CounterpartAddress:
    bind: tuple[str, int]
    public_url: str | None  # None: the bind's own URL
    notes: tuple[str, ...] = field(default_factory=tuple)


def _url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a valid origin URL."""
    hint = "give an origin like https://suite.example.org or http://127.0.0.1:8765"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CounterpartConfigError(f"--counterpart-url {url!r} has an invalid port; {hint}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CounterpartConfigError(f"--counterpart-url {url!r} is not an http(s) URL; {hint}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise CounterpartConfigError(f"--counterpart-url {url!r} must be an origin (no path, query or user); {hint}")
    if port == 0:
        raise CounterpartConfigError(f"--counterpart-url {url!r}: port 0 cannot be advertised; {hint}")
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def _bind(bind: str) -> tuple[str, int]:
    match = _BIND.match(bind.strip())
    if match is None or int(match["port"]) > 65535:
        raise CounterpartConfigError(f"--counterpart-bind {bind!r} must be HOST:PORT, e.g. 127.0.0.1:8765 "
                                     "or 0.0.0.0:8765 (PORT 0: any free port)")
    host = match["v6"] or match["host"]
    if match["v6"]:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise CounterpartConfigError(f"--counterpart-bind {bind!r}: {host!r} is not an IPv6 address") from None
    return host, int(match["port"])


def worker_offset(worker: str | None) -> int:
    match = _WORKER.match(worker or "")
    return int(match.group(1)) if match else 0


def resolve(url: str | None, bind: str | None, worker: str | None = None) -> CounterpartAddress:
    """The bind address and public URL for these option values (and xdist worker id)."""
    notes: list[str] = []
    parsed = _url(url) if url else None
    if bind:
        host, port = _bind(bind)
    elif parsed is not None:
        scheme, url_host, url_port = parsed
        if not is_loopback(url_host):
            raise CounterpartConfigError(
                f"--counterpart-url {url} is not loopback: also give --counterpart-bind HOST:PORT "
                "(where this machine listens; a reverse proxy forwards B there)")
        host, port = ("::1" if url_host.strip("[]") == "::1" else "127.0.0.1"), url_port
    else:
        host, port = DEFAULT_BIND
    offset = worker_offset(worker) if port or parsed is not None else 0
    if port + offset > 65535:
        raise CounterpartConfigError(f"--counterpart-bind port {port}+{offset} (xdist worker {worker}) exceeds 65535")
    public = None
    if parsed is not None:
        scheme, url_host, url_port = parsed
        if offset:
            url_port += offset
        explicit_port = urlsplit(url or "").port is not None
        bare_host = f"[{url_host}]" if ":" in url_host else url_host
        public = f"{scheme}://" + (_authority(url_host, url_port) if explicit_port or offset else bare_host)
        if scheme == "http" and not is_loopback(url_host):
            notes.append(f"counterparts advertise plain http on a non-loopback host ({public}): wallets resolve "
                         "did:web over https, so put a TLS reverse proxy in front and give an https:// "
                         "--counterpart-url")
    elif host in ("0.0.0.0", "::"):
        notes.append(f"counterparts bind {_authority(host, port)} but advertise loopback; give --counterpart-url "
                     "for a wallet on another machine")
    return CounterpartAddress((host, port + offset if port else 0), public, tuple(notes))
