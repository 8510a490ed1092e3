"""Proof chains (VC Data Integrity 1.0 §4.3 Add Proof Set/Chain, §4.5 Verify Proof Sets and
Chains): a proof naming a `previousProof` signs the document together with that proof, so the
earlier proof cannot be swapped, dropped or renamed without breaking the later one."""

from __future__ import annotations

import copy

import pytest

from ler_interop.credentials import crafting, dataintegrity, findings as R, samples
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.keys import Key

CREATED = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def signers() -> tuple[crafting.Signer, crafting.Signer]:
    return crafting.Signer.did_key(), crafting.Signer.did_key(Key.generate("P-256"))


def _chain(signers, second_suite: str | None = None) -> dict:
    issuer, notary = signers
    vc = samples.achievement_credential(issuer.did, valid_until="2030-01-01T00:00:00Z")
    first = issuer.issue(vc, created=CREATED, proof_id="urn:uuid:proof-1")
    return notary.sign(first, created=CREATED, proof_id="urn:uuid:proof-2", previous_proof="urn:uuid:proof-1",
                       cryptosuite=second_suite)


def _verify(doc: dict):
    return dataintegrity.verify(doc, DidResolver().resolve_vm)


@pytest.mark.parametrize("second_suite", [None, "ecdsa-rdfc-2019"])
def test_a_chain_verifies_and_the_second_proof_covers_the_first(signers, second_suite):
    chained = _chain(signers, second_suite)
    assert chained["proof"][1]["previousProof"] == "urn:uuid:proof-1"
    result = _verify(chained)
    assert result.ok, result.message
    assert len(result.verification_methods) == 2


def test_swapping_the_first_proof_for_another_valid_one_breaks_the_chain(signers):
    issuer, _ = signers
    chained = _chain(signers)
    unsecured = {k: v for k, v in chained.items() if k != "proof"}
    other_first = issuer.sign(unsecured, created="2026-02-01T00:00:00Z", proof_id="urn:uuid:proof-1")["proof"]
    swapped = {**chained, "proof": [other_first, chained["proof"][1]]}
    result = _verify(swapped)
    assert not result.ok and result.reason == R.BAD_SIGNATURE and result.message.startswith("proof[1]")


def test_a_previous_proof_that_is_not_there_is_an_error(signers):
    chained = _chain(signers)
    dropped = {**chained, "proof": [chained["proof"][1]]}
    result = _verify(dropped)
    assert not result.ok and "names no proof" in result.message
    renamed = copy.deepcopy(chained)
    renamed["proof"][0]["id"] = "urn:uuid:another"
    assert not _verify(renamed).ok


@pytest.mark.parametrize("bad", [7, [], [""], {"id": "x"}])
def test_a_malformed_previous_proof_is_malformed(signers, bad):
    chained = copy.deepcopy(_chain(signers))
    chained["proof"][1]["previousProof"] = bad
    assert _verify(chained).reason == R.MALFORMED_PROOF


def test_signing_refuses_a_previous_proof_that_does_not_exist(signers):
    issuer, notary = signers
    first = issuer.issue(samples.achievement_credential(issuer.did), created=CREATED, proof_id="urn:uuid:proof-1")
    with pytest.raises(dataintegrity.SigningError):
        notary.sign(first, previous_proof="urn:uuid:nope")
