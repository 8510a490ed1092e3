"""The suite's own OpenID4VCI Credential Issuer, for testing a vendor's wallet.

The reference issuer's code (reference/issuer.py + reference/oid4vci), without faults, mounted
under a path of the counterparts' origin B: credential_issuer = B/issuer, identity
did:web:<host%3Aport>:issuer (document at B/issuer/did.json). Checks make offers in Python
(no backchannel over HTTP), optionally with one deliberate defect or extra credential members,
and read back what the Credential Endpoint handed out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from starlette.applications import Starlette

from ..credentials.issuer_keys import MECHANISMS
from ..credentials.jws import JwsError, parse_compact
from ..credentials.jwtvc import decoded_document
from ..protocols.oid4vci_claims import offer_claims
from ..redact import register_secret
from ..reference.issuer import ReferenceIssuer
from ..reference.oid4vci import formats, offers
from ..reference.oid4vci.metadata import JWT_VC_JSON, LDP_VC, SD_JWT_VC, configurations
from ..reference.oid4vci.service import Service
from ..reference.oid4vci.state import IssuedCredential
from .recording import Inbound

CONFIGURATION_OF_FORMAT = {"ldp_vc": LDP_VC, "jwt_vc_json": JWT_VC_JSON, "dc+sd-jwt": SD_JWT_VC}
DEFECTS = formats.DEFECTS


class CounterpartError(ValueError):
    """A counterpart call the suite itself got wrong (unknown format, defect, credential)."""


@dataclass
class Issued:
    """A credential the Credential Endpoint answered with."""

    format: str
    configuration_id: str
    credential: Any  # exactly as in `credentials[i].credential`
    holder: str  # DID of the key the wallet proved
    offer_id: str | None
    defects: frozenset[str]
    position: int  # inbound log position when it was issued (compare with Counterparts.mark())


class CounterpartIssuer:
    """One OpenID4VCI issuer at `credential_issuer` (B/<name>)."""

    def __init__(self, origin: str, name: str, mark: Callable[[], int], inbound: Callable[[int], list[Inbound]],
                 keys: Any = None):
        self.name = name
        self.credential_issuer = f"{origin}/{name}"
        self._mark, self._inbound = mark, inbound
        # The run's stable keys (suite_keys.py): counterpart-issuer, counterpart-issuer-2.
        self.reference = ReferenceIssuer(self.credential_issuer, keys=keys, key_name=f"counterpart-{name}")
        self._app = self.reference.app()  # builds the OpenID4VCI service (reference.oid4vci)
        self.service: Service = self.reference.oid4vci
        self.service.on_issued = self._record
        self.service.status_ttl = None  # checks revoke, then ask again at once: nothing may be cached
        self.did = self.reference.identity.did
        self._lock = threading.Lock()
        self._issued: list[Issued] = []

    def app(self) -> Starlette:
        return self._app

    # -- metadata -------------------------------------------------------------------------
    def configuration_id(self, fmt: str) -> str:
        try:
            return CONFIGURATION_OF_FORMAT[fmt]
        except KeyError:
            raise CounterpartError(f"no configuration for format {fmt!r} ({', '.join(CONFIGURATION_OF_FORMAT)})") from None

    @property
    def configurations(self) -> dict[str, dict[str, Any]]:
        return configurations(frozenset())

    def retire_offers(self) -> None:
        """Make every offer so far unusable (when a check ends: its offer URIs are evidence)."""
        self.service.state.retire_offers()

    def proof_signing_algs(self, fmt: str) -> list[str]:
        """The `jwt` key proof algorithms the metadata accepts for `fmt` (§12.2.4)."""
        config = self.configurations[self.configuration_id(fmt)]
        return list(config["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"])

    # -- SD-JWT VC issuer key ----------------------------------------------------------------
    @property
    def sd_jwt_key(self) -> str:
        return self.reference.sd_jwt_key

    def use_sd_jwt_key(self, mechanism: str) -> None:
        """Sign SD-JWT VCs (and their status list) by `mechanism` from now on: `did` (its did:web),
        `jwt-vc-issuer` (its URL; metadata at B/.well-known/jwt-vc-issuer/<name>) or `x5c`
        (a certificate from the run's CA naming its URL). Its Token Status List token is signed
        the same way, so switch between checks, not while an earlier credential is in use."""
        if mechanism not in MECHANISMS:
            raise CounterpartError(f"unknown SD-JWT issuer key mechanism {mechanism!r} ({', '.join(MECHANISMS)})")
        self.reference.sd_jwt_key = mechanism

    # -- offers ---------------------------------------------------------------------------
    def offer(self, fmt: str, claims: dict[str, Any], *, tx_code: str | None = None, by_reference: bool = False,
              defect: str | None = None, extra: dict[str, Any] | None = None) -> str:
        """An `openid-credential-offer://` URI (pre-authorized code; by value unless `by_reference`)
        for the learner `claims` (an AchievementSubject without id), carried as the backchannel
        contract says for the format's Open Badge configuration (protocols/oid4vci_claims.py).

        defect: None | "bad-signature" | "other-key" | "unbound"; extra: top-level members merged into
        ldp_vc / jwt_vc_json credentials (evidence, name/description language value objects)."""
        configuration_id = self.configuration_id(fmt)
        if defect is not None and defect not in DEFECTS:
            raise CounterpartError(f"unknown defect {defect!r} ({', '.join(DEFECTS)})")
        if extra and fmt == "dc+sd-jwt":
            raise CounterpartError("`extra` members are for ldp_vc / jwt_vc_json credentials only")
        if tx_code is not None and not (isinstance(tx_code, str) and tx_code):
            raise CounterpartError("tx_code must be a non-empty string")
        offered = offer_claims(self.configurations[configuration_id], claims)
        offer = self.service.state.new_offer((configuration_id,), offered, tx_code, by_reference,
                                             defects=frozenset([defect] if defect else []), extra=extra)
        register_secret(offer.pre_authorized_code)
        register_secret(tx_code)
        return offers.offer_uri(self.service, offer)

    # -- what happened ----------------------------------------------------------------------
    def _record(self, issued: IssuedCredential) -> None:
        fmt = (self.configurations.get(issued.configuration_id) or {}).get("format", "?")
        with self._lock:
            self._issued.append(Issued(fmt, issued.configuration_id, issued.credential, issued.holder,
                                       issued.offer_id, issued.defects, self._mark()))

    def issued(self, since: int = 0) -> list[Issued]:
        with self._lock:
            return [i for i in self._issued if i.position >= since]

    def credential_requests(self, since: int = 0) -> list[dict]:
        """JSON bodies POSTed to the Credential Endpoint (redacted as recorded)."""
        out = []
        for entry in self.requests_to("/credential", since):
            try:
                body = entry.json()
            except ValueError:
                body = None
            out.append(body if isinstance(body, dict) else {})
        return out

    def token_requests(self, since: int = 0) -> list[dict]:
        """Form bodies POSTed to the Token Endpoint; pre-authorized_code and tx_code read
        "[REDACTED]" when present (a check can still see whether one was sent)."""
        return [entry.form() for entry in self.requests_to("/token", since)]

    def requests_to(self, endpoint: str, since: int = 0) -> list[Inbound]:
        """The POSTs to one of this issuer's endpoints (`/token`, `/credential`...), with their answers."""
        path = "/" + self.name + endpoint
        return [e for e in self._inbound(since) if e.method == "POST" and e.path == path]

    # -- status -----------------------------------------------------------------------------
    def revoke(self, credential: Any) -> None:
        """Revoke a credential this issuer handed out: its Bitstring Status List bit (ldp_vc,
        jwt_vc_json; handle = credential id) or its Token Status List entry (dc+sd-jwt; handle = jti)."""
        handle = _status_handle(credential)
        try:
            self.reference.registry.set_status(handle, "revocation", True)
        except KeyError:
            raise CounterpartError(f"{self.name} issued no credential {handle!r}") from None


def _status_handle(credential: Any) -> str:
    if isinstance(credential, dict):
        handle = credential.get("id")
    elif isinstance(credential, str):
        try:
            payload = parse_compact(credential.split("~", 1)[0]).payload_json()
        except JwsError as exc:
            raise CounterpartError(f"not a credential this issuer could have issued: {exc}") from None
        if not isinstance(payload, dict):
            raise CounterpartError("the credential's payload is not a JSON object")
        handle = payload.get("jti") if "~" in credential else decoded_document(payload).get("id")
    else:
        handle = None
    if not isinstance(handle, str):
        raise CounterpartError("the credential has no id / jti to revoke it by")
    return handle
