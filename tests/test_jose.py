"""VC-JOSE (vc+jwt / vp+jwt): round trips and every failure reason produced on purpose."""

from __future__ import annotations

import json
import time

import pytest

from ler_interop.credentials import findings as F
from ler_interop.credentials.jose import (
    VC_JWT,
    VP_JWT,
    enveloped_credential,
    sign_vc_jwt,
    sign_vp_jwt,
    verify_jws,
)
from ler_interop.credentials.jws import parse_compact, sign_compact, unsigned_compact
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.keys import Key, b64url_decode, b64url_encode


# The toolkit resolver (did:key, did:jwk): the same one the suite verifies with.
resolve_vm = DidResolver().resolve_vm


def kid_of(key: Key) -> str:
    return f"{key.did_key()}#{key.public_multikey()}"


def did_jwk(key: Key) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(key.public_jwk(), separators=(",", ":")).encode())


def credential(issuer: str) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Université de Genève"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "name": "山田 太郎 / يوسف"},
    }


@pytest.fixture(params=["Ed25519", "P-256"])
def key(request) -> Key:
    return Key.generate(request.param)


def test_round_trip(key: Key):
    vc = credential(key.did_key())
    token = sign_vc_jwt(vc, key, kid_of(key))
    result = verify_jws(token, resolve_vm, expected_typ=VC_JWT)
    assert result.ok, result.message
    assert result.details["payload"] == vc  # the payload *is* the credential, Unicode intact
    assert result.details["header"] == {"alg": key.jws_alg, "kid": kid_of(key), "typ": "vc+jwt"}
    assert result.verification_methods == [kid_of(key)]
    assert result.controllers == [key.did_key()]


def test_relative_kid_resolved_against_did_jwk_issuer():
    key = Key.generate("P-256")
    token = sign_vc_jwt(credential(did_jwk(key)), key, "#0")
    result = verify_jws(token, resolve_vm, expected_typ=VC_JWT)
    assert result.ok, result.message
    assert result.verification_methods == [did_jwk(key) + "#0"]


def test_presentation_binding(key: Key):
    vc_jwt = sign_vc_jwt(credential(key.did_key()), key, kid_of(key))
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiablePresentation",
        "holder": key.did_key(),
        "verifiableCredential": [enveloped_credential(vc_jwt)],
    }
    token = sign_vp_jwt(vp, key, kid_of(key), nonce="n-123", aud="https://verifier.example")
    ok = verify_jws(token, resolve_vm, expected_typ=VP_JWT, purpose="authentication", nonce="n-123", aud="https://verifier.example")
    assert ok.ok, ok.message
    assert ok.details["payload"]["verifiableCredential"][0]["id"].startswith("data:application/vc+jwt,ey")
    replay = verify_jws(token, resolve_vm, expected_typ=VP_JWT, nonce="n-other", aud="https://verifier.example")
    assert (replay.ok, replay.reason) == (False, F.CHALLENGE_MISMATCH)
    elsewhere = verify_jws(token, resolve_vm, expected_typ=VP_JWT, nonce="n-123", aud="https://evil.example")
    assert (elsewhere.ok, elsewhere.reason) == (False, F.DOMAIN_MISMATCH)


def test_aud_array_accepted():
    key = Key.generate()
    token = sign_vp_jwt({"type": "VerifiablePresentation"}, key, kid_of(key), nonce="n", aud=["a", "b"])
    assert verify_jws(token, resolve_vm, nonce="n", aud="b").ok


def _reason(token: str, **kw) -> tuple[bool, str | None, str]:
    result = verify_jws(token, resolve_vm, **kw)
    return result.ok, result.reason, result.message


def test_wrong_typ_is_malformed():
    key = Key.generate()
    token = sign_vc_jwt(credential(key.did_key()), key, kid_of(key), typ="JWT")
    ok, reason, message = _reason(token, expected_typ=VC_JWT)
    assert (ok, reason) == (False, F.MALFORMED_PROOF) and "typ" in message
    # a vp+jwt offered where a vc+jwt is expected is the same confusion
    assert _reason(sign_vp_jwt({}, key, kid_of(key)), expected_typ=VC_JWT)[1] == F.MALFORMED_PROOF


@pytest.mark.parametrize("alg", ["none", "HS256", "ES384", "RS256"])
def test_unaccepted_alg(alg: str):
    key = Key.generate()
    token = unsigned_compact({"alg": alg, "typ": "vc+jwt", "kid": kid_of(key)}, credential(key.did_key()))
    assert _reason(token)[:2] == (False, F.UNKNOWN_CRYPTOSUITE)


def test_bad_signature(key: Key):
    token = sign_vc_jwt(credential(key.did_key()), key, kid_of(key))
    head, body, sig = token.split(".")
    flipped = bytearray(b64url_decode(sig))
    flipped[5] ^= 0x01
    assert _reason(f"{head}.{body}.{b64url_encode(bytes(flipped))}")[:2] == (False, F.BAD_SIGNATURE)


