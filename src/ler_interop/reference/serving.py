"""Run an ASGI app with uvicorn on a free loopback port, in a background thread.

The socket is bound before the app is built, so apps that must know their own origin
(a did:web identity names its host and port) get it at construction time. Start-up waits
until the port accepts connections; stop() asks uvicorn to exit and joins the thread.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Callable

import uvicorn

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT = 10.0


class ServerStartError(RuntimeError):
    """A loopback server did not come up in time."""


class LoopbackServer:
    """One uvicorn server on 127.0.0.1:<free port>; a context manager."""

    def __init__(self, build_app: Callable[[str], Any], *, name: str = "server"):
        self.name = name
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((LOOPBACK, 0))
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.app = build_app(self.url)
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name=f"ler-{name}", daemon=True
        )

    def start(self, timeout: float = STARTUP_TIMEOUT) -> "LoopbackServer":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._thread.is_alive():
                raise ServerStartError(f"{self.name} on {self.url} exited during start-up")
            if self._server.started and _port_answers(self.port):
                return self
            time.sleep(0.02)
        self.stop()
        raise ServerStartError(f"{self.name} on {self.url} did not start within {timeout}s")

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> "LoopbackServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.2):
            return True
    except OSError:
        return False
