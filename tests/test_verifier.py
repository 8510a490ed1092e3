"""The suite's own verifier: each named check answers for its own step, and each failure
reason produced on purpose is reported as that reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ler_interop.credentials import crafting, jose, samples, sdjwt
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.keys import Key
from ler_interop.credentials.verifier import CredentialVerifier

VECTORS = Path(__file__).resolve().parents[2] / "shared" / "vectors"


@pytest.fixture(scope="module")
def signer() -> crafting.Signer:
    return crafting.Signer.did_key(Key.generate("Ed25519"))


@pytest.fixture(scope="module")
def verifier() -> CredentialVerifier:
    return CredentialVerifier(DidResolver())


def failed(result) -> dict[str, str | None]:
    return {c.name: c.reason for c in result.checks if not c.ok}


def test_valid_ob3_credential_passes_every_check(signer, verifier):
    result = verifier.verify(signer.issue(samples.achievement_credential("x", subject_name="山田 花子")))
    assert result.verified, result.errors
    names = [c.name for c in result.checks]
    assert names == ["format", "jsonld", "proof", "issuer-binding", "data-model", "schema", "validity", "status"]


@pytest.mark.parametrize("mutate, check, reason", [
    (crafting.tamper_claim, "proof", "bad-signature"),
    (crafting.tamper_proof_value, "proof", "bad-signature"),
    (crafting.with_cryptosuite, "proof", "unknown-cryptosuite"),
    (crafting.tamper_unicode_normalisation, "proof", "bad-signature"),
])
def test_forgeries_report_their_reason(signer, verifier, mutate, check, reason):
    signed = signer.issue(samples.achievement_credential("x", subject_name="Zoë Ñúñez-Øster"))
    assert failed(verifier.verify(mutate(signed)))[check] == reason


def test_non_controller_fails_only_issuer_binding(verifier):
    forged = crafting.signed_by_non_controller(samples.achievement_credential("x"), "did:example:university")
    assert failed(verifier.verify(forged)) == {"issuer-binding": "issuer-binding"}


@pytest.mark.parametrize("make, reason", [(crafting.expired, "validity.expired"),
                                          (crafting.not_yet_valid, "validity.not-yet-valid")])
def test_validity_is_its_own_check(signer, verifier, make, reason):
    result = verifier.verify(signer.issue(make(samples.achievement_credential("x"))))
    assert failed(result) == {"validity": reason}


@pytest.mark.parametrize("make", [crafting.with_dropped_term, crafting.with_relative_type])
def test_safe_mode_findings_are_context_problems(signer, verifier, make):
    result = verifier.verify(signer.issue(make(samples.achievement_credential("x")), allow_unsafe=True))
    assert failed(result)["jsonld"] == "context"
    assert failed(result)["proof"] == "context"


def test_unknown_context_is_a_finding_not_a_download(signer, verifier):
    doc = samples.language_credential("x")
    doc["@context"] = doc["@context"] + ["https://unknown.example/context.jsonld"]
    result = verifier.verify(doc, unsigned=True)
    assert failed(result)["jsonld"] == "context"
    assert "https://unknown.example/context.jsonld" in result.check("jsonld").message


def test_ignore_skips_exactly_one_safeguard(signer, verifier):
    tampered = crafting.tamper_claim(signer.issue(samples.achievement_credential("x")))
    assert verifier.verify_credential(tampered, ignore={"bad-signature"}).verified
    expired = signer.issue(crafting.expired(samples.achievement_credential("x")))
    assert not verifier.verify_credential(expired, ignore={"bad-signature"}).verified


def test_presentation_binds_challenge_domain_and_holder(signer, verifier):
    holder = crafting.Signer.did_key()
    vc = signer.issue(samples.achievement_credential("x"))
    vp = crafting.presentation(holder, [vc], challenge="c-1", domain="v.example")
    assert verifier.verify(vp, challenge="c-1", domain="v.example").verified
    assert failed(verifier.verify(vp, challenge="c-2", domain="v.example"))["proof"] == "challenge-mismatch"
    assert failed(verifier.verify(vp, challenge="c-1", domain="evil.example"))["proof"] == "domain-mismatch"
    inner = crafting.presentation(holder, [crafting.tamper_claim(vc)], challenge="c-1", domain="v.example")
    assert failed(verifier.verify(inner, challenge="c-1", domain="v.example"))["credential[0].proof"] == "bad-signature"


def test_vc_jwt_is_verified_with_the_same_checks(verifier):
    key = Key.generate("P-256")
    issuer = key.did_key()
    credential = samples.achievement_credential(issuer)
    credential["issuer"]["id"] = issuer
    token = jose.sign_vc_jwt(credential, key, f"{issuer}#{key.public_multikey()}")
    result = verifier.verify(token)
    assert result.verified, result.errors
    tampered = token.rsplit(".", 1)[0] + "." + ("A" * 86)
    assert failed(verifier.verify(tampered))["proof"] == "bad-signature"


def test_sd_jwt_issuer_binding(verifier):
    key = Key.generate("Ed25519")
    did = key.did_key()
    token = sdjwt.issue_sd_jwt({"iss": did, "name": "Анна"}, key, f"{did}#{key.public_multikey()}",
                               vct="https://ler-interop.example/vct/achievement", disclosable=["name"])
    result = verifier.verify(token)
    assert result.verified, result.errors
    stranger = sdjwt.issue_sd_jwt({"iss": "did:example:other", "name": "x"}, key, f"{did}#{key.public_multikey()}",
                                  vct="https://ler-interop.example/vct/achievement")
    assert "issuer-binding" in failed(verifier.verify(stranger))


@pytest.mark.parametrize("path", ["vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
                                  "vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json"])
def test_w3c_vectors_valid_proof_but_issuer_not_the_signer(verifier, path):
    """The W3C vectors name https://vc.example/issuers/5678 as issuer but are signed by a
    did:key that issuer does not control: the proof verifies, the issuer binding does not."""
    file = VECTORS / path
    if not file.exists():
        pytest.skip("W3C vectors not present")
    result = verifier.verify(json.loads(file.read_text()))
    assert result.check("proof").ok, result.check("proof").message
    assert not result.check("issuer-binding").ok
    assert not result.verified


def test_a_status_list_pointing_at_itself_is_fetched_once(signer):
    """A status list's own credentialStatus is never followed (no recursion through a vendor)."""
    from ler_interop.credentials.statuslist import StatusList, status_entry, status_list_credential

    url = "https://status.example/lists/1"
    unsigned = status_list_credential(url, signer.did, "revocation", StatusList())
    unsigned["credentialStatus"] = status_entry(url, 7, "revocation")
    listed = signer.sign(unsigned)
    fetched: list[str] = []

    def fetch(u: str) -> dict:
        fetched.append(u)
        return listed

    credential = samples.achievement_credential("x")
    credential["credentialStatus"] = status_entry(url, 3, "revocation")
    result = CredentialVerifier(DidResolver(), fetch_json=fetch).verify(signer.issue(credential))
    assert result.check("status").ok, result.check("status").message
    assert fetched == [url]


