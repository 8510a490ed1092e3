"""Data Integrity sign/verify: round trips, proof sets, and every failure reason on purpose."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest

from ler_interop.credentials import dataintegrity as di
from ler_interop.credentials import findings as R
from ler_interop.credentials.keys import Key

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SUITES = [("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"), ("ecdsa-rdfc-2019", "P-384"),
          ("eddsa-jcs-2022", "Ed25519")]
NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


def did_key_vm(key: Key) -> str:
    multikey = key.public_multikey()
    return f"did:key:{multikey}#{multikey}"


def resolve_did_key(vm: str, purpose: str) -> tuple[Key, str]:
    """A did:key-only resolver: the key is the DID itself, authorized for every purpose."""
    did, _, fragment = vm.partition("#")
    if not did.startswith("did:key:") or fragment != did[len("did:key:"):]:
        raise di.VerificationMethodError(R.KEY_NOT_FOUND, f"cannot resolve {vm}")
    return Key.from_multikey(fragment), did


def assertion_only(vm: str, purpose: str) -> tuple[Key, str]:
    if purpose != "assertionMethod":
        raise di.VerificationMethodError(R.KEY_NOT_AUTHORIZED, f"{vm} is not authorized for {purpose}")
    return resolve_did_key(vm, purpose)


@pytest.fixture(scope="module")
def keys() -> dict[str, Key]:
    return {"Ed25519": Key.generate("Ed25519"), "P-256": Key.generate("P-256"), "P-384": Key.generate("P-384")}


def credential() -> dict:
    return {
        "@context": [VC_V2, OB_V3],
        "id": "urn:uuid:5b1a7a36-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.edu/issuer", "type": ["Profile"], "name": "Example U"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.edu/a/1", "type": ["Achievement"], "name": "Teamwork",
                            "criteria": {"narrative": "Peer nominated."}},
        },
    }


def signed(keys, suite="eddsa-rdfc-2022", key_type="Ed25519", doc=None, **kw) -> dict:
    key = keys[key_type]
    kw.setdefault("created", "2025-01-01T00:00:00Z")
    return di.sign(doc or credential(), key, cryptosuite=suite, verification_method=did_key_vm(key), **kw)


def verify(doc, resolver=resolve_did_key, **kw) -> R.ProofResult:
    kw.setdefault("now", NOW)
    return di.verify(doc, resolver, **kw)


# -- round trips -------------------------------------------------------------------------
@pytest.mark.parametrize("suite,key_type", SUITES)
def test_round_trip(keys, suite, key_type):
    doc = signed(keys, suite, key_type)
    proof = doc["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == suite
    assert proof["proofValue"].startswith("z")
    result = verify(doc)
    assert result.ok, result
    assert result.verification_methods == [did_key_vm(keys[key_type])]
    assert result.controllers == [keys[key_type].did_key()]


@pytest.mark.parametrize("suite,key_type", SUITES)
def test_tampering_is_a_bad_signature(keys, suite, key_type):
    doc = signed(keys, suite, key_type)
    doc["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert verify(doc).reason == R.BAD_SIGNATURE


@pytest.mark.parametrize("suite,key_type", SUITES)
def test_tampered_proof_options_are_a_bad_signature(keys, suite, key_type):
    doc = signed(keys, suite, key_type)
    doc["proof"]["created"] = "2025-01-02T00:00:00Z"
    assert verify(doc).reason == R.BAD_SIGNATURE


def test_p384_hashes_with_sha384(keys):
    """vc-di-ecdsa (ecdsa-rdfc-2019): a P-384 key hashes the proof configuration and the
    document with SHA-384, so its 96-byte signature covers SHA-384 hashData, not SHA-256's."""
    from ler_interop.credentials.cryptosuites import SUITES as ALL, hash_input

    doc = signed(keys, "ecdsa-rdfc-2019", "P-384")
    assert doc["proof"]["verificationMethod"].startswith("did:key:z82L")  # the P-384 did:key prefix
    signature = di.decode_multibase(doc["proof"]["proofValue"])
    assert len(signature) == 96
    options = {k: v for k, v in doc["proof"].items() if k != "proofValue"}
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    hashed = hash_input(ALL["ecdsa-rdfc-2019"], unsecured, di.proof_config_for(unsecured, options))
    assert len(hashed.hash_data_for("P-384")) == 96
    assert keys["P-384"].verify(signature, hashed.hash_data_for("P-384"))
    assert not keys["P-384"].verify(signature, hashed.hash_data)


def test_sign_does_not_mutate_its_input(keys):
    original = credential()
    kept = copy.deepcopy(original)
    signed(keys, doc=original)
    assert original == kept


def test_created_defaults_to_now(keys):
    key = keys["Ed25519"]
    doc = di.sign(credential(), key, cryptosuite="eddsa-rdfc-2022", verification_method=did_key_vm(key))
    created = datetime.fromisoformat(doc["proof"]["created"].replace("Z", "+00:00"))
    assert abs(datetime.now(timezone.utc) - created) < timedelta(minutes=1)
    assert di.verify(doc, resolve_did_key).ok


