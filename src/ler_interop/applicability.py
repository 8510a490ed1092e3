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

Why not is one of two kinds (the `reason` of an `unsupported` result, docs/CONTRACTS.md):
`not-declared` when a participant does not declare the check's role protocol at all (a vendor
that speaks only VC API is not shown dozens of OpenID4VCI checks as missing features), and
`capability` when the protocol is declared but an optional capability token is not.
"""

from __future__ import annotations

from typing import Callable, Iterable, NamedTuple

from .checks import CheckMeta
from .manifest import ROLE_PROTOCOLS
from .outcomes import CAPABILITY, NOT_DECLARED

NO_PROTOCOL = "none"
# Tokens that name an exchange protocol (a manifest section, or a wallet's protocol token).
PROTOCOL_TOKENS = frozenset(t for sections in ROLE_PROTOCOLS.values() for t in sections) | {"oid4vci", "oid4vp"}


class NotApplicable(NamedTuple):
    kind: str  # NOT_DECLARED or CAPABILITY
    reason: str


def not_applicable(meta: CheckMeta, participants: Iterable[tuple[str, str]],
                   declared: Callable[[str, str], frozenset[str]]) -> str | None:
    """Why `meta` does not apply to these participants (a sentence), or None when it does."""
    why = why_not_applicable(meta, participants, declared)
    return why.reason if why else None


def why_not_applicable(meta: CheckMeta, participants: Iterable[tuple[str, str]],
                       declared: Callable[[str, str], frozenset[str]]) -> NotApplicable | None:
    """Why (kind, sentence) `meta` does not apply to these (vendor id, role) participants, or None.
    `declared(vendor_id, role)` gives the role's capability tokens (empty if it plays no such role)."""
    participants = list(participants)
    if not participants:
        return None
    single = len(participants) == 1
    lacking: list[str] = []
    protocol_missing = False
    for vendor_id, role in participants:
        tokens = declared(vendor_id, role)
        sections = ROLE_PROTOCOLS.get(role, ())
        needed = [t for t in meta.requires if t in sections]
        if meta.protocol != NO_PROTOCOL and (meta.protocol in sections or single):
            needed.insert(0, meta.protocol)
        missing = [t for t in dict.fromkeys(needed) if t not in tokens]
        if missing:
            protocol_missing = protocol_missing or any(t in PROTOCOL_TOKENS or t == meta.protocol for t in missing)
            lacking.append(f"{vendor_id} ({role}) does not declare {', '.join(missing)}")
    if lacking:
        return NotApplicable(NOT_DECLARED if protocol_missing else CAPABILITY, "; ".join(lacking))
    everyone = frozenset().union(*(declared(vendor_id, role) for vendor_id, role in participants))
    missing = [t for t in meta.requires if t not in everyone]
    if missing:
        who = ", ".join(f"{vendor_id} ({role})" for vendor_id, role in participants)
        return NotApplicable(CAPABILITY, f"{who} does not declare {', '.join(missing)}")
    return None
