"""The reference issuer's OpenID4VCI 1.0 side (https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html).

`routes(issuer)` adds its endpoints to the reference issuer's app; `extend_manifest(entry, url)`
adds the `oid4vci` section and capability tokens to the reference vendor's issuer role.
"""

from __future__ import annotations

from typing import Any


def routes(issuer: Any) -> list:
    return []


def extend_manifest(entry: dict[str, Any], issuer_url: str) -> None:
    return None
