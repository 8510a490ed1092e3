"""jwt_vc_json (VCDM 1.1 JWT encoding): signing, verifying, presentation binding and the
suite verifier's handling of it, next to the other formats."""

from __future__ import annotations

import time

import pytest

from ler_interop.credentials import jwtvc, samples
from ler_interop.credentials.crafting import Signer, presentation
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.jws import parse_compact
from ler_interop.credentials.verifier import CredentialVerifier


@pytest.fixture
def verifier() -> CredentialVerifier:
    return CredentialVerifier(DidResolver())


@pytest.fixture(scope="module")
def issuer() -> Signer:
    return Signer.did_key()


@pytest.fixture(scope="module")
def holder() -> Signer:
    return Signer.did_key()


def credential_for(issuer: Signer, subject: str, **kw) -> dict:
    cred = samples.achievement_credential(issuer.did, **kw)
    cred["credentialSubject"]["id"] = subject
    return cred


def failed(result) -> dict[str, str | None]:
    return {c.name: c.reason for c in result.checks if not c.ok}


def test_registered_claims_mirror_the_credential(issuer, holder):
    cred = credential_for(issuer, holder.did)
    token = jwtvc.sign_jwt_vc(cred, issuer.key, issuer.vm)
    jws = parse_compact(token)
    payload = jws.payload_json()
    assert jws.header == {"alg": "EdDSA", "typ": "JWT", "kid": issuer.vm}
    assert (payload["iss"], payload["sub"], payload["jti"]) == (issuer.did, holder.did, cred["id"])
    assert payload["vc"] == cred and payload["nbf"] <= time.time()


def test_a_signed_credential_verifies_with_every_check(verifier, issuer, holder):
    result = verifier.verify(jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm))
    assert result.verified, result.errors
    assert "jwt_vc_json" in result.check("format").message
    assert {c.name for c in result.checks} >= {"proof", "issuer-binding", "jsonld", "data-model", "schema", "validity"}


def test_tampered_payload_fails_the_signature(verifier, issuer, holder):
    token = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm)
    header, payload, sig = token.split(".")
    other = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did, subject_name="Mallory"), issuer.key, issuer.vm)
    assert failed(verifier.verify(f"{header}.{other.split('.')[1]}.{sig}"))["proof"] == "bad-signature"


def test_signed_by_a_key_the_issuer_does_not_control(verifier, issuer, holder):
    other = Signer.did_key()
    token = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), other.key, other.vm)
    assert failed(verifier.verify(token)) == {"issuer-binding": "issuer-binding"}


def test_registered_claims_that_contradict_the_credential_are_refused(verifier, issuer, holder):
    token = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm,
                              extra_claims={"sub": "did:example:someone-else"})
    result = verifier.verify(token)
    assert failed(result)["proof"] == "malformed-proof" and "contradicts" in result.check("proof").message


def test_an_expired_jwt_is_reported_as_expired_not_as_a_bad_proof(verifier, issuer, holder):
    token = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm,
                              extra_claims={"exp": int(time.time()) - 60})
    result = verifier.verify(token)
    assert result.check("proof").ok
    assert [f.rule for f in result.check("validity").findings] == ["validity.expired"]


def test_the_vc_jose_verifier_still_refuses_vc_claims(verifier, issuer, holder):
    """A `vc+jwt` carrying a `vc` claim is not a jwt_vc_json credential (VC-JOSE-COSE forbids it)."""
    token = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm, extra_headers={"typ": "vc+jwt"})
    assert failed(verifier.verify(token))["proof"] == "malformed-proof"


def _vp(holder: Signer, credentials: list, **kw) -> str:
    return jwtvc.sign_jwt_vp(credentials, holder.key, holder.vm, holder=holder.did, **kw)


