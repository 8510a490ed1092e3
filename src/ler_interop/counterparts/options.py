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
    try:
        return resolve(config.getoption("counterpart_url"), config.getoption("counterpart_bind"),
                       os.environ.get(WORKER_ENV))
    except CounterpartConfigError as exc:
        raise pytest.UsageError(str(exc)) from None


class OptionsPlugin:
    """Checks the option values once, when pytest configures (a one-line usage error)."""

    @pytest.hookimpl(trylast=True)  # after the terminal reporter exists, to print notes
    def pytest_configure(self, config: pytest.Config) -> None:
        found = address(config)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and os.environ.get(WORKER_ENV) is None:
            for note in found.notes:
                reporter.write_line(f"ler-interop: note: {note}")


def start(config: pytest.Config) -> Any:
    """The session's Counterparts, started (imported here: the servers are heavy to load)."""
    from .server import Counterparts

    found = address(config)
    return Counterparts(bind=found.bind, public_url=found.public_url).start()
