"""Token endpoint, pre-authorized code grant (OpenID4VCI 1.0 §6; RFC 6749 §4.1.3, §5).

Errors (§6.3): `invalid_request` for a missing tx_code the offer asked for (or one it did not),
`invalid_grant` for a wrong tx_code or an unknown, expired or already redeemed code.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..problems import MAX_BODY_BYTES
from .errors import NO_STORE, OAuthError, error_response
from .metadata import PRE_AUTHORIZED_GRANT
from .service import Service
from .state import TOKEN_LIFETIME, Grant, Offer


async def _form(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "the token request must be application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise OAuthError("invalid_request", "token request too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise OAuthError("invalid_request", "the token request is not a valid form") from None
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):  # RFC 6749 §3.2: parameters MUST NOT be repeated
        raise OAuthError("invalid_request", "a parameter is repeated")
    return dict(pairs)


def _check_tx_code(svc: Service, offer: Offer, given: str | None) -> None:
    if svc.has("issuer.oid4vci-no-tx-code-check"):
        return
    if offer.tx_code is None:
        if given is not None:
            raise OAuthError("invalid_request", "this offer expects no tx_code")
        return
    if given is None:
        raise OAuthError("invalid_request", "this offer requires a tx_code")
    if not hmac.compare_digest(given.encode(), offer.tx_code.encode()):
        offer.tx_code_failures += 1
        raise OAuthError("invalid_grant", "the tx_code is wrong")


def redeem(svc: Service, form: dict[str, str]) -> Grant:
    grant_type = form.get("grant_type")
    if grant_type is None:
        raise OAuthError("invalid_request", "grant_type is missing")
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type", f"only {PRE_AUTHORIZED_GRANT} is supported")
    code = form.get("pre-authorized_code")
    if not code:
        raise OAuthError("invalid_request", "pre-authorized_code is missing")
    offer = svc.state.live_offer_for_code(code)
    if offer is None:
        raise OAuthError("invalid_grant", "the pre-authorized code is unknown, expired or already used")
    _check_tx_code(svc, offer, form.get("tx_code"))
    return svc.state.redeem(offer)


def routes(svc: Service) -> list[Route]:
    async def token(request: Request) -> Response:
        try:
            grant = redeem(svc, await _form(request))
        except OAuthError as exc:
            return error_response(exc)
        # RFC 6749 §5.1: a response carrying tokens MUST be uncacheable.
        headers = {} if svc.has("issuer.oid4vci-token-cacheable") else NO_STORE
        return JSONResponse({"access_token": grant.access_token, "token_type": "Bearer",
                             "expires_in": TOKEN_LIFETIME},
                            headers=headers)

    async def nonce(request: Request) -> Response:
        # §7.2: a fresh, unpredictable c_nonce, never cached.
        cache = "public, max-age=60" if svc.has("issuer.oid4vci-nonce-cacheable") else "no-store"
        return JSONResponse({"c_nonce": svc.state.new_nonce()}, headers={"Cache-Control": cache})

    return [Route("/token", token, methods=["POST"]), Route("/nonce", nonce, methods=["POST"])]
