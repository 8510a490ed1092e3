"""The suite as an OpenID4VP 1.0 wallet facing a vendor's verifier: the verifier backchannel
(DESIGN §5), the Authorization Request, the direct_post Authorization Response, and how to
read the outcome.

Backchannel: `POST /presentation-requests {dcql_query}` -> `{id, request}`;
`GET /presentation-requests/{id}` -> `{status: pending|verified|rejected, errors, claims}`.
Wallet side: https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8.2
(`vp_token` and `state` posted form-encoded to `response_uri`).

The verdict classification is the heart of every negative check. Accepted: the response got
a 2xx and the backchannel says `verified`. Rejected: the backchannel says `rejected` and the
response got a 2xx or a 400/422 — or a 400/422 while the status is anything but verified.
Everything else (5xx, 401/403/404, a timeout, `pending` after a 2xx, a 4xx beside `verified`)
is no verdict: the check errors rather than count a crash as a rejection.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from .. import redact
from ..net import Http, Response
from ..outcomes import control_refused
from .oid4vp_request import (
    REQUEST_OBJECT_MEDIA_TYPE,
    AuthorizationRequest,
    RequestError,
    decode_request_object,
    parse_request_url,
)
from .vcapi import NOT_A_VERDICT, REJECTION_STATUSES, VendorAnswerError, json_body

STATUSES = ("pending", "verified", "rejected")
# A verifier may judge after answering the response; poll the backchannel this long for it.
VERDICT_WAIT_SECONDS = 5.0
POLL_INTERVAL = 0.2


_quote = redact.quote


@dataclass
class Transaction:
    """One presentation request the backchannel created."""

    id: str
    request_url: str
    dcql_query: dict[str, Any]


@dataclass
class BackchannelStatus:
    status: str
    errors: list[Any] = field(default_factory=list)
    claims: Any = None
    vp_token: str | None = None  # what the wallet posted, when the verifier says (contract 1.2)


@dataclass
class Verdict:
    accepted: bool
    response_status: int
    status: str
    message: str
    body: Any = None


class Oid4vpClient:
    """A vendor's OpenID4VP verifier, driven through its backchannel (`backchannel`: the
    verifier role's authorized client) and answered as a wallet would (`wallet`: a client
    sending no credentials: a response URI is public)."""

    def __init__(self, backchannel: Http, wallet: Http, presentation_requests_url: str):
        self.backchannel = backchannel
        self.wallet = wallet
        self.base = presentation_requests_url.rstrip("/")

    # -- backchannel ---------------------------------------------------------------------
    def create(self, dcql_query: dict[str, Any]) -> Transaction:
        response = self.backchannel.post(self.base, json={"dcql_query": dcql_query})
        body = json_body(response)
        if response.status_code not in (200, 201) or not isinstance(body, dict):
            raise VendorAnswerError(f"POST {self.base} answered HTTP {response.status_code}: {_quote(body or response.text)}")
        ident, request = body.get("id"), body.get("request")
        if not isinstance(ident, str) or not ident or not isinstance(request, str):
            raise VendorAnswerError(f"the backchannel answer lacks a string `id` and `request`: {_quote(body)}")
        return Transaction(ident, request, dcql_query)

    def status(self, transaction: Transaction) -> BackchannelStatus:
        url = f"{self.base}/{transaction.id}"
        response = self.backchannel.get(url)
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict) or body.get("status") not in STATUSES:
            raise VendorAnswerError(f"GET {url} answered HTTP {response.status_code} without a known status: "
                                    f"{_quote(body or response.text)}")
        errors = body.get("errors")
        received = body.get("vp_token")
        return BackchannelStatus(body["status"], errors if isinstance(errors, list) else [], body.get("claims"),
                                 received if isinstance(received, str) else None)

    # -- the request ------------------------------------------------------------------------
    def fetch_request(self, transaction: Transaction) -> AuthorizationRequest:
        """Read the request (`request_uri` by GET, RFC 9101 §5.2; or `request` by value)."""
        params = parse_request_url(transaction.request_url)
        if "request" in params:
            jwt, content_type = params["request"], ""
        else:
            response = self.wallet.get(params["request_uri"], headers={"Accept": REQUEST_OBJECT_MEDIA_TYPE})
            if response.status_code != 200:
                raise RequestError(f"request_uri answered HTTP {response.status_code}")  # §5.10.2: terminate
            jwt, content_type = response.text.strip(), response.headers.get("content-type", "")
        header, claims = decode_request_object(jwt)
        return AuthorizationRequest(transaction.request_url, params, header, claims, jwt, content_type)

    def start(self, dcql_query: dict[str, Any]) -> tuple[Transaction, AuthorizationRequest]:
        transaction = self.create(dcql_query)
        return transaction, self.fetch_request(transaction)

    # -- the response ------------------------------------------------------------------------
    def respond(self, request: AuthorizationRequest, vp_token: dict[str, Any], *, state: str | None = None) -> Response:
        """POST `vp_token` (and the request's `state`) form-encoded to its `response_uri` (§8.2)."""
        uri = request.get("response_uri")
        if not isinstance(uri, str):
            raise RequestError("the request has no response_uri to answer to")
        form = {"vp_token": json.dumps(vp_token, separators=(",", ":"), ensure_ascii=False)}
        state = request.get("state") if state is None else state
        if isinstance(state, str):
            form["state"] = state
        # §8.2: the wallet SHOULD NOT follow a redirect from the Response URI (the vp_token would
        # travel on); a 3xx is then no verdict (classify).
        return self.wallet.post(uri, data=form, follow_redirects=False)

    def verdict(self, transaction: Transaction, response: Response) -> Verdict:
        """Classify one response (module docstring), polling a 2xx's pending status a while."""
        status = self.status(transaction)
        deadline = time.monotonic() + VERDICT_WAIT_SECONDS
        while status.status == "pending" and 200 <= response.status_code < 300 and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)
            status = self.status(transaction)
        return classify(response, status)

    def present(self, transaction: Transaction, request: AuthorizationRequest, vp_token: dict[str, Any]) -> Verdict:
        return self.verdict(transaction, self.respond(request, vp_token))