def test_v1_document_gets_the_data_integrity_context(keys):
    doc = {"@context": [VC_V1], "type": ["VerifiableCredential"], "issuer": "did:example:i",
           "issuanceDate": "2024-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:s"}}
    out = signed(keys, doc=doc)
    assert out["@context"] == [VC_V1, "https://w3id.org/security/data-integrity/v2"]
    assert verify(out).ok


# -- proof sets --------------------------------------------------------------------------
def test_signing_a_signed_document_appends_to_the_proof_set(keys):
    once = signed(keys)
    twice = signed(keys, "ecdsa-rdfc-2019", "P-256", doc=once)
    assert isinstance(twice["proof"], list) and len(twice["proof"]) == 2
    result = verify(twice)
    assert result.ok, result
    assert result.verification_methods == [did_key_vm(keys["Ed25519"]), did_key_vm(keys["P-256"])]
    thrice = signed(keys, "eddsa-jcs-2022", doc=twice)
    assert len(thrice["proof"]) == 3 and verify(thrice).ok


def test_one_bad_proof_fails_the_set(keys):
    doc = signed(keys, "ecdsa-rdfc-2019", "P-256", doc=signed(keys))
    doc["proof"][1]["proofValue"] = doc["proof"][0]["proofValue"]
    result = verify(doc)
    assert result.reason == R.BAD_SIGNATURE and "proof[1]" in result.message
    assert result.details["proofs"][0]["ok"] and not result.details["proofs"][1]["ok"]


# -- each failure reason on purpose ------------------------------------------------------
def test_no_proof(keys):
    assert verify(credential()).reason == R.NO_PROOF


@pytest.mark.parametrize("mutate", [
    lambda p: p.pop("proofValue"),
    lambda p: p.pop("verificationMethod"),
    lambda p: p.pop("proofPurpose"),
    lambda p: p.update(type=["DataIntegrityProof"]),
    lambda p: p.update(proofValue="uNotBase58btc"),
    lambda p: p.update(proofValue="z0OIl"),  # characters outside the base58 alphabet
    lambda p: p.update(proofValue="z" + "1" * 10),  # decodes to the wrong length
    lambda p: p.update(created="yesterday"),
    lambda p: p.update(expires=20300101),
    lambda p: p.update(expires="2030-02-30T00:00:00Z"),
    lambda p: p.update(cryptosuite=7),
    lambda p: p.update(previousProof="urn:uuid:earlier"),
], ids=["no-proofValue", "no-vm", "no-purpose", "ill-typed-type", "not-base58btc", "bad-alphabet",
        "wrong-length", "bad-created", "ill-typed-expires", "impossible-expires", "ill-typed-cryptosuite", "proof-chain"])
def test_malformed_proofs(keys, mutate):
    doc = signed(keys)
    mutate(doc["proof"])
    assert verify(doc).reason == R.MALFORMED_PROOF


def test_proof_that_is_not_an_object(keys):
    doc = signed(keys)
    doc["proof"] = "signature"
    assert verify(doc).reason == R.MALFORMED_PROOF


def test_unknown_cryptosuite(keys):
    doc = signed(keys)
    doc["proof"]["cryptosuite"] = "bbs-2023"
    assert verify(doc).reason == R.UNKNOWN_CRYPTOSUITE


def test_key_not_found(keys):
    doc = signed(keys)
    doc["proof"]["verificationMethod"] = "did:key:z6MkNowhere#other-fragment"
    assert verify(doc).reason == R.KEY_NOT_FOUND


def test_key_of_the_wrong_type_is_not_found(keys):
    doc = signed(keys)
    doc["proof"]["verificationMethod"] = did_key_vm(keys["P-256"])  # signs as Ed25519, names a P-256 key
    assert verify(doc).reason == R.KEY_NOT_FOUND


def test_key_not_authorized_for_the_purpose(keys):
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": keys["Ed25519"].did_key()}
    doc = signed(keys, doc=vp, proof_purpose="authentication", challenge="c-1", domain="https://verifier.example")
    result = verify(doc, assertion_only, expected_purpose="authentication", challenge="c-1",
                    domain="https://verifier.example")
    assert result.reason == R.KEY_NOT_AUTHORIZED


def test_wrong_purpose(keys):
    doc = signed(keys, proof_purpose="authentication")
    assert verify(doc).reason == R.WRONG_PURPOSE


def test_expired_proof(keys):
    doc = signed(keys, expires="2025-03-01T00:00:00Z")
    assert verify(doc).reason == R.PROOF_EXPIRED
    assert verify(doc, now=datetime(2025, 2, 1, tzinfo=timezone.utc)).ok


def test_proof_from_the_future(keys):
    doc = signed(keys, created="2030-01-01T00:00:00Z")
    assert verify(doc).reason == R.PROOF_NOT_YET_VALID


def presentation(keys, **kw) -> dict:
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": keys["Ed25519"].did_key()}
    return signed(keys, doc=vp, proof_purpose="authentication", **kw)