def test_sd_jwt_key_binding_is_held_to_the_expected_nonce_and_audience(verifier):
    issuer, holder = Key.generate("Ed25519"), Key.generate("P-256")
    did = issuer.did_key()
    token = sdjwt.issue_sd_jwt({"iss": did, "name": "山田 花子"}, issuer, f"{did}#{issuer.public_multikey()}",
                               vct="https://ler-interop.example/vct/achievement", disclosable=["name"],
                               holder_jwk=holder.public_jwk())
    presented = sdjwt.present(token, ["name"], holder_key=holder, nonce="nonce-A", aud="https://verifier-a.example")
    assert verifier.verify(presented, challenge="nonce-A", domain="https://verifier-a.example").verified
    replayed = verifier.verify(presented, challenge="nonce-B", domain="https://verifier-b.example")
    assert failed(replayed)["proof"] == "holder-binding"
    assert failed(verifier.verify(token, challenge="nonce-A"))["proof"] == "holder-binding"  # no KB-JWT at all


def test_waiving_one_step_still_checks_the_signature(signer, verifier):
    """A fault that forgives undefined terms must not also forgive a tampered signature."""
    dropped = {"jsonld.safe-mode.dropped-term"}
    signed = signer.issue(crafting.with_dropped_term(samples.achievement_credential("x")), allow_unsafe=True)
    assert verifier.verify_credential(signed, ignore=dropped).verified
    tampered = crafting.tamper_claim(signed)
    assert failed(verifier.verify_credential(tampered, ignore=dropped))["proof"] == "bad-signature"
    holder = crafting.Signer.did_key()
    vp = crafting.presentation(holder, [signer.issue(samples.achievement_credential("x"))], challenge="c", domain="d")
    vp["proof"]["proofValue"] = crafting.tamper_proof_value(vp)["proof"]["proofValue"]
    result = verifier.verify(vp, challenge="other", domain="d", ignore={"challenge-mismatch"})
    assert failed(result)["proof"] == "bad-signature"


def test_a_list_whose_proof_fails_names_why(signer):
    """list-proof-invalid says which of the list's own checks failed (here its signature)."""
    from ler_interop.credentials.statuslist import StatusList, status_entry, status_list_credential

    url = "https://status.example/lists/2"
    forged = crafting.tamper_claim(signer.sign(status_list_credential(url, signer.did, "revocation", StatusList())))
    credential = samples.achievement_credential("x")
    credential["credentialStatus"] = status_entry(url, 3, "revocation")
    status = CredentialVerifier(DidResolver(), fetch_json=lambda u: forged).verify(signer.issue(credential)).check("status")
    assert status.reason == "status.list-proof-invalid"
    assert "does not verify: proof [" in status.message, status.message
