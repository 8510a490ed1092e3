"""VC API verifiers: accept what is valid, and reject — with a 4xx that says `verified: false`,
never a 5xx, never a timeout — each way a credential can be forged, stale or withdrawn.

Every negative check breaks exactly one thing in an otherwise valid credential
(ler_interop.credentials.crafting), so a verifier that accepts it skipped that safeguard.
"""

from __future__ import annotations

import pytest

from ler_interop.credentials import crafting
from ler_interop.credentials.samples import UNICODE_NAMES, language_credential
from ler_interop.protocols.vcapi import assert_accepted, assert_rejected_against_control

VCAPI_VERIFY = "https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#verify-credential"
DI = "https://www.w3.org/TR/vc-data-integrity/"
VCDM = "https://www.w3.org/TR/vc-data-model-2.0/"
BSL = "https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm"


def check(id, title, principles, spec, level="MUST", requires=(), profiles=()):
    return pytest.mark.check(id=id, title=title, principles=principles, level=level, spec=spec, role="verifier",
                             protocol="vc-api", requires=list(requires), profiles=list(profiles))


# -- accepting what is valid ------------------------------------------------------------
@check("VER-VCAPI-001", "Accepts a valid OB 3.0 credential secured with eddsa-rdfc-2022", ["P1"],
       "https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022", requires=["eddsa-rdfc-2022"], profiles=["ob3"])
def test_accepts_eddsa_rdfc(verify, key_issuer, credential):
    assert_accepted(verify(key_issuer.issue(credential())), "a valid eddsa-rdfc-2022 credential")


@check("VER-VCAPI-002", "Accepts a valid credential secured with ecdsa-rdfc-2019 (P-256)", ["P1"],
       "https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019", requires=["ecdsa-rdfc-2019"])
def test_accepts_ecdsa_rdfc(verify, p256_issuer, credential):
    assert_accepted(verify(p256_issuer.issue(credential())), "a valid ecdsa-rdfc-2019 credential")


@check("VER-VCAPI-003", "Accepts a valid credential secured with eddsa-jcs-2022", ["P1"],
       "https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022", requires=["eddsa-jcs-2022"])
def test_accepts_eddsa_jcs(verify, key_issuer, credential):
    assert_accepted(verify(key_issuer.issue(credential(), cryptosuite="eddsa-jcs-2022")), "a valid eddsa-jcs-2022 credential")


@check("VER-VCAPI-004", "Accepts a credential from a foreign did:web issuer", ["P7", "P5"],
       "https://w3c-ccg.github.io/did-method-web/#read-resolve", requires=["did:web"])
def test_accepts_foreign_did_web(verify, web_issuer, credential):
    assert_accepted(verify(web_issuer.issue(credential())), f"a credential from {web_issuer.did}")


@check("VER-VCAPI-005", "Accepts language value objects and a right-to-left name", ["P7"],
       VCDM + "#language-and-base-direction")
def test_accepts_language_values(verify, key_issuer):
    assert_accepted(verify(key_issuer.issue(language_credential(key_issuer.did))), "a credential with language value objects")


@check("VER-VCAPI-006", "Accepts Unicode learner names in CJK, Arabic, Cyrillic and Greek", ["P7"], VCDM + "#credential-subject")
@pytest.mark.parametrize("script", ["cjk", "arabic", "cyrillic", "greek"])
def test_accepts_unicode_names(verify, key_issuer, credential, script):
    assert_accepted(verify(key_issuer.issue(credential(subject_name=UNICODE_NAMES[script]))), f"a {script} name")


@check("VER-VCAPI-007", "Accepts a credential whose status entries are clear", ["P2"], BSL,
       requires=["status:revocation"])
def test_accepts_clear_status(verify, with_status, credential):
    assert_accepted(verify(with_status(credential(), "revocation", False)), "a credential with a clear revocation bit")


# -- rejecting forgeries ------------------------------------------------------------------
# Each negative check sends the untouched twin first (the positive control), then the copy
# with exactly one thing broken.
@check("VER-VCAPI-010", "Rejects a credential whose claims were changed after signing", ["P2"], DI + "#verify-proof")
def test_rejects_tampered_claim(verify, key_issuer, credential):
    signed = key_issuer.issue(credential())
    assert_rejected_against_control(verify(signed), verify(crafting.tamper_claim(signed)), "a tampered name")


