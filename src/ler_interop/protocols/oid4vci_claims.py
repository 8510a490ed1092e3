"""What the `claims` of an offer (the issuer backchannel, `POST /offers`) mean, per credential
configuration, and where the suite looks for them in what was issued (docs/CONTRACTS.md,
"Offer claims"; docs/backchannels.openapi.yaml, OfferRequest.claims).

- `ldp_vc`, `jwt_vc_json`: the claims of `credentialSubject` (the wallet's key is its `id`).
- `dc+sd-jwt`: the SD-JWT VC's own claims, top-level (an SD-JWT VC is a JWT claims set, with
  no `credentialSubject`). Which claims appear, and where, is for the type to say (SD-JWT VC,
  the `vct` section), so only a vct in OPEN_BADGE_VCTS is judged against the suite's Open Badge
  layout (credentials/ob_sdjwt.py, `credentialSubject.*`); any other vct only on the claims it
  was given coming back as given.

The suite sends complete OB 3.0 achievements (samples.offered_achievement) whenever it wants an
Open Badge, so an issuer never has to invent data to issue a valid one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..credentials import ob_sdjwt
from ..credentials.schemas import OB3_TYPES
from .oid4vci_formats import UnreadableCredential, sd_jwt_parts, subject_claims

# The vct values the suite knows as Open Badges: the OB 3.0 vocabulary IRI of OpenBadgeCredential
# (the OB context makes AchievementCredential an alias of it). OB 3.0 defines no SD-JWT VC encoding.
OPEN_BADGE_VCTS = frozenset({ob_sdjwt.VCT})


def is_open_badge(config: Mapping[str, Any]) -> bool:
    """Whether a credential configuration issues Open Badges: by `vct` for `dc+sd-jwt`, by
    `credential_definition.type` for the W3C formats."""
    if config.get("format") == "dc+sd-jwt":
        return config.get("vct") in OPEN_BADGE_VCTS
    definition = config.get("credential_definition")
    types = definition.get("type") if isinstance(definition, Mapping) else None
    return isinstance(types, list) and any(t in OB3_TYPES for t in types)


def offer_claims(config: Mapping[str, Any], subject: Mapping[str, Any]) -> dict[str, Any]:
    """The offer's `claims` for a learner (`subject`: an AchievementSubject without `id`)."""
    if config.get("format") == "dc+sd-jwt" and is_open_badge(config):
        return ob_sdjwt.claims_of(subject)
    return dict(subject)


def issued_claims(credential: Any, fmt: str) -> dict[str, Any]:
    """Where an offer's claims land: `credentialSubject` (W3C formats) or the SD-JWT VC's
    top-level claims with every disclosure applied. Raises UnreadableCredential."""
    if fmt == "dc+sd-jwt":
        return sd_jwt_parts(credential)[1]
    return subject_claims(credential, fmt)


def disclosable_paths(config: Mapping[str, Any], offered: Mapping[str, Any]) -> set[tuple[str, ...]]:
    """The claims of an SD-JWT VC a holder should be able to withhold: the learner's name and
    achievement in the Open Badge layout; for any other vct, each claim the offer gave."""
    if is_open_badge(config):
        return set(ob_sdjwt.DISCLOSABLE)
    return {(name,) for name in offered}


__all__ = ["OPEN_BADGE_VCTS", "UnreadableCredential", "disclosable_paths", "is_open_badge", "issued_claims",
           "offer_claims"]
