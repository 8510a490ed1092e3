"""Reading and vetting an OpenID4VP 1.0 Authorization Request before anything is answered
(https://openid.net/specs/openid-4-verifiable-presentations-1_0.html).

The `openid4vp://` URL carries `client_id` and `request_uri` (or `request` by value); the
Request Object is fetched by GET (RFC 9101 §5.2) and must be typed `oauth-authz-req+jwt`
(§5), carry the URL's `client_id` identically (§5.10.1), and be signed for its Client
Identifier Prefix: this wallet supports `decentralized_identifier:` (§5.9.3), verified with a
key the DID lists. Only `vp_token` (§5.6) by `direct_post` to a `response_uri` the wallet may
reach (§8.2), a valid DCQL query (§6) and no `transaction_data` (§8.4: unsupported -> error).
Any failure is RequestRejected and nothing is sent.
"""

from __future__ import annotations

import time
from typing import Any

from ... import redact
from ...net import NetError
from ...protocols import dcql
from ...protocols.oid4vp_request import (
    REQUEST_OBJECT_MEDIA_TYPE,
    REQUEST_OBJECT_TYP,
    AuthorizationRequest,
    decode_request_object,
    parse_request_url,
    signature_problem,
)
from .errors import RequestRejected
from .tools import Outbound

SUPPORTED_PREFIX = "decentralized_identifier"


def fetch_request(out: Outbound, url: str, faults: frozenset[str]) -> AuthorizationRequest:
    try:
        params = parse_request_url(url)
        if "request" in params:
            jwt, content_type = params["request"], ""
        else:
            response = out.get(params["request_uri"], headers={"Accept": REQUEST_OBJECT_MEDIA_TYPE})
            if response.status_code != 200:  # §5.10.2: any HTTP error terminates the process
                raise RequestRejected(f"request_uri answered HTTP {response.status_code}")
            jwt, content_type = response.text.strip(), response.headers.get("content-type", "")
        header, claims = decode_request_object(jwt)
    except NetError as exc:  # RequestError, guard refusals, timeouts, oversize answers
        raise RequestRejected(str(exc)) from None
    request = AuthorizationRequest(url, params, header, claims, jwt, content_type)
    _vet(out, request, faults)
    return request


def _vet(out: Outbound, request: AuthorizationRequest, faults: frozenset[str]) -> None:
    if request.header.get("typ") != REQUEST_OBJECT_TYP:  # §5: MUST NOT process otherwise
        raise RequestRejected(f"Request Object typ is {redact.quote(request.header.get('typ'), 60)!r}, "
                              f"not {REQUEST_OBJECT_TYP!r} (§5)")
    if request.client_id is None or request.url_params.get("client_id") != request.client_id:
        raise RequestRejected("the URL's client_id and the Request Object's client_id are not identical (§5.10.1)")
    if request.prefix != SUPPORTED_PREFIX:
        raise RequestRejected(f"client identifier prefix {redact.quote(request.prefix, 60)!r} is not supported "
                              f"(this wallet takes {SUPPORTED_PREFIX}:, §5.9.3)")
    if "wallet.ignore-request-signature" not in faults:
        problem = signature_problem(request, out.resolver.resolve_vm)
        if problem is not None:
            raise RequestRejected(problem)
    exp = request.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp < time.time():
        raise RequestRejected("the Request Object has expired (RFC 9101 §4, RFC 7519 exp)")
    if request.get("response_type") != "vp_token":
        raise RequestRejected(f"response_type {redact.quote(request.get('response_type'), 60)!r} is not vp_token")
    if request.get("response_mode") != "direct_post":
        raise RequestRejected(f"response_mode {redact.quote(request.get('response_mode'), 60)!r}: this wallet "
                              f"answers direct_post only (§8.2)")
    uri = request.get("response_uri")
    if not isinstance(uri, str) or request.get("redirect_uri") is not None:
        raise RequestRejected("direct_post needs a response_uri and no redirect_uri (§8.2)")
    try:
        out.http.policy.check_url(uri)
    except NetError as exc:
        raise RequestRejected(f"response_uri: {exc}") from None
    nonce, state = request.get("nonce"), request.get("state")
    if not isinstance(nonce, str) or not nonce:
        raise RequestRejected("the request has no nonce (§5.2)")
    if state is not None and not isinstance(state, str):
        raise RequestRejected("state must be a string (§5.2)")
    if request.get("transaction_data") is not None:
        raise RequestRejected("transaction_data is not supported by this wallet (§8.4)")
    problems = dcql.query_problems(request.get("dcql_query"))
    if problems:
        raise RequestRejected("invalid DCQL query: " + "; ".join(problems[:3]))


def response_uri(request: AuthorizationRequest) -> str:
    return str(request.get("response_uri"))


def state_of(request: AuthorizationRequest) -> Any:
    return request.get("state")
