"""The suite testing a vendor's wallet: its own issuers offer, the wallet receives through its
backchannel; its own verifier asks, the wallet presents; then the check reads what the suite's
counterparts saw (counterparts/). This module keeps the suites free of protocol plumbing, so a
wallet check reads like the rule it tests.

Every learner is unique per check (a random tag in the name), so a DCQL query that filters on
the name (`values`, OpenID4VP §6.3) matches only this check's credential in a wallet that
already holds many: checks never reset the wallet.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..credentials.jws import JwsError, parse_compact
from ..credentials.samples import UNICODE_NAMES, offered_achievement
from ..credentials.sdjwt_format import Disclosure, parse_sd_jwt
from ..outcomes import vendor_error
from . import oid4vp_present as present
from .oid4vci_formats import UnreadableCredential, subject_claims
from .wallet import Presented, Received, Stored, WalletClient

ACHIEVEMENT = offered_achievement("Community interpreting (Arabic–English)", "Interpreted at 20 clinic visits")


@dataclass
class Offered:
    fmt: str
    claims: dict[str, Any]
    uri: str
    tx_code: str | None


@dataclass
class Asked:
    """One presentation request of the suite's verifier, as handed to the wallet."""

    transaction: str
    request_url: str
    dcql_query: dict[str, Any]
    fmt: str


def learner(script: str = "arabic", **achievement: Any) -> dict[str, Any]:
    """A learner whose name is unique to this check (so DCQL `values` pick only its credential),
    with a complete OB 3.0 achievement."""
    return {"name": f"{UNICODE_NAMES[script]} {secrets.token_hex(4)}", "achievement": {**ACHIEVEMENT, **achievement}}


def name_query(fmt: str, name: str, claims: Sequence[Sequence[Any]] = present.ASKED_CLAIMS) -> dict[str, Any]:
    """The suite's Open Badge query in `fmt`, narrowed to the learner named `name`."""
    query = present.credential_query(fmt, claims)
    for claim in query["credentials"][0]["claims"]:
        if tuple(claim["path"]) == ("credentialSubject", "name"):
            claim["values"] = [name]
    return query


class WalletSession:
    """One check's view of the wallet under test and the suite's counterparts."""

    def __init__(self, wallet: WalletClient, counterparts: Any, since: int = 0):
        self.wallet = wallet
        self.cp = counterparts
        self.since = since  # the counterparts' log position when the check began

    def issued(self, issuer: Any = None) -> list[Any]:
        """What the suite's issuer handed out since the check began."""
        return list((issuer or self.cp.issuer).issued(self.since))

    # -- receiving -------------------------------------------------------------------------
    def offer(self, fmt: str, claims: dict[str, Any] | None = None, *, issuer: Any = None, tx_code: str | None = None,
              by_reference: bool = False, defect: str | None = None, extra: dict[str, Any] | None = None) -> Offered:
        claims = claims if claims is not None else learner()
        issuer = issuer or self.cp.issuer
        uri = issuer.offer(fmt, claims, tx_code=tx_code, by_reference=by_reference, defect=defect, extra=extra)
        return Offered(fmt, claims, uri, tx_code)

    def receive(self, offered: Offered) -> Received:
        return self.wallet.receive(offered.uri, offered.tx_code)

    def holding(self, fmt: str, claims: dict[str, Any] | None = None, **offer: Any) -> tuple[Stored, Offered]:
        """A credential the wallet received and stored: the precondition of a check that tests
        something else. A wallet that cannot receive it makes the check `error` (its receive
        checks, WAL-OID4VCI-*, say why)."""
        offered = self.offer(fmt, claims, **offer)
        received = self.receive(offered)
        if received.refusal or len(received.stored) != 1:
            why = f"{received.refusal.error}: {received.refusal.description}" if received.refusal else \
                f"{len(received.stored)} credentials stored for one offer"
            vendor_error(f"the wallet did not receive a {fmt} credential from the suite's issuer ({why[:300]}); "
                         "the WAL-OID4VCI checks report why")
        return received.stored[0], offered

    def key_proofs(self) -> list[Any]:
        """The `proofs.jwt` entries of every Credential Request the wallet sent (Appendix F.1)."""
        found: list[Any] = []
        for body in self.cp.issuer.credential_requests(self.since):
            proofs = body.get("proofs") if isinstance(body, dict) else None
            jwts = proofs.get("jwt") if isinstance(proofs, dict) else None
            found.extend(jwts if isinstance(jwts, list) else [])
        return found

    def nonces_handed_out(self) -> set[str]:
        """Every c_nonce the suite's Nonce Endpoints answered with during the check (§7.2)."""
        nonces: set[str] = set()
        for inbound in self.cp.inbound(self.since):
            if inbound.method == "POST" and inbound.path.endswith("/nonce") and inbound.status == 200:
                try:
                    nonce = json.loads(inbound.response).get("c_nonce")
                except (ValueError, AttributeError):
                    continue
                if isinstance(nonce, str):
                    nonces.add(nonce)
        return nonces

    # -- presenting ------------------------------------------------------------------------
    def ask(self, fmt: str, query: dict[str, Any], *, bad_signature: bool = False) -> Asked:
        verifier = self.cp.verifier
        create = verifier.request_url_with_bad_signature if bad_signature else verifier.request
        transaction, url = create(query)
        return Asked(transaction, url, query, fmt)

    def present(self, asked: Asked, consent: str = "accept") -> Presented:
        return self.wallet.present(asked.request_url, consent)

    def responses(self, asked: Asked) -> list[dict[str, str]]:
        return list(self.cp.verifier.responses(asked.transaction))

    def presentations(self, asked: Asked) -> list[Any]:
        """Every presentation the wallet sent for this request (a vp_token keyed by query id,
        each with a list, §8.1; a vp_token of another shape holds none the suite can read)."""
        found: list[Any] = []
        for form in self.responses(asked):
            token = vp_token_of(form)
            if isinstance(token, dict) and all(isinstance(v, list) for v in token.values()):
                for value in token.values():
                    found.extend(value)
        return found

    def clean_slate(self) -> None:
        """Empty the wallet (POST /reset) so a presentation check's credentials are the only
        candidates: DCQL `values` matching is only a SHOULD (OpenID4VP §6.4.1), so a check cannot
        rely on it to single out its credential among earlier checks' ones."""
        self.wallet.reset()

    def posted_responses(self, since: int | None = None) -> list[dict[str, str]]:
        """Every form posted to the suite verifier's Response URI during the check (or since a
        mark), whatever request it claims to answer (a response without `state` matches none)."""
        path = urlsplit(self.cp.verifier.response_uri).path
        forms = []
        for inbound in self.cp.inbound(self.since if since is None else since):
            if inbound.method == "POST" and inbound.path == path:
                forms.append(dict(parse_qsl(inbound.body.decode("utf-8", "replace"), keep_blank_values=True)))
        return forms

    def verdict(self, asked: Asked) -> dict[str, Any]:
        return dict(self.cp.verifier.status(asked.transaction))


