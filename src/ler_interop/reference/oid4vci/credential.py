"""Credential endpoint (OpenID4VCI 1.0 §8) and Notification endpoint (§11).

A request names `credential_configuration_id` and proves keys with `proofs.jwt[]`; each
proven key gets one credential (batch, §8.3, up to `batch_size`). Unknown request
parameters are ignored (§8.2). The access token is good for the configurations of its
offer only (§6.1 RECOMMENDS that scope) and for several requests (§14.3).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..problems import BadRequest, read_json_object
from . import formats, proofs
from .errors import NO_STORE, OAuthError, bearer_token, error_response
from .metadata import BATCH_SIZE, configurations
from .service import Service
from .state import Grant, IssuedCredential

KNOWN_FIELDS = {"credential_configuration_id", "credential_identifier", "proofs", "credential_response_encryption"}
NOTIFICATION_EVENTS = {"credential_accepted", "credential_failure", "credential_deleted"}


def _grant(svc: Service, request: Request) -> Grant | None:
    token = bearer_token(request.headers.get("authorization"))
    grant = svc.state.grant(token)
    if grant is None:
        raise OAuthError("invalid_token", "the access token is unknown or expired", 401)
    return grant


async def _body(request: Request) -> dict[str, Any]:
    try:
        return await read_json_object(request)
    except BadRequest as exc:
        raise OAuthError("invalid_credential_request", exc.detail) from None


def _configuration(svc: Service, body: dict[str, Any], grant: Grant | None) -> str:
    if "credential_identifier" in body:
        # Only valid after a Token Response with authorization_details, which this issuer never sends.
        raise OAuthError("invalid_credential_request", "credential_identifier was never issued; use credential_configuration_id")
    config = body.get("credential_configuration_id")
    if not isinstance(config, str):
        raise OAuthError("invalid_credential_request", "credential_configuration_id (a string) is required")
    offered = grant.offer.configuration_ids if grant else tuple(configurations(svc.issuer.faults))
    if config not in configurations(svc.issuer.faults):
        if not svc.has("issuer.oid4vci-accept-unknown-configuration"):
            raise OAuthError("unknown_credential_configuration", f"no credential configuration {config!r}")
        config = offered[0]
    if config not in offered and not svc.has("issuer.oid4vci-token-not-bound"):
        raise OAuthError("insufficient_scope", f"this access token was not issued for {config!r}", 403)
    return config


def _proof_tokens(svc: Service, body: dict[str, Any]) -> list[Any]:
    proofs_param = body.get("proofs")
    # 1.0 has no singular `proof`: like any unknown parameter it is ignored (§8.2), so a request
    # carrying only `proof` lacks `proofs` and gets invalid_proof (§8.3.1.2, case 1).
    if proofs_param is None and isinstance(body.get("proof"), dict) and svc.has("issuer.oid4vci-accept-singular-proof"):
        single = body["proof"]
        proofs_param = {single.get("proof_type"): [single.get(single.get("proof_type"))]}
    if proofs_param is None:
        hint = " (the singular `proof` of pre-1.0 drafts is not OpenID4VCI 1.0)" if "proof" in body else ""
        raise OAuthError("invalid_proof", f"`proofs` is missing; this configuration requires key proofs{hint}")
    if not isinstance(proofs_param, dict) or len(proofs_param) != 1:
        raise OAuthError("invalid_proof", "`proofs` must hold exactly one proof type")
    (proof_type, tokens), = proofs_param.items()
    if proof_type != "jwt":
        raise OAuthError("invalid_proof", f"proof type {proof_type!r} is not supported (jwt)")
    if not isinstance(tokens, list) or not tokens:
        raise OAuthError("invalid_proof", "`proofs.jwt` must be a non-empty array")
    if len(tokens) > BATCH_SIZE:
        raise OAuthError("invalid_credential_request", f"at most {BATCH_SIZE} proofs per request (batch_size)")
    return tokens


async def _issue(svc: Service, request: Request) -> Response:
    grant = None if svc.has("issuer.oid4vci-no-token-check") else _grant(svc, request)
    body = await _body(request)
    if svc.has("issuer.oid4vci-reject-unknown-fields") and set(body) - KNOWN_FIELDS:
        raise OAuthError("invalid_credential_request", f"unknown parameters {sorted(set(body) - KNOWN_FIELDS)}")
    config = _configuration(svc, body, grant)
    holders = [proofs.validate(svc, token) for token in _proof_tokens(svc, body)]
    if not svc.has("issuer.oid4vci-reuse-c-nonce"):
        svc.state.consume_nonces({h.nonce for h in holders if h.nonce})
    if svc.has("issuer.oid4vci-batch-same-key"):
        holders = [holders[0]] * len(holders)
    offer = grant.offer if grant else None
    # The offer's claims were made for its own configurations (the token-not-bound fault asks for another).
    claims = offer.claims if offer and config in offer.configuration_ids else {}
    issued = [await run_in_threadpool(formats.issue, svc, config, claims, holder, offer) for holder in holders]
    if svc.on_issued is not None:
        for credential, holder in zip(issued, holders):
            svc.on_issued(IssuedCredential(config, credential, holder.did, offer.id if offer else None,
                                           offer.defects if offer else frozenset()))
    if svc.has("issuer.oid4vci-legacy-response"):
        return JSONResponse({"credential": issued[0]}, headers=NO_STORE)
    answer: dict[str, Any] = {"credentials": [{"credential": c} for c in issued]}
    if grant is not None:
        answer["notification_id"] = svc.state.new_notification_id(grant)
    return JSONResponse(answer, headers=NO_STORE)


async def _notify(svc: Service, request: Request) -> Response:
    grant = _grant(svc, request)
    try:
        body = await read_json_object(request)
    except BadRequest as exc:
        raise OAuthError("invalid_notification_request", exc.detail) from None
    notification_id, event = body.get("notification_id"), body.get("event")
    if not isinstance(notification_id, str) or event not in NOTIFICATION_EVENTS:
        raise OAuthError("invalid_notification_request", f"notification_id and an event of {sorted(NOTIFICATION_EVENTS)} are required")
    if svc.has("issuer.oid4vci-notification-refused"):
        raise OAuthError("invalid_notification_id", "notification refused")
    known = grant is not None and notification_id in grant.notification_ids
    if not known and not svc.has("issuer.oid4vci-notification-any-id"):
        raise OAuthError("invalid_notification_id", "this access token was given no such notification_id")
    return Response(status_code=204)  # §11.2: 204 No Content is RECOMMENDED


def routes(svc: Service) -> list[Route]:
    def guarded(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(svc, request)
            except OAuthError as exc:
                if exc.status == 400 and handler is _issue and svc.has("issuer.oid4vci-generic-error-code"):
                    exc = OAuthError("invalid_credential_request", exc.description)
                return error_response(exc)
        return endpoint

    return [Route("/credential", guarded(_issue), methods=["POST"]),
            Route("/notification", guarded(_notify), methods=["POST"])]
