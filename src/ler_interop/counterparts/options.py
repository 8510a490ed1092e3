"""The counterparts' command-line options for pytest: `--counterpart-url URL` and
`--counterpart-bind HOST:PORT` (meaning: config.py), validated at configure time so a bad value
is a one-line usage error before anything runs, and the session's Counterparts built from them."""

from __future__ import annotations

import os
from typing import Any

import pytest

from .config import CounterpartAddress, CounterpartConfigError, resolve

WORKER_ENV = "PYTEST_XDIST_WORKER"


def add_options(group: Any) -> None:
    group.addoption("--counterpart-url", metavar="URL", default=None,
                    help="public base URL of the suite's counterparts (issuers, verifier, did:web and status "
                         "host) that a wallet must reach; default http://127.0.0.1:<free port>. For another "
                         "machine: an https:// origin served by a TLS reverse proxy that forwards to "
                         "--counterpart-bind. Under xdist, worker gwN advertises port+N")
    group.addoption("--counterpart-bind", metavar="HOST:PORT", default=None,
                    help="where the counterparts listen (default 127.0.0.1:0, a free port); under xdist, "
                         "worker gwN binds PORT+N")


def address(config: pytest.Config) -> CounterpartAddress:
    """This process's bind and public URL (an xdist worker's own port offset)."""
    return address_for(config, os.environ.get(WORKER_ENV))


class OptionsPlugin:
    """Checks the option values once, when pytest configures (a one-line usage error)."""

    @pytest.hookimpl(trylast=True)  # after the terminal reporter exists, to print notes
    def pytest_configure(self, config: pytest.Config) -> None:
        found = address(config)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and os.environ.get(WORKER_ENV) is None:
            for note in found.notes:
                reporter.write_line(f"ler-interop: note: {note}")


def start(config: pytest.Config, keys: Any = None) -> Any:
    """The session's Counterparts, started (imported here: the servers are heavy to load);
    `keys`: the run's suite_keys.SuiteKeys."""
    from .server import Counterparts

    found = address(config)
    return Counterparts(bind=found.bind, public_url=found.public_url, keys=keys).start()


def route_workers_locally(config: pytest.Config) -> None:
    """Under xdist the embedded reference vendors run in the controller, while each worker N
    serves its counterparts at B with port+N: route each worker's B to its local bind here too,
    as each worker does for itself (reference/local_routes.py), so the reference verifier and
    wallet reach them even when B's name does not lead back to this machine."""
    url, workers = config.getoption("counterpart_url"), getattr(config.option, "numprocesses", None)
    if not url or not isinstance(workers, int) or workers < 1:
        return
    from ..net import host_of, is_loopback
    from ..reference.local_routes import local_origin
    from ..reference.serving import local_url_for
    from .server import _origins_of

    # Replacement workers (after a crash) get new ids gwN, N >= workers: route those too.
    restarts = getattr(config.option, "maxworkerrestart", None)
    restarts = int(restarts) if isinstance(restarts, (int, str)) and str(restarts).isdigit() else 4 * workers
    for n in range(workers + restarts):
        found = address_for(config, f"gw{n}")
        local = local_url_for(found.bind)
        if found.public_url and found.bind[1] and is_loopback(host_of(local)) and found.public_url.rstrip("/") != local:
            for public in _origins_of(found.public_url.rstrip("/")):
                local_origin(public, local)


def address_for(config: pytest.Config, worker: str | None) -> CounterpartAddress:
    """The bind and public URL of xdist worker `worker` (None: no xdist); a bad value is a one-line usage error."""
    try:
        return resolve(config.getoption("counterpart_url"), config.getoption("counterpart_bind"), worker)
    except CounterpartConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