def test_tampered_payload(key: Key):
    vc = credential(key.did_key())
    head, _, sig = sign_vc_jwt(vc, key, kid_of(key)).split(".")
    vc["credentialSubject"]["name"] = "Mallory"
    forged = f"{head}.{b64url_encode(json.dumps(vc).encode())}.{sig}"
    assert _reason(forged)[:2] == (False, F.BAD_SIGNATURE)


def test_wrong_kid_is_bad_signature():
    signer, other = Key.generate(), Key.generate()
    token = sign_vc_jwt(credential(signer.did_key()), signer, kid_of(other))
    ok, reason, _ = _reason(token)
    assert (ok, reason) == (False, F.BAD_SIGNATURE)


def test_alg_that_does_not_fit_the_key():
    key = Key.generate("P-256")
    token = sign_vc_jwt(credential(key.did_key()), key, kid_of(key), extra_headers={"alg": "EdDSA"})
    ok, reason, message = _reason(token)
    assert (ok, reason) == (False, F.BAD_SIGNATURE) and "P-256" in message


def test_key_resolution_failures():
    key = Key.generate()
    unknown = sign_vc_jwt(credential("did:example:1"), key, "did:example:1#k")
    assert _reason(unknown)[:2] == (False, F.KEY_NOT_FOUND)
    no_kid = sign_compact({"alg": "EdDSA", "typ": "vc+jwt"}, credential(key.did_key()), key)
    assert _reason(no_kid)[:2] == (False, F.MALFORMED_PROOF)

    def not_authorized(vm_url: str, purpose: str):
        raise F.VerificationMethodError(F.KEY_NOT_AUTHORIZED, f"{vm_url} is not in {purpose}")

    token = sign_vc_jwt(credential(key.did_key()), key, kid_of(key))
    result = verify_jws(token, not_authorized)
    assert (result.reason, result.verification_methods) == (F.KEY_NOT_AUTHORIZED, [kid_of(key)])

    def broken(vm_url: str, purpose: str):
        raise RuntimeError("resolver crashed")

    assert verify_jws(token, broken).reason == F.KEY_NOT_FOUND


@pytest.mark.parametrize(
    "token",
    [
        "only.two",
        "a.b.c.d",
        "eyJhbGciOiJFZERTQSJ9.e30=.AAAA",  # padded
        "eyJhbGciOiJFZERTQSJ9.e3!0.AAAA",  # outside the alphabet
        "eyJhbGciOiJFZERTQSJ9.e31.AAAA",  # non-canonical: trailing bits set ("e30" is canonical)
        b64url_encode(b"not json") + ".e30.AAAA",
        b64url_encode(b'["alg"]') + ".e30.AAAA",
        b64url_encode(b'{"alg":"EdDSA","alg":"none"}') + ".e30.AAAA",  # duplicate header name
        b64url_encode(b'{"kid":"did:key:z#z"}') + ".e30.AAAA",  # no alg
    ],
)
def test_structurally_malformed(token: str):
    assert _reason(token)[:2] == (False, F.MALFORMED_PROOF)


def test_non_object_payload_and_crit_header():
    key = Key.generate()
    assert _reason(sign_compact({"alg": "EdDSA", "kid": kid_of(key)}, b"[1,2]", key))[1] == F.MALFORMED_PROOF
    crit = sign_vc_jwt(credential(key.did_key()), key, kid_of(key), extra_headers={"crit": ["b64"], "b64": False})
    assert _reason(crit)[1] == F.MALFORMED_PROOF


def test_vc_1_1_claim_rejected():
    key = Key.generate()
    token = sign_vc_jwt({"vc": credential(key.did_key()), "iss": key.did_key()}, key, kid_of(key))
    ok, reason, message = _reason(token)
    assert (ok, reason) == (False, F.MALFORMED_PROOF) and "'vc'" in message


def test_signature_validity_window():
    key = Key.generate()
    now = int(time.time())
    expired = sign_vc_jwt({**credential(key.did_key()), "iat": now - 100, "exp": now - 10}, key, kid_of(key))
    assert _reason(expired)[1] == F.PROOF_EXPIRED
    assert _reason(expired, now=now - 20)[0] is True
    future = sign_vc_jwt({**credential(key.did_key()), "nbf": now + 100}, key, kid_of(key))
    assert _reason(future)[1] == F.PROOF_NOT_YET_VALID
    bad_type = sign_vc_jwt({**credential(key.did_key()), "exp": "tomorrow"}, key, kid_of(key))
    assert _reason(bad_type)[1] == F.MALFORMED_PROOF


def test_parse_keeps_signing_input_exact():
    key = Key.generate()
    token = sign_vc_jwt({"name": "Ærøskøbing"}, key, kid_of(key))
    jws = parse_compact(token)
    assert jws.signing_input == token.rsplit(".", 1)[0].encode()
    assert jws.payload_json() == {"name": "Ærøskøbing"}
