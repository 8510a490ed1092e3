"""Deliberately hostile loopback vendors for the suite's own defence tests (stdlib only).

`HostileVendor` answers its VC API endpoints with one misbehaviour per request, taken in turn
from a plan: a 10 MB body, 2000-deep JSON, a redirect to an undeclared host (a canary server
counts any request that gets through), a slow drip, a 500 with a stack trace, invalid JSON, a
hang; or text meant to break line readers and terminals (line separators, controls, ANSI,
forged "[PASS]" lines, a lone surrogate) and JSON with a duplicate key. `/b/<behaviour>` always gives that behaviour, for unit tests. Written on the raw socket
(BaseHTTPRequestHandler) so it can misbehave byte by byte, status line and headers included.

`EchoingOAuthVendor` is an OAuth2-protected vendor that echoes every credential it receives
(Authorization headers, client secrets, access tokens) back in bodies and headers, so the
no-secrets test can show redaction holds even when a vendor plays it back.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator, Sequence

HUGE_BYTES = 10 * 1024 * 1024
DEEP_LEVELS = 2000
HANG_LIMIT = 60.0  # a hang ends at this or when the server stops, whichever is first
DRIP_INTERVAL = 0.25
STACK_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/srv/hostile/app/issuer.py", line 42, in issue\n'
    "    credential = sign(request.json['credential'])\n"
    "KeyError: 'credential'\n"
)

# Text that breaks naive line readers and terminals: the three line separators str.splitlines()
# splits on beyond LF/CR, every C0 control and DEL, NUL, an ANSI colour, and forged result lines.
FORGED_TEXT = ("\u2028[PASS] forged-2028\u2029[PASS] forged-2029\u0085[PASS] forged-0085"
               + "".join(chr(c) for c in range(32)) + "\x7f"
               + "\x1b[32m[PASS]\x1b[0m ansi\r[PASS] forged-cr\n[PASS] forged-lf")
# The same, plus a lone surrogate, as a JSON answer (the surrogate can only travel as an escape).
FORGED_JSON = (b'{"verified": false, "errors": [{"message": ' + json.dumps(FORGED_TEXT, ensure_ascii=False).encode()[:-1]
               + b'\\ud800"}]}')
# A verification result naming "verified" twice: last-wins reads true, first-wins reads false.
DUPLICATE_JSON = b'{"verified": false, "errors": [{"message": "tampered"}], "verified": true}'

BEHAVIOURS = ("huge-body", "deep-json", "redirect-away", "slow-drip", "stack-trace-500", "invalid-json", "hang")
# After one pass over the plan, only the fast misbehaviours, so a run's duration stays bounded.
FAST_BEHAVIOURS = ("huge-body", "deep-json", "redirect-away", "stack-trace-500", "invalid-json")
# Not in the default plan (HostileVendor(plan=TEXT_BEHAVIOURS, then=TEXT_BEHAVIOURS) serves them).
TEXT_BEHAVIOURS = ("forged-text-500", "forged-json", "duplicate-keys")
ROTATING_PATHS = ("/credentials/issue", "/credentials/status", "/credentials/verify", "/presentations/verify",
                  # the OpenID4VCI issuer and OpenID4VP verifier backchannels and discovery
                  "/offers", "/.well-known/openid-credential-issuer", "/.well-known/oauth-authorization-server",
                  "/presentation-requests",
                  # the wallet backchannel (base /wallet)
                  "/wallet", "/wallet/receive", "/wallet/present", "/wallet/credentials", "/wallet/export",
                  "/wallet/import", "/wallet/reset")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], owner: Any):
        super().__init__(("127.0.0.1", 0), handler)
        self.owner = owner


class _Base(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value).encode(), headers=headers)


class _Canary(_Base):
    """Where hostile redirects point: any request reaching it is a host-guard breach."""

    def _hit(self) -> None:
        self.server.owner.canary_hits += 1
        self._send_json(200, {"stolen": True})

    do_GET = do_POST = _hit


class _HostileHandler(_Base):
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._read_body()
        self._dispatch()

    do_DELETE = do_GET

    def _dispatch(self) -> None:
        vendor: HostileVendor = self.server.owner
        path = self.path.split("?")[0]
        if path == "/health":
            self._send_json(200, {"status": "ok"})
            return
        if path.startswith("/b/"):
            behaviour = path[3:]
        elif path in ROTATING_PATHS or path.startswith("/wallet/credentials/"):
            behaviour = vendor.next_behaviour()
        else:
            self._send_json(404, {"title": "not found"})
            return
        vendor.record(behaviour)
        try:
            getattr(self, "_" + behaviour.replace("-", "_"))()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the suite hung up on us: exactly what it should do

    # -- misbehaviours ----------------------------------------------------------------------
    def _huge_body(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(HUGE_BYTES))
        self.end_headers()
        chunk = b" " * 65536
        for _ in range(HUGE_BYTES // len(chunk)):
            self.wfile.write(chunk)

    def _deep_json(self) -> None:
        self._send(200, b'{"verified": ' + b"[" * DEEP_LEVELS + b"]" * DEEP_LEVELS + b"}")

    def _redirect_away(self) -> None:
        # 307 keeps method and body, so a POST would be replayed to the canary if followed.
        self._send_json(307, {}, headers={"location": self.server.owner.canary_url + "/stolen"})

    def _slow_drip(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "100000")
        self.end_headers()
        self._drip(b'{"verified": true, "pad": "' + b"x" * 99970 + b'"}')

    def _header_drip(self) -> None:
        # Not in the rotating plan: the unit tests show the deadline covers headers too.
        self._drip(b"HTTP/1.1 200 OK\r\nx-slow: " + b"a" * 10000 + b"\r\n\r\n{}")

    def _stack_trace_500(self) -> None:
        self._send(500, STACK_TRACE.encode(), content_type="text/plain")

    def _invalid_json(self) -> None:
        self._send(200, b'{"verified": true, "verifiableCredential": {"id": ')

    def _forged_text_500(self) -> None:
        self._send(500, FORGED_TEXT.encode("utf-8"), content_type="text/plain; charset=utf-8")

    def _forged_json(self) -> None:
        self._send(200, FORGED_JSON)

    def _duplicate_keys(self) -> None:
        self._send(200, DUPLICATE_JSON)

    def _hang(self) -> None:
        self.server.owner.wait(HANG_LIMIT)

    def _drip(self, data: bytes) -> None:
        for byte in data:
            if self.server.owner.wait(DRIP_INTERVAL):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()


class _Loopback:
    """Start/stop plumbing shared by the stub vendors (servers in daemon threads)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self._stopping = threading.Event()
        self._servers: list[_Server] = []
        self.url = self._serve(handler)

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> str:
        server = _Server(handler, self)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the vendor is stopping (so hangs end promptly)."""
        return self._stopping.wait(seconds)

    def stop(self) -> None:
        self._stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> "_Loopback":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class HostileVendor(_Loopback):
    """A vendor whose every endpoint misbehaves; see the module docstring."""

    def __init__(self, plan: Sequence[str] = BEHAVIOURS, then: Sequence[str] = FAST_BEHAVIOURS,
                 handler: type[BaseHTTPRequestHandler] | None = None):
        super().__init__(handler or _HostileHandler)
        self.canary_hits = 0
        # Same port, other name: "localhost" is not among the declared hosts (only 127.0.0.1).
        self.canary_url = self._serve(_Canary).replace("127.0.0.1", "localhost")
        self._plan: Iterator[str] = itertools.chain(plan, itertools.cycle(then))
        self._lock = threading.Lock()
        self.served: Counter[str] = Counter()

    def __enter__(self) -> "HostileVendor":
        return self

    def next_behaviour(self) -> str:
        with self._lock:
            return next(self._plan)

    def record(self, behaviour: str) -> None:
        with self._lock:
            self.served[behaviour] += 1

    def manifest_vendor(self, supports_like: dict[str, Any], vendor_id: str = "hostile") -> dict[str, Any]:
        """A manifest entry claiming what `supports_like` (another vendor entry) claims, so the
        same checks apply to it, with every endpoint on this server (OpenID sections included
        when the imitated vendor has them)."""
        issuer: dict[str, Any] = {"vc-api": {"issue": f"{self.url}/credentials/issue",
                                             "status": f"{self.url}/credentials/status"},
                                  "supports": list(supports_like["issuer"]["supports"])}
        verifier: dict[str, Any] = {"vc-api": {"credentials_verify": f"{self.url}/credentials/verify",
                                               "presentations_verify": f"{self.url}/presentations/verify"},
                                    "supports": list(supports_like["verifier"]["supports"])}
        if "oid4vci" in supports_like["issuer"]:
            issuer["oid4vci"] = {"credential_issuer": self.url, "offers": f"{self.url}/offers"}
        if "oid4vp" in supports_like["verifier"]:
            verifier["oid4vp"] = {"presentation_requests": f"{self.url}/presentation-requests"}
        entry = {"id": vendor_id, "name": "Hostile Vendor", "issuer": issuer, "verifier": verifier,
                 "health": f"{self.url}/health"}
        if "wallet" in supports_like:
            entry["wallet"] = {"backchannel": {"url": f"{self.url}/wallet"},
                               "supports": list(supports_like["wallet"]["supports"])}
        return entry


def basic_credentials(client_id: str, secret: str) -> str:
    """The Basic credentials auth.py sends (RFC 6749 §2.3.1: form-encode, then base64)."""
    from urllib.parse import quote_plus

    return base64.b64encode(f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()).decode("ascii")


class _EchoHandler(_Base):
    server: _Server

    def do_GET(self) -> None:
        self._send_json(200, {"status": "ok"})

    def do_POST(self) -> None:
        vendor: EchoingOAuthVendor = self.server.owner
        received = self.headers.get("authorization") or ""
        body = self._read_body().decode("utf-8", errors="replace")
        echo = {"x-echo-authorization": received}
        if self.path == "/oauth/token":
            if received != "Basic " + vendor.basic:
                self._send_json(401, {"error": "invalid_client", "received": received}, echo)
                return
            client = base64.b64decode(vendor.basic).decode()
            self._send_json(200, {"access_token": vendor.access_token, "token_type": "Bearer", "expires_in": 300,
                                  "debug": f"client {client} sent {received}"}, echo)
            return
        if received != "Bearer " + vendor.access_token:
            self._send_json(401, {"title": "unauthorized", "detail": f"got {received!r}"}, echo)
        elif self.path == "/credentials/issue":
            self._send_json(500, {"title": "boom", "detail": f"while serving {received}", "request": body}, echo)
        else:
            self._send_json(400, {"verified": False, "errors": [{"message": f"caller {received} sent {body[:300]}"}]},
                            echo)


class EchoingOAuthVendor(_Loopback):
    """OAuth2 client-credentials vendor that plays every secret it receives back to the suite."""

    def __init__(self, client_id: str, client_secret: str, access_token: str):
        self.client_id, self.client_secret, self.access_token = client_id, client_secret, access_token
        self.basic = basic_credentials(client_id, client_secret)
        super().__init__(_EchoHandler)

    def __enter__(self) -> "EchoingOAuthVendor":
        return self

    def manifest_vendor(self, secret_env: str, vendor_id: str = "echo") -> dict[str, Any]:
        return {
            "id": vendor_id,
            "name": "Echoing OAuth2 Vendor",
            "auth": {"type": "oauth2", "token_url": f"{self.url}/oauth/token", "client_id": self.client_id,
                     "client_secret_env": secret_env},
            "issuer": {"vc-api": {"issue": f"{self.url}/credentials/issue"},
                       "supports": ["eddsa-rdfc-2022", "auth-required"]},
            "verifier": {"vc-api": {"credentials_verify": f"{self.url}/credentials/verify"},
                         "supports": ["eddsa-rdfc-2022"]},
            "health": f"{self.url}/health",
        }


# --- a vendor that refuses everything --------------------------------------------------------

PROBLEM = {"type": "https://example.org/problems/refused", "title": "Refused", "detail": "this vendor refuses everything"}


class _RefusingHandler(_Base):
    """Well-formed refusals only: VC API 400 with `verified: false` and problem details, OAuth
    400 errors, an OpenID4VP verifier that makes sound unsigned requests and rejects every
    response. Discovery and offers work, so every negative check reaches its safeguard."""

    server: _Server

    def do_GET(self) -> None:
        vendor: RefusingVendor = self.server.owner
        path = self.path.split("?")[0]
        if path == "/health":
            self._send_json(200, {"status": "ok"})
        elif path == "/.well-known/openid-credential-issuer":
            self._send_json(200, vendor.issuer_metadata())
        elif path == "/.well-known/oauth-authorization-server":
            self._send_json(200, {"issuer": vendor.url, "token_endpoint": f"{vendor.url}/token",
                                  "pre-authorized_grant_anonymous_access_supported": True})
        elif path.startswith("/presentation-requests/"):
            ident = path.rsplit("/", 1)[1]
            answered = ident in vendor.answered
            self._send_json(200, {"status": "rejected" if answered else "pending",
                                  "errors": ["refused"] if answered else []})
        else:
            self._send_json(400, PROBLEM)

    def do_POST(self) -> None:
        vendor: RefusingVendor = self.server.owner
        body = self._read_body()
        path = self.path.split("?")[0]
        if path in ("/credentials/verify", "/presentations/verify"):
            self._send_json(400, {"verified": False, "errors": [PROBLEM], "problemDetails": [PROBLEM]})
        elif path == "/offers":
            self._send_json(201, {"offer": vendor.offer(json.loads(body or b"{}"))})
        elif path == "/nonce":
            self._send_json(200, {"c_nonce": secrets.token_urlsafe(16)}, headers={"cache-control": "no-store"})
        elif path == "/token":
            self._send_json(400, {"error": "invalid_grant", "error_description": "refused"})
        elif path == "/credential":
            self._send_json(400, {"error": "invalid_proof", "error_description": "refused"})
        elif path == "/presentation-requests":
            self._send_json(201, vendor.presentation_request(json.loads(body or b"{}")))
        elif path.startswith("/response/"):
            vendor.answered.add(path.rsplit("/", 1)[1])
            self._send_json(400, {"error": "invalid_request", "error_description": "refused"})
        else:
            self._send_json(400, PROBLEM)


class RefusingVendor(_Loopback):
    """An issuer and verifier that answer every judged request with a proper refusal."""

    def __init__(self) -> None:
        self.answered: set[str] = set()
        super().__init__(_RefusingHandler)

    def __enter__(self) -> "RefusingVendor":
        return self

    def issuer_metadata(self) -> dict[str, Any]:
        proof_types = {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}}
        return {"credential_issuer": self.url, "credential_endpoint": f"{self.url}/credential",
                "nonce_endpoint": f"{self.url}/nonce",
                "credential_configurations_supported": {
                    "OpenBadge_ldp_vc": {"format": "ldp_vc", "proof_types_supported": proof_types,
                                         "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
                                         "credential_definition": {
                                             "@context": ["https://www.w3.org/ns/credentials/v2",
                                                          "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                                             "type": ["VerifiableCredential", "OpenBadgeCredential"]}}}}

    def offer(self, asked: dict[str, Any]) -> str:
        grant: dict[str, Any] = {"pre-authorized_code": secrets.token_urlsafe(16)}
        if asked.get("tx_code"):
            grant["tx_code"] = {"input_mode": "numeric", "length": len(str(asked["tx_code"]))}
        offer = {"credential_issuer": self.url,
                 "credential_configuration_ids": [asked.get("credential_configuration_id") or "OpenBadge_ldp_vc"],
                 "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": grant}}
        from urllib.parse import quote

        return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))

    def presentation_request(self, asked: dict[str, Any]) -> dict[str, Any]:
        ident = secrets.token_hex(8)
        response_uri = f"{self.url}/response/{ident}"
        claims = {"client_id": f"redirect_uri:{response_uri}", "response_type": "vp_token",
                  "response_mode": "direct_post", "response_uri": response_uri, "nonce": secrets.token_urlsafe(16),
                  "state": secrets.token_urlsafe(16), "dcql_query": asked.get("dcql_query")}
        segment = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()  # noqa: E731
        jwt = f"{segment({'alg': 'none', 'typ': 'oauth-authz-req+jwt'})}.{segment(claims)}."
        from urllib.parse import urlencode

        return {"id": ident, "request": "openid4vp://?" + urlencode({"client_id": claims["client_id"], "request": jwt})}

    def manifest_vendor(self, supports_like: dict[str, Any], vendor_id: str = "refusing") -> dict[str, Any]:
        """Claims what `supports_like` claims for the issuer and verifier roles (no wallet)."""
        return {"id": vendor_id, "name": "Refusing Vendor", "health": f"{self.url}/health",
                "issuer": {"vc-api": {"issue": f"{self.url}/credentials/issue", "status": f"{self.url}/credentials/status"},
                           "oid4vci": {"credential_issuer": self.url, "offers": f"{self.url}/offers"},
                           "supports": list(supports_like["issuer"]["supports"])},
                "verifier": {"vc-api": {"credentials_verify": f"{self.url}/credentials/verify",
                                        "presentations_verify": f"{self.url}/presentations/verify"},
                             "oid4vp": {"presentation_requests": f"{self.url}/presentation-requests"},
                             "supports": list(supports_like["verifier"]["supports"])}}


# --- an issuer that issues hollow credentials --------------------------------------------------


class _HollowHandler(_Base):
    """Issues (201) a bare VCDM 2.0 credential: no OB 3.0 type, no achievement, no status, no
    proof. Whatever a check is about is absent, so only a vacuous check can pass."""

    server: _Server

    def do_GET(self) -> None:
        self._send_json(200, {"status": "ok"})

    def do_POST(self) -> None:
        body = self._read_body()
        try:
            given = json.loads(body).get("credential") or {}
        except (ValueError, AttributeError):
            given = {}
        issuer = given.get("issuer") if isinstance(given, dict) else None
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        self._send_json(201, {"verifiableCredential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
            "id": f"urn:uuid:{secrets.token_hex(16)}", "issuer": issuer or "did:example:hollow",
            "credentialSubject": {"id": "did:example:learner"}}})


class HollowIssuer(_Loopback):
    def __init__(self) -> None:
        super().__init__(_HollowHandler)

    def __enter__(self) -> "HollowIssuer":
        return self

    def manifest_vendor(self, supports_like: dict[str, Any], vendor_id: str = "hollow") -> dict[str, Any]:
        return {"id": vendor_id, "name": "Hollow Issuer", "health": f"{self.url}/health",
                "issuer": {"vc-api": {"issue": f"{self.url}/credentials/issue", "status": f"{self.url}/credentials/status"},
                           "supports": list(supports_like["issuer"]["supports"])}}


class RawVendor:
    """A raw-socket HTTP/1.1 server (no HTTP library: it frames bytes exactly as a hostile vendor
    would). `answer(n, request)` gives the bytes sent for the n-th request (from 1, counted over
    all connections); connections are kept open, so a client may reuse them."""

    def __init__(self, answer: Any):
        import socket

        self._answer = answer
        self._count = itertools.count(1)
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.connections = 0
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Any) -> None:
        try:
            with conn:
                conn.settimeout(HANG_LIMIT)
                self._exchange(conn)
        except OSError:
            pass  # the suite hung up on us: exactly what it may do

    def _exchange(self, conn: Any) -> None:
        buffer = b""
        while not self._stopping.is_set():
            while b"\r\n\r\n" not in buffer:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(buffer) < length:
                buffer += conn.recv(65536)
            request, buffer = head + b"\r\n\r\n" + buffer[:length], buffer[length:]
            conn.sendall(self._answer(next(self._count), request))

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()

    def __enter__(self) -> "RawVendor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def http_response(body: bytes, status: str = "200 OK", headers: dict[str, str] | None = None) -> bytes:
    head = f"HTTP/1.1 {status}\r\ncontent-length: {len(body)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    return head.encode() + b"\r\n" + body


FORGED = http_response(b'{"verified": true, "forged": true}', headers={"content-type": "application/json"})


def smuggling_answer(n: int, request: bytes) -> bytes:
    """Response smuggling: every answer is followed, in the same write, by a forged second
    response that no request asked for."""
    real = http_response(json.dumps({"verified": False, "request": n}).encode(),
                         headers={"content-type": "application/json"})
    return real + FORGED


_BOMBS: dict[tuple[str, int], bytes] = {}


def gzip_bomb(size: int = 1 << 30, encoding: str = "gzip") -> bytes:
    """`size` zeros, compressed (1 GiB -> about 1 MiB), made once per process."""
    import zlib

    key = (encoding, size)
    if key not in _BOMBS:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
        zeros = bytes(1 << 20)
        _BOMBS[key] = b"".join(packer.compress(zeros) for _ in range(size >> 20)) + packer.flush()
    return _BOMBS[key]


def bomb_answer(encoding: str = "gzip") -> Any:
    def answer(n: int, request: bytes) -> bytes:
        return http_response(gzip_bomb(encoding=encoding), headers={"content-type": "application/json",
                                                                    "content-encoding": encoding})
    return answer
