"""The peer lab's harness: find Node and the installed peers, start a peer on a free loopback
port, read its manifest entries, and compare a run's outcomes with the peer's expected file.

A peer is a folder peers/<name>/ with `server.mjs` (prints `READY <base>` once listening on
$HOST:$PORT), `manifest.yaml` (a vendor entry, or a list of them, with `{base}` and the names the peer answers at
GET <base>/lab/vars as placeholders) and `expected.yaml` (every outcome other than `pass`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PEERS_DIR = ROOT / "peers"
START_TIMEOUT = 30.0


def node_or_skip() -> tuple[str, Path]:
    """Node and the installed peers, or skip with the one line that says how to get them."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("peer lab skipped: no `node` on PATH (Node 20+ runs the third-party peers; see `make peers`)")
    if not (PEERS_DIR / "node_modules").is_dir():
        pytest.skip("peer lab skipped: peers are not installed (run `make peers`)")
    return node, PEERS_DIR


def peer_names() -> list[str]:
    return sorted(p.parent.name for p in PEERS_DIR.glob("*/server.mjs"))


@dataclass
class RunningPeer:
    name: str
    base: str
    vars: dict[str, str]
    process: subprocess.Popen

    def vendors(self) -> list[dict[str, Any]]:
        """The peer's manifest entries with its placeholders filled in."""
        text = (PEERS_DIR / self.name / "manifest.yaml").read_text()
        for key, value in {"base": self.base, **self.vars}.items():
            text = text.replace("{" + key + "}", value)
        entries = yaml.safe_load(text)
        return entries if isinstance(entries, list) else [entries]


@contextlib.contextmanager
def start_peer(name: str, env: dict[str, str] | None = None) -> Iterator[RunningPeer]:
    """Start peers/<name>/server.mjs on a free loopback port (with extra `env`, a peer's own
    settings); stop it on exit. Its stderr is kept (bounded) for the failure message when it
    does not come up."""
    node, peers = node_or_skip()
    env = {**os.environ, **(env or {}), "PORT": "0", "HOST": "127.0.0.1"}
    process = subprocess.Popen([node, str(peers / name / "server.mjs")], cwd=peers, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr: list[str] = []
    threading.Thread(target=lambda: [stderr.append(line) for line in process.stderr if len(stderr) < 200],
                     daemon=True).start()
    try:
        base = _wait_ready(process, name, stderr)
        vars_ = _lab_vars(base)
        yield RunningPeer(name, base, vars_, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_ready(process: subprocess.Popen, name: str, stderr: list[str]) -> str:
    found: list[str] = []

    def read() -> None:
        for line in process.stdout:
            if line.startswith("READY "):
                found.append(line.split(None, 1)[1].strip())
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not found:
        process.kill()
        tail = "".join(stderr[-20:])
        raise RuntimeError(f"peer {name} did not print READY within {START_TIMEOUT:.0f} s:\n{tail}")
    return found[0]


def _lab_vars(base: str) -> dict[str, str]:
    response = httpx.get(f"{base}/lab/vars", timeout=5)
    if response.status_code == 404:
        return {}
    response.raise_for_status()
    return {str(k): str(v) for k, v in response.json().items()}
