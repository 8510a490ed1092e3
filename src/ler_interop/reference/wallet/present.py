"""Presenting over OpenID4VP 1.0 (placeholder; the flow follows)."""

from __future__ import annotations

from typing import Any

from .errors import RequestRejected


def present(wallet: Any, url: str, accept: bool) -> dict:
    raise RequestRejected("not implemented yet")
