"""A fixed delay before every request a reference server answers: a vendor far away on the
network, for the many-vendor benchmark (benchmarks/vendors_bench.py). The delay is awaited,
so a delayed server still answers concurrent requests concurrently."""

from __future__ import annotations

import asyncio
from typing import Any


def delayed(app: Any, seconds: float) -> Any:
    """`app` (ASGI), answering each HTTP request `seconds` later; 0: `app` itself."""
    if seconds <= 0:
        return app

    async def wrapper(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            await asyncio.sleep(seconds)
        await app(scope, receive, send)

    return wrapper
