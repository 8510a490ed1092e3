"""The reference issuer: a W3C VC API issuer service (https://w3c-ccg.github.io/vc-api/#issue-credential).

Routes: POST /credentials/issue, POST /credentials/status, GET /status/{purpose},
GET /.well-known/did.json (its did:web identity; GET /did.json too, for an issuer mounted
under a path whose did:web has that path), GET /health.
Faults (see faults.CATALOG) are applied here so each breaks exactly the behaviour it names.
"""

from __future__ import annotations

import base64
import copy
import gzip
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..credentials import crafting, dataintegrity
from ..credentials.statuslist import StatusList
from . import oid4vci, sdjwt_keys
from .faults import parse_faults
from .identity import DEFAULT_CRYPTOSUITE, ISSUER_CRYPTOSUITES, IssuerIdentity
from .issue_requests import types_of, validate_issue_request, validate_status_request
from .mutations import apply_content_faults
from .problems import BadRequest, bearer_ok, problem, problem_from, read_json_object, stack_trace_500, unauthorized
from .statushost import HERD_PRIVACY_LENGTH, PURPOSES, SMALL_LENGTH, StatusChangeRefused, StatusRegistry, UnknownCredential

# Public artifacts a verifier fetches are CORS-open and cacheable (P6).
PUBLIC_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}
# OB 3.0 and CLR 2.0 allow one CredentialStatus (0..1, an object in their JSON Schemas:
# https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential), so those get revocation only.
SINGLE_STATUS_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential", "ClrCredential"})


