"""HTTP plumbing shared by the reference apps: bounded JSON bodies and problem details.

Errors are RFC 9457 problem details (`type`, `title`, `detail`, content type
application/problem+json), which the VC API uses for its error answers
(https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#error-handling). A malformed request is always a 4xx.
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..net import JsonTooDeep, parse_json

MAX_BODY_BYTES = 1024 * 1024
FAKE_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/issuer.py", line 42, in issue\n'
    "    credential = body['credential']\n"
    "KeyError: 'credential'\n"
)


class BadRequest(Exception):
    """A request the app must refuse with a 4xx problem-details answer."""

    def __init__(self, slug: str, title: str, detail: str, status: int = 400):
        super().__init__(detail)
        self.slug, self.title, self.detail, self.status = slug, title, detail, status


def problem(status: int, slug: str, title: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = {"type": f"urn:ler-interop:problem:{slug}", "title": title, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def problem_from(exc: BadRequest) -> Response:
    return problem(exc.status, exc.slug, exc.title, exc.detail)


def stack_trace_500() -> Response:
    """What a careless server answers: 500 and an internal trace (fault switches only)."""
    return PlainTextResponse(FAKE_TRACEBACK, status_code=500)


async def read_json_object(request: Request, encoding: str = "utf-8") -> dict[str, Any]:
    """The request body as a JSON object, or BadRequest (413 past MAX_BODY_BYTES).

    `encoding` other than UTF-8 exists only for fault verifier.latin1-body."""
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest("too-large", "Request body too large", f"body exceeds {MAX_BODY_BYTES} bytes", 413)
    try:
        value = parse_json(body if encoding == "utf-8" else body.decode(encoding))
    except JsonTooDeep as exc:
        raise BadRequest("malformed-json", "Malformed JSON", str(exc)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed-json", "Malformed JSON", f"request body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BadRequest("malformed-request", "Malformed request", "request body must be a JSON object")
    return value


def bearer_ok(request: Request, token: str | None) -> bool:
    """True when no token is required or the Authorization header carries it."""
    if token is None:
        return True
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return scheme.lower() == "bearer" and _same(value.strip(), token)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def unauthorized() -> Response:
    return problem(
        401, "unauthorized", "Unauthorized", "a bearer token is required", headers={"WWW-Authenticate": "Bearer"}
    )
