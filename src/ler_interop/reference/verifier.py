"""The reference verifier: a W3C VC API verifier service (https://w3c-ccg.github.io/vc-api/#verify-credential).

Routes: POST /credentials/verify, POST /presentations/verify, GET /health.
Verification is the toolkit's CredentialVerifier; DIDs (did:key, did:jwk, did:web on
loopback over http) and status lists are fetched through the guarded client, loopback only.
One exception: the suite's counterparts may have a public URL (B) this machine cannot reach by
name (hairpin NAT); reference/local_routes.py sends B's URLs to the local bind instead (the
rewritten URL still passes the loopback guard).

Answers: 200 `{verified: true, checks, warnings: [], errors: []}`; a rejected artifact is
400 `{verified: false, checks, warnings, errors, problemDetails}`; an unreadable request is
400 problem details. Never 5xx (unless fault verifier.500-on-reject).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..credentials import jsonld, tokenstatus
from ..credentials.did import DidResolutionError, DidResolver
from ..credentials.findings import Check, VerificationResult
from ..credentials.verifier import CredentialVerifier
from ..net import LOOPBACK_NAMES, Http, NetError
from . import oid4vp
from .faults import parse_faults, verifier_ignores
from . import run_ports
from .local_routes import LocalRoutingHttp
from .problems import BadRequest, bearer_ok, problem_from, read_json_object, stack_trace_500, unauthorized




class ReferenceResolver(DidResolver):
    """The toolkit resolver with the reject-did-web fault."""

    def __init__(self, *args: Any, reject_did_web: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        self.reject_did_web = reject_did_web

    def _fetch_did_web(self, did: str) -> dict:
        if self.reject_did_web:  # fault verifier.reject-did-web
            raise DidResolutionError(f"cannot resolve {did}: did:web is not supported by this verifier")
        return super()._fetch_did_web(did)


@dataclass
class ReferenceVerifier:
    faults: frozenset[str] = frozenset()
    hosts: frozenset[str] = LOOPBACK_NAMES
    # Only with fault verifier.require-account: the bearer token callers must send (None: any).
    token: str | None = None
    # Loopback only on this run's own servers' ports (run_ports.py): the suite's setting.
    own_ports_only: bool = False
    # X.509 trust anchors for SD-JWT VCs signed with `x5c` (the suite's CA: suite_keys.py).
    trust_anchors: list[Any] = field(default_factory=list)
    _http: Http = field(init=False)
    _loader: Any = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.faults = parse_faults(self.faults)
        self._http = LocalRoutingHttp(self.hosts, timeout=5.0)
        self.ignore = verifier_ignores(self.faults)
        # Fault verifier.no-rdf-direction: a direction-blind JSON-LD -> RDF step (None: the default).
        self._loader = jsonld.OfflineLoader(rdf_direction=None) if "verifier.no-rdf-direction" in self.faults else None

    def close(self) -> None:
        self._http.close()

    def _toolkit(self) -> CredentialVerifier:
        if self.own_ports_only:  # the run's ports, read afresh: xdist workers start theirs later
            self._http.policy.allowed_hosts = set(self.hosts | run_ports.loopback_entries())
        # A fresh resolver per request: did:web documents and status lists change between calls.
        resolver = ReferenceResolver(http=self._http, http_hosts=LOOPBACK_NAMES,
                                     reject_did_web="verifier.reject-did-web" in self.faults)
        return CredentialVerifier(resolver, fetch_json=self._fetch_json, fetch_text=self._fetch_text,
                                  loader=self._loader, trust_anchors=self.trust_anchors)

    def _fetch_json(self, url: str) -> Any:
        response = self._http.get(url, headers={"Accept": "application/vc+ld+json, application/json"})
        if response.status_code != 200:
            raise NetError(f"{url} answered HTTP {response.status_code}")
        return response.json()

    def _fetch_text(self, url: str) -> str:
        # An SD-JWT VC's Token Status List token is a JWT, not JSON.
        response = self._http.get(url, headers={"Accept": tokenstatus.MEDIA_TYPE})
        if response.status_code != 200:
            raise NetError(f"{url} answered HTTP {response.status_code}")
        return response.text

    # -- verification --------------------------------------------------------------
    def verify_credential(self, body: dict[str, Any]) -> VerificationResult:
        if "verifiableCredential" not in body:
            raise BadRequest("missing-credential", "Missing credential", "request body has no `verifiableCredential`")
        vc = body["verifiableCredential"]
        if not isinstance(vc, (dict, str)):
            raise BadRequest("malformed-credential", "Malformed credential",
                             "`verifiableCredential` must be a JSON object or a compact token")
        _options(body)
        vc = self._normalised(vc)
        early = self._fault_rejection(vc)
        if early is not None:
            return early
        return self._toolkit().verify_credential(vc, ignore=self.ignore)

    def verify_presentation(self, body: dict[str, Any]) -> VerificationResult:
        if "verifiablePresentation" not in body:
            raise BadRequest("missing-presentation", "Missing presentation", "request body has no `verifiablePresentation`")
        vp = body["verifiablePresentation"]
        if not isinstance(vp, (dict, str)):
            raise BadRequest("malformed-presentation", "Malformed presentation",
                             "`verifiablePresentation` must be a JSON object or a compact token")
        options = _options(body)
        challenge, domain = options.get("challenge"), options.get("domain")
        for name, value in (("challenge", challenge), ("domain", domain)):
            if value is not None and not isinstance(value, str):
                raise BadRequest("malformed-options", "Malformed options", f"`options.{name}` must be a string")
        vp = self._normalised(vp)
        early = self._fault_rejection(vp)
        if early is not None:
            return early
        return self._toolkit().verify_presentation(vp, challenge=challenge, domain=domain, ignore=self.ignore)

    def _normalised(self, artifact: Any) -> Any:
        # Fault verifier.normalise-unicode: the signed bytes are the issuer's, so normalising
        # them can only turn a tampered (re-encoded) value back into a valid one.
        if "verifier.normalise-unicode" in self.faults:
            artifact = _nfc(artifact)
        # Fault verifier.ignore-direction: the direction sent is replaced by a guess from the
        # text, which turns a direction flipped after signing back into the signed one.
        if "verifier.ignore-direction" in self.faults:
            artifact = _guess_directions(artifact)
        return artifact

    def _fault_rejection(self, artifact: Any) -> VerificationResult | None:
        if "verifier.reject-all" in self.faults:
            return VerificationResult([Check("policy", False, "this verifier rejects everything", reason="reject-all")])
        if "verifier.reject-language-maps" in self.faults and _has_language_value(artifact):
            return VerificationResult([Check("data-model", False, "language value objects are not supported",
                                             reason="language-map")])
        return None

    # -- the app -------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/credentials/verify", self._endpoint(self.verify_credential), methods=["POST"]),
            Route("/presentations/verify", self._endpoint(self.verify_presentation), methods=["POST"]),
            Route("/health", _health, methods=["GET"]),
            *oid4vp.routes(self),
        ])

    def _endpoint(self, verify):
        async def endpoint(request: Request) -> Response:
            if "verifier.require-account" in self.faults and not self._account_ok(request):
                return unauthorized()
            # VC API bodies are JSON, which is UTF-8 (RFC 8259 §8.1); the fault reads Latin-1.
            encoding = "latin-1" if "verifier.latin1-body" in self.faults else "utf-8"
            try:
                body = await read_json_object(request, encoding=encoding)
                result = await run_in_threadpool(verify, body)
            except BadRequest as exc:
                if exc.slug == "malformed-json" and "verifier.500-on-malformed" in self.faults:
                    return stack_trace_500()
                return problem_from(exc)
            return self._answer(result)

        return endpoint

    def _account_ok(self, request: Request) -> bool:
        if self.token is not None:
            return bearer_ok(request, self.token)
        return bool(request.headers.get("authorization"))

    def _answer(self, result: VerificationResult) -> Response:
        body = result.to_dict()
        body["warnings"] = []
        if result.verified:
            body["errors"] = []
            return JSONResponse(body, status_code=200)
        if "verifier.500-on-reject" in self.faults:
            return stack_trace_500()
        body["problemDetails"] = [
            {"type": f"urn:ler-interop:problem:{c.reason or c.name}", "title": c.name, "detail": c.message}
            for c in result.checks if not c.ok
        ]
        return JSONResponse(body, status_code=400)


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _options(body: dict[str, Any]) -> dict[str, Any]:
    options = body.get("options")
    options = {} if options is None else options
    if not isinstance(options, dict):
        raise BadRequest("malformed-options", "Malformed options", "`options` must be a JSON object")
    return options


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


def _guess_directions(value: Any) -> Any:
    """Every `@direction` becomes the direction of its text's first strong character (UAX #9 P2)."""
    if isinstance(value, list):
        return [_guess_directions(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _guess_directions(v) for k, v in value.items()}
    if "@direction" in out and isinstance(out.get("@value"), str):
        strong = next((unicodedata.bidirectional(ch) for ch in out["@value"]
                       if unicodedata.bidirectional(ch) in ("L", "R", "AL")), "L")
        out["@direction"] = "ltr" if strong == "L" else "rtl"
    return out


def _has_language_value(value: Any) -> bool:
    """VCDM 2.0 §11.1 language value objects: {"@value": ..., "@language": ...}."""
    if isinstance(value, dict):
        if "@value" in value and ("@language" in value or "@direction" in value):
            return True
        return any(_has_language_value(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_language_value(v) for v in value)
    return False
