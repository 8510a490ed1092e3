"""OAuth-style error answers of the reference OpenID4VCI issuer.

Token errors follow RFC 6749 §5.2 (400 + JSON `error`), credential request errors
OpenID4VCI 1.0 §8.3.1.2, authorization errors RFC 6750 §3 (401 + `WWW-Authenticate`).
Every answer about a token or nonce is uncacheable (RFC 6749 §5.1).
"""

from __future__ import annotations

from starlette.responses import JSONResponse

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    """A request the issuer refuses with an OAuth error code."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def error_response(exc: OAuthError) -> JSONResponse:
    headers = dict(NO_STORE)
    if exc.status in (401, 403):
        # RFC 6750 §3: a request without any token gets the challenge without an error code.
        challenge = 'Bearer' if exc.error == "missing_token" else f'Bearer error="{exc.error}"'
        headers["WWW-Authenticate"] = challenge
    body = {} if exc.error == "missing_token" else {"error": exc.error, "error_description": exc.description}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def bearer_token(authorization: str | None) -> str:
    """The access token of an `Authorization: Bearer` header (RFC 6750 §2.1), or a 401."""
    scheme, _, value = (authorization or "").partition(" ")
    if not authorization:
        raise OAuthError("missing_token", "an access token is required", 401)
    if scheme.lower() != "bearer" or not value.strip():
        raise OAuthError("invalid_token", "the Authorization header carries no Bearer token", 401)
    return value.strip()
