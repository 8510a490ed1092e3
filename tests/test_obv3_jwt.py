"""Open Badges 3.0 §8.2 VC-JWTs and https verification methods (issue 13, items 4 and 5)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone

import pytest

from ler_interop import verify_command
from ler_interop.credentials import crafting, dataintegrity, samples
from ler_interop.credentials.did import DidResolver, did_jwk
from ler_interop.credentials.keys import Key
from ler_interop.credentials.obv3_jwt import credential_of, sign_ob_jwt
from ler_interop.credentials.verifier import CredentialVerifier
from ler_interop.net import HostNotAllowed

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
HOST = "https://keys.ler-interop.example"


class FakeResponse:
    def __init__(self, doc):
        self.status_code = 200 if doc is not None else 404
        self._doc = doc

    def json(self):
        return self._doc


class FakeHttp:
    """Serves documents by URL; a host not among them is refused as net.Http would refuse it."""

    def __init__(self, docs: dict[str, dict]):
        self.docs = docs
        self.fetched: list[str] = []

    def get(self, url, **kw):
        self.fetched.append(url)
        if not any(url.startswith(u.split("#")[0].rsplit("/", 1)[0]) for u in self.docs):
            raise HostNotAllowed(f"refused {url!r}: not allowed")
        return FakeResponse(self.docs.get(url))


def ob_credential(issuer: str) -> dict:
    return samples.achievement_credential(issuer, valid_from="2026-01-01T00:00:00Z")


def ob_jwt(cred: dict, key: Key, header: dict, *, vc_claim: bool = False) -> str:
    return sign_ob_jwt(cred, key, header, vc_claim=vc_claim)


def verifier(http=None, **kw) -> CredentialVerifier:
    return CredentialVerifier(DidResolver(http=http), now=NOW, open_badges_jwt=True, **kw)


def check(result, name):
    return next(c for c in result.checks if c.name == name)


@pytest.mark.parametrize("key_type", ["RSA", "P-256", "Ed25519"])
def test_ob_vc_jwt_with_did_kid_verifies(key_type):
    key = Key.generate(key_type)
    did = did_jwk(key)
    token = ob_jwt(ob_credential(did), key, {"kid": f"{did}#0"})
    result = verifier().verify(token)
    assert result.verified, [c.to_dict() for c in result.checks if not c.ok]


def test_jti_and_registered_claims_are_not_json_ld_findings():
    key = Key.generate("RSA")
    did = did_jwk(key)
    result = verifier().verify(ob_jwt(ob_credential(did), key, {"kid": f"{did}#0"}))
    assert check(result, "jsonld").ok and "jti" not in check(result, "jsonld").message
    assert "jti" not in credential_of({"jti": "urn:x", "@context": []})


def test_vc_claim_form_verifies_with_rs256():
    key = Key.generate("RSA")
    did = did_jwk(key)
    result = verifier().verify(ob_jwt(ob_credential(did), key, {"kid": f"{did}#0"}, vc_claim=True))
    assert result.verified, [c.to_dict() for c in result.checks if not c.ok]


def test_suite_verifier_still_refuses_rs256_and_typ_jwt():
    """Without open_badges_jwt (the suite judging a vendor) nothing of OB 3.0's JWT is accepted."""
    key = Key.generate("RSA")
    did = did_jwk(key)
    token = ob_jwt(ob_credential(did), key, {"kid": f"{did}#0"})
    result = CredentialVerifier(DidResolver(), now=NOW).verify(token)
    assert not result.verified and check(result, "proof").reason in ("malformed-proof", "unknown-cryptosuite")


def test_jwk_header_bound_when_the_issuer_lists_the_key():
    key = Key.generate("Ed25519")
    did = did_jwk(key)
    result = verifier().verify(ob_jwt(ob_credential(did), key, {"jwk": key.public_jwk()}))
    assert result.verified, [c.to_dict() for c in result.checks if not c.ok]


def test_jwk_header_of_a_stranger_verifies_but_is_unbound():
    key, issuer_key = Key.generate("RSA"), Key.generate("Ed25519")
    result = verifier().verify(ob_jwt(ob_credential(did_jwk(issuer_key)), key, {"jwk": key.public_jwk()}))
    assert check(result, "proof").ok and not check(result, "issuer-binding").ok
    assert "jwk header" in check(result, "issuer-binding").message


def test_jwk_header_with_private_key_is_malformed():
    key = Key.generate("P-256")
    did = did_jwk(key)
    result = verifier().verify(ob_jwt(ob_credential(did), key, {"jwk": key.private_jwk()}))
    assert check(result, "proof").reason == "malformed-proof"


def test_wrong_signature_and_alg_none_are_refused():
    key, other = Key.generate("RSA"), Key.generate("RSA")
    did = did_jwk(key)
    forged = ob_jwt(ob_credential(did), other, {"kid": f"{did}#0", "alg": "RS256"})
    assert check(verifier().verify(forged), "proof").reason == "bad-signature"
    head, body, _ = ob_jwt(ob_credential(did), key, {"kid": f"{did}#0"}).split(".")
    import base64
    none = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    assert check(verifier().verify(f"{none}.{body}."), "proof").reason == "unknown-cryptosuite"


