"""ecdsa-sd-2023 (vc-di-ecdsa §3.5-§3.6): the W3C known answers where the bundled contexts
allow, and base -> derive -> verify round trips, with tampering failing for a named reason.

The W3C vectors use https://w3id.org/citizenship/v4rc1, which is not bundled (and never
fetched), so they are checked from their published canonical N-Quads onward: HMAC labels,
mandatory hash, statement and base signatures (RFC 6979, byte for byte), both proof values,
and verification of the derived proof over its published N-Quads.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pytest

from ler_interop.credentials import dataintegrity as di
from ler_interop.credentials import ecdsa_sd as sd
from ler_interop.credentials import findings as R
from ler_interop.credentials.keys import P256_PUB, Key
from ler_interop.credentials.sd_primitives import hmac_label_map_factory, select_json_ld

VECTORS = Path(__file__).parents[2] / "shared" / "vectors" / "vc-di-ecdsa" / "ecdsa-sd-2023"
needs_vectors = pytest.mark.skipif(not VECTORS.is_dir(), reason="W3C ecdsa-sd-2023 vectors absent")


def vector(folder: str, name: str):
    path = VECTORS / folder / name
    return path.read_text("utf-8") if name.endswith(".txt") else json.loads(path.read_text("utf-8"))


def key_material() -> tuple[Key, Key, bytes]:
    material = json.loads((VECTORS / "SDKeyMaterial.json").read_text("utf-8"))
    return (Key.from_multikey(material["baseKeyPair"]["secretKeyMultibase"]),
            Key.from_multikey(material["proofKeyPair"]["secretKeyMultibase"]),
            bytes.fromhex(material["hmacKeyString"]))


@needs_vectors
@pytest.mark.parametrize("folder", ["prc", "employ"])
def test_base_proof_known_answers(folder: str) -> None:
    issuer, scoped, hmac_key = key_material()
    canonical = vector(folder, "addBaseDocCanon.json")
    labels = {m for nq in canonical for m in re.findall(r"_:(c14n\d+)", nq)}
    label_map = hmac_label_map_factory(hmac_key)({label: label for label in labels})
    relabeled = sorted(re.sub(r"_:(c14n\d+)", lambda m: "_:" + label_map[m.group(1)], nq) for nq in canonical)
    assert relabeled == vector(folder, "addBaseDocHMACCanon.json")

    transform = vector(folder, "addBaseTransform.json")
    mandatory = [nq for _, nq in transform["mandatory"]["value"]]
    non_mandatory = [nq for _, nq in transform["nonMandatory"]["value"]]
    proof_hash = hashlib.sha256(vector(folder, "addProofConfigCanon.txt").encode()).digest()
    hashes = vector(folder, "addHashData.json")
    assert proof_hash.hex() == hashes["proofHash"]
    assert sd.mandatory_hash(mandatory).hex() == hashes["mandatoryHash"]

    raw = vector(folder, "addRawBaseSignatureInfo.json")
    signatures = [scoped.sign(nq.encode()) for nq in non_mandatory]
    assert [s.hex() for s in signatures] == raw["signatures"]
    public_key = P256_PUB + scoped.public_bytes()
    base_signature = issuer.sign(proof_hash + public_key + sd.mandatory_hash(mandatory))
    assert base_signature.hex() == raw["baseSignature"]
    signed = vector(folder, "addSignedSDBase.json")
    value = sd.BaseProofValue(base_signature, public_key, hmac_key, signatures, raw["mandatoryPointers"])
    assert sd.serialize_base(value) == signed["proof"]["proofValue"]
    assert sd.parse_base(signed["proof"]["proofValue"]) == value


@needs_vectors
@pytest.mark.parametrize("folder", ["prc", "employ"])
def test_derived_proof_known_answers(folder: str) -> None:
    issuer, _, _ = key_material()
    revealed = vector(folder, "derivedRevealDocument.json")
    derived = sd.parse_derived(revealed["proof"]["proofValue"])
    assert sd.serialize_derived(derived) == revealed["proof"]["proofValue"]
    assert derived.mandatory_indexes == vector(folder, "derivedAdjMandatoryIndexes.json")["adjMandatoryIndexes"]
    assert [s.hex() for s in derived.signatures] == vector(folder, "derivedAdjSignatures.json")["filteredSignatures"]
    expected = vector(folder, "verifyCreateVerifyData.json")
    data = sd.VerifyData(bytes.fromhex(expected["proofHash"]), derived, vector(folder, "verifyNQuads.json"), [])
    assert sd.mandatory_hash(data.mandatory).hex() == expected["mandatoryHash"]
    sd.verify_statements(data, issuer.public_only())
    # The unsigned reveal is what selectJsonLd makes of the base document.
    base = {k: v for k, v in vector(folder, "addSignedSDBase.json").items() if k != "proof"}
    unsigned = vector(folder, "derivedUnsignedReveal.json")
    pointers = vector(folder, "addRawBaseSignatureInfo.json")["mandatoryPointers"]
    selective = _selective_pointers(folder)
    if selective is not None:
        assert select_json_ld(pointers + selective, base) == unsigned


def _selective_pointers(folder: str) -> list[str] | None:
    """The vectors do not publish the holder's selective pointers; these match their reveals."""
    return {"prc": ["/validFrom", "/validUntil", "/credentialSubject/birthCountry"]}.get(folder)


