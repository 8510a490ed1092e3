"""Whether a check applies to the vendors it would run against, decided from the manifest alone
before any fixture runs (so no fixture ever reads a protocol section a vendor did not declare).

A check applies when
- each participant declares the check's protocol, where that protocol is one of its role's
  manifest sections (an issuer's `vc-api`/`oid4vci`, a verifier's `vc-api`/`oid4vp`, a wallet's
  `backchannel`), or a token of the role otherwise (a wallet's `oid4vci`, `oid4vp`);
- each `requires` token that names a participant role's protocol section is declared by that
  participant (the journey's issuer must speak `oid4vci`, its verifier `oid4vp`);
- every other `requires` token is declared by one of the participants (a check needing it from a
  particular one says so with `vendor.supports` + unsupported()).
"""

from __future__ import annotations

from typing import Callable, Iterable

from .checks import CheckMeta
from .manifest import ROLE_PROTOCOLS

NO_PROTOCOL = "none"


def not_applicable(meta: CheckMeta, participants: Iterable[tuple[str, str]],
                   declared: Callable[[str, str], frozenset[str]]) -> str | None:
    """Why `meta` does not apply to these (vendor id, role) participants, or None when it does.
    `declared(vendor_id, role)` gives the role's capability tokens (empty if it plays no such role)."""
    participants = list(participants)
    if not participants:
        return None
    single = len(participants) == 1
    lacking: list[str] = []
    for vendor_id, role in participants:
        tokens = declared(vendor_id, role)
        sections = ROLE_PROTOCOLS.get(role, ())
        needed = [t for t in meta.requires if t in sections]
        if meta.protocol != NO_PROTOCOL and (meta.protocol in sections or single):
            needed.insert(0, meta.protocol)
        missing = [t for t in dict.fromkeys(needed) if t not in tokens]
        if missing:
            lacking.append(f"{vendor_id} ({role}) does not declare {', '.join(missing)}")
    if lacking:
        return "; ".join(lacking)
    everyone = frozenset().union(*(declared(vendor_id, role) for vendor_id, role in participants))
    missing = [t for t in meta.requires if t not in everyone]
    if missing:
        who = ", ".join(f"{vendor_id} ({role})" for vendor_id, role in participants)
        return f"{who} does not declare {', '.join(missing)}"
    return None
