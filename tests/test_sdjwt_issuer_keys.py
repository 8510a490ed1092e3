"""SD-JWT VC Issuer Signature Mechanisms: JWT VC Issuer Metadata (respx), x5c against trust
anchors, DIDs; and each failed check naming the party at fault (issue 10, items 2 and 11)."""

from __future__ import annotations

import httpx
import pytest
import respx

from ler_interop.credentials import findings as F
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.issuer_keys import issuer_keys_for, mechanism_of
from ler_interop.credentials.jwt_vc_issuer import IssuerMetadataError, metadata_document, metadata_url
from ler_interop.credentials.keys import Key
from ler_interop.credentials.sdjwt import issue_sd_jwt, present, verify_sd_jwt
from ler_interop.credentials.verifier import CredentialVerifier
from ler_interop.credentials.x509_issuer import IssuingCa
from ler_interop.net import Http

ISS = "https://issuer.example/tenant/1"
META = "https://issuer.example/.well-known/jwt-vc-issuer/tenant/1"


def _resolver(anchors=()):
    http = Http({"issuer.example", "keys.example"})
    return issuer_keys_for(DidResolver(http=http), anchors)


def _token(key: Key, *, iss: str = ISS, kid: str = "k1", headers=None, holder: Key | None = None) -> str:
    return issue_sd_jwt({"name": "Ada"}, key, kid, iss=iss, vct="urn:x", disclosable=["name"],
                        holder_jwk=holder.public_jwk() if holder else None, extra_headers=headers)


def test_metadata_url_inserts_the_well_known_between_host_and_path() -> None:
    assert metadata_url("https://example.com") == "https://example.com/.well-known/jwt-vc-issuer"
    assert metadata_url("https://example.com/tenant/1234/") == "https://example.com/.well-known/jwt-vc-issuer/tenant/1234"
    assert metadata_url("http://127.0.0.1:9/i", frozenset({"127.0.0.1"})) == "http://127.0.0.1:9/.well-known/jwt-vc-issuer/i"
    for bad in ("http://issuer.example/x", "https://issuer.example/?q=1", "https://issuer.example/#f"):
        with pytest.raises(IssuerMetadataError):
            metadata_url(bad)


@respx.mock
def test_jwt_vc_issuer_metadata_by_value_and_by_reference() -> None:
    key = Key.generate("P-256")
    jwk = {**key.public_jwk(), "kid": "k1"}
    route = respx.get(META).mock(return_value=httpx.Response(200, json=metadata_document(ISS, [jwk])))
    result = verify_sd_jwt(_token(key), issuer_key=_resolver())
    assert result.ok, result.message
    assert result.controllers == [ISS] and route.called
    route.mock(return_value=httpx.Response(200, json={"issuer": ISS, "jwks_uri": "https://keys.example/jwks"}))
    respx.get("https://keys.example/jwks").mock(return_value=httpx.Response(200, json={"keys": [jwk]}))
    assert verify_sd_jwt(_token(key), issuer_key=_resolver()).ok


