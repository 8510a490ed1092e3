"""`--shard K/N`: a deterministic slice of a run, so N CI jobs cover one manifest and
`ler-interop report` merges their streams into the report one machine would have written.

An item's shard is a hash of its stable id (the suite folder and file, and the test name with
its parameters: vendor ids, cell, format), so it depends neither on the order of collection,
nor on xdist, nor on where the checkout lies. Every check that drives one vendor's wallet goes to
the same shard (keyed by that wallet), because a wallet is one learner's wallet: two machines
driving it at once would see each other's credentials come and go (plugin_xdist.py does the
same for workers).
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path
from typing import Any

# Node ids of checks that drive a vendor's wallet: the wallet suite and the learner's journey.
WALLET_NODE = re.compile(r"(^|/)wallet/test_[^/]*\.py::|(^|/)test_learner_journey\.py::")


def parse_shard(text: str) -> tuple[int, int]:
    """"K/N" with 1 <= K <= N -> (K, N)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise argparse.ArgumentTypeError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/3")
    return int(match[1]), int(match[2])


def stable_id(item: Any) -> str:
    """The item's id wherever the suites folder lies: <folder>/<file>::<name[params]>."""
    path = Path(str(item.path))
    return f"{path.parent.name}/{path.name}::{item.name}"


def shard_key(item: Any) -> str:
    key = stable_id(item)
    if WALLET_NODE.search(key):
        params = getattr(getattr(item, "callspec", None), "params", {})
        wallet = params.get("wallet_vendor") or params.get("vendor")
        if isinstance(wallet, str):
            return f"wallet:{wallet}"
    return key


def shard_of(key: str, count: int) -> int:
    """1-based shard of a key (SHA-256, so the same on every machine and Python)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % count + 1


def in_shard(item: Any, shard: tuple[int, int]) -> bool:
    index, count = shard
    return shard_of(shard_key(item), count) == index
