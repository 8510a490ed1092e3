"""The peer lab: tests that hold the suite against independent implementations (Digital
Bazaar's jsonld.js / rdf-canonize / Data Integrity cryptosuites, the OpenWallet SD-JWT and
OpenID4VC libraries) installed under peers/ by `make peers`. Harness: lab_peers.py (starting
peers), lab_outcomes.py (expected outcomes).

Every lab test needs Node 20+ and peers/node_modules; without them it skips, with one reason
that says what to install, never fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lab_peers import node_or_skip

# The lab shares the suite's own test helpers (tests/backchannel_contract.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Bound on any one call into a peer script: Node starts in well under a second; a hang is a defect.
PEER_TIMEOUT = 60.0


def run_peer(script: str, *args: str, stdin: Any = None, timeout: float = PEER_TIMEOUT) -> str:
    """Run peers/<script> with Node, `stdin` (JSON-encoded unless a str) on its standard input;
    its standard output. A non-zero exit or a timeout fails the test with the peer's stderr."""
    node, peers = node_or_skip()
    text = stdin if isinstance(stdin, str) or stdin is None else json.dumps(stdin, ensure_ascii=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NODE_OPTIONS")}
    try:
        done = subprocess.run([node, str(peers / script), *args], input=text, capture_output=True,
                              encoding="utf-8", timeout=timeout, cwd=peers, env=env, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"peer {script} did not answer within {timeout:.0f}s")
    if done.returncode != 0:
        pytest.fail(f"peer {script} exited {done.returncode}: {done.stderr.strip()[:2000]}")
    return done.stdout


@pytest.fixture(scope="session")
def node_peers() -> tuple[str, Path]:
    return node_or_skip()


@pytest.fixture
def peer(node_peers):
    """`run_peer` for a test (skipped when the lab is not installed)."""
    return run_peer