def classify(response: Response, status: BackchannelStatus) -> Verdict:
    code = response.status_code
    body = json_body(response)
    said = f"response HTTP {code}, backchannel status {status.status!r}"
    if 200 <= code < 300:
        if status.status == "verified":
            return Verdict(True, code, status.status, said, body)
        if status.status == "rejected":
            return Verdict(False, code, status.status, f"{said} ({_errors(status)})", body)
        raise VendorAnswerError(f"{said}: still no verdict {VERDICT_WAIT_SECONDS:g}s after the response was taken")
    if code in REJECTION_STATUSES:
        if status.status == "verified":
            raise VendorAnswerError(f"{said}: the response was refused yet the backchannel says verified")
        error = body.get("error") if isinstance(body, dict) else None
        detail = f"OAuth error {error!r}" if isinstance(error, str) else _errors(status)
        return Verdict(False, code, status.status, f"{said} ({detail})", body)
    if code in NOT_A_VERDICT:
        raise VendorAnswerError(f"{said}: HTTP {code} says nothing about the presentation (check auth and endpoint)")
    raise VendorAnswerError(f"{said}: not a verdict ({_quote(body if body is not None else response.text)})")


def _errors(status: BackchannelStatus) -> str:
    return _quote("; ".join(str(e) for e in status.errors[:3]) or "no errors given", 160)


def is_oauth_error(response: Response) -> bool:
    """400 with an OAuth error JSON object (RFC 6749 §5.2 shape: a string `error`)."""
    body = json_body(response)
    return response.status_code == 400 and isinstance(body, dict) and isinstance(body.get("error"), str)


def assert_accepted(verdict: Verdict, what: str) -> None:
    assert verdict.accepted, f"rejected {what}: {verdict.message}"


def assert_rejected_against_control(control: Verdict, verdict: Verdict, what: str) -> None:
    """A negative check's positive control: the untouched twin, sent to a fresh request, must be
    verified first, or the check never exercised the safeguard (a verifier rejecting
    everything would otherwise pass) and cannot judge."""
    if not control.accepted:
        control_refused("your OpenID4VP verifier rejects the suite's valid presentation", control.message)
    assert not verdict.accepted, f"accepted {what} ({verdict.message})"
