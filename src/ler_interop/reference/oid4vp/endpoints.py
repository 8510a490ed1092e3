"""The reference verifier's OpenID4VP endpoints: the backchannel, the request_uri and the
direct_post Response URI (OpenID4VP 1.0 §8.2,
https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8.2).

The Response URI answers 200 `{}` (application/json, no-store) to a response it verified,
and 400 with an OAuth error (`invalid_request`) otherwise: an unknown `state`, a second
response to one request (replay), or a VP Token that did not verify. The verdict is stored
before the answer, so the backchannel never shows `pending` after a response.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..problems import MAX_BODY_BYTES, BadRequest, problem, problem_from, read_json_object, stack_trace_500
from .request_objects import (
    REQUEST_OBJECT_MEDIA_TYPE,
    VerifierIdentity,
    new_nonce,
    request_claims,
    request_url,
    signed_request_object,
)
from .transactions import Transaction, TransactionStore, dcql_query_of
from .verdict import Judge

NO_STORE = {"Cache-Control": "no-store"}
BACKCHANNEL = "/presentation-requests"
REQUEST_PATH = "/oid4vp/requests"
RESPONSE_PATH = "/oid4vp/response"
MAX_FORMS_KEPT = 20  # per transaction: a replaying wallet cannot grow memory without bound


class Oid4vpService:
    """OpenID4VP for one ReferenceVerifier (its faults, toolkit and ignore set)."""

    def __init__(self, verifier: Any, public_url: str | None = None):
        self.verifier = verifier
        self.faults: frozenset[str] = verifier.faults
        self.identity = VerifierIdentity()
        self.store = TransactionStore()
        # The origin (and mount path) wallets reach this verifier at; None: the request's own
        # base URL. Set when a reverse proxy sits in front (the suite's counterpart verifier).
        self.public_url = public_url.rstrip("/") if public_url else None

    def origin(self, request: Request) -> str:
        return self.public_url or _origin(request)

    def routes(self) -> list[Route]:
        return [
            Route(BACKCHANNEL, self.create, methods=["POST"]),
            Route(BACKCHANNEL + "/{id}", self.status, methods=["GET"]),
            Route(REQUEST_PATH + "/{request_id}", self.request_object, methods=["GET"]),
            Route(RESPONSE_PATH, self.response, methods=["POST"]),
        ]

    # -- backchannel ------------------------------------------------------------------------
    async def create(self, request: Request) -> Response:
        try:
            query = dcql_query_of(await read_json_object(request))
        except BadRequest as exc:
            return problem_from(exc)
        tx = self.store.add(Transaction(query, new_nonce(self.faults)))
        request_uri = self.origin(request) + f"{REQUEST_PATH}/{tx.request_id}"
        return JSONResponse({"id": tx.id, "request": request_url(self.identity, request_uri, self.faults)},
                            status_code=201, headers=NO_STORE)

    async def status(self, request: Request) -> Response:
        tx = self.store.by_id(request.path_params["id"])
        if tx is None:
            return problem(404, "not-found", "Not found", "no such presentation request")
        return JSONResponse(tx.backchannel_view(), headers=NO_STORE)

    # -- the request object -----------------------------------------------------------------
    async def request_object(self, request: Request) -> Response:
        tx = self.store.find(request_id=request.path_params["request_id"])
        if tx is None:
            return problem(404, "not-found", "Not found", "no such request")
        claims = request_claims(self.identity, response_uri=self.origin(request) + RESPONSE_PATH, nonce=tx.nonce,
                                state=tx.state, dcql_query=tx.dcql_query, faults=self.faults)
        # A transaction may ask for a foreign-key signature (the counterpart verifier's negative case).
        faults = self.faults | {"verifier.oid4vp-foreign-request-key"} if tx.foreign_request_key else self.faults
        jwt = signed_request_object(self.identity, claims, faults)
        return Response(jwt, media_type=REQUEST_OBJECT_MEDIA_TYPE, headers=NO_STORE)

    # -- the response URI -------------------------------------------------------------------
    async def response(self, request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _oauth_error("invalid_request", f"the response exceeds {MAX_BODY_BYTES} bytes", 413)
        try:  # §8.2: form-encoded, UTF-8
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return _oauth_error("invalid_request", "the response body is not UTF-8")
        state = form.get("state")
        tx = self.store.find(state=state) if isinstance(state, str) and state else None
        if tx is None:
            if "verifier.oid4vp-accept-unknown-state" in self.faults:
                return JSONResponse({}, headers=NO_STORE)
            return _oauth_error("invalid_request", "`state` matches no presentation request of this verifier")
        if len(tx.forms) < MAX_FORMS_KEPT:
            tx.forms.append(form)
        if not self.store.claim_response(tx, "verifier.oid4vp-accept-replay" in self.faults):
            return _oauth_error("invalid_request", "this presentation request was already answered")
        if isinstance(form.get("error"), str):  # §8.5: the wallet declined or failed
            tx.errors, tx.status = [f"wallet error: {form.get('error')}"], "rejected"
            return JSONResponse({}, headers=NO_STORE)
        vp_token = form.get("vp_token")
        if not isinstance(vp_token, str):
            tx.errors, tx.status = ["the response has no vp_token"], "rejected"
            return self._rejection("the response has no vp_token")
        judge = Judge(self.verifier._toolkit(), tx.nonce, self.identity.client_id, tx.dcql_query,
                      self.faults, self.verifier.ignore)
        judgement = await run_in_threadpool(judge.judge, vp_token)
        tx.errors, tx.claims = judgement.errors, judgement.claims
        tx.status = "verified" if judgement.verified else "rejected"
        if not judgement.verified:
            return self._rejection("; ".join(judgement.errors[:3]))
        if "verifier.oid4vp-ok-not-json" in self.faults:
            return PlainTextResponse("OK")
        return JSONResponse({}, headers=NO_STORE)

    def _rejection(self, description: str) -> Response:
        if "verifier.oid4vp-500-on-reject" in self.faults:
            return stack_trace_500()
        return _oauth_error("invalid_request", description)


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    """RFC 6749 §5.2 error shape."""
    return JSONResponse({"error": error, "error_description": description[:500]}, status_code=status, headers=NO_STORE)


def _origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")
