"""DID resolution: did:key / did:jwk derivation, did:web over a real loopback server, the host
guard, and the key-not-found / key-not-authorized reasons proof verifiers rely on."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ler_interop.credentials.did import (
    DidResolutionError,
    DidResolver,
    VerificationMethodError,
    did_document_for_key,
    did_jwk,
    did_web_url,
)
from ler_interop.credentials.keys import Key, b64url_encode
from ler_interop.net import Http, Recorder

VECTORS = Path(__file__).parents[2] / "shared" / "vectors"
LOOPBACK = {"127.0.0.1", "localhost"}
# did:jwk spec example (P-256), https://github.com/quartzjer/did-jwk/blob/main/spec.md#p-256
SPEC_DID_JWK = (
    "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAi"
    "LCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"
)


def _vector_key(relative: str) -> Key:
    path = VECTORS / relative
    if not path.exists():
        pytest.skip(f"W3C vectors not present at {path}")
    pair = json.loads(path.read_text())
    secret = pair.get("privateKeyMultibase") or pair.get("secretKeyMultibase")
    key = Key.from_multikey(secret)
    assert key.public_multikey() == pair["publicKeyMultibase"]
    return key


@pytest.fixture(params=["Ed25519", "P-256"])
def key(request: pytest.FixtureRequest) -> Key:
    return Key.generate(request.param)


# -- did:key ------------------------------------------------------------------
@pytest.mark.parametrize(
    "relative, prefix",
    [("vc-di-eddsa/keyPair.json", "did:key:z6Mk"), ("vc-di-ecdsa/p256KeyPair.json", "did:key:zDna")],
)
def test_did_key_of_w3c_vector_keys(relative: str, prefix: str) -> None:
    key = _vector_key(relative)
    did = key.did_key()
    assert did.startswith(prefix)
    doc = DidResolver().resolve(did)
    vm_id = f"{did}#{did[len('did:key:'):]}"
    assert doc["id"] == did
    assert doc["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": key.public_multikey()}
    ]
    for relationship in ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation"):
        assert doc[relationship] == [vm_id]
    resolved, controller = DidResolver().resolve_vm(vm_id, "assertionMethod")
    assert controller == did
    assert resolved.public_bytes() == key.public_bytes()
    assert resolved.private is None
    assert resolved.verify(key.sign(b"ler"), b"ler")


def test_did_key_round_trip(key: Key) -> None:
    did = key.did_key()
    vm = DidResolver().verification_method(f"{did}#{key.public_multikey()}")
    assert (vm.type, vm.controller) == ("Multikey", did)
    assert vm.key.public_multikey() == key.public_multikey()


def test_did_key_rejects_garbage_and_private_keys(key: Key) -> None:
    resolver = DidResolver()
    for bad in ("did:key:z6MkNOTBASE58!", "did:key:zQ3s", "did:key:" + key.private_multikey()):
        with pytest.raises(DidResolutionError) as err:
            resolver.resolve(bad)
        assert err.value.reason == "key-not-found"


def test_unknown_fragment_is_key_not_found(key: Key) -> None:
    with pytest.raises(VerificationMethodError) as err:
        DidResolver().resolve_vm(key.did_key() + "#other", "assertionMethod")
    assert err.value.reason == "key-not-found"
    assert "not a verification method" in err.value.message


def test_vm_url_without_fragment_is_key_not_found(key: Key) -> None:
    with pytest.raises(DidResolutionError, match="fragment"):
        DidResolver().resolve_vm(key.did_key(), "assertionMethod")


def test_unsupported_method_is_key_not_found() -> None:
    with pytest.raises(DidResolutionError, match="not supported"):
        DidResolver().resolve("did:example:123")


# -- did:jwk ------------------------------------------------------------------
def test_did_jwk_round_trip(key: Key) -> None:
    did = did_jwk(key)
    doc = DidResolver().resolve(did)
    assert doc == did_document_for_key(key, did)
    assert doc["verificationMethod"][0]["type"] == "JsonWebKey"
    assert doc["verificationMethod"][0]["id"] == f"{did}#0"
    resolved, controller = DidResolver().resolve_vm(f"{did}#0", "authentication")
    assert controller == did and resolved.public_jwk() == key.public_jwk()


def test_did_jwk_spec_example_resolves() -> None:
    doc = DidResolver().resolve(SPEC_DID_JWK)
    assert doc["verificationMethod"][0]["publicKeyJwk"]["x"] == "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0"
    # No `use` in the JWK: the spec lists it under keyAgreement as well.
    assert doc["keyAgreement"] == [f"{SPEC_DID_JWK}#0"]
    key, _ = DidResolver().resolve_vm(f"{SPEC_DID_JWK}#0", "assertionMethod")
    assert key.type == "P-256"


def test_did_jwk_use_sig_has_no_key_agreement(key: Key) -> None:
    did = "did:jwk:" + b64url_encode(json.dumps({**key.public_jwk(), "use": "sig"}).encode())
    with pytest.raises(VerificationMethodError) as err:
        DidResolver().resolve_vm(f"{did}#0", "keyAgreement")
    assert err.value.reason == "key-not-authorized"
    assert DidResolver().resolve_vm(f"{did}#0", "assertionMethod")[1] == did


def test_did_jwk_refuses_private_jwk_and_non_json(key: Key) -> None:
    leaked = "did:jwk:" + b64url_encode(json.dumps(key.private_jwk()).encode())
    with pytest.raises(DidResolutionError, match="private key"):
        DidResolver().resolve(leaked)
    with pytest.raises(DidResolutionError, match="base64url JSON"):
        DidResolver().resolve("did:jwk:" + b64url_encode(b"not json"))


# -- pre-registered documents: relative ids, embedded methods, purposes ----------
def _web_doc(did: str, key: Key, **extra: object) -> dict:
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [
            {"id": "#key-1", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": key.public_jwk()}
        ],
        "assertionMethod": ["#key-1"],
    }
    doc.update(extra)
    return doc


def test_relative_ids_and_embedded_methods(key: Key) -> None:
    did = "did:web:issuer.example"
    other = Key.generate("Ed25519")
    embedded = {"id": f"{did}#auth", "type": "Ed25519VerificationKey2020", "controller": did,
                "publicKeyMultibase": other.public_multikey()}
    resolver = DidResolver(documents={did: _web_doc(did, key, authentication=[embedded])})
    assert resolver.resolve_vm(f"{did}#key-1", "assertionMethod")[0].public_jwk() == key.public_jwk()
    assert resolver.resolve_vm(f"{did}#auth", "authentication")[0].public_multikey() == other.public_multikey()
    with pytest.raises(VerificationMethodError) as err:
        resolver.resolve_vm(f"{did}#key-1", "authentication")
    assert err.value.reason == "key-not-authorized"
    with pytest.raises(VerificationMethodError) as err:
        resolver.resolve_vm(f"{did}#auth", "assertionMethod")
    assert err.value.reason == "key-not-authorized"


def test_document_id_must_be_the_did(key: Key) -> None:
    did = "did:web:issuer.example"
    resolver = DidResolver(documents={did: _web_doc("did:web:attacker.example", key)})
    with pytest.raises(DidResolutionError, match="must be the DID itself"):
        resolver.resolve_vm(f"{did}#key-1", "assertionMethod")


def test_controller_document_must_authorize(key: Key) -> None:
    # A method in A's document claiming controller B: B's document decides, and it must be B's.
    a, b = "did:web:a.example", "did:web:b.example"
    doc_a = _web_doc(a, key)
    doc_a["verificationMethod"][0]["controller"] = b
    resolver = DidResolver(documents={a: doc_a, b: {"id": b, "assertionMethod": []}})
    with pytest.raises(VerificationMethodError) as err:
        resolver.resolve_vm(f"{a}#key-1", "assertionMethod")
    assert err.value.reason == "key-not-authorized"
    resolver = DidResolver(documents={a: doc_a, b: {"id": "did:web:c.example", "assertionMethod": [f"{a}#key-1"]}})
    with pytest.raises(DidResolutionError, match="must be the DID itself"):
        resolver.resolve_vm(f"{a}#key-1", "assertionMethod")
    resolver = DidResolver(documents={a: doc_a, b: {"id": b, "assertionMethod": [f"{a}#key-1"]}})
    assert resolver.resolve_vm(f"{a}#key-1", "assertionMethod")[1] == b


def test_unsupported_vm_type_is_key_not_found(key: Key) -> None:
    did = "did:web:issuer.example"
    doc = _web_doc(did, key)
    doc["verificationMethod"][0]["type"] = "RsaVerificationKey2018"
    with pytest.raises(DidResolutionError, match="unsupported type"):
        DidResolver(documents={did: doc}).resolve_vm(f"{did}#key-1", "assertionMethod")


# -- did:web --------------------------------------------------------------------
@pytest.mark.parametrize(
    "did, url",
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_did_web_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize("did", ["did:web:example.com:..:x", "did:web:exa_mple.com", "did:web:10.0.0.1"])
def test_did_web_url_refuses_odd_identifiers(did: str) -> None:
    with pytest.raises(DidResolutionError):
        did_web_url(did)


def test_plain_http_only_for_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        DidResolver(http_hosts={"example.com"})


@pytest.fixture(scope="module")
def did_web_server():
    """A real uvicorn server on a free loopback port serving did:web documents by path."""
    docs: dict[str, dict] = {}

    async def serve(request: Request) -> Response:
        doc = docs.get(request.url.path)
        return JSONResponse(doc) if doc is not None else Response(status_code=404)

    app = Starlette(routes=[Route("/{path:path}", serve)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("loopback did:web server did not start")
        time.sleep(0.02)
    yield port, docs
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


def test_did_web_resolves_over_loopback(did_web_server) -> None:
    port, docs = did_web_server
    key = Key.generate("Ed25519")
    root = f"did:web:127.0.0.1%3A{port}"
    alice = f"did:web:localhost%3A{port}:user:alice"
    docs["/.well-known/did.json"] = did_document_for_key(key, root)
    docs["/user/alice/did.json"] = _web_doc(alice, key)
    recorder = Recorder()
    resolver = DidResolver(http=Http(LOOPBACK, recorder=recorder), http_hosts=LOOPBACK)
    assert resolver.resolve_vm(f"{root}#key-1", "assertionMethod") [1] == root
    assert resolver.resolve_vm(f"{alice}#key-1", "assertionMethod")[0].public_jwk() == key.public_jwk()
    resolver.resolve(root)  # cached: no third request
    assert [e.url for e in recorder.exchanges] == [
        f"http://127.0.0.1:{port}/.well-known/did.json",
        f"http://localhost:{port}/user/alice/did.json",
    ]


def test_did_web_missing_and_mismatched_documents(did_web_server) -> None:
    port, docs = did_web_server
    key = Key.generate("P-256")
    resolver = DidResolver(http=Http(LOOPBACK), http_hosts=LOOPBACK)
    with pytest.raises(DidResolutionError, match="HTTP 404"):
        resolver.resolve(f"did:web:127.0.0.1%3A{port}:nobody")
    docs["/bob/did.json"] = _web_doc(f"did:web:127.0.0.1%3A{port}:mallory", key)
    with pytest.raises(DidResolutionError, match="must be the DID itself"):
        resolver.resolve_vm(f"did:web:127.0.0.1%3A{port}:bob#key-1", "assertionMethod")


def test_did_web_host_guard_refuses_without_a_request() -> None:
    recorder = Recorder()
    resolver = DidResolver(http=Http(LOOPBACK, recorder=recorder), http_hosts=LOOPBACK)
    with pytest.raises(VerificationMethodError) as err:
        resolver.resolve_vm("did:web:issuer.example#key-1", "assertionMethod")
    assert err.value.reason == "key-not-found"
    assert "https://issuer.example/.well-known/did.json" in err.value.message
    assert "not among the vendor's declared hosts" in err.value.message
    assert recorder.exchanges == []


def test_did_web_without_http_client() -> None:
    with pytest.raises(DidResolutionError, match="no HTTP client"):
        DidResolver().resolve("did:web:issuer.example")
