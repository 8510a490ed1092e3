"""OpenID4VCI 1.0 client: the suite acting as a wallet against a vendor's Credential Issuer.

Spec: https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html. Metadata
discovery inserts the well-known path between host and path (§12.2.2); offers come by value
(`credential_offer=`) or by reference (`credential_offer_uri=`, fetched only from the vendor's
declared hosts, §4.1); the token request is form-encoded (§6.1); nonces are POSTed (§7.1).

The issuer backchannel (DESIGN §5) that makes the vendor offer something:
`POST <offers> {"credential_configuration_id": id, "claims": {...}, "tx_code": str|null,
"by_reference": bool}` -> 2xx `{"offer": "openid-credential-offer://?..."}`. `claims` mean one
thing per format (protocols/oid4vci_claims.py builds them): `credentialSubject` claims for the
W3C formats, the SD-JWT VC's top-level claims for `dc+sd-jwt` (in the Open Badge layout only for
the Open Badge vct). The tx_code is chosen by the suite, so the suite knows it; it is
registered as a secret at once.

What counts as a verdict (`oauth_error`): a 400 (or, from the credential endpoint's resource
server, a 401/403) whose JSON body carries a string `error`. 5xx, 404, timeouts and bodies
that are not OAuth errors are not verdicts, so the check errors rather than judging.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from .. import redact
from ..net import Http, JsonTooDeep, NetError, Response, parse_json
from ..outcomes import unsupported
from .vcapi import VendorAnswerError, json_body

WELL_KNOWN_ISSUER = "/.well-known/openid-credential-issuer"
WELL_KNOWN_AS = "/.well-known/oauth-authorization-server"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer://"
SPEC = "https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html"


class MalformedOffer(ValueError):
    """A credential offer that does not follow §4.1."""


def well_known_url(identifier: str, well_known: str) -> str:
    """`https://host/tenant` -> `https://host/.well-known/...{/tenant}` (§12.2.2, RFC 8414 §3.1:
    a terminating "/" of the path is removed first)."""
    parts = urlsplit(identifier)
    return urlunsplit((parts.scheme, parts.netloc, well_known + parts.path.rstrip("/"), "", ""))


@dataclass
class CredentialOffer:
    raw: dict[str, Any]
    by_reference: bool

    @property
    def credential_issuer(self) -> Any:
        return self.raw.get("credential_issuer")

    @property
    def configuration_ids(self) -> list[Any]:
        ids = self.raw.get("credential_configuration_ids")
        return ids if isinstance(ids, list) else []

    @property
    def pre_authorized_grant(self) -> dict[str, Any]:
        grants = self.raw.get("grants")
        grant = grants.get(PRE_AUTHORIZED_GRANT) if isinstance(grants, dict) else None
        return grant if isinstance(grant, dict) else {}

    @property
    def pre_authorized_code(self) -> str | None:
        code = self.pre_authorized_grant.get("pre-authorized_code")
        return code if isinstance(code, str) and code else None

    @property
    def requires_tx_code(self) -> bool:
        return "tx_code" in self.pre_authorized_grant  # present, even empty, means required (§4.1.1)


def split_offer_uri(uri: Any) -> tuple[str, str]:
    """("value", JSON text) or ("reference", URL) of an offer URI with exactly one of the two
    parameters (§4.1); MalformedOffer otherwise."""
    if not isinstance(uri, str) or "?" not in uri:
        raise MalformedOffer(f"not an offer URI with a query: {redact.quote(uri, 120)!r}")
    params = parse_qsl(uri.split("?", 1)[1], keep_blank_values=True)
    names = [name for name, _ in params]
    given = [n for n in ("credential_offer", "credential_offer_uri") if n in names]
    if len(given) != 1 or names.count(given[0]) != 1:
        raise MalformedOffer(f"an offer carries exactly one of credential_offer, credential_offer_uri (has {names})")
    value = dict(params)[given[0]]
    return ("value", value) if given[0] == "credential_offer" else ("reference", value)


def decode_offer(value: Any, by_reference: bool) -> CredentialOffer:
    """Parse and sanity-check an offer object; its secrets are registered for redaction."""
    if isinstance(value, str):
        try:  # an offer by value is as capped as any answer read from the network
            value = parse_json(value)
        except JsonTooDeep as exc:
            raise MalformedOffer(f"credential_offer: {exc}") from None
        except ValueError as exc:
            raise MalformedOffer(f"credential_offer is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise MalformedOffer("the credential offer is not a JSON object")
    offer = CredentialOffer(value, by_reference)
    redact.register_secret(offer.pre_authorized_code)
    if not isinstance(offer.credential_issuer, str) or not offer.configuration_ids:
        raise MalformedOffer("the offer needs credential_issuer and a non-empty credential_configuration_ids (§4.1.1)")
    return offer


@dataclass
class OAuthAnswer:
    """An OAuth error response: the status and its `error` code."""

    status: int
    error: str
    description: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        tail = f" ({redact.quote(self.description, 160)})" if self.description else ""
        return f"{self.status} {self.error}{tail}"


def oauth_error(response: Response) -> OAuthAnswer | None:
    """The OAuth error in a 4xx answer (RFC 6749 §5.2, RFC 6750 §3, §8.3.1), else None."""
    if response.status_code not in (400, 401, 403):
        return None
    body = json_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, str):
        error = _challenge_error(response.headers.get("www-authenticate", "")) if response.status_code != 400 else None
    if not isinstance(error, str):
        return None
    description = body.get("error_description") if isinstance(body, dict) else None
    return OAuthAnswer(response.status_code, error, description if isinstance(description, str) else "",
                       dict(response.headers))


def _challenge_error(challenge: str) -> str | None:
    """error="..." of a Bearer challenge (RFC 6750 §3)."""
    marker = 'error="'
    if marker not in challenge:
        return None
    return challenge.split(marker, 1)[1].split('"', 1)[0]


def describe(response: Response) -> str:
    body = json_body(response)
    text = json.dumps(body, ensure_ascii=False) if body is not None else response.text
    return f"HTTP {response.status_code}: {redact.quote(text)}"


class Oid4vciClient:
    """One vendor's Credential Issuer, through its guarded, recording Http clients: `http` acts
    as an anonymous wallet (no vendor API credentials), `backchannel` (default: `http`) carries
    the vendor's auth to its offers backchannel."""

    def __init__(self, http: Http, credential_issuer: str, offers_url: str | None = None,
                 backchannel: Http | None = None, client_id: str | None = None):
        """`client_id`: the wallet's client id at the issuer's Authorization Server, for one that
        does not take anonymous pre-authorized Token Requests (§12.3
        pre-authorized_grant_anonymous_access_supported; the manifest's `oid4vci.options.client_id`)."""
        self.http = http
        self.client_id = client_id
        self.backchannel = backchannel or http
        self.credential_issuer = credential_issuer
        self.offers_url = offers_url
        self._metadata: dict[str, Any] | None = None
        self._as_metadata: dict[str, Any] | None = None

    # -- metadata ---------------------------------------------------------------------
    def metadata_response(self) -> Response:
        return self.http.get(well_known_url(self.credential_issuer, WELL_KNOWN_ISSUER),
                             headers={"accept": "application/json"})

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            self._metadata = _json_object(self.metadata_response(), "credential issuer metadata")
        return self._metadata

    def use_metadata(self, metadata: dict[str, Any] | None = None, as_metadata: dict[str, Any] | None = None) -> None:
        """Metadata a caller fetched and vetted itself (a wallet applying its own rules), used from now on."""
        if metadata is not None:
            self._metadata = metadata
        if as_metadata is not None:
            self._as_metadata = as_metadata

    def configurations(self) -> dict[str, Any]:
        configs = self.metadata().get("credential_configurations_supported")
        return configs if isinstance(configs, dict) else {}

    def authorization_server(self) -> str:
        servers = self.metadata().get("authorization_servers")
        return servers[0] if isinstance(servers, list) and servers and isinstance(servers[0], str) else self.credential_issuer

    def as_metadata_response(self) -> Response:
        return self.http.get(well_known_url(self.authorization_server(), WELL_KNOWN_AS),
                             headers={"accept": "application/json"})

    def as_metadata(self) -> dict[str, Any]:
        if self._as_metadata is None:
            self._as_metadata = _json_object(self.as_metadata_response(), "authorization server metadata")
        return self._as_metadata

    def endpoint(self, name: str) -> str:
        """An endpoint URL the flow needs; missing or not a string is no verdict (the metadata
        checks judge the metadata itself)."""
        source = self.as_metadata() if name == "token_endpoint" else self.metadata()
        url = source.get(name)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise VendorAnswerError(f"metadata gives no usable {name} ({str(url)[:80]!r})")
        return url

    # -- backchannel and offers ----------------------------------------------------------
    def create_offer(self, configuration_id: str, claims: dict[str, Any], *, tx_code: str | None = None,
                     by_reference: bool = False) -> str:
        if not self.offers_url:
            raise VendorAnswerError("the vendor declares no oid4vci `offers` backchannel")
        redact.register_secret(tx_code)
        body = {"credential_configuration_id": configuration_id, "claims": claims, "tx_code": tx_code,
                "by_reference": by_reference}
        response = self.backchannel.post(self.offers_url, json=body)
        answer = json_body(response)
        if not 200 <= response.status_code < 300 or not isinstance(answer, dict) or not isinstance(answer.get("offer"), str):
            raise VendorAnswerError(f"offer backchannel: {describe(response)}")
        return answer["offer"]

    def fetch_offer(self, url: str) -> Response:
        return self.http.get(url, headers={"accept": "application/json"})

    def resolve_offer(self, uri: str) -> CredentialOffer:
        """The offer object behind an offer URI; anything malformed is no verdict here (the
        offer checks judge offers)."""
        try:
            how, value = split_offer_uri(uri)
            if how == "value":
                return decode_offer(value, by_reference=False)
            response = self.fetch_offer(value)
            if response.status_code != 200:
                raise VendorAnswerError(f"credential_offer_uri: {describe(response)}")
            return decode_offer(json_body(response), by_reference=True)
        except MalformedOffer as exc:
            raise VendorAnswerError(f"unusable credential offer: {exc}") from None

    # -- token, nonce, credential, notification ------------------------------------------
    def token_request(self, code: str | None, tx_code: str | None = None, **extra: str) -> Response:
        form = {"grant_type": PRE_AUTHORIZED_GRANT, **extra}
        if self.client_id is not None:
            form.setdefault("client_id", self.client_id)
        if code is not None:
            form["pre-authorized_code"] = code
        if tx_code is not None:
            form["tx_code"] = tx_code
        return self.http.post(self.endpoint("token_endpoint"), data=form)

    def access_token(self, response: Response) -> str:
        body = json_body(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            raise VendorAnswerError(f"token endpoint gave no access token: {describe(response)}")
        redact.register_secret(token)
        return token

    def nonce_response(self) -> Response:
        return self.http.post(self.endpoint("nonce_endpoint"))

    def c_nonce(self) -> str | None:
        """A fresh c_nonce, or None when the issuer has no Nonce Endpoint (§7)."""
        if "nonce_endpoint" not in self.metadata():
            return None
        response = self.nonce_response()
        body = json_body(response)
        nonce = body.get("c_nonce") if isinstance(body, dict) else None
        if not 200 <= response.status_code < 300 or not isinstance(nonce, str):
            raise VendorAnswerError(f"nonce endpoint: {describe(response)}")
        return nonce

    def credential_request(self, access_token: str | None, body: dict[str, Any]) -> Response:
        headers = {"authorization": f"Bearer {access_token}"} if access_token is not None else {}
        return self.http.post(self.endpoint("credential_endpoint"), json=body, headers=headers)

    def notify(self, access_token: str, notification_id: str, event: str) -> Response:
        return self.http.post(self.endpoint("notification_endpoint"), headers={"authorization": f"Bearer {access_token}"},
                              json={"notification_id": notification_id, "event": event})


def _json_object(response: Response, what: str) -> dict[str, Any]:
    """A 200 answer's JSON object; anything else is no verdict here (the metadata checks judge it)."""
    body = json_body(response)
    if response.status_code != 200 or not isinstance(body, dict):
        raise VendorAnswerError(f"{what}: {describe(response)}")
    return body


def is_deferred(response: Response) -> bool:
    """§8.3: 202 Accepted with a `transaction_id` instead of credentials."""
    body = json_body(response)
    return response.status_code == 202 and isinstance(body, dict) and isinstance(body.get("transaction_id"), str)


def issued_credentials(response: Response) -> tuple[list[Any], dict[str, Any]]:
    """The `credentials[].credential` values of a 200 Credential Response (§8.3) and the body;
    no credentials is VendorAnswerError (the response-shape check judges that)."""
    body = json_body(response)
    items = body.get("credentials") if isinstance(body, dict) else None
    if is_deferred(response):
        unsupported("the issuer defers issuance (202 with transaction_id); the suite does not poll the "
                    "Deferred Credential Endpoint (§9)")
    if response.status_code != 200 or not isinstance(items, list) or not items:
        raise VendorAnswerError(f"credential endpoint issued nothing: {describe(response)}")
    values = [item.get("credential") for item in items if isinstance(item, dict)]
    if len(values) != len(items) or any(v is None for v in values):
        raise VendorAnswerError("a credentials[] entry is not an object with `credential`")
    return values, body


__all__ = ["CredentialOffer", "MalformedOffer", "NetError", "OAuthAnswer", "Oid4vciClient", "decode_offer", "describe",
           "is_deferred", "issued_credentials", "oauth_error", "split_offer_uri", "well_known_url"]