def test_presentation_challenge_and_domain(keys):
    vp = presentation(keys, challenge="n-0S6_WzA2Mj", domain="https://verifier.example")
    ok = verify(vp, expected_purpose="authentication", challenge="n-0S6_WzA2Mj", domain="https://verifier.example")
    assert ok.ok, ok
    assert verify(vp, expected_purpose="authentication", challenge="other").reason == R.CHALLENGE_MISMATCH
    assert verify(vp, expected_purpose="authentication", domain="https://evil.example").reason == R.DOMAIN_MISMATCH
    assert verify(presentation(keys), expected_purpose="authentication", challenge="x").reason == R.CHALLENGE_MISMATCH


def test_domain_may_be_a_list(keys):
    vp = presentation(keys, domain=["https://a.example", "https://b.example"])
    assert verify(vp, expected_purpose="authentication", domain="https://b.example").ok


def test_unknown_context_is_a_context_problem(keys):
    doc = signed(keys)
    doc["@context"] = [*doc["@context"], "https://contexts.example/unbundled.json"]
    result = verify(doc)
    assert result.reason == R.CONTEXT_PROBLEM and "unbundled" in result.message


def test_signed_undefined_term_is_a_context_problem(keys):
    doc = credential()
    doc["@context"] = [*doc["@context"], {"secret": None}]
    doc["secret"] = "outside the signature"
    with pytest.raises(di.SigningError):
        signed(keys, doc=doc)
    crafted = signed(keys, doc=doc, allow_unsafe=True)
    result = verify(crafted)
    assert result.reason == R.CONTEXT_PROBLEM
    assert result.details["findings"][0]["path"] == "$.secret"


def test_undefined_term_in_the_proof_is_a_context_problem(keys):
    doc = {"@context": [VC_V1, "https://w3id.org/security/data-integrity/v2"], "type": ["VerifiableCredential"],
           "issuer": "did:example:i", "issuanceDate": "2024-01-01T00:00:00Z",
           "credentialSubject": {"id": "did:example:s"}}
    out = signed(keys, doc=doc)
    out["proof"]["note"] = "not covered by any context"
    result = verify(out)
    assert result.reason == R.CONTEXT_PROBLEM
    assert result.details["findings"][0]["path"] == "$.proof.note"


def test_jcs_proof_context_must_prefix_the_document_context(keys):
    doc = signed(keys, "eddsa-jcs-2022")
    doc["proof"]["@context"] = [OB_V3]
    assert verify(doc).reason == R.CONTEXT_PROBLEM


def test_not_a_document():
    assert verify(["not", "an", "object"]).reason == R.MALFORMED_PROOF


# -- signing refusals ----------------------------------------------------------------------
def test_signing_refusals(keys):
    vm = did_key_vm(keys["Ed25519"])
    with pytest.raises(di.SigningError, match="unknown cryptosuite"):
        di.sign(credential(), keys["Ed25519"], cryptosuite="rsa-2000", verification_method=vm)
    with pytest.raises(di.SigningError, match="needs an P-256"):
        di.sign(credential(), keys["Ed25519"], cryptosuite="ecdsa-rdfc-2019", verification_method=vm)
    with pytest.raises(di.SigningError, match="public key"):
        di.sign(credential(), keys["Ed25519"].public_only(), cryptosuite="eddsa-rdfc-2022", verification_method=vm)
    with pytest.raises(di.SigningError, match="unknown JSON-LD context"):
        di.sign({"@context": [VC_V2, "https://x.example/c"], "type": ["VerifiableCredential"]}, keys["Ed25519"],
                cryptosuite="eddsa-rdfc-2022", verification_method=vm)
    with pytest.raises(di.SigningError, match="dateTimeStamp"):
        di.sign(credential(), keys["Ed25519"], cryptosuite="eddsa-rdfc-2022", verification_method=vm,
                created="2025-01-01")


# -- base direction (issue 10) ---------------------------------------------------------------
def rtl_credential() -> dict:
    doc = credential()
    doc["credentialSubject"]["achievement"]["description"] = {
        "@value": "شهادة إدارة البيانات", "@language": "ar", "@direction": "rtl"}
    return doc


@pytest.mark.parametrize("suite,key_type", SUITES)
def test_a_direction_flipped_after_signing_does_not_verify(keys, suite, key_type):
    from ler_interop.credentials.crafting import flip_direction

    doc = signed(keys, suite, key_type, doc=rtl_credential())
    assert verify(doc).ok
    flipped = flip_direction(doc)
    assert flipped["credentialSubject"]["achievement"]["description"]["@direction"] == "ltr"
    assert verify(flipped).reason == R.BAD_SIGNATURE


def test_a_direction_that_would_be_dropped_cannot_be_signed(keys):
    doc = credential()
    doc["name"] = {"@value": 3, "@direction": "rtl"}
    with pytest.raises(di.SigningError, match="dropped-direction"):
        signed(keys, doc=doc)
    result = verify(signed(keys, doc=doc, allow_unsafe=True))
    assert result.reason == R.CONTEXT_PROBLEM
    assert result.details["findings"][0]["path"] == "$.name"