# -- round trips over bundled contexts ----------------------------------------------------
ISSUER = Key.generate("P-256")
VM = ISSUER.did_key() + "#" + ISSUER.public_multikey()


def credential() -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": ISSUER.did_key(),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"name": "Jane Doe", "degree": {"type": "BachelorDegree", "name": "BSc"},
                              "results": [{"course": "Maths", "grade": "A"}, {"course": "Art", "grade": "B"}]},
    }


def resolve(vm: str, purpose: str) -> tuple[Key, str]:
    assert vm == VM
    return ISSUER.public_only(), ISSUER.did_key()


@pytest.fixture(scope="module")
def base() -> dict:
    return di.sign(credential(), ISSUER, cryptosuite="ecdsa-sd-2023", verification_method=VM,
                   mandatory_pointers=["/issuer", "/validFrom"], created="2026-01-01T00:00:00Z")


@pytest.fixture(scope="module")
def derived(base: dict) -> dict:
    return sd.derive(base, ["/credentialSubject/degree/name", "/credentialSubject/results/1/grade"])


def test_derived_proof_verifies_and_discloses_only_the_selection(derived: dict) -> None:
    assert di.verify(derived, resolve).ok
    subject = derived["credentialSubject"]
    assert subject["degree"] == {"type": "BachelorDegree", "name": "BSc"}
    assert subject["results"] == [{"grade": "B"}] and "name" not in subject
    assert derived["proof"]["proofValue"].startswith("u")


def test_base_proof_verifies_for_the_holder_and_is_refused_by_a_verifier(base: dict) -> None:
    sd.verify_base({k: v for k, v in base.items() if k != "proof"}, base["proof"], ISSUER.public_only())
    result = di.verify(base, resolve)
    assert not result.ok and result.reason == R.SD_BASE_PROOF


def test_tampered_base_proof_is_a_bad_signature(base: dict) -> None:
    tampered = copy.deepcopy(base)
    tampered["credentialSubject"]["name"] = "Mallory"
    assert di.verify(tampered, resolve).reason == R.BAD_SIGNATURE


def test_changed_disclosed_value_fails(derived: dict) -> None:
    tampered = copy.deepcopy(derived)
    tampered["credentialSubject"]["degree"]["name"] = "PhD"
    result = di.verify(tampered, resolve)
    # Which signature fails depends on where the changed statement sorts among the HMAC labels.
    assert not result.ok and result.reason == R.BAD_SIGNATURE


def test_dropped_mandatory_statement_fails(derived: dict) -> None:
    tampered = copy.deepcopy(derived)
    del tampered["validFrom"]
    result = di.verify(tampered, resolve)
    assert not result.ok and result.reason in (R.SD_SIGNATURE_COUNT, R.BAD_SIGNATURE)


def test_wrong_signature_count_fails(derived: dict) -> None:
    tampered = copy.deepcopy(derived)
    value = sd.parse_derived(tampered["proof"]["proofValue"])
    value.signatures = value.signatures[:-1]
    tampered["proof"]["proofValue"] = sd.serialize_derived(value)
    result = di.verify(tampered, resolve)
    assert not result.ok and result.reason == R.SD_SIGNATURE_COUNT


def test_changed_mandatory_value_breaks_the_base_signature(derived: dict) -> None:
    tampered = copy.deepcopy(derived)
    tampered["validFrom"] = "2025-01-01T00:00:00Z"
    result = di.verify(tampered, resolve)
    assert not result.ok and result.reason == R.BAD_SIGNATURE and "base signature" in result.message


@pytest.mark.parametrize("value", ["zabc", "u", "u" + "A" * 10, "u2V0BgA", "u2V0AhVhA"])
def test_malformed_proof_values_are_named(derived: dict, value: str) -> None:
    tampered = copy.deepcopy(derived)
    tampered["proof"]["proofValue"] = value
    assert di.verify(tampered, resolve).reason == R.MALFORMED_PROOF


def test_a_pointer_that_matches_nothing_cannot_be_signed() -> None:
    with pytest.raises(di.SigningError):
        di.sign(credential(), ISSUER, cryptosuite="ecdsa-sd-2023", verification_method=VM,
                mandatory_pointers=["/nope"])
