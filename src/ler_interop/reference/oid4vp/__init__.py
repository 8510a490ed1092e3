"""The reference verifier's OpenID4VP 1.0 side (https://openid.net/specs/openid-4-verifiable-presentations-1_0.html).

`routes(verifier)` adds its endpoints to the reference verifier's app; `extend_manifest(entry, url)`
adds the `oid4vp` section and capability tokens to the reference vendor's verifier role.
Modules: request_objects (client identity, signed Request Objects), transactions (state and
backchannel), verdict (VP Token validation), endpoints (the HTTP side).
"""

from __future__ import annotations

from typing import Any

from .endpoints import BACKCHANNEL, Oid4vpService

SUPPORTS = ("oid4vp", "ldp_vc", "jwt_vc_json", "dc+sd-jwt")


def routes(verifier: Any) -> list:
    return Oid4vpService(verifier).routes()


def extend_manifest(entry: dict[str, Any], verifier_url: str) -> None:
    entry["oid4vp"] = {"presentation_requests": verifier_url + BACKCHANNEL}
    supports = entry.setdefault("supports", [])
    supports += [token for token in SUPPORTS if token not in supports]
