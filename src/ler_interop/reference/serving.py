"""Run an ASGI app with uvicorn in a background thread: on a free loopback port by default,
or on a given HOST:PORT behind a public URL (the suite's counterparts, reached by a wallet on
another machine).

The socket is bound before the app is built, so apps that must know their own origin
(a did:web identity names its host and port) get it at construction time: the public URL
when one is given, else http://<bind host>:<port>. Start-up waits until the port accepts
connections; stop() asks uvicorn to exit and joins the thread.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Callable

import uvicorn

from ..net import host_port_entry as _authority  # host:port, IPv6 in brackets
from . import run_ports

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT = 10.0
# A wildcard bind is reached from this machine through loopback.
_WILDCARD_LOCAL = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class ServerStartError(RuntimeError):
    """A server did not come up in time (or could not bind its address)."""


def local_url_for(bind: tuple[str, int]) -> str:
    """The URL this machine reaches a server bound to `bind` at (a wildcard means loopback)."""
    host, port = bind
    return f"http://{_authority(_WILDCARD_LOCAL.get(host, host), port)}"


class LoopbackServer:
    """One uvicorn server; a context manager. Defaults: bind 127.0.0.1:<free port>, url = http://127.0.0.1:<port>.

    `bind=(host, port)` listens elsewhere (port 0: any free port); `public_url` is the origin
    the app is built with and advertises (e.g. https://suite.example.org behind a TLS proxy).
    `local_url` always reaches the server from this machine (for hairpin-free self calls).
    """

    def __init__(self, build_app: Callable[[str], Any], *, name: str = "server",
                 bind: tuple[str, int] | None = None, public_url: str | None = None):
        self.name = name
        host, port = bind if bind is not None else (LOOPBACK, 0)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit it: without it, a response written in two parts (headers, then
        # body) waits for the client's delayed ACK, ~40 ms per exchange (Nagle, RFC 896).
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise ServerStartError(f"{name} cannot bind {_authority(host, port)}: {exc.strerror or exc}") from None
        self.bind_host = host
        self.port: int = self._sock.getsockname()[1]
        local_host = _WILDCARD_LOCAL.get(host, host)
        self.local_url = f"http://{_authority(local_host, self.port)}"
        self.url = (public_url or self.local_url).rstrip("/")
        self.app = build_app(self.url)
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name=f"ler-{name}", daemon=True
        )
        self._local_host = local_host

    def start(self, timeout: float = STARTUP_TIMEOUT) -> "LoopbackServer":
        run_ports.register(self.port)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._thread.is_alive():
                raise ServerStartError(f"{self.name} on {self.local_url} exited during start-up")
            if self._server.started and _port_answers(self._local_host, self.port):
                return self
            time.sleep(0.02)
        self.stop()
        raise ServerStartError(f"{self.name} on {self.local_url} did not start within {timeout}s")

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> "LoopbackServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False