@respx.mock
@pytest.mark.parametrize("metadata, why", [
    ({"issuer": "https://issuer.example/other", "jwks": {"keys": []}}, "not the iss"),
    ({"issuer": ISS}, "exactly one of jwks and jwks_uri"),
    ({"issuer": ISS, "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "kid": "zz"}]}}, "match kid"),
    ({"issuer": ISS, "jwks_uri": "https://elsewhere.example/jwks"}, "not among the vendor's declared hosts"),
])
def test_jwt_vc_issuer_metadata_refusals(metadata, why) -> None:
    respx.get(META).mock(return_value=httpx.Response(200, json=metadata))
    result = verify_sd_jwt(_token(Key.generate("Ed25519")), issuer_key=_resolver())
    assert result.reason == F.KEY_NOT_FOUND and why in result.message


@respx.mock
def test_wrong_key_in_metadata_is_a_bad_signature() -> None:
    other = {**Key.generate("Ed25519").public_jwk(), "kid": "k1"}
    respx.get(META).mock(return_value=httpx.Response(200, json=metadata_document(ISS, [other])))
    assert verify_sd_jwt(_token(Key.generate("Ed25519")), issuer_key=_resolver()).reason == F.BAD_SIGNATURE


def test_x5c_validates_to_a_named_trust_anchor_only() -> None:
    ca, key = IssuingCa.create(), Key.generate("P-256")
    token = _token(key, headers={"x5c": ca.x5c(ISS, key)})
    assert mechanism_of({"x5c": []}, {"iss": ISS}) == "x5c"
    result = verify_sd_jwt(token, issuer_key=_resolver([ca.certificate]))
    assert result.ok and result.controllers == [ISS], result.message
    unanchored = verify_sd_jwt(token, issuer_key=_resolver([IssuingCa.create().certificate]))
    assert unanchored.reason == F.KEY_NOT_AUTHORIZED and "trust anchor" in unanchored.message
    assert verify_sd_jwt(token, issuer_key=_resolver()).reason == F.KEY_NOT_AUTHORIZED
    # A certificate for one issuer cannot sign for another.
    other = _token(key, iss="https://issuer.example/other", headers={"x5c": ca.x5c(ISS, key)})
    assert "subjectAltName" in verify_sd_jwt(other, issuer_key=_resolver([ca.certificate])).message
    # The header's certificate, not any key: a token signed by another key fails its signature.
    forged = _token(Key.generate("P-256"), headers={"x5c": ca.x5c(ISS, key)})
    assert verify_sd_jwt(forged, issuer_key=_resolver([ca.certificate])).reason == F.BAD_SIGNATURE


def test_did_issuers_still_resolve() -> None:
    key = Key.generate("Ed25519")
    did = key.did_key()
    token = _token(key, iss=did, kid=f"{did}#{key.public_multikey()}")
    assert verify_sd_jwt(token, issuer_key=_resolver()).ok


def test_kb_jwt_failure_names_the_holder_and_no_issuer_binding_finding() -> None:
    """Item 11: a bad KB-JWT is the wallet's fault; the issuer's signature and binding stand."""
    issuer, holder = Key.generate("Ed25519"), Key.generate("Ed25519")
    did = issuer.did_key()
    sd_jwt = _token(issuer, iss=did, kid=f"{did}#{issuer.public_multikey()}", holder=holder)
    verifier = CredentialVerifier(DidResolver())
    wrong_nonce = present(sd_jwt, ["name"], holder_key=holder, nonce="other", aud="https://rp.example")
    result = verifier.verify_credential(wrong_nonce, challenge="n-1", domain="https://rp.example")
    proof, binding = result.check("proof"), result.check("issuer-binding")
    assert not proof.ok and proof.party == F.HOLDER and proof.reason == F.HOLDER_BINDING
    assert binding.ok and binding.party == F.ISSUER
    assert [e for e in result.errors if "issuer-binding" in e] == []
    assert result.errors[0].startswith("proof (holder): key binding (nonce)")
    good = present(sd_jwt, ["name"], holder_key=holder, nonce="n-1", aud="https://rp.example")
    assert verifier.verify_credential(good, challenge="n-1", domain="https://rp.example").verified


def test_issuer_signature_failure_names_the_issuer() -> None:
    issuer = Key.generate("Ed25519")
    did = issuer.did_key()
    token = _token(Key.generate("Ed25519"), iss=did, kid=f"{did}#{issuer.public_multikey()}")
    result = CredentialVerifier(DidResolver()).verify_credential(token)
    assert result.check("proof").party == F.ISSUER and result.check("proof").reason == F.BAD_SIGNATURE
    binding = result.check("issuer-binding")
    assert not binding.ok and binding.party == F.ISSUER
    assert result.to_dict()["checks"][1]["party"] == F.ISSUER