@check("VER-VCAPI-011", "Rejects a credential whose proofValue was altered", ["P2"], DI + "#verify-proof")
def test_rejects_tampered_proof_value(verify, key_issuer, credential):
    signed = key_issuer.issue(credential())
    assert_rejected_against_control(verify(signed), verify(crafting.tamper_proof_value(signed)), "an altered proofValue")


@check("VER-VCAPI-012", "Rejects a proof made by another key than the one its verification method names", ["P2"],
       DI + "#verify-proof")
def test_rejects_wrong_key(verify, key_issuer, credential):
    template = credential()
    assert_rejected_against_control(verify(key_issuer.issue(template)),
                                    verify(crafting.signed_by_other_key(template, key_issuer)), "a proof by another key")


@check("VER-VCAPI-013", "Rejects a valid proof by a key the named issuer does not control", ["P2"],
       DI + "#relationship-to-verifiable-credentials", profiles=["ler-verifier"])
def test_rejects_non_controller(verify, key_issuer, credential):
    template = credential()
    assert_rejected_against_control(verify(key_issuer.issue(template)),
                                    verify(crafting.signed_by_non_controller(template, key_issuer.did)),
                                    "a credential naming an issuer that did not sign it")


@check("VER-VCAPI-014", "Rejects an unknown cryptosuite", ["P2", "P1"], DI + "#verify-proof")
def test_rejects_unknown_cryptosuite(verify, key_issuer, credential):
    signed = key_issuer.issue(credential())
    assert_rejected_against_control(verify(signed), verify(crafting.with_cryptosuite(signed)), "cryptosuite eddsa-rdfc-2099")


@check("VER-VCAPI-015", "Rejects a name re-encoded to another Unicode normal form after signing", ["P2", "P7"],
       DI + "#verify-proof")
def test_rejects_unicode_normalisation(verify, key_issuer, credential):
    signed = key_issuer.issue(credential(subject_name=UNICODE_NAMES["latin-diacritics"]))
    assert_rejected_against_control(verify(signed), verify(crafting.tamper_unicode_normalisation(signed)),
                                    "an NFD-re-encoded name")


@check("VER-VCAPI-016", "Rejects a term that JSON-LD would silently drop from the signed data", ["P2"],
       DI + "#securing-data-losslessly")
def test_rejects_dropped_term(verify, key_issuer, credential):
    template = credential()
    bad = key_issuer.issue(crafting.with_dropped_term(template), allow_unsafe=True)
    assert_rejected_against_control(verify(key_issuer.issue(template)), verify(bad), "an undefined (dropped) term")


@check("VER-VCAPI-017", "Rejects a relative @type IRI", ["P2", "P1"], DI + "#securing-data-losslessly")
def test_rejects_relative_type(verify, key_issuer, credential):
    template = credential()
    bad = key_issuer.issue(crafting.with_relative_type(template), allow_unsafe=True)
    assert_rejected_against_control(verify(key_issuer.issue(template)), verify(bad), "a relative @type")


@check("VER-VCAPI-018", "Rejects a credential proof with the authentication purpose", ["P2"], DI + "#proof-purposes")
def test_rejects_wrong_purpose(verify, key_issuer, credential):
    template = credential()
    bad = key_issuer.issue(template, proof_purpose="authentication", challenge="x", domain="example.org")
    assert_rejected_against_control(verify(key_issuer.issue(template)), verify(bad),
                                    "a credential proof with proofPurpose authentication")


@check("VER-VCAPI-019", "Rejects a credential whose @direction was changed after signing", ["P2", "P7"],
       DI + "#securing-data-losslessly")
def test_rejects_flipped_direction(verify, key_issuer):
    # Signed with rdfDirection i18n-datatype, as deployed rdfc cryptosuites sign: the Arabic
    # name's "rtl" is in the signed data, and DI 1.0 makes dropping it an error.
    signed = key_issuer.issue(language_credential(key_issuer.did))
    assert_rejected_against_control(verify(signed), verify(crafting.flip_direction(signed)),
                                    "a right-to-left name flipped to left-to-right")


