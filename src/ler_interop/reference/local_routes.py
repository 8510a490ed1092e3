"""Fetching the counterparts' public base URL B from this machine's own bind (hairpin NAT).

When B (`--counterpart-url`) is not this machine's loopback, a NAT may not route B back here,
or the name may not even resolve locally. `local_origin(B, local)` makes this process's
reference parts (the verifier, the wallet) fetch URLs under B from the loopback bind instead.
Only the exact registered origin is rewritten, and the rewritten URL still passes the loopback
guard of the client doing the fetch, so this opens nothing the guard would refuse.
"""

from __future__ import annotations

import threading
from typing import Any

from ..net import Http, Response, is_loopback

_LOCAL_ORIGINS: dict[str, str] = {}
_LOCK = threading.Lock()


def local_origin(public: str, local: str | None) -> None:
    """Fetch URLs under origin `public` from loopback origin `local` instead (None: stop)."""
    public = public.rstrip("/")
    with _LOCK:
        if local is None:
            _LOCAL_ORIGINS.pop(public, None)
            return
        host = local.split("://", 1)[-1].split("/")[0].rsplit(":", 1)[0].strip("[]")
        if not is_loopback(host):
            raise ValueError(f"a local origin must be loopback, not {local!r}")
        _LOCAL_ORIGINS[public] = local.rstrip("/")


def rewrite_local(url: str) -> str:
    with _LOCK:
        routes = list(_LOCAL_ORIGINS.items())
    for public, local in routes:
        if url == public or url.startswith(public + "/"):
            return local + url[len(public):]
    return url


class LocalRoutingHttp(Http):
    """The guarded client, with URLs of registered public origins sent to their local bind."""

    def _one(self, method: str, url: str, **kwargs: Any) -> Response:
        return super()._one(method, rewrite_local(url), **kwargs)