def test_presentation_binds_to_nonce_and_audience(verifier, issuer, holder):
    vc = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm)
    vp = _vp(holder, [vc], nonce="n-123", aud="decentralized_identifier:did:example:rp")
    good = verifier.verify_presentation(vp, challenge="n-123", domain="decentralized_identifier:did:example:rp",
                                        bind_subjects=True)
    assert good.verified, good.errors
    assert good.check("credential[0].subject-binding").ok
    assert failed(verifier.verify_presentation(vp, challenge="other", domain="decentralized_identifier:did:example:rp"))["proof"] == "challenge-mismatch"
    assert failed(verifier.verify_presentation(vp, challenge="n-123", domain="x509_san_dns:rp.example"))["proof"] == "domain-mismatch"


def test_a_credential_issued_to_someone_else_is_not_bound_to_the_presenter(verifier, issuer, holder):
    vc = jwtvc.sign_jwt_vc(credential_for(issuer, "did:example:another-learner"), issuer.key, issuer.vm)
    result = verifier.verify_presentation(_vp(holder, [vc], nonce="n", aud="a"), challenge="n", domain="a",
                                          bind_subjects=True)
    assert failed(result) == {"credential[0].subject-binding": "holder-binding"}


def test_presentation_signed_by_someone_other_than_its_iss(verifier, issuer, holder):
    vc = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm)
    thief = Signer.did_key()
    vp = jwtvc.sign_jwt_vp([vc], thief.key, thief.vm, holder=holder.did, nonce="n", aud="a")
    assert "holder-binding" in failed(verifier.verify_presentation(vp, challenge="n", domain="a")).values()


def test_subject_binding_applies_to_data_integrity_presentations_too(verifier, issuer, holder):
    vc = issuer.issue(credential_for(issuer, "did:example:another-learner"))
    vp = presentation(holder, [vc], challenge="c", domain="d")
    result = verifier.verify_presentation(vp, challenge="c", domain="d", bind_subjects=True)
    assert failed(result) == {"credential[0].subject-binding": "holder-binding"}
    own = presentation(holder, [issuer.issue(credential_for(issuer, holder.did))], challenge="c", domain="d")
    assert verifier.verify_presentation(own, challenge="c", domain="d", bind_subjects=True).verified


def test_a_malformed_token_is_a_failed_proof_not_a_crash(verifier, issuer, holder):
    token = jwtvc.sign_jwt_vc(credential_for(issuer, holder.did), issuer.key, issuer.vm)
    head, payload, _ = token.split(".")
    result = verifier.verify(f"{head}.{payload}.!!")
    assert failed(result)["proof"] == "malformed-proof"


def test_a_payload_with_both_vc_and_vp_is_refused(verifier, issuer, holder):
    cred = credential_for(issuer, holder.did)
    token = jwtvc.sign_jwt_vc(cred, issuer.key, issuer.vm,
                              extra_claims={"vp": {"type": ["VerifiablePresentation"], "holder": holder.did}})
    assert failed(verifier.verify(token))["proof"] == "malformed-proof"


def test_an_11_vc_claim_takes_its_dates_from_nbf_and_exp():
    """VCDM 1.1 §6.3.1: nbf sets issuanceDate and exp sets expirationDate of the decoded
    credential when the `vc` claim leaves them out; a 2.0 document gets no 1.1 dates."""
    from ler_interop.credentials.jwtvc import decoded_document

    vc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "credentialSubject": {"name": "x"}}
    doc = decoded_document({"iss": "did:example:i", "nbf": 1767225600, "exp": 1893456000, "vc": vc})
    assert doc["issuanceDate"] == "2026-01-01T00:00:00Z" and doc["expirationDate"] == "2030-01-01T00:00:00Z"
    kept = decoded_document({"nbf": 1767225600, "vc": {**vc, "issuanceDate": "2025-12-31T00:00:00Z"}})
    assert kept["issuanceDate"] == "2025-12-31T00:00:00Z"  # the credential's own value is never overwritten
    v2 = decoded_document({"nbf": 1767225600, "vc": {**vc, "@context": ["https://www.w3.org/ns/credentials/v2"]}})
    assert "issuanceDate" not in v2 and "expirationDate" not in v2
    assert "issuanceDate" not in decoded_document({"nbf": True, "vc": vc})  # not a NumericDate