def utc_now_seconds() -> str:
    """xsd:dateTime in UTC with second precision and `Z` (VCDM 2.0 §4.9 validFrom)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ReferenceIssuer:
    origin: str
    faults: frozenset[str] = frozenset()
    token: str | None = None
    # How SD-JWT VCs name the issuer's key: did, jwt-vc-issuer or x5c (reference/sdjwt_keys.py).
    sd_jwt_key: str = "did"
    # The suite's CA for x5c (None: the keys' CA, or a fresh one when that mode is chosen).
    ca: Any = None
    # The run's stable keys (suite_keys.SuiteKeys) and which of them this issuer signs with.
    keys: Any = None
    key_name: str = "reference-issuer"
    identity: IssuerIdentity = field(init=False)
    registry: StatusRegistry = field(init=False)

    def __post_init__(self) -> None:
        self.faults = parse_faults(self.faults)
        self.identity = IssuerIdentity.for_origin(self.origin, self.keys, self.key_name)
        if self.ca is None and self.keys is not None:
            self.ca = self.keys.ca
        self.sd_jwt_key = sdjwt_keys.mode_of(self.sd_jwt_key, self.faults)
        if self.sd_jwt_key == "x5c" and self.ca is None:
            self.ca = sdjwt_keys.IssuingCa.create()
        self.registry = StatusRegistry(
            self.origin,
            self.identity.did,
            self._sign_status_list,
            length=SMALL_LENGTH if "issuer.small-status-list" in self.faults else HERD_PRIVACY_LENGTH,
            frozen="issuer.status-not-updated" in self.faults,
            inverted="issuer.inverted-status-bits" in self.faults,
        )

    # -- signing -------------------------------------------------------------------
    def sign(self, doc: dict, cryptosuite: str) -> dict:
        return dataintegrity.sign(
            doc, self.identity.key_for(cryptosuite), cryptosuite=cryptosuite,
            verification_method=self.identity.vm_for(cryptosuite),
            # issuer.undefined-term must sign a credential safe mode refuses (DI §4.4).
            allow_unsafe="issuer.undefined-term" in self.faults,
        )

    def _sign_status_list(self, doc: dict) -> dict:
        signed = self.sign(doc, DEFAULT_CRYPTOSUITE)
        if "issuer.status-list-bad-proof" in self.faults:
            signed = _reencode_list(signed)
        return signed

    def _secure(self, doc: dict, cryptosuite: str) -> dict:
        if "issuer.foreign-key" in self.faults:
            # The DID document does not list this did:key, so the issuer never authorized it.
            key, vm = self.identity.foreign, self.identity.foreign_vm()
            return dataintegrity.sign(doc, key, cryptosuite="eddsa-rdfc-2022", verification_method=vm)
        if "issuer.bad-signature" in self.faults:
            # Sign a twin with a different id, then attach that proof to the real document.
            twin = {**doc, "id": f"urn:uuid:{uuid.uuid4()}"}
            proof = self.sign(twin, cryptosuite)["proof"]
            return {**doc, "proof": proof}
        return self.sign(doc, cryptosuite)

    # -- issuing -------------------------------------------------------------------
    def issue(self, body: dict[str, Any]) -> dict:
        credential, options = validate_issue_request(body)
        credential_id = options.get("credentialId")
        if credential_id is not None and not isinstance(credential_id, str):
            raise BadRequest("malformed-options", "Malformed options", "`options.credentialId` must be a string")
        cryptosuite = options.get("cryptosuite", DEFAULT_CRYPTOSUITE)
        if "issuer.ignore-cryptosuite" in self.faults:
            cryptosuite = DEFAULT_CRYPTOSUITE
        if cryptosuite not in ISSUER_CRYPTOSUITES:
            raise BadRequest("unknown-cryptosuite", "Unsupported cryptosuite",
                             f"cryptosuite {cryptosuite!r} is not one of {', '.join(ISSUER_CRYPTOSUITES)}")
        doc = self._fill_in(credential, credential_id)
        doc = apply_content_faults(doc, self.faults)
        try:
            secured = self._secure(doc, cryptosuite)
        except dataintegrity.SigningError as exc:
            # Undefined terms, unknown contexts: the caller's credential cannot be secured.
            raise BadRequest("cannot-secure", "Credential cannot be secured", str(exc)) from None
        if "issuer.flip-direction" in self.faults:
            secured = crafting.flip_direction(secured)  # after signing: the proof no longer covers it
        return secured

    def prepare(self, credential: dict) -> dict:
        """The credential filled in (issuer, validFrom, id, status) but not yet secured: for a
        securing mechanism other than Data Integrity (OpenID4VCI's jwt_vc_json)."""
        return apply_content_faults(self._fill_in(credential, None), self.faults)

    def _fill_in(self, credential: dict, credential_id: str | None) -> dict:
        doc = copy.deepcopy(credential)
        did = self.identity.did
        issuer = doc.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id not in (None, did):
            # VC API issue: 400 when "the provided value of 'issuer' does not match the expected configuration".
            raise BadRequest("issuer-mismatch", "Issuer mismatch", f"this service issues as {did}, not {issuer_id!r}")
        doc["issuer"] = {**issuer, "id": did} if isinstance(issuer, dict) else did
        if "validFrom" not in doc and "issuer.no-valid-from" not in self.faults:
            doc["validFrom"] = utc_now_seconds()
        doc.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
        doc.pop("credentialStatus", None)
        if "issuer.no-status" not in self.faults:
            # VC API: credentialId (options) names the credential for /credentials/status, else credential.id.
            handle = credential_id or str(doc["id"])
            single = bool(SINGLE_STATUS_TYPES & set(types_of(doc)))
            self.registry.allocate(handle, ("revocation",) if single else PURPOSES)
            entries = self.registry.entries(handle)
            if "issuer.malformed-status-entry" in self.faults:
                entries = [{**e, "statusListIndex": int(e["statusListIndex"])} for e in entries]
            doc["credentialStatus"] = entries[0] if single else entries
        return doc

    # -- status --------------------------------------------------------------------
    def update_status(self, body: dict[str, Any]) -> dict:
        credential_id, changes = validate_status_request(body)
        try:
            for purpose, value in changes:
                self.registry.set_status(credential_id, purpose, value)
        except UnknownCredential:
            raise BadRequest("not-found", "Credential not found", f"no credential {credential_id!r} was issued here", 404) from None
        except StatusChangeRefused as exc:
            raise BadRequest("status-refused", "Status change refused", str(exc)) from None
        return {"credentialId": credential_id,
                "status": {p: self.registry.get(credential_id, p) for p, _ in changes}}

    # -- the app -------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/credentials/issue", self._issue_endpoint, methods=["POST"]),
            Route("/credentials/status", self._status_endpoint, methods=["POST"]),
            Route("/status/{purpose}", self._status_list_endpoint, methods=["GET"]),
            Route("/.well-known/did.json", self._did_endpoint, methods=["GET"]),
            Route("/did.json", self._did_endpoint, methods=["GET"]),
            sdjwt_keys.metadata_route(self.origin, self.identity, self.faults),
            Route("/health", _health, methods=["GET"]),
            *oid4vci.routes(self),
        ])

    def sd_jwt_signer(self) -> sdjwt_keys.SdJwtSigner:
        return sdjwt_keys.signer(self.sd_jwt_key, self.origin, self.identity, self.ca)

    def _authorized(self, request: Request) -> bool:
        return "issuer.ignore-auth" in self.faults or bearer_ok(request, self.token)

    def _refuse(self, exc: BadRequest) -> Response:
        if "issuer.500-on-malformed" in self.faults and exc.status == 400:
            return stack_trace_500()
        return problem_from(exc)

    async def _issue_endpoint(self, request: Request) -> Response:
        if not self._authorized(request):
            return unauthorized()
        try:
            body = await read_json_object(request)
            vc = await run_in_threadpool(self.issue, body)
        except BadRequest as exc:
            return self._refuse(exc)
        # VC API issue: 201 Created (fault issuer.issue-200: a plain 200).
        status = 200 if "issuer.issue-200" in self.faults else 201
        return JSONResponse({"verifiableCredential": vc}, status_code=status)

    async def _status_endpoint(self, request: Request) -> Response:
        if not self._authorized(request):
            return unauthorized()
        try:
            body = await read_json_object(request)
            answer = await run_in_threadpool(self.update_status, body)
        except BadRequest as exc:
            return self._refuse(exc)
        return JSONResponse(answer, status_code=200)

    async def _status_list_endpoint(self, request: Request) -> Response:
        purpose = request.path_params["purpose"]
        if purpose not in ("revocation", "suspension"):
            return problem(404, "not-found", "No such status list", f"no {purpose!r} status list here")
        doc = await run_in_threadpool(self.registry.credential, purpose)
        # Status changes must show promptly, so caches revalidate (Bitstring Status List §6.4).
        headers = {**PUBLIC_HEADERS, "Cache-Control": "public, max-age=0, must-revalidate"}
        if "issuer.private-status-list" in self.faults:
            del headers["Access-Control-Allow-Origin"]
        return JSONResponse(doc, headers=headers)

    async def _did_endpoint(self, request: Request) -> Response:
        return JSONResponse(self.identity.did_document(), media_type="application/did+json", headers=PUBLIC_HEADERS)


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _reencode_list(signed: dict) -> dict:
    """issuer.status-list-bad-proof: the same bits gzipped with another header timestamp,
    so the list still decodes to the same statuses but the signed bytes changed."""
    subject = signed["credentialSubject"]
    bits = StatusList.decode(subject["encodedList"]).to_bytes()
    other = gzip.compress(bits, compresslevel=9, mtime=1)
    encoded = "u" + base64.urlsafe_b64encode(other).rstrip(b"=").decode("ascii")
    return {**signed, "credentialSubject": {**subject, "encodedList": encoded}}