def vp_token_of(form: Mapping[str, str]) -> Any:
    """The `vp_token` of a direct_post response (a JSON object, OpenID4VP §8.1), or None."""
    raw = form.get("vp_token")
    if not isinstance(raw, str):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def binding_of(fmt: str, presentation: Any) -> tuple[Any, Any]:
    """(nonce, audience) a presentation is bound to (OpenID4VP Appendix B): the proof's
    challenge/domain (ldp_vc), the VP JWT's nonce/aud (jwt_vc_json), the KB-JWT's nonce/aud (dc+sd-jwt)."""
    try:
        if fmt == "ldp_vc":
            proof = presentation.get("proof") if isinstance(presentation, dict) else None
            proof = proof[0] if isinstance(proof, list) and proof else proof
            return (proof.get("challenge"), proof.get("domain")) if isinstance(proof, dict) else (None, None)
        if fmt == "jwt_vc_json":
            payload = parse_compact(presentation).payload_json()
        else:
            kb = parse_sd_jwt(presentation).kb_jwt
            payload = parse_compact(kb).payload_json() if kb else {}
    except (JwsError, ValueError, TypeError, AttributeError):
        return None, None
    return (payload.get("nonce"), payload.get("aud")) if isinstance(payload, dict) else (None, None)


def presented_names(fmt: str, presentation: Any) -> list[Any]:
    """The learner names of the credentials inside one presentation (W3C presentations may
    carry several; an SD-JWT presentation is one credential)."""
    try:
        if fmt == "dc+sd-jwt":
            credentials: list[Any] = [parse_sd_jwt(presentation).without_kb]
        elif fmt == "ldp_vc":
            inner = presentation.get("verifiableCredential", []) if isinstance(presentation, dict) else []
            credentials = inner if isinstance(inner, list) else [inner]
        else:
            vp = parse_compact(presentation).payload_json().get("vp", {})
            inner = vp.get("verifiableCredential", []) if isinstance(vp, dict) else []
            credentials = inner if isinstance(inner, list) else [inner]
    except (JwsError, ValueError, TypeError, AttributeError):
        return [None]
    names = []
    for credential in credentials:
        try:
            names.append(subject_claims(credential, fmt).get("name"))
        except UnreadableCredential:
            names.append(None)
    return names


def disclosed_names(presentation: Any) -> list[str]:
    """The claim names an SD-JWT presentation discloses (object-property disclosures)."""
    try:
        disclosures = [Disclosure.parse(d) for d in parse_sd_jwt(presentation).disclosures]
    except (JwsError, ValueError, TypeError):
        return []
    return [str(d.name) for d in disclosures if d.name is not None]
