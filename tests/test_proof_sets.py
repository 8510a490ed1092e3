"""Data Integrity proof sets (DI 1.0 §4.5 Verify Proof Sets and Chains): every proof the suite
implements is verified, the others are reported as not checked, and a set with no proof the
suite can run is not verified."""

from __future__ import annotations

import copy

import pytest

from ler_interop.credentials import crafting, findings as R, samples
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.verifier import CredentialVerifier

# A well-formed proof of a type the suite does not implement (a legacy suite's shape).
FOREIGN = {"type": "RsaSignature2018", "created": "2024-01-01T00:00:00Z",
           "verificationMethod": "did:example:other#key-1", "proofPurpose": "assertionMethod",
           "jws": "eyJhbGciOiJQUzI1NiJ9..c2ln"}


@pytest.fixture(scope="module")
def signer() -> crafting.Signer:
    return crafting.Signer.did_key()


@pytest.fixture(scope="module")
def verifier() -> CredentialVerifier:
    return CredentialVerifier(DidResolver())


def with_proofs(signed: dict, *extra: dict) -> dict:
    out = copy.deepcopy(signed)
    proofs = out["proof"] if isinstance(out["proof"], list) else [out["proof"]]
    out["proof"] = [*proofs, *map(copy.deepcopy, extra)]
    return out


def test_known_proof_verified_and_foreign_one_warned(signer, verifier):
    vc = with_proofs(signer.issue(samples.achievement_credential("x")), FOREIGN)
    result = verifier.verify(vc)
    assert result.verified, result.errors
    proof = result.check("proof")
    assert proof.warnings and "unsupported proof type RsaSignature2018" in proof.warnings[0]
    assert "not checked" in proof.warnings[0]
    assert proof.to_dict()["warnings"] == proof.warnings


def test_unknown_cryptosuite_in_a_set_is_warned_not_failed(signer, verifier):
    signed = signer.issue(samples.achievement_credential("x"))
    other = dict(signed["proof"], cryptosuite="bbs-2023")
    result = verifier.verify(with_proofs(signed, other))
    assert result.verified, result.errors
    assert "bbs-2023" in result.check("proof").warnings[0]


def test_any_checkable_proof_failing_rejects_the_set(signer, verifier):
    good = signer.issue(samples.achievement_credential("x"))
    # A well-formed eddsa proof made over another document: its signature fails here.
    second = crafting.Signer.did_key().issue(samples.achievement_credential("y"))["proof"]
    result = verifier.verify(with_proofs(good, FOREIGN, second))
    assert not result.verified and result.check("proof").reason == R.BAD_SIGNATURE


def test_two_implemented_proofs_both_verify(signer, verifier):
    # Both signers are checked; only the issuer's controls binding, so the second is the issuer's too.
    doc = signer.issue(samples.achievement_credential("x"))
    again = signer.sign(doc, cryptosuite="eddsa-jcs-2022")
    result = verifier.verify(again)
    assert result.verified, result.errors and len(again["proof"]) == 2


def test_only_foreign_proofs_is_unsupported_not_malformed(signer, verifier):
    signed = signer.issue(samples.achievement_credential("x"))
    alone = dict(signed, proof=copy.deepcopy(FOREIGN))
    result = verifier.verify(alone)
    assert not result.verified and result.check("proof").reason == R.UNSUPPORTED_PROOF_TYPE
    assert "unsupported proof type RsaSignature2018" in result.check("proof").message
    both = dict(signed, proof=[copy.deepcopy(FOREIGN), dict(FOREIGN, type="BbsBlsSignature2020")])
    assert verifier.verify(both).check("proof").reason == R.UNSUPPORTED_PROOF_TYPE


def test_single_unknown_cryptosuite_keeps_its_reason(signer, verifier):
    result = verifier.verify(crafting.with_cryptosuite(signer.issue(samples.achievement_credential("x"))))
    assert result.check("proof").reason == R.UNKNOWN_CRYPTOSUITE
