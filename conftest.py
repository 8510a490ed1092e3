"""Repo-root conftest: the suite's own tests drive the plugin through pytester."""

import shutil
from pathlib import Path

pytest_plugins = ["pytester"]


def pytest_report_header(config):
    """Say once, at the top, whether the peer lab (tests/lab) runs here."""
    if shutil.which("node") is None:
        return "peer lab: skipped (no `node` on PATH; Node 20+ and `make peers` run it)"
    if not (Path(__file__).parent / "peers" / "node_modules").is_dir():
        return "peer lab: skipped (peers not installed; run `make peers`)"
    return "peer lab: on (peers/ installed)"
