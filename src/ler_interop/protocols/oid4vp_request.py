"""The wallet's reading of an OpenID4VP 1.0 Authorization Request: the `openid4vp://` URL, the
Request Object behind its `request_uri`, the Client Identifier Prefix and the request's signature.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-5 (parameters),
#section-5.9 (Client Identifier Prefixes), #section-5.10.1 (the Request Object answer).
Reading never judges: checks assert on what is read here, so each rule fails on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..credentials.jose import absolute_kid
from ..credentials.jws import JwsError, b64url_decode_strict, loads_strict, parse_compact, verify_signature
from ..credentials.keys import Key
from ..credentials.did import DidResolutionError, DidResolver, did_web_url
from ..net import NetError

REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
REQUEST_OBJECT_MEDIA_TYPE = "application/oauth-authz-req+jwt"
# §5.2: nonce and state "MUST only contain ASCII URL safe characters".
URL_SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")
# §5.9.3: prefixes whose requests must be signed, and the one that cannot be.
SIGNED_PREFIXES = ("decentralized_identifier", "verifier_attestation", "x509_san_dns", "x509_hash", "openid_federation")
UNSIGNED_PREFIX = "redirect_uri"

ResolveVm = Callable[[str, str], tuple[Key, str]]


class RequestError(NetError):
    """The verifier's request could not be read at all (the check cannot judge: `error`)."""


@dataclass
class AuthorizationRequest:
    """One request as the wallet received it: the URL's parameters and the Request Object."""

    url: str
    url_params: dict[str, str]
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    jwt: str = ""
    content_type: str = ""

    @property
    def client_id(self) -> str | None:
        value = self.claims.get("client_id")
        return value if isinstance(value, str) else None

    @property
    def prefix(self) -> str | None:
        """The Client Identifier Prefix (§5.9.1: the text before the first colon), if any."""
        return self.client_id.split(":", 1)[0] if self.client_id and ":" in self.client_id else None

    @property
    def original_client_id(self) -> str | None:
        return self.client_id.split(":", 1)[1] if self.prefix else self.client_id

    def get(self, name: str) -> Any:
        return self.claims.get(name)


def parse_request_url(url: str) -> dict[str, str]:
    """The query parameters of an `openid4vp://` (or wallet https) request URL."""
    if not isinstance(url, str) or "?" not in url:
        raise RequestError(f"the request is not a URL with parameters: {str(url)[:120]!r}")
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    if "request_uri" not in params and "request" not in params:
        raise RequestError("the request carries neither `request_uri` nor `request` (by-value parameters are not read)")
    return params


def decode_request_object(jwt: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, claims) of a signed JWS or an unsigned (`alg: none`, empty signature) JWT."""
    if not isinstance(jwt, str) or jwt.count(".") != 2:
        raise RequestError("the Request Object is not a compact JWT")
    head, body, _ = jwt.split(".")
    try:
        header = loads_strict(b64url_decode_strict(head), "Request Object header")
        claims = loads_strict(b64url_decode_strict(body), "Request Object payload")
    except (JwsError, ValueError) as exc:
        raise RequestError(f"the Request Object cannot be decoded: {exc}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise RequestError("the Request Object header and payload must be JSON objects")
    return header, claims


def signature_problem(request: AuthorizationRequest, resolve_vm: ResolveVm) -> str | None:
    """Why the Request Object's signature does not meet its Client Identifier Prefix (None: it does).

    `decentralized_identifier:` (§5.9.3): signed by a key the DID lists, named by the JOSE `kid`.
    `redirect_uri:`: cannot be signed; the original id must be the response URI.
    Other prefixes need trust the suite does not hold: the caller decides (see `judgeable_prefix`).
    """
    prefix, header = request.prefix, request.header
    if prefix == UNSIGNED_PREFIX:
        if header.get("alg") != "none":
            return f"a `redirect_uri:` request cannot be signed, yet its alg is {header.get('alg')!r}"
        target = request.get("response_uri") or request.get("redirect_uri")
        if request.original_client_id != target:
            return f"`redirect_uri:` client id {request.original_client_id!r} is not the response URI {target!r}"
        return None
    if prefix != "decentralized_identifier":
        return f"the suite cannot judge the signature of a {prefix!r} request"
    did = request.original_client_id or ""
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return "a `decentralized_identifier:` request needs a `kid` naming the signing key"
    vm = absolute_kid(kid, did)
    if vm.split("#", 1)[0] != did:
        return f"kid {kid!r} is not a key of {did}"
    try:
        key, _controller = resolve_vm(vm, "authentication")
    except NetError:
        raise  # the DID document could not be fetched: no verdict on the signature (outcome error)
    except Exception as exc:  # resolvers raise their own error types; all mean "no such key"
        try:
            key, _controller = resolve_vm(vm, "assertionMethod")
        except NetError:
            raise
        except Exception:
            return f"{vm} cannot be resolved to a key of {did}: {exc}"
    try:
        verify_signature(parse_compact(request.jwt), key)
    except JwsError as err:
        return f"the Request Object signature does not verify with {vm}: {err.message}"
    return None


class VerdictResolver(DidResolver):
    """Resolves a vendor's own DID for a verdict about that vendor (its request's signature): a
    transport failure, a 5xx or an oversized answer is no verdict (NetError: the check errors),
    while a 404 or a document without the key is the vendor's fault."""

    def _fetch_did_web(self, did: str) -> dict:
        url = did_web_url(did, self.http_hosts)
        if self.http is None:
            raise DidResolutionError(f"cannot resolve {did}: no HTTP client was given for did:web")
        response = self.http.get(url, headers={"Accept": "application/did+json, application/json"})
        if response.status_code >= 500:
            raise NetError(f"{url} answered HTTP {response.status_code} (the DID document of {did})")
        if response.status_code != 200:
            raise DidResolutionError(f"cannot resolve {did}: {url} answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise DidResolutionError(f"cannot resolve {did}: {url} did not answer JSON: {exc}") from None


def judgeable_prefix(prefix: str | None) -> bool:
    return prefix in ("decentralized_identifier", UNSIGNED_PREFIX)


def entropy_bits(value: str) -> float:
    """A generous estimate of a random string's entropy: its length times the bits per character
    of the smallest alphabet (hex, decimal, base64url) it fits. A server can always do worse
    (a counter in base64url), never better, so a value under 128 bits here is too short."""
    if not value:
        return 0.0
    for alphabet, size in (("0123456789", 10), ("0123456789abcdef", 16), ("0123456789ABCDEF", 16)):
        if all(ch in alphabet for ch in value):
            return len(value) * math.log2(size)
    return len(value) * math.log2(66 if not URL_SAFE.match(value) else 64)
