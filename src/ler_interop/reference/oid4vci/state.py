"""What the reference OpenID4VCI issuer remembers: offers with their pre-authorized codes,
access tokens, c_nonces and notification ids. In memory, per issuer, behind one lock."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

CODE_LIFETIME = 600  # s; a pre-authorized code MUST be short lived (OpenID4VCI 1.0 §4.1.1)
TOKEN_LIFETIME = 600
NONCE_LIFETIME = 300
MAX_TX_CODE_FAILURES = 5  # then the code is dead (§13.6.3: limit failed tx_code attempts)
STATIC_NONCE = "ler-interop-static-nonce"


@dataclass
class Offer:
    id: str
    configuration_ids: tuple[str, ...]
    claims: dict[str, Any]
    pre_authorized_code: str
    tx_code: str | None
    by_reference: bool
    expires: float
    redeemed: bool = False
    tx_code_failures: int = 0
    served: bool = False
    # Per-offer deliberate defects and extra credential members (the suite's counterpart issuer,
    # testing wallets; never set through the POST /offers backchannel): see formats.DEFECTS.
    defects: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class IssuedCredential:
    """One credential the Credential Endpoint answered with, for the suite's own inspection."""

    configuration_id: str
    credential: Any
    holder: str  # the DID (did:key / did:jwk) of the key the wallet proved
    offer_id: str | None
    defects: frozenset[str]
    at: float = field(default_factory=time.time)


@dataclass
class Grant:
    access_token: str
    offer: Offer
    expires: float
    notification_ids: set[str] = field(default_factory=set)


class IssuanceState:
    def __init__(self, *, static_nonce: bool = False, reusable_codes: bool = False):
        self._lock = threading.Lock()
        self._offers: dict[str, Offer] = {}
        self._by_code: dict[str, Offer] = {}
        self._grants: dict[str, Grant] = {}
        self._nonces: dict[str, float] = {}
        self.static_nonce = static_nonce
        self.reusable_codes = reusable_codes

    # -- offers and codes ------------------------------------------------------------
    def new_offer(self, configuration_ids: tuple[str, ...], claims: dict[str, Any], tx_code: str | None,
                  by_reference: bool, *, defects: frozenset[str] = frozenset(),
                  extra: dict[str, Any] | None = None) -> Offer:
        offer = Offer(secrets.token_urlsafe(16), configuration_ids, claims, secrets.token_urlsafe(24), tx_code,
                      by_reference, time.time() + CODE_LIFETIME, defects=frozenset(defects), extra=dict(extra or {}))
        with self._lock:
            self._offers[offer.id] = offer
            self._by_code[offer.pre_authorized_code] = offer
        return offer

    def retire_offers(self) -> None:
        """Every offer made so far can no longer be fetched or redeemed (the suite's issuers do
        this when a check ends: its offer URIs are in the evidence, and B may be public)."""
        with self._lock:
            for offer in self._offers.values():
                offer.expires, offer.served = 0.0, True

    def offer_by_id(self, offer_id: str) -> Offer | None:
        with self._lock:
            return self._offers.get(offer_id)

    def live_offer_for_code(self, code: str) -> Offer | None:
        """The offer of an unexpired, unredeemed pre-authorized code (single use, §4.1.1)."""
        with self._lock:
            offer = self._by_code.get(code)
        if offer is None or offer.expires < time.time() or offer.tx_code_failures >= MAX_TX_CODE_FAILURES:
            return None
        if offer.redeemed and not self.reusable_codes:
            return None
        return offer

    def redeem(self, offer: Offer) -> Grant:
        with self._lock:
            offer.redeemed = True
            grant = Grant(secrets.token_urlsafe(32), offer, time.time() + TOKEN_LIFETIME)
            self._grants[grant.access_token] = grant
        return grant

    def grant(self, access_token: str) -> Grant | None:
        with self._lock:
            grant = self._grants.get(access_token)
        return grant if grant is not None and grant.expires >= time.time() else None

    # -- nonces ------------------------------------------------------------------------
    def new_nonce(self) -> str:
        if self.static_nonce:
            return STATIC_NONCE
        nonce = secrets.token_urlsafe(24)  # unpredictable (§7.2)
        with self._lock:
            now = time.time()
            self._nonces = {n: t for n, t in self._nonces.items() if t >= now}
            self._nonces[nonce] = now + NONCE_LIFETIME
        return nonce

    def nonce_valid(self, nonce: str) -> bool:
        if self.static_nonce:
            return nonce == STATIC_NONCE
        with self._lock:
            expires = self._nonces.get(nonce)
        return expires is not None and expires >= time.time()

    def consume_nonces(self, nonces: set[str]) -> None:
        """A c_nonce proves freshness once: after a successful request it is gone (§13.8)."""
        with self._lock:
            for nonce in nonces:
                self._nonces.pop(nonce, None)

    # -- notifications -----------------------------------------------------------------
    def new_notification_id(self, grant: Grant) -> str:
        notification_id = secrets.token_urlsafe(12)
        with self._lock:
            grant.notification_ids.add(notification_id)
        return notification_id
