"""Authorization headers for a vendor's endpoints: a bearer token, or OAuth2 client credentials.

Secrets live only in environment variables the manifest names. Every secret value read here
(tokens, client secrets, access tokens) is registered with `redact` so it never reaches a
report, and every error is one line that names the vendor and what to fix.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Literal
from urllib.parse import quote_plus

from . import redact
from .net import Http, NetError, guard_entry

HttpFactory = Callable[[set[str]], Http]

# When the token endpoint gives no `expires_in` (it is only RECOMMENDED,
# https://www.rfc-editor.org/rfc/rfc6749#section-5.1), reuse the token this long.
DEFAULT_TOKEN_LIFETIME = 300.0
# Refresh a little before expiry so a request never leaves with a token about to lapse.
EXPIRY_MARGIN = 30.0
FAILURE_MEMORY = 60.0  # seconds a failed token request is answered from memory


class AuthError(NetError):
    """The vendor's authorization could not be obtained; checks that need it end in `error`."""


class MissingSecret(AuthError):
    """An environment variable the manifest names is not set."""


@dataclass(frozen=True)
class AuthConfig:
    """One `auth` block of the manifest, resolved for a vendor (never holds a secret value)."""

    vendor: str
    type: Literal["bearer", "oauth2"]
    token_env: str | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    scope: str | None = None
    audience: str | None = None
    method: Literal["basic", "post"] = "basic"
    where: str = "auth"  # the manifest path it came from, for error messages

    @classmethod
    def from_dict(cls, vendor: str, data: dict[str, Any], where: str = "auth") -> "AuthConfig":
        return cls(vendor=vendor, where=where, **data)

    def env_names(self) -> list[str]:
        return [name for name in (self.token_env, self.client_secret_env) if name]

    def to_dict(self) -> dict[str, Any]:
        keys = ("type", "token_env", "token_url", "client_id", "client_secret_env", "scope", "audience")
        out = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        if self.type == "oauth2":
            out["method"] = self.method
        return out


def read_secret(vendor: str, env_name: str, where: str) -> str:
    """The value of `env_name`, registered for redaction; MissingSecret names what to export."""
    value = os.environ.get(env_name, "")
    if not value:
        raise MissingSecret(
            f"vendor {vendor}: environment variable {env_name} (named by {where}) is not set; "
            f"export it before running"
        )
    redact.register_secret(value)
    return value


@dataclass
class _CachedToken:
    access_token: str
    expires_at: float


_cache: dict[tuple[str, str, str, str, str], _CachedToken] = {}
_failures: dict[tuple[str, str, str, str, str], tuple["AuthError", float]] = {}
_cache_lock = threading.Lock()
_clock: Callable[[], float] = time.monotonic  # tests swap this to move time


def clear_token_cache() -> None:
    with _cache_lock:
        _cache.clear()
        _failures.clear()


def _default_factory(hosts: set[str]) -> Http:
    return Http(hosts)


def auth_headers(auth: AuthConfig | None, http_factory: HttpFactory | None = None) -> dict[str, str]:
    """Headers that authorize a request to the vendor (empty when no auth is configured)."""
    if auth is None:
        return {}
    if auth.type == "bearer":
        # https://www.rfc-editor.org/rfc/rfc6750#section-2.1
        return {"Authorization": f"Bearer {read_secret(auth.vendor, auth.token_env or '', auth.where + '.token_env')}"}
    return {"Authorization": f"Bearer {oauth2_token(auth, http_factory or _default_factory)}"}


def oauth2_token(auth: AuthConfig, http_factory: HttpFactory) -> str:
    """An access token from the client credentials grant, cached per vendor until it expires."""
    secret = read_secret(auth.vendor, auth.client_secret_env or "", auth.where + ".client_secret_env")
    key = (auth.vendor, auth.token_url or "", auth.client_id or "", auth.scope or "", auth.audience or "")
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached.expires_at > _clock():
            return cached.access_token
        failed = _failures.get(key)
        if failed and failed[1] > _clock():
            raise failed[0]  # a dead or refusing token endpoint costs one timeout, not one per check
    try:
        token, lifetime = _request_token(auth, secret, http_factory)
    except AuthError as exc:
        with _cache_lock:
            _failures[key] = (exc, _clock() + FAILURE_MEMORY)
        raise
    with _cache_lock:
        _cache[key] = _CachedToken(token, _clock() + max(lifetime - min(EXPIRY_MARGIN, lifetime / 10), 0.0))
    return token


def _request_token(auth: AuthConfig, secret: str, http_factory: HttpFactory) -> tuple[str, float]:
    # https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
    url = auth.token_url or ""
    form = {"grant_type": "client_credentials"}
    if auth.scope:
        form["scope"] = auth.scope
    if auth.audience:
        form["audience"] = auth.audience
    headers = {"Accept": "application/json"}
    if auth.method == "post":
        form.update(client_id=auth.client_id or "", client_secret=secret)
    else:
        # Client id and secret are form-urlencoded before Basic encoding:
        # https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
        pair = f"{quote_plus(auth.client_id or '')}:{quote_plus(secret)}".encode()
        basic = base64.b64encode(pair).decode("ascii")
        redact.register_secret(basic)  # caught even where a vendor echoes it without "Basic "
        headers["Authorization"] = "Basic " + basic
    prefix = f"vendor {auth.vendor}: OAuth2 token endpoint {url}"
    try:
        with http_factory({guard_entry(url)}) as http:
            response = http.post(url, data=form, headers=headers)
    except AuthError:
        raise
    except NetError as exc:
        raise AuthError(f"{prefix} could not be reached: {redact.scrub_text(str(exc))}") from None
    body = _json_or_none(response)
    if response.status_code != 200:
        raise AuthError(f"{prefix} answered {response.status_code}{_oauth_error(body)}{_hint(auth, response.status_code, body)}")
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise AuthError(f"{prefix} answered 200 without an access_token")
    redact.register_secret(token)
    token_type = body.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise AuthError(f"{prefix} issued a {token_type!r} token; only Bearer tokens are supported")
    return token, _lifetime(body.get("expires_in"))


def _json_or_none(response: Any) -> Any:
    try:
        return response.json()
    except (ValueError, NetError):
        return None


def _oauth_error(body: Any) -> str:
    # https://www.rfc-editor.org/rfc/rfc6749#section-5.2
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return ""
    text = " " + redact.quote(body["error"], 64)
    description = body.get("error_description")
    if isinstance(description, str) and description:
        text += f" ({redact.quote(description, 120)})"
    return text


def _hint(auth: AuthConfig, status: int, body: Any) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    if status == 401 or error in ("invalid_client", "unauthorized_client"):
        return f" — check client_id {auth.client_id!r} and {auth.client_secret_env}"
    if error == "invalid_scope":
        return f" — check scope {auth.scope!r}"
    return ""


def _lifetime(expires_in: Any) -> float:
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
        return float(expires_in)
    if isinstance(expires_in, str) and expires_in.isdigit() and int(expires_in) > 0:
        return float(expires_in)
    return DEFAULT_TOKEN_LIFETIME
