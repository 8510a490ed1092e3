"""The wallet backchannel (docs/backchannels.openapi.yaml, tag `wallet`; DESIGN §5): how the
suite hands a vendor's wallet an offer or a presentation request as a learner would, and looks
at what it holds.

Reading the answers is strict, as for the verifier backchannels: a refusal is a 422 that names
it (`credential_rejected`, `issuance_failed`, `request_rejected`); anything else that is not the
documented success (a 5xx, a 404, a timeout, a body that is not the documented shape) is
`VendorAnswerError`, so a check errors instead of counting a crash as a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .. import redact
from ..net import Http, Response
from .vcapi import VendorAnswerError, json_body

FORMATS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")
EXPORT_TYPE = "LerWalletExport"
REFUSALS = {"credential_rejected", "issuance_failed", "request_rejected"}
PRESENT_STATUSES = ("presented", "declined", "no_match")

_quote = redact.quote


@dataclass
class Stored:
    """One credential as the wallet holds it."""

    id: str
    format: str
    credential: Any


@dataclass
class Refusal:
    """The wallet said no: `error` is one of REFUSALS."""

    error: str
    description: str


@dataclass
class Received:
    stored: list[Stored] = field(default_factory=list)
    refusal: Refusal | None = None


@dataclass
class Presented:
    status: str  # presented | declined | no_match
    presented: list[str] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    verifier_status: int | None = None
    refusal: Refusal | None = None


def _stored(item: Any, where: str) -> Stored:
    if not isinstance(item, dict):
        raise VendorAnswerError(f"{where}: a credential entry is not an object: {_quote(item)}")
    ident, fmt, credential = item.get("id"), item.get("format"), item.get("credential")
    if not isinstance(ident, str) or not ident or fmt not in FORMATS or credential is None:
        raise VendorAnswerError(f"{where}: an entry lacks a string `id`, a known `format` or `credential`: {_quote(item)}")
    return Stored(ident, fmt, credential)


def _refusal(response: Response, body: Any, expected: set[str]) -> Refusal | None:
    if response.status_code == 422 and isinstance(body, dict) and body.get("error") in expected:
        return Refusal(str(body["error"]), str(body.get("error_description", ""))[:500])
    return None


class WalletClient:
    """A vendor's wallet backchannel at `base` (the manifest's `wallet.backchannel.url`)."""

    def __init__(self, http: Http, base: str):
        self.http = http
        self.base = base.rstrip("/")

    def _url(self, path: str) -> str:
        return self.base + path

    def _unexpected(self, what: str, response: Response, body: Any) -> VendorAnswerError:
        return VendorAnswerError(f"{what} answered HTTP {response.status_code}: {_quote(body if body is not None else response.text)}")

    # -- receiving and presenting -------------------------------------------------------
    def receive(self, offer: str, tx_code: str | None = None) -> Received:
        """Hand the wallet a Credential Offer URI (and the learner's tx_code)."""
        response = self.http.post(self._url("/receive"), json={"offer": offer, "tx_code": tx_code})
        body = json_body(response)
        refusal = _refusal(response, body, {"credential_rejected", "issuance_failed"})
        if refusal:
            return Received(refusal=refusal)
        if response.status_code not in (200, 201) or not isinstance(body, dict) or not isinstance(body.get("credentials"), list):
            raise self._unexpected("POST /receive", response, body)
        stored = [_stored(item, "POST /receive") for item in body["credentials"]]
        if not stored:
            raise VendorAnswerError("POST /receive answered success with no credential")
        return Received(stored)

    def present(self, request: str, consent: str = "accept") -> Presented:
        """Hand the wallet an OpenID4VP request URL and the learner's answer."""
        response = self.http.post(self._url("/present"), json={"request": request, "consent": consent})
        body = json_body(response)
        refusal = _refusal(response, body, {"request_rejected"})
        if refusal:
            return Presented("refused", refusal=refusal)
        if response.status_code != 200 or not isinstance(body, dict) or body.get("status") not in PRESENT_STATUSES:
            raise self._unexpected("POST /present", response, body)
        presented, warnings = body.get("presented", []), body.get("warnings", [])
        status = body.get("verifier_status")
        return Presented(body["status"], [str(p) for p in presented] if isinstance(presented, list) else [],
                         warnings if isinstance(warnings, list) else [], status if isinstance(status, int) else None)

    # -- what it holds -------------------------------------------------------------------
    def list(self) -> list[dict[str, Any]]:
        response = self.http.get(self._url("/credentials"))
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("credentials"), list):
            raise self._unexpected("GET /credentials", response, body)
        return [item for item in body["credentials"] if isinstance(item, dict)]

    def ids(self) -> set[str]:
        return {str(item.get("id")) for item in self.list()}

    def _credential_url(self, credential_id: str) -> str:
        # Any string is an id (a URN with a fragment, an https URL): one path segment, encoded.
        return self._url("/credentials/" + quote(credential_id, safe=""))

    def get(self, credential_id: str) -> Stored | None:
        """The stored credential, or None when the wallet says 404."""
        response = self.http.get(self._credential_url(credential_id))
        if response.status_code == 404:
            return None
        body = json_body(response)
        if response.status_code != 200:
            raise self._unexpected(f"GET /credentials/{credential_id}", response, body)
        return _stored(body, f"GET /credentials/{credential_id}")

    def delete(self, credential_id: str) -> None:
        response = self.http.delete(self._credential_url(credential_id))
        if response.status_code not in (200, 204):
            raise self._unexpected(f"DELETE /credentials/{credential_id}", response, json_body(response))

    def export(self) -> dict[str, Any]:
        response = self.http.get(self._url("/export"))
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict):
            raise self._unexpected("GET /export", response, body)
        return body

    def import_(self, document: dict[str, Any]) -> list[str]:
        imported, refusal = self.try_import(document)
        if refusal:
            raise VendorAnswerError(f"POST /import refused the document: {refusal.error}: {refusal.description[:300]}")
        return imported

    def try_import(self, document: dict[str, Any]) -> tuple[list[str], Refusal | None]:
        """(this wallet's ids, None), or ([], the refusal): since contract 1.3 a document holding
        a credential whose proof does not verify is refused whole, 422 credential_rejected."""
        response = self.http.post(self._url("/import"), json=document)
        body = json_body(response)
        refusal = _refusal(response, body, {"credential_rejected"})
        if refusal:
            return [], refusal
        imported = body.get("imported") if isinstance(body, dict) else None
        if response.status_code not in (200, 201) or not isinstance(imported, list):
            raise self._unexpected("POST /import", response, body)
        return [str(item.get("id")) for item in imported if isinstance(item, dict)], None

    def reset(self) -> None:
        response = self.http.post(self._url("/reset"))
        if response.status_code not in (200, 204):
            raise self._unexpected("POST /reset", response, json_body(response))


def exported_credentials(document: Any) -> list[Stored]:
    """The credentials of an export document; VendorAnswerError when it is not one."""
    if not isinstance(document, dict) or document.get("type") != EXPORT_TYPE or not isinstance(document.get("credentials"), list):
        raise VendorAnswerError(f"the export is not a {EXPORT_TYPE} document with a `credentials` list: {_quote(document)}")
    return [_stored(item, "GET /export") for item in document["credentials"]]
