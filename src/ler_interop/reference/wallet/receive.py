"""Receiving over OpenID4VCI 1.0 (placeholder; the flow follows)."""

from __future__ import annotations

from typing import Any

from .errors import IssuanceFailed


def receive(wallet: Any, offer: str, tx_code: str | None) -> list:
    raise IssuanceFailed("not implemented yet")