def test_rsa_key_under_2048_bits_is_refused():
    from cryptography.hazmat.primitives.asymmetric import rsa
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    key = Key("RSA", small.public_key(), small)
    result = verifier().verify(ob_jwt(ob_credential("did:example:x"), key, {"jwk": key.public_jwk()}))
    assert check(result, "proof").reason == "malformed-proof" and "2048" in check(result, "proof").message


# -- https verification methods (item 5) -------------------------------------------------
@pytest.mark.parametrize("vm_type,key_type", [("Multikey", "Ed25519"), ("JsonWebKey", "Ed25519"), ("JsonWebKey", "RSA")])
def test_https_kid_controller_document(vm_type, key_type):
    key = Key.generate(key_type)
    issuer = f"{HOST}/issuers/1"
    http = FakeHttp({issuer: crafting.controller_document(issuer, key, vm_type)})
    result = verifier(http).verify(ob_jwt(ob_credential(issuer), key, {"kid": f"{issuer}#key-1"}))
    assert result.verified, [c.to_dict() for c in result.checks if not c.ok]


@pytest.mark.parametrize("vm_type", ["Multikey", "JsonWebKey"])
def test_https_data_integrity_verification_method(vm_type):
    key = Key.generate("Ed25519")
    issuer = f"{HOST}/issuers/2"
    http = FakeHttp({issuer: crafting.controller_document(issuer, key, vm_type)})
    vc = dataintegrity.sign({**ob_credential(issuer)}, key, cryptosuite="eddsa-rdfc-2022", created="2026-01-01T00:00:00Z",
                            verification_method=f"{issuer}#key-1")
    result = verifier(http).verify(vc)
    assert result.verified, [c.to_dict() for c in result.checks if not c.ok]


def test_https_method_as_its_own_document():
    key = Key.generate("Ed25519")
    issuer, vm_url = f"{HOST}/issuers/3", f"{HOST}/keys/3"
    vm = {"id": vm_url, "type": "Multikey", "controller": issuer, "publicKeyMultibase": key.public_multikey()}
    http = FakeHttp({vm_url: vm, issuer: {"id": issuer, "assertionMethod": [vm_url]}})
    vc = dataintegrity.sign(ob_credential(issuer), key, cryptosuite="eddsa-rdfc-2022", created="2026-01-01T00:00:00Z", verification_method=vm_url)
    assert verifier(http).verify(vc).verified


def test_https_controller_mismatch_is_rejected():
    key = Key.generate("Ed25519")
    issuer = f"{HOST}/issuers/4"
    http = FakeHttp({issuer: crafting.controller_document(issuer, key, controller=f"{HOST}/issuers/someone-else")})
    vc = dataintegrity.sign(ob_credential(issuer), key, cryptosuite="eddsa-rdfc-2022", created="2026-01-01T00:00:00Z", verification_method=f"{issuer}#key-1")
    result = verifier(http).verify(vc)
    assert not result.verified and check(result, "proof").reason == "key-not-authorized"


def test_https_document_id_must_be_its_url():
    key = Key.generate("Ed25519")
    issuer = f"{HOST}/issuers/5"
    doc = crafting.controller_document(issuer, key)
    doc["id"] = f"{HOST}/issuers/elsewhere"
    vc = dataintegrity.sign(ob_credential(issuer), key, cryptosuite="eddsa-rdfc-2022", created="2026-01-01T00:00:00Z", verification_method=f"{issuer}#key-1")
    result = verifier(FakeHttp({issuer: doc})).verify(vc)
    assert not result.verified and "its own URL" in check(result, "proof").message


def test_verify_command_host_not_allowed_exits_2(tmp_path, capsys):
    key = Key.generate("RSA")
    issuer = "https://keys.ler-interop.example/issuers/6"
    path = tmp_path / "badge.jwt"
    path.write_text(ob_jwt(ob_credential(issuer), key, {"kid": f"{issuer}#key-1"}))
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    code = verify_command.run(parser.parse_args([str(path), "--now", "2026-06-01T00:00:00Z"]))
    err = capsys.readouterr().err
    assert code == 2 and "keys.ler-interop.example" in err and err.count("\n") == 1


def test_hostile_rsa_jwk_is_refused_not_slow():
    huge = {"kty": "RSA", "n": "_" * 3000, "e": "AQAB"}
    result = verifier().verify(ob_jwt(ob_credential("did:example:x"), Key.generate("RSA"), {"jwk": huge}))
    assert check(result, "proof").reason == "malformed-proof" and "8192" in check(result, "proof").message


def test_a_plain_jwt_credential_is_not_warned_about_open_badges_rules():
    """OB 3.0 §8.2's required claims are a badge's; a non-badge credential in a JWT typed "JWT"
    gets no 'OB 3.0 requires it' warnings (a review found them on every plain jwt_vc_json)."""
    key = Key.generate("P-256")
    issuer = did_jwk(key)
    plain = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
             "type": ["VerifiableCredential"], "issuer": issuer, "validFrom": "2026-01-01T00:00:00Z",
             "credentialSubject": {"id": "did:example:someone", "jobTitle": "steward"}}
    token = sign_ob_jwt(plain, key, {"kid": f"{issuer}#0"})
    result = CredentialVerifier(DidResolver(), open_badges_jwt=True).verify(token)
    assert result.verified, [c.message for c in result.checks if not c.ok]
    assert not [w for c in result.checks for w in c.warnings if "OB 3.0" in w]
