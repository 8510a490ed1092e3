"""The suite's counterpart host: did:web documents and status lists the suite itself controls.

Checks use it to hand a vendor's verifier credentials from a "foreign" did:web issuer
(did:web:127.0.0.1%3A<port>:issuers:<name>, https://w3c-ccg.github.io/did-method-web/#read-resolve)
and credentials whose Bitstring Status List entry says revoked or suspended
(https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm). Everything is
registered at run time and served from memory; `publish` also serves hand-crafted
(possibly malformed) documents for negative checks.

`Host()` runs its own loopback server (start_host); `Host(url)` is only the routes, served at
the root of the counterparts' one origin (counterparts/server.py), whose public URL it names.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..credentials.crafting import Signer as CredentialSigner
from ..credentials.keys import Key
from ..credentials.statuslist import StatusList, status_list_credential
from ..reference.didweb import did_document, did_web_for, verification_method_id
from ..reference.serving import LoopbackServer

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
PUBLIC_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=0, must-revalidate"}


class HostError(ValueError):
    """A name or path the host cannot serve, or an unknown status list."""


class StatusSigner(Protocol):
    """Who signs a status list credential: `did` is its issuer, `sign` adds the proof."""

    @property
    def did(self) -> str: ...

    def sign(self, doc: dict) -> dict: ...


@dataclass
class _PublishedList:
    purpose: str
    statuslist: StatusList
    signer: StatusSigner
    signed: dict | None = None


class Host:
    """A running counterpart host; a context manager."""

    def __init__(self, url: str | None = None) -> None:
        self._lock = threading.Lock()
        self._documents: dict[str, tuple[int, bytes, str]] = {}
        self._lists: dict[str, _PublishedList] = {}
        self._counter = 0
        self._server: LoopbackServer | None = None
        if url is None:
            self._server = LoopbackServer(lambda origin: self.app(), name="counterpart-host")
            url = self._server.url
        self.url = url.rstrip("/")

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> "Host":
        if self._server is not None:
            self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> "Host":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- did:web -------------------------------------------------------------------
    def did_for(self, name: str) -> str:
        return did_web_for(self.url, "issuers", _check_name(name))

    def add_did(self, key: Key | list[Key], name: str | None = None) -> tuple[str, str]:
        """Serve a did:web document listing `key` (or keys); returns (did, first method id)."""
        keys = key if isinstance(key, list) else [key]
        if name is None:
            with self._lock:
                self._counter += 1
                name = f"issuer-{self._counter}"
        did = self.did_for(name)
        self.publish(f"/issuers/{name}/did.json", did_document(did, keys), content_type="application/did+json")
        return did, verification_method_id(did, keys[0])

    def signer(self, key: Key | None = None, name: str | None = None) -> CredentialSigner:
        """add_did() and a crafting.Signer for it (issues credentials as that did:web) in one step."""
        key = key or Key.generate("Ed25519")
        did, vm = self.add_did(key, name)
        return CredentialSigner(key, did, vm)

    # -- arbitrary documents ---------------------------------------------------------
    def publish(self, path: str, body: Any, *, status: int = 200, content_type: str = "application/json") -> str:
        """Serve `body` (JSON-serialisable, or raw bytes/str for malformed documents) at `path`."""
        if not path.startswith("/") or ".." in path:
            raise HostError(f"path must be absolute without '..': {path!r}")
        raw = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(body).encode()
        with self._lock:
            self._documents[path] = (status, raw, content_type)
        return self.url + path

    # -- status lists ----------------------------------------------------------------
    def status_list_url(self, name: str) -> str:
        return f"{self.url}/status-lists/{_check_name(name)}"

    def publish_status_list(self, name: str, purpose: str, statuslist: StatusList, signer: StatusSigner) -> str:
        """Serve a signed BitstringStatusListCredential for `statuslist`; returns its URL."""
        url = self.status_list_url(name)
        with self._lock:
            self._lists[name] = _PublishedList(purpose, statuslist, signer)
        return url

    def set_status(self, name: str, index: int, value: bool = True) -> None:
        """Flip one entry; the list is re-signed on its next fetch."""
        with self._lock:
            published = self._lists.get(name)
            if published is None:
                raise HostError(f"no status list {name!r} was published")
            published.statuslist.set(index, value)
            published.signed = None

    def _signed_list(self, name: str) -> dict | None:
        with self._lock:
            published = self._lists.get(name)
            if published is None:
                return None
            if published.signed is None:
                unsigned = status_list_credential(self.status_list_url(name), published.signer.did,
                                                  published.purpose, published.statuslist)
                published.signed = published.signer.sign(unsigned)
            return published.signed

    # -- the app -----------------------------------------------------------------------
    def routes(self) -> list[Route]:
        return [
            Route("/health", _health, methods=["GET"]),
            Route("/status-lists/{name}", self._status_list_endpoint, methods=["GET"]),
            Route("/{path:path}", self._document_endpoint, methods=["GET"]),
        ]

    def app(self) -> Starlette:
        return Starlette(routes=self.routes())

    async def _status_list_endpoint(self, request: Request) -> Response:
        doc = await run_in_threadpool(self._signed_list, request.path_params["name"])
        if doc is None:
            return JSONResponse({"title": "Not found"}, status_code=404, media_type="application/problem+json")
        return JSONResponse(doc, headers=PUBLIC_HEADERS)

    async def _document_endpoint(self, request: Request) -> Response:
        with self._lock:
            found = self._documents.get(request.url.path)
        if found is None:
            return JSONResponse({"title": "Not found"}, status_code=404, media_type="application/problem+json")
        status, raw, content_type = found
        return Response(raw, status_code=status, media_type=content_type, headers=PUBLIC_HEADERS)


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise HostError(f"name {name!r} must match {_NAME.pattern}")
    return name


def start_host() -> Host:
    """Start the counterpart host on a free loopback port (use as a context manager)."""
    return Host().start()