# -- rejecting what is stale or withdrawn -------------------------------------------------
# The VC API lets a verifier report these as warnings beside `verified: true`; a warning the
# control did not get counts as flagging the problem. Silence does not.
# SHOULD (020, 021): VCDM 2.0 makes the validity period part of validation, not verification,
# with no MUST ("a verifier can check that the end of the validity period of a verifiable
# credential is not in the past", Appendix "Validity Periods"); `validUntil` only "MUST be a
# dateTimeStamp ... the date and time the credential ceases to be valid". Open Badges 3.0
# ("Verification and Validation") gives "If the current date and time is after the validUntil,
# the OpenBadgeCredential is expired" as a step with no MUST, so `ob3` does not raise it; VCALM
# counts validity periods among warnings ("Warnings are ProblemDetails relating to status and
# validity periods").
@check("VER-VCAPI-020", "Flags an expired credential (validUntil in the past)", ["P2"], VCDM + "#validity-period",
       level="SHOULD")
def test_rejects_expired(verify, key_issuer, credential):
    template = credential()
    assert_rejected_against_control(verify(key_issuer.issue(template)), verify(key_issuer.issue(crafting.expired(template))),
                                    "an expired credential", warning_suffices=True)


@check("VER-VCAPI-021", "Flags a credential that is not yet valid (validFrom in the future)", ["P2"],
       VCDM + "#validity-period", level="SHOULD")
def test_rejects_not_yet_valid(verify, key_issuer, credential):
    template = credential()
    assert_rejected_against_control(verify(key_issuer.issue(template)),
                                    verify(key_issuer.issue(crafting.not_yet_valid(template))),
                                    "a not-yet-valid credential", warning_suffices=True)


@check("VER-VCAPI-022", "Flags a revoked credential", ["P2"], BSL, requires=["status:revocation"])
def test_rejects_revoked(verify, with_status, credential):
    assert_rejected_against_control(verify(with_status(credential(), "revocation", False)),
                                    verify(with_status(credential(), "revocation", True)),
                                    "a revoked credential", warning_suffices=True)


@check("VER-VCAPI-023", "Flags a suspended credential", ["P2"], BSL, requires=["status:suspension"])
def test_rejects_suspended(verify, with_status, credential):
    assert_rejected_against_control(verify(with_status(credential(), "suspension", False)),
                                    verify(with_status(credential(), "suspension", True)),
                                    "a suspended credential", warning_suffices=True)


@check("VER-VCAPI-024", "Rejects a proof whose `expires` has passed", ["P2"], DI + "#relationship-to-verifiable-credentials",
       level="SHOULD")
def test_rejects_expired_proof(verify, key_issuer, credential):
    """SHOULD: Data Integrity defines `expires` ("specifies when the proof expires") but its
    Verify Proof algorithm has no step for it; the only text is advice ("When verifying a proof,
    it is important to ensure that the time of interest ... is within the validity period for
    the proof"), no MUST."""
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    past, future = ((now + timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ") for d in (-1, 30))
    template = credential()
    assert_rejected_against_control(verify(key_issuer.issue(template, expires=future)),
                                    verify(key_issuer.issue(template, expires=past)), "a proof that expired yesterday")


# -- the request itself ---------------------------------------------------------------------
@check("VER-VCAPI-030", "Answers a malformed verify request with 400, not 500", ["P2", "P1"], VCAPI_VERIFY)
def test_malformed_request(vendor, verify_url, verify, key_issuer, credential):
    from ler_interop.protocols.vcapi import assert_bad_input_rejected, require_control

    # The control: a verifier answering 400 to everything would otherwise pass.
    require_control(verify(key_issuer.issue(credential())))
    response = vendor.http.post(verify_url, content=b'{"verifiableCredential": ', headers={"content-type": "application/json"})
    assert_bad_input_rejected(response, "truncated JSON body")


@check("VER-VCAPI-031", "Verification needs no account: the verify endpoint answers without credentials", ["P6"],
       "https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#authorization", level="SHOULD")
def test_verify_without_account(vendor, verify_url, key_issuer, credential):
    from ler_interop.protocols.vcapi import VcApiClient, classify_verify

    anonymous = vendor.http_for("verifier", authorized=False)
    response = VcApiClient(anonymous).verify_credential(verify_url, key_issuer.issue(credential()))
    assert response.status_code not in (401, 403), f"verification without an account answered {response.status_code}"
    assert_accepted(classify_verify(response), "a valid credential from an anonymous caller")
