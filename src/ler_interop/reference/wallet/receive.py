"""Receiving over OpenID4VCI 1.0, pre-authorized code flow
(https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html).

offer (§4.1: by value, or `credential_offer_uri` fetched by GET, §4.1.3) -> Credential Issuer
metadata at the path-inserted well-known URL (§12.2.2; its `credential_issuer` must be the
offer's, §12.2.4) -> AS metadata (RFC 8414 §3.1: `authorization_servers` or the issuer itself)
-> Token Request with the pre-authorized code and, when the offer asks one, the tx_code (§6.1)
-> per offered configuration: a c_nonce (§7), a key proof (Appendix F.1) and a Credential
Request (§8.2) -> `credentials[].credential` (§8.3). Every credential is verified (proof,
issuer binding, validity; status is checked when presenting) and must be bound to the key the
wallet proved; only then is anything stored (all or nothing).

Fault switches change exactly one step each (faults_wallet.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ... import redact
from ...credentials.keys import Key, KeyFormatError
from ...net import NetError
from ...protocols.oid4vci import (
    WELL_KNOWN_AS,
    CredentialOffer,
    MalformedOffer,
    Oid4vciClient,
    decode_offer,
    describe,
    oauth_error,
    split_offer_uri,
    well_known_url,
)
from ...protocols.oid4vci_formats import UnreadableCredential, bound_key
from ...protocols.oid4vci_wallet import Holder
from ...protocols.vcapi import json_body
from . import mutations
from .errors import CredentialRejected, IssuanceFailed
from .reading import FORMATS, issuer_and_types
from .store import StoredCredential, new_id
from .tools import Outbound

if TYPE_CHECKING:
    from . import ReferenceWallet

# What the wallet insists on in a received credential; data-model and schema findings are
# the verifier's business, not a reason to refuse the learner's credential.
REQUIRED_CHECKS = ("format", "proof", "issuer-binding", "validity")


@dataclass
class Issued:
    configuration_id: str
    format: str
    credential: Any
    holder: Holder


MAX_CREDENTIALS = 10  # per Credential Response; more is a hostile issuer, not a batch the wallet asked for


def receive(wallet: "ReferenceWallet", offer_uri: str, tx_code: str | None) -> list[StoredCredential]:
    redact.register_secret(tx_code)
    with Outbound(wallet.allowed_hosts()) as out:
        try:
            issued = Flow(wallet.faults, out).run(offer_uri, tx_code)
        except NetError as exc:  # guard refusals, timeouts, oversize or too-deep answers
            raise IssuanceFailed(str(exc)) from None
        if len(issued) > MAX_CREDENTIALS:  # one key proof was sent: §8.3 answers one credential per proof
            raise IssuanceFailed(f"the issuer returned {len(issued)} credentials for one key proof")
        try:
            items = [_verified(wallet.faults, out, item) for item in issued]
        except NetError as exc:  # the issuer's DID document or the deadline, while verifying
            raise IssuanceFailed(f"cannot verify the credential: {exc}") from None
        except CredentialRejected:
            if "wallet.refuse-but-keep" in wallet.faults:  # says no, keeps it anyway
                wallet.store.add([_kept_anyway(item, wallet.faults) for item in issued], from_issuance=True)
            raise
    wallet.store.add(items, from_issuance=True)
    return items


def _kept_anyway(issued: Issued, faults: frozenset[str]) -> StoredCredential:
    try:
        issuer, types = issuer_and_types(issued.credential, issued.format)
    except (UnreadableCredential, ValueError):
        issuer, types = None, []
    return StoredCredential(new_id(), issued.format, issued.credential, issuer, types, holder=issued.holder)


class Flow:
    def __init__(self, faults: frozenset[str], out: Outbound):
        self.faults, self.out = faults, out

    def has(self, fault: str) -> bool:
        return fault in self.faults

    def run(self, offer_uri: str, tx_code: str | None) -> list[Issued]:
        offer = self.offer(offer_uri)
        client = Oid4vciClient(self.out, offer.credential_issuer)  # type: ignore[arg-type]
        metadata = self.metadata(client)
        configs = metadata.get("credential_configurations_supported")
        configs = configs if isinstance(configs, dict) else {}
        unknown = [c for c in offer.configuration_ids if c not in configs]
        if unknown:
            raise IssuanceFailed(f"offered configuration(s) {unknown} are not in the issuer's metadata")
        token_endpoint = self.token_endpoint(client, offer, metadata)
        access_token = self.token(client, offer, tx_code)
        issued = []
        for configuration_id in offer.configuration_ids:
            asked = self.asked_configuration(configuration_id, configs)
            holder = _holder_for(configs[asked])
            response = self.credential_request(client, access_token, asked, holder, token_endpoint)
            fmt = configs[asked].get("format")
            if fmt not in FORMATS:
                raise IssuanceFailed(f"configuration {asked!r} has format {fmt!r}, not one this wallet holds")
            issued += [Issued(asked, fmt, credential, holder) for credential in _credentials(response)]
        return issued

    # -- the offer and metadata -----------------------------------------------------------
    def offer(self, uri: str) -> CredentialOffer:
        try:
            how, value = split_offer_uri(uri)
            if how == "value":
                offer = decode_offer(value, by_reference=False)
            else:
                if self.has("wallet.no-by-reference"):
                    raise IssuanceFailed("this wallet cannot resolve a credential_offer_uri")
                response = self.out.get(value, headers={"Accept": "application/json"})
                if response.status_code != 200:
                    raise IssuanceFailed(f"credential_offer_uri: {describe(response)}")
                offer = decode_offer(json_body(response), by_reference=True)
        except MalformedOffer as exc:
            raise IssuanceFailed(f"unusable credential offer: {exc}") from None
        if offer.pre_authorized_code is None:
            raise IssuanceFailed("the offer has no pre-authorized code grant (the only flow this wallet runs)")
        if not all(isinstance(c, str) for c in offer.configuration_ids):
            raise IssuanceFailed("credential_configuration_ids must be strings (§4.1.1)")
        return offer

    def metadata(self, client: Oid4vciClient) -> dict[str, Any]:
        response = client.metadata_response()
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict):
            raise IssuanceFailed(f"credential issuer metadata: {describe(response)}")
        # §12.2.4: not identical to the identifier the URL was built from -> MUST NOT be used.
        if body.get("credential_issuer") != client.credential_issuer:
            raise IssuanceFailed(f"metadata credential_issuer {redact.quote(body.get('credential_issuer'), 120)!r} "
                                 f"is not the offer's {client.credential_issuer!r} (§12.2.4)")
        client.use_metadata(metadata=body)
        return body

    def token_endpoint(self, client: Oid4vciClient, offer: CredentialOffer, metadata: dict[str, Any]) -> str:
        servers = metadata.get("authorization_servers")
        chosen = offer.pre_authorized_grant.get("authorization_server")
        if isinstance(servers, list) and servers:
            # §4.1.1: the grant's authorization_server picks one of several, and MUST be one of them.
            if chosen is not None and chosen not in servers:
                raise IssuanceFailed("the offer's authorization_server is not among the issuer's authorization_servers")
            server = chosen if chosen is not None else servers[0]
        else:
            server = offer.credential_issuer
        if not isinstance(server, str):
            raise IssuanceFailed("authorization_servers must hold URLs (§12.2.4)")
        response = self.out.get(well_known_url(server, WELL_KNOWN_AS), headers={"Accept": "application/json"})
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict):
            raise IssuanceFailed(f"authorization server metadata: {describe(response)}")
        if body.get("issuer") != server:  # RFC 8414 §3.3
            raise IssuanceFailed(f"authorization server metadata names issuer {redact.quote(body.get('issuer'), 120)!r}, "
                                 f"not {server!r} (RFC 8414 §3.3)")
        endpoint = body.get("token_endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
            raise IssuanceFailed("authorization server metadata has no token_endpoint URL")
        client.use_metadata(as_metadata=body)
        return endpoint

    # -- token, proofs, credential --------------------------------------------------------
    def token(self, client: Oid4vciClient, offer: CredentialOffer, tx_code: str | None) -> str:
        send = None
        if offer.requires_tx_code:  # §4.1.1: a tx_code object, even empty, means one is required
            if tx_code is None:
                raise IssuanceFailed("the offer requires a tx_code and none was given")
            send = None if self.has("wallet.drop-tx-code") else tx_code
        response = client.token_request(offer.pre_authorized_code, send)
        body = json_body(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            # The issuer's own words may echo the tx_code (too short, maybe, for redaction to know
            # it): with a tx_code sent, only the status and the error code are repeated.
            said = _said(response) if send is None else _error_code(response)
            raise IssuanceFailed(f"token endpoint: {said}")
        redact.register_secret(token)
        return token

    def asked_configuration(self, offered: str, configs: dict[str, Any]) -> str:
        if self.has("wallet.wrong-configuration"):
            return next((c for c in configs if c != offered), offered)
        return offered

    def proof(self, holder: Holder, aud: str, nonce: str | None, token_endpoint: str) -> str:
        """Appendix F.1: typ openid4vci-proof+jwt, aud = Credential Issuer Identifier, nonce = c_nonce."""
        header: dict[str, Any] = {}
        kw: dict[str, Any] = {}
        if self.has("wallet.proof-wrong-typ"):
            header["typ"] = "JWT"
        if self.has("wallet.proof-wrong-aud"):
            aud = token_endpoint
        if self.has("wallet.proof-no-nonce"):
            nonce = None
        if self.has("wallet.proof-kid-and-jwk"):
            if holder.binding == "jwk":
                header["kid"] = f"{holder.key.did_key()}#{holder.key.public_multikey()}"
            else:
                header["jwk"] = holder.key.public_jwk()
        if self.has("wallet.proof-bad-signature"):
            kw["signing_key"] = Key.generate(holder.key.type)
        if self.has("wallet.proof-no-iat"):
            kw["claims"] = {"iat": None}
        if self.has("wallet.proof-iss"):
            kw["claims"] = {**kw.get("claims", {}), "iss": holder.did}
        return holder.proof(aud=aud, nonce=nonce, header=header or None, **kw)

    def credential_request(self, client: Oid4vciClient, access_token: str, configuration_id: str, holder: Holder,
                           token_endpoint: str):
        endpoint = client.metadata().get("credential_endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
            raise IssuanceFailed("metadata has no credential_endpoint URL")
        nonce = None
        if "nonce_endpoint" in client.metadata():  # §7: one fresh c_nonce per proof
            response = client.nonce_response()
            body = json_body(response)
            nonce = body.get("c_nonce") if isinstance(body, dict) else None
            if response.status_code != 200 or not isinstance(nonce, str):
                raise IssuanceFailed(f"nonce endpoint: {_said(response)}")
        proof = self.proof(holder, client.credential_issuer, nonce, token_endpoint)
        body = {"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}}
        response = client.credential_request(access_token, body)
        if response.status_code == 202:
            raise IssuanceFailed("the issuer deferred issuance (§9); this wallet does not poll")
        if response.status_code != 200:
            raise IssuanceFailed(f"credential endpoint: {_said(response)}")
        return response


def _error_code(response) -> str:
    answer = oauth_error(response)
    code = getattr(answer, "error", None) if answer is not None else None
    return f"HTTP {response.status_code}" + (f" {code}" if isinstance(code, str) and code.isidentifier() else "")


def _said(response) -> str:
    answer = oauth_error(response)
    return str(answer) if answer is not None else describe(response)


def _holder_for(config: Any) -> Holder:
    """A fresh key of an alg the configuration takes, named the way it binds (§12.2.4
    proof_types_supported, cryptographic_binding_methods_supported): did:key when listed."""
    config = config if isinstance(config, dict) else {}
    jwt = (config.get("proof_types_supported") or {}).get("jwt") if isinstance(config.get("proof_types_supported"), dict) else None
    algs = jwt.get("proof_signing_alg_values_supported") if isinstance(jwt, dict) else None
    algs = algs if isinstance(algs, list) else ["EdDSA"]
    key_type = "Ed25519" if "EdDSA" in algs else "P-256" if "ES256" in algs else None
    if key_type is None:
        raise IssuanceFailed(f"the configuration takes neither EdDSA nor ES256 key proofs ({redact.quote(algs, 80)})")
    methods = config.get("cryptographic_binding_methods_supported")
    methods = methods if isinstance(methods, list) else ["did:key"]
    binding = next((m for m in ("did:key", "did:jwk", "jwk") if m in methods), "did:key")
    return Holder.generate(key_type, binding)


def _credentials(response) -> list[Any]:
    body = json_body(response)
    items = body.get("credentials") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise IssuanceFailed(f"the Credential Response has no credentials[] (§8.3): {describe(response)}")
    values = [item.get("credential") if isinstance(item, dict) else None for item in items]
    if any(v is None for v in values):
        raise IssuanceFailed("a credentials[] entry is not an object with `credential` (§8.3)")
    return values


# -- verifying what arrived ---------------------------------------------------------------
def _verified(faults: frozenset[str], out: Outbound, issued: Issued) -> StoredCredential:
    out.check_time()
    fmt, credential = issued.format, issued.credential
    if not isinstance(credential, dict if fmt == "ldp_vc" else str):
        raise CredentialRejected(f"a {fmt} credential must be {'a JSON object' if fmt == 'ldp_vc' else 'a string'}")
    result = out.toolkit.verify_credential(credential, check_status=False)
    kind = result.checks[0].message if result.checks else ""
    failed = [c for c in result.checks if not c.ok and c.name in REQUIRED_CHECKS]
    if "wallet.accept-bad-signature" in faults and any(c.name == "proof" for c in failed):
        # The issuer binding cannot be judged without a verified proof, so it goes with it.
        failed = [c for c in failed if c.name not in ("proof", "issuer-binding")]
    if failed:
        raise CredentialRejected("; ".join(f"{c.name}: {c.message}" for c in failed[:3]))
    if not _is_format(credential, fmt):
        raise CredentialRejected(f"not a {fmt} credential ({kind})")
    if "wallet.accept-foreign-binding" not in faults and not ("wallet.accept-unbound" in faults and _unbound(credential, fmt)):
        _check_binding(credential, fmt, issued.holder)
    try:
        issuer, types = issuer_and_types(credential, fmt)
    except (UnreadableCredential, ValueError) as exc:
        raise CredentialRejected(f"unreadable {fmt} credential: {exc}") from None
    stored = mutations.as_stored(credential, fmt, faults)
    return StoredCredential(new_id(), fmt, stored, issuer, types, holder=issued.holder)


def _is_format(credential: Any, fmt: str) -> bool:
    from ...credentials.artifacts import ArtifactError, parse_artifact

    try:
        kind = parse_artifact(credential).kind
    except ArtifactError:
        return False
    return kind == {"ldp_vc": "jsonld", "jwt_vc_json": "jwt_vc_json", "dc+sd-jwt": "sd-jwt"}[fmt]


def _unbound(credential: Any, fmt: str) -> bool:
    try:
        return bound_key(credential, fmt) is None
    except (UnreadableCredential, ValueError):
        return False


def _check_binding(credential: Any, fmt: str, holder: Holder) -> None:
    """§8.1: the credential is bound to the key the wallet proved: the subject id is its DID
    (W3C formats), or `cnf.jwk` is its public key (SD-JWT VC, Appendix A.3.4)."""
    try:
        bound = bound_key(credential, fmt)
    except (UnreadableCredential, ValueError) as exc:
        raise CredentialRejected(f"cannot read the holder binding: {exc}") from None
    if fmt == "dc+sd-jwt":
        try:
            same = isinstance(bound, dict) and Key.from_jwk(bound).public_jwk() == holder.key.public_jwk()
        except (KeyFormatError, ValueError, TypeError):
            same = False
        if not same:
            raise CredentialRejected("the SD-JWT VC's cnf.jwk is not the key this wallet proved")
    elif bound != holder.did:
        raise CredentialRejected(f"the credential subject {redact.quote(bound, 120)!r} is not this wallet's key "
                                 f"{holder.did}")
