"""Known-answer tests: the W3C vc-di-eddsa and vc-di-ecdsa test vectors, byte for byte.

Each vector folder publishes the proof configuration, the canonical document and proof
configuration, their SHA-256 hashes, the combined hashData, and the signature (hex and
multibase). We reproduce every one of them, sign to the same proofValue (Ed25519 and RFC 6979
ECDSA are deterministic), and verify the published signed documents.
The vectors live in ../shared/vectors (read-only, never copied here); tests skip without them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from ler_interop.credentials import dataintegrity as di
from ler_interop.credentials import findings as R
from ler_interop.credentials.cryptosuites import SUITES, hash_input
from ler_interop.credentials.keys import Key

VECTORS = Path(__file__).parents[2] / "shared" / "vectors"

if not VECTORS.is_dir():
    pytest.skip("W3C test vectors not available in ../shared/vectors", allow_module_level=True)


@dataclass(frozen=True)
class Vector:
    suite: str
    folder: str
    suffix: str  # the file-name suffix the folder uses
    key_file: str
    private_field: str

    @property
    def path(self) -> Path:
        return VECTORS / self.folder

    def text(self, stem: str) -> str:
        return (self.path / f"{stem}{self.suffix}.txt").read_text("utf-8")

    def json(self, stem: str) -> dict:
        return json.loads((self.path / f"{stem}{self.suffix}.json").read_text("utf-8"))

    def key(self) -> Key:
        pair = json.loads((VECTORS / self.key_file).read_text("utf-8"))
        return Key.from_multikey(pair[self.private_field])

    def unsigned(self) -> dict:
        signed = self.json("signed")
        return {k: v for k, v in signed.items() if k != "proof"}


VECTOR_SET = [
    Vector("eddsa-rdfc-2022", "vc-di-eddsa/eddsa-rdfc-2022", "DataInt", "vc-di-eddsa/keyPair.json",
           "privateKeyMultibase"),
    Vector("eddsa-jcs-2022", "vc-di-eddsa/eddsa-jcs-2022", "JCS", "vc-di-eddsa/keyPair.json",
           "privateKeyMultibase"),
    Vector("ecdsa-rdfc-2019", "vc-di-ecdsa/ecdsa-rdfc-2019-p256", "ECDSAP256", "vc-di-ecdsa/p256KeyPair.json",
           "secretKeyMultibase"),
]
# The "employ" variants use https://w3id.org/citizenship/v4rc1, which is not bundled.
EMPLOY_SET = [
    Vector("eddsa-rdfc-2022", "vc-di-eddsa/eddsa-rdfc-2022/employ", "DataInt", "vc-di-eddsa/keyPair.json",
           "privateKeyMultibase"),
    Vector("ecdsa-rdfc-2019", "vc-di-ecdsa/ecdsa-rdfc-2019-p256/employ", "ECDSAP256",
           "vc-di-ecdsa/p256KeyPair.json", "secretKeyMultibase"),
]


def present(vectors: list[Vector]) -> list:
    return [pytest.param(v, id=f"{v.suite}:{v.folder.rsplit('/', 1)[-1]}",
                         marks=() if v.path.is_dir() else pytest.mark.skip(reason=f"{v.folder} absent"))
            for v in vectors]


def resolve_did_key(vm: str, purpose: str) -> tuple[Key, str]:
    did, _, fragment = vm.partition("#")
    if fragment != did.removeprefix("did:key:"):
        raise di.VerificationMethodError(R.KEY_NOT_FOUND, vm)
    return Key.from_multikey(fragment), did


@pytest.mark.parametrize("vector", present(VECTOR_SET))
def test_intermediate_values_reproduce(vector: Vector):
    config = vector.json("proofConfig")
    hashed = hash_input(SUITES[vector.suite], vector.unsigned(), config)
    assert hashed.canonical_document == vector.text("canonDoc")
    assert hashed.canonical_proof_config == vector.text("proofCanon")
    assert hashed.document_hash.hex() == vector.text("docHash").strip()
    assert hashed.proof_config_hash.hex() == vector.text("proofHash").strip()
    assert hashed.hash_data.hex() == vector.text("combinedHash").strip()
    assert hashed.document_findings == [] and hashed.proof_config_findings == []


@pytest.mark.parametrize("vector", present(VECTOR_SET))
def test_signature_reproduces(vector: Vector):
    config = vector.json("proofConfig")
    secured = di.sign(vector.unsigned(), vector.key(), cryptosuite=vector.suite,
                      verification_method=config["verificationMethod"], created=config["created"])
    proof_value = secured["proof"]["proofValue"]
    assert proof_value == vector.text("sigBTC58").strip()
    assert di.decode_multibase(proof_value).hex() == vector.text("sigHex").strip()
    assert secured == vector.json("signed")


@pytest.mark.parametrize("vector", present(VECTOR_SET))
def test_published_signed_document_verifies(vector: Vector):
    result = di.verify(vector.json("signed"), resolve_did_key)
    assert result.ok, result
    assert result.controllers == [vector.key().did_key()]


@pytest.mark.parametrize("vector", present(VECTOR_SET))
def test_published_signed_document_tampered(vector: Vector):
    signed = vector.json("signed")
    signed["credentialSubject"]["alumniOf"] = "Another School"
    assert di.verify(signed, resolve_did_key).reason == R.BAD_SIGNATURE


@pytest.mark.parametrize("vector", present(EMPLOY_SET))
def test_employ_vector_hashes_and_signature(vector: Vector):
    """Without its context we cannot canonicalize this one, but hashing and signing over the
    published canonical forms must still agree byte for byte."""
    doc_hash = hashlib.sha256(vector.text("canonDoc").encode()).digest()
    proof_hash = hashlib.sha256(vector.text("proofCanon").encode()).digest()
    assert doc_hash.hex() == vector.text("docHash").strip()
    assert proof_hash.hex() == vector.text("proofHash").strip()
    assert (proof_hash + doc_hash).hex() == vector.text("combinedHash").strip()
    signature = vector.key().sign(proof_hash + doc_hash)
    assert di.encode_multibase(signature) == vector.text("sigBTC58").strip()


@pytest.mark.parametrize("vector", present(EMPLOY_SET))
def test_employ_vector_unknown_context_is_reported_not_fetched(vector: Vector):
    result = di.verify(vector.json("signed"), resolve_did_key)
    assert result.reason == R.CONTEXT_PROBLEM and "citizenship" in result.message



def test_p384_key_pair_vector_round_trips_its_multikeys():
    """vc-di-ecdsa's P-384 key pair (p384KeyPair.json): the secret Multikey (header 0x8726)
    yields the published public Multikey (0x8124, z82L...), and both re-encode byte for byte."""
    path = VECTORS / "vc-di-ecdsa" / "p384KeyPair.json"
    if not path.is_file():
        pytest.skip("p384KeyPair.json absent")
    pair = json.loads(path.read_text("utf-8"))
    key = Key.from_multikey(pair["secretKeyMultibase"])
    assert key.type == "P-384"
    assert key.public_multikey() == pair["publicKeyMultibase"]
    assert key.private_multikey() == pair["secretKeyMultibase"]
    assert Key.from_multikey(pair["publicKeyMultibase"]).public_jwk()["crv"] == "P-384"
