"""The loopback ports of this run's own servers, across its processes.

The embedded reference wallet and verifier, when the suite starts them, may reach loopback only
on these ports: the reference vendors themselves and the suite's counterparts, also those an
xdist worker started (a worker inherits RUN_PORTS_ENV, the file every process appends its
servers' ports to). So a vendor that points them at `http://127.0.0.1:<some local service>`
gets a refusal, like any host it did not declare (DESIGN §6).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

RUN_PORTS_ENV = "LER_INTEROP_RUN_PORTS"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")

_lock = threading.Lock()
_ports: set[int] = set()


def register(port: int) -> None:
    """Remember a port a server of this run listens on (and tell the run's other processes)."""
    with _lock:
        _ports.add(port)
        shared = os.environ.get(RUN_PORTS_ENV)
        if shared:
            try:
                with open(shared, "a", encoding="ascii") as out:  # one short line: appends do not interleave
                    out.write(f"{port}\n")
            except OSError:
                pass  # the run that shared the list is over; this process's own set still has it


def share_with_workers(folder: Path) -> Callable[[], None]:
    """Start the shared list (before xdist starts its workers, so they inherit it); returns
    what undoes it when the run ends."""
    shared = os.environ.get(RUN_PORTS_ENV)
    if shared and Path(shared).is_file():
        return lambda: None  # a list is already shared (an outer run of this process tree)
    path = folder / "run-ports.txt"
    with _lock:
        path.write_text("".join(f"{p}\n" for p in sorted(_ports)), encoding="ascii")
    os.environ[RUN_PORTS_ENV] = str(path)
    return lambda: os.environ.pop(RUN_PORTS_ENV, None)


def ports() -> set[int]:
    with _lock:
        found = set(_ports)
    shared = os.environ.get(RUN_PORTS_ENV)
    if shared:
        try:
            found |= {int(line) for line in Path(shared).read_text(encoding="ascii").split() if line.isdigit()}
        except OSError:
            pass
    return found


def loopback_entries() -> frozenset[str]:
    """Guard entries (host:port) for every port of this run's own servers."""
    return frozenset(f"{host}:{port}" for port in ports() for host in LOOPBACK_HOSTS)
