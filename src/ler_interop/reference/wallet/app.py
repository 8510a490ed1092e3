"""The wallet backchannel v1 over HTTP (docs/backchannels.openapi.yaml): describe, receive,
present, list, get, delete, export, import, reset.

Bodies are bounded JSON objects (problems.read_json_object); a malformed body is 400
`invalid_request`. The OpenID flows run in a worker thread; every refusal is 422 with the
contract's error code, and anything unexpected a hostile vendor provokes is a 422 too, never
a 500 or a hang (each outbound exchange is capped in time, size and depth; see tools.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ... import __version__
from ...net import NetError
from ..problems import BadRequest, read_json_object
from . import export, importing, present, receive
from .errors import CredentialRejected, IssuanceFailed, RequestRejected, WalletRefusal
from .reading import FORMATS

if TYPE_CHECKING:
    from . import ReferenceWallet

MAX_OFFER_CHARS = 64 * 1024
NO_STORE = {"Cache-Control": "no-store"}


def _error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=NO_STORE)


def _invalid(description: str, status: int = 400) -> Response:
    return _error(status, "invalid_request", description)


def _refused(exc: WalletRefusal) -> Response:
    return _error(422, exc.error, exc.description)


async def _body(request: Request) -> dict[str, Any]:
    try:
        return await read_json_object(request)
    except BadRequest as exc:
        raise _BodyError(_invalid(exc.detail, exc.status)) from None


class _BodyError(Exception):
    def __init__(self, response: Response):
        self.response = response


def _string_field(body: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    value = body.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_OFFER_CHARS:
        raise _BodyError(_invalid(f"`{name}` must be a non-empty string of at most {MAX_OFFER_CHARS} characters"
                                  + (" or null" if optional else "")))
    return value


def wallet_app(wallet: "ReferenceWallet") -> Starlette:
    faults, store = wallet.faults, wallet.store

    async def describe(request: Request) -> Response:
        body: dict[str, Any] = {"name": "ler-interop reference wallet", "version": __version__,
                                "formats": list(FORMATS), "protocols": ["oid4vci", "oid4vp"]}
        if "wallet.describe-no-formats" in faults:
            del body["formats"]
        return JSONResponse(body)

    async def receive_endpoint(request: Request) -> Response:
        try:
            body = await _body(request)
            offer = _string_field(body, "offer")
            tx_code = _string_field(body, "tx_code", optional=True)
        except _BodyError as exc:
            return exc.response
        try:
            items = await run_in_threadpool(receive.receive, wallet, offer, tx_code)
        except WalletRefusal as exc:
            return _refused(exc)
        except Exception as exc:  # a hostile issuer must never crash the wallet
            return _refused(IssuanceFailed(f"unexpected {type(exc).__name__}: {exc}"))
        return JSONResponse({"credentials": [item.detail() for item in items]}, status_code=201, headers=NO_STORE)

    async def present_endpoint(request: Request) -> Response:
        try:
            body = await _body(request)
            url = _string_field(body, "request")
        except _BodyError as exc:
            return exc.response
        consent = body.get("consent")
        if consent not in ("accept", "decline"):
            return _invalid("`consent` must be \"accept\" or \"decline\"")
        try:
            answer = await run_in_threadpool(present.present, wallet, url, consent == "accept")
        except WalletRefusal as exc:
            return _refused(exc)
        except Exception as exc:  # a hostile verifier must never crash the wallet
            return _refused(RequestRejected(f"unexpected {type(exc).__name__}: {exc}"))
        return JSONResponse(answer, headers=NO_STORE)

    async def list_endpoint(request: Request) -> Response:
        return JSONResponse({"credentials": [item.summary() for item in store.all()]}, headers=NO_STORE)

    async def one(request: Request) -> Response:
        credential_id = request.path_params["id"]
        if request.method == "DELETE":
            if not store.delete(credential_id):
                return _error(404, "not_found", "no such credential")
            return Response(status_code=204)
        item = store.get(credential_id)
        if item is None:
            return _error(404, "not_found", "no such credential")
        return JSONResponse(item.detail(), headers=NO_STORE)

    async def export_endpoint(request: Request) -> Response:
        return JSONResponse(export.export_document(store, faults), headers=NO_STORE)

    async def import_endpoint(request: Request) -> Response:
        try:
            body = await _body(request)
            items = export.parse_import(body)
        except _BodyError as exc:
            return exc.response
        except export.NotAnExport as exc:
            return _invalid(str(exc))
        try:
            await run_in_threadpool(importing.refuse_tampered, wallet, items)
        except WalletRefusal as exc:
            return _refused(exc)
        except NetError as exc:  # the whole import's deadline
            return _refused(CredentialRejected(f"cannot verify the imported credentials: {exc}"))
        items = export.as_imported(items, faults)
        store.add(items)
        return JSONResponse({"imported": [{"id": i.id, "format": i.format} for i in items]}, headers=NO_STORE)

    async def reset(request: Request) -> Response:
        store.reset()
        return Response(status_code=204)

    return Starlette(routes=[
        Route("/", describe, methods=["GET"]),
        Route("/receive", receive_endpoint, methods=["POST"]),
        Route("/present", present_endpoint, methods=["POST"]),
        Route("/credentials", list_endpoint, methods=["GET"]),
        Route("/credentials/{id}", one, methods=["GET", "DELETE"]),
        Route("/export", export_endpoint, methods=["GET"]),
        Route("/import", import_endpoint, methods=["POST"]),
        Route("/reset", reset, methods=["POST"]),
    ])
