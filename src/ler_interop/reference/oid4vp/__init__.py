"""The reference verifier's OpenID4VP 1.0 side (https://openid.net/specs/openid-4-verifiable-presentations-1_0.html).

`routes(verifier)` adds its endpoints to the reference verifier's app; `extend_manifest(entry, url)`
adds the `oid4vp` section and capability tokens to the reference vendor's verifier role.
"""

from __future__ import annotations

from typing import Any


def routes(verifier: Any) -> list:
    return []


def extend_manifest(entry: dict[str, Any], verifier_url: str) -> None:
    return None
