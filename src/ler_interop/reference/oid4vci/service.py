"""The one object the OpenID4VCI endpoints share: the reference issuer, its faults and state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .state import IssuanceState, IssuedCredential


@dataclass
class Service:
    issuer: Any  # reference.issuer.ReferenceIssuer: identity, sign(), prepare(), issue(), faults, token
    state: IssuanceState = field(init=False)
    # Told about every credential the Credential Endpoint hands out (the suite's counterpart
    # issuer records them; the reference vendor leaves it unset).
    on_issued: Callable[[IssuedCredential], None] | None = None
    # How long verifiers and wallets may cache the Token Status List (its `ttl` and max-age);
    # None: not at all (the suite's counterparts, whose checks revoke and look again at once).
    status_ttl: int | None = 60

    def __post_init__(self) -> None:
        self.state = IssuanceState(static_nonce=self.has("issuer.oid4vci-static-nonce"),
                                   reusable_codes=self.has("issuer.oid4vci-reusable-pre-auth-code"))

    @property
    def url(self) -> str:
        """The Credential Issuer Identifier (§12.2.1): the issuer's origin."""
        return str(self.issuer.origin)

    def has(self, fault: str) -> bool:
        return fault in self.issuer.faults
