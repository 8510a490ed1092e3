"""VC API verifiers and presentations: a presentation proves who holds the credentials and is
bound to one verifier's challenge and domain, so it cannot be replayed elsewhere."""

from __future__ import annotations

import uuid

import pytest

from ler_interop.credentials import crafting
from ler_interop.protocols.vcapi import assert_accepted, assert_rejected_against_control

VCAPI_VP = "https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#verify-presentation"
DI = "https://www.w3.org/TR/vc-data-integrity/"


def check(id, title, principles, spec, level="MUST"):
    return pytest.mark.check(id=id, title=title, principles=principles, level=level, spec=spec, role="verifier",
                             protocol="vc-api", requires=["presentations"])


@pytest.fixture
def holder() -> crafting.Signer:
    return crafting.Signer.did_key()


@pytest.fixture
def challenge() -> str:
    return uuid.uuid4().hex


DOMAIN = "verifier.ler-interop.example"


@check("VER-VCAPI-040", "Accepts a valid presentation bound to the given challenge and domain", ["P1", "P4"], VCAPI_VP)
def test_accepts_presentation(verify_presentation, holder, key_issuer, credential, challenge):
    vp = crafting.presentation(holder, [key_issuer.issue(credential())], challenge=challenge, domain=DOMAIN)
    assert_accepted(verify_presentation(vp, {"challenge": challenge, "domain": DOMAIN}), "a valid presentation")


def _presented(verify_presentation, holder, credentials, *, challenge, domain, expected_challenge):
    vp = crafting.presentation(holder, credentials, challenge=challenge, domain=domain)
    return verify_presentation(vp, {"challenge": expected_challenge, "domain": DOMAIN})


@check("VER-VCAPI-041", "Rejects a presentation made for another challenge (replay)", ["P2"], DI + "#verify-proof")
def test_rejects_wrong_challenge(verify_presentation, holder, key_issuer, credential, challenge):
    vcs = [key_issuer.issue(credential())]
    control = _presented(verify_presentation, holder, vcs, challenge=challenge, domain=DOMAIN, expected_challenge=challenge)
    replay = _presented(verify_presentation, holder, vcs, challenge="an-old-challenge", domain=DOMAIN,
                        expected_challenge=challenge)
    assert_rejected_against_control(control, replay, "a presentation for another challenge", artifact="presentation")


@check("VER-VCAPI-042", "Rejects a presentation made for another domain", ["P2"], DI + "#verify-proof")
def test_rejects_wrong_domain(verify_presentation, holder, key_issuer, credential, challenge):
    vcs = [key_issuer.issue(credential())]
    control = _presented(verify_presentation, holder, vcs, challenge=challenge, domain=DOMAIN, expected_challenge=challenge)
    elsewhere = _presented(verify_presentation, holder, vcs, challenge=challenge, domain="evil.example",
                           expected_challenge=challenge)
    assert_rejected_against_control(control, elsewhere, "a presentation for another domain", artifact="presentation")


@check("VER-VCAPI-043", "Rejects a presentation carrying a tampered credential", ["P2"], VCAPI_VP)
def test_rejects_tampered_inner_credential(verify_presentation, holder, key_issuer, credential, challenge):
    signed = key_issuer.issue(credential())
    control = _presented(verify_presentation, holder, [signed], challenge=challenge, domain=DOMAIN,
                         expected_challenge=challenge)
    tampered = _presented(verify_presentation, holder, [crafting.tamper_claim(signed)], challenge=challenge,
                          domain=DOMAIN, expected_challenge=challenge)
    assert_rejected_against_control(control, tampered, "a presentation with a tampered credential", artifact="presentation")
