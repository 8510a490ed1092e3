"""The suite's wallet for OpenID4VCI: holder keys, key proof JWTs (Appendix F.1) built right
or deliberately wrong, the pre-authorized code flow end to end, and the verdict helpers
negative checks use.

Key proofs go through credentials/jws.py: `sign_compact` for proofs that should verify,
`unsigned_compact` for the ones that must not (alg `none`, a MAC alg, a garbage signature).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..credentials.did import did_jwk
from ..credentials.jws import sign_compact, unsigned_compact
from ..credentials.keys import Key
from ..outcomes import control_refused, unsupported, vendor_error
from ..net import Response
from .oid4vci import CredentialOffer, Oid4vciClient, describe, issued_credentials, oauth_error
from .oid4vci_claims import OPEN_BADGE_VCTS, is_open_badge, offer_claims

PROOF_TYP = "openid4vci-proof+jwt"
# Cheapest first: negative checks only need *a* configuration that takes jwt proofs.
FORMAT_PREFERENCE = ("dc+sd-jwt", "jwt_vc_json", "ldp_vc")
_DROP = object()


@dataclass(frozen=True)
class Holder:
    """A wallet key and how a proof names it: `jwk` header, or `kid` as did:key / did:jwk."""

    key: Key
    binding: str = "did:key"  # "jwk" | "did:key" | "did:jwk"

    @classmethod
    def generate(cls, key_type: str = "Ed25519", binding: str = "did:key") -> "Holder":
        return cls(Key.generate(key_type), binding)  # type: ignore[arg-type]

    @property
    def did(self) -> str:
        return did_jwk(self.key) if self.binding == "did:jwk" else self.key.did_key()

    @property
    def kid(self) -> str:
        return f"{self.did}#0" if self.binding == "did:jwk" else f"{self.did}#{self.key.public_multikey()}"

    def proof(self, *, aud: str, nonce: str | None, header: dict[str, Any] | None = None,
              claims: dict[str, Any] | None = None, signing_key: Key | None = None,
              signature: bytes | None = None) -> str:
        """A key proof JWT. `header`/`claims` override (value None removes the member);
        `signing_key` signs with another key than the header names; `signature` assembles the
        token with those raw bytes instead of signing (alg none, MAC algs)."""
        head: dict[str, Any] = {"typ": PROOF_TYP, "alg": self.key.jws_alg}
        if self.binding == "jwk":
            head["jwk"] = self.key.public_jwk()
        else:
            head["kid"] = self.kid
        body: dict[str, Any] = {"aud": aud, "iat": int(time.time()), "nonce": nonce}
        head = {k: v for k, v in {**head, **(header or {})}.items() if v is not None}
        body = {k: v for k, v in {**body, **(claims or {})}.items() if v is not None}
        if signature is not None:
            return unsigned_compact(head, body, signature)
        return sign_compact(head, body, signing_key or self.key)


@dataclass
class Session:
    """A redeemed offer: its access token, for one configuration."""

    offer: CredentialOffer
    access_token: str
    configuration_id: str


@dataclass
class Issuance:
    session: Session
    holders: list[Holder]
    response: Response
    credentials: list[Any] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)


class Wallet:
    def __init__(self, client: Oid4vciClient):
        self.client = client

    # -- choosing what to ask for ---------------------------------------------------------
    def configurations_of(self, fmt: str, *, open_badge: bool = False) -> list[str]:
        """Every configuration of `fmt` (only Open Badge ones with `open_badge`), in metadata order."""
        return [config_id for config_id, config in self.client.configurations().items()
                if isinstance(config, dict) and config.get("format") == fmt
                and (not open_badge or is_open_badge(config))]

    def configuration_for(self, fmt: str, *, open_badge: bool = False) -> str:
        """The first configuration of `fmt` (an Open Badge one with `open_badge`); unsupported
        when the metadata offers none."""
        found = self.configurations_of(fmt, open_badge=open_badge)
        if not found:
            what = f"Open Badge {fmt} credential configuration (vct {', '.join(sorted(OPEN_BADGE_VCTS))})" \
                if open_badge and fmt == "dc+sd-jwt" else f"{'Open Badge ' if open_badge else ''}{fmt} credential configuration"
            unsupported(f"the issuer's metadata offers no {what}")
        return found[0]

    def any_configuration(self) -> str:
        configs = self.client.configurations()
        for fmt in FORMAT_PREFERENCE:
            for config_id, config in configs.items():
                if isinstance(config, dict) and config.get("format") == fmt and _takes_jwt_proofs(config):
                    return config_id
        unsupported("no credential configuration takes `jwt` key proofs")

    def holder_for(self, configuration_id: str) -> Holder:
        """A key of an alg the configuration accepts, named the way it binds (§12.2.4)."""
        config = self.client.configurations().get(configuration_id) or {}
        jwt = (config.get("proof_types_supported") or {}).get("jwt") or {}
        algs = jwt.get("proof_signing_alg_values_supported") or ["EdDSA"]
        key_type = "Ed25519" if "EdDSA" in algs else "P-256" if "ES256" in algs else None
        if key_type is None:
            unsupported(f"{configuration_id} takes neither EdDSA nor ES256 key proofs ({algs})")
        methods = config.get("cryptographic_binding_methods_supported") or ["did:key"]
        binding = next((m for m in ("did:key", "did:jwk", "jwk") if m in methods), "did:key")
        return Holder.generate(key_type, binding)

    # -- the flow -------------------------------------------------------------------------
    def offer_claims(self, configuration_id: str, learner: dict[str, Any]) -> dict[str, Any]:
        """The offer's `claims` for `learner` (an AchievementSubject without id), as the
        backchannel contract defines them for this configuration (protocols/oid4vci_claims.py)."""
        return offer_claims(self.client.configurations().get(configuration_id) or {}, learner)

    def authorize(self, configuration_id: str, learner: dict[str, Any], *, tx_code: str | None = None,
                  by_reference: bool = False) -> Session:
        claims = self.offer_claims(configuration_id, learner)
        offer = self.client.resolve_offer(
            self.client.create_offer(configuration_id, claims, tx_code=tx_code, by_reference=by_reference))
        response = self.client.token_request(offer.pre_authorized_code, tx_code if offer.requires_tx_code else None)
        return Session(offer, self.client.access_token(response), configuration_id)

    def proofs(self, holders: list[Holder], **overrides: Any) -> dict[str, list[str]]:
        nonce = self.client.c_nonce()
        aud = self.client.credential_issuer
        return {"jwt": [h.proof(aud=aud, nonce=nonce, **overrides) for h in holders]}

    def request(self, session: Session, holders: list[Holder], *, extra: dict[str, Any] | None = None,
                configuration_id: str | None = None, **proof_overrides: Any) -> Response:
        body: dict[str, Any] = {"credential_configuration_id": configuration_id or session.configuration_id,
                                "proofs": self.proofs(holders, **proof_overrides)}
        body.update(extra or {})
        return self.client.credential_request(session.access_token, {k: v for k, v in body.items() if v is not _DROP})

    def issue(self, configuration_id: str, learner: dict[str, Any], holders: list[Holder] | None = None,
              **request_kw: Any) -> Issuance:
        """Offer -> token -> nonce -> credential; anything short of credentials is no verdict."""
        session = self.authorize(configuration_id, learner)
        holders = holders or [self.holder_for(configuration_id)]
        response = self.request(session, holders, **request_kw)
        credentials, body = issued_credentials(response)
        return Issuance(session, holders, response, credentials, body)


def _takes_jwt_proofs(config: dict[str, Any]) -> bool:
    types = config.get("proof_types_supported")
    return isinstance(types, dict) and "jwt" in types


DROP = _DROP


# The Credential Request error codes of §8.3.1.2, which "MUST be used instead of the generic
# invalid_request"; which one fits which problem is a SHOULD (ISS-OID4VCI-034 judges that).
CREDENTIAL_REQUEST_ERRORS = frozenset({
    "invalid_credential_request", "unknown_credential_configuration", "unknown_credential_identifier",
    "invalid_proof", "invalid_nonce", "invalid_encryption_parameters", "credential_request_denied",
})


def assert_refused(response: Response, what: str, codes: set[str], statuses: frozenset[int] = frozenset({400})) -> None:
    """A negative request must get an OAuth error with one of `codes` in one of `statuses`.
    2xx: it was accepted (fail). A wrong code or status: fail. 5xx, 404 and answers that are
    not OAuth errors at all: no verdict (error)."""
    status = response.status_code
    expected = "a Credential Request error code (§8.3.1.2)" if codes == CREDENTIAL_REQUEST_ERRORS else " or ".join(sorted(codes))
    assert not 200 <= status < 300, f"{what}: accepted ({status}); expected {expected}"
    answer = oauth_error(response)
    if answer is None:
        vendor_error(f"{what}: {describe(response)} is not an OAuth error response; cannot judge")
    assert answer.error in codes and answer.status in statuses, (
        f"{what}: answered {answer}; expected {'/'.join(map(str, sorted(statuses)))} {expected}")


def assert_control_issued(response: Response, what: str) -> None:
    """The positive control of a negative check: the untouched request must succeed first."""
    if response.status_code != 200:
        control_refused(f"your OpenID4VCI issuer refuses the suite's valid {what}", describe(response))
