"""JWT VC Issuer Metadata: an SD-JWT VC Issuer Signature Mechanism (SD-JWT VC draft,
https://datatracker.ietf.org/doc/html/draft-ietf-oauth-sd-jwt-vc#name-jwt-vc-issuer-metadata).

The issuer publishes `{issuer, jwks | jwks_uri}` at its `iss` with `/.well-known/jwt-vc-issuer`
inserted between host and path; the recipient takes the signing key from there, by `kid`.
"The `issuer` value returned MUST be identical to the `iss` value of the JWT. If these values
are not identical, the data contained in the response MUST NOT be used." Both the metadata and
a `jwks_uri` are fetched through the guarded `net.Http` client (declared hosts only, capped
size), and plain http is accepted for loopback hosts only (the suite's own servers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .findings import KEY_NOT_FOUND, VerificationMethodError
from .keys import Key, KeyFormatError
from ..net import Http, NetError, is_loopback

WELL_KNOWN = "/.well-known/jwt-vc-issuer"
METADATA_KID = "sd-jwt-vc-1"  # the `kid` the suite's own issuers publish their one key under
MAX_KEYS = 32  # a JWK Set is a handful of keys; more is a hostile document


class IssuerMetadataError(VerificationMethodError):
    """The issuer's key could not be had from its metadata: always `key-not-found`, with why."""

    def __init__(self, message: str):
        super().__init__(KEY_NOT_FOUND, message)


def is_issuer_url(iss: Any, http_hosts: frozenset[str] = frozenset()) -> bool:
    """An `iss` this mechanism applies to: https, or http on an allowed loopback host."""
    if not isinstance(iss, str):
        return False
    parts = urlsplit(iss)
    return bool(parts.hostname) and (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in http_hosts))


def metadata_url(iss: str, http_hosts: frozenset[str] = frozenset()) -> str:
    """`https://h/tenant/1/` -> `https://h/.well-known/jwt-vc-issuer/tenant/1` ("any terminating
    `/` MUST be removed before inserting `/.well-known/`"); no query or fragment is allowed."""
    parts = urlsplit(iss)
    if not is_issuer_url(iss, http_hosts):
        raise IssuerMetadataError(f"iss {iss!r} is not an https URL (plain http only on loopback)")
    if parts.query or parts.fragment:
        raise IssuerMetadataError(f"iss {iss!r} has a query or fragment component")
    return urlunsplit((parts.scheme, parts.netloc, metadata_path(iss), "", ""))


def metadata_path(iss: str) -> str:
    """Where the metadata of the issuer `iss` lives on its host (the well-known insertion)."""
    return WELL_KNOWN + urlsplit(iss).path.rstrip("/")


def metadata_document(issuer: str, jwks: list[Mapping[str, Any]]) -> dict[str, Any]:
    """What an issuer publishes (the suite's own issuers): `jwks` by value, public keys only."""
    return {"issuer": issuer, "jwks": {"keys": [{k: v for k, v in jwk.items() if k != "d"} for jwk in jwks]}}


def select_key(keys: Any, kid: Any, iss: str) -> Key:
    """The one public JWK of the set that `kid` names (or the only key, when there is no kid)."""
    if not isinstance(keys, list) or not keys or len(keys) > MAX_KEYS:
        raise IssuerMetadataError(f"the JWK Set of {iss} has no usable `keys` array")
    candidates = [j for j in keys if isinstance(j, dict) and (kid is None or j.get("kid") == kid)]
    if len(candidates) != 1:
        raise IssuerMetadataError(f"{len(candidates)} keys of {iss} match kid {kid!r}")
    if "d" in candidates[0]:
        raise IssuerMetadataError(f"the JWK Set of {iss} publishes a private key")
    try:
        return Key.from_jwk(dict(candidates[0]))
    except KeyFormatError as exc:
        raise IssuerMetadataError(f"the JWK of {iss} is unusable: {exc}") from None


class JwtVcIssuerResolver:
    """An `sdjwt.IssuerKeyResolver`: (issuer JWT header, payload) -> (key, iss)."""

    def __init__(self, http: Http | None, http_hosts: frozenset[str] | set[str] = frozenset()):
        self.http = http
        self.http_hosts = frozenset(h for h in http_hosts if is_loopback(h))

    def applies(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
        return is_issuer_url(payload.get("iss"), self.http_hosts)

    def __call__(self, header: dict[str, Any], payload: dict[str, Any]) -> tuple[Key, str]:
        iss = payload.get("iss")
        url = metadata_url(iss if isinstance(iss, str) else "", self.http_hosts)
        metadata = self._get_json(url)
        if not isinstance(metadata, dict):
            raise IssuerMetadataError(f"{url} did not answer a JSON object")
        if metadata.get("issuer") != iss:
            raise IssuerMetadataError(f"{url} names issuer {metadata.get('issuer')!r}, not the iss {iss!r}: not used")
        has_jwks, has_uri = "jwks" in metadata, "jwks_uri" in metadata
        if has_jwks == has_uri:
            raise IssuerMetadataError(f"{url} must carry exactly one of jwks and jwks_uri")
        if has_uri:
            jwks_uri = metadata["jwks_uri"]
            if not is_issuer_url(jwks_uri, self.http_hosts):
                raise IssuerMetadataError(f"jwks_uri {jwks_uri!r} is not an https URL")
            jwks = self._get_json(jwks_uri)
        else:
            jwks = metadata["jwks"]
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        return select_key(keys, header.get("kid"), str(iss)), str(iss)

    def _get_json(self, url: str) -> Any:
        if self.http is None:
            raise IssuerMetadataError(f"cannot fetch {url}: no HTTP client was given")
        try:
            response = self.http.get(url, headers={"Accept": "application/json"})
            if response.status_code != 200:
                raise IssuerMetadataError(f"{url} answered HTTP {response.status_code}")
            return response.json()
        except NetError as exc:  # includes HostNotAllowed (refused before any request) and size caps
            raise IssuerMetadataError(f"cannot fetch {url}: {exc}") from None
        except ValueError as exc:
            raise IssuerMetadataError(f"{url} did not answer JSON: {exc}") from None
