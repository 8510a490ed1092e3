"""A check's level rests on the text (issue 10 item 6): every MUST check has its sentence or
profile in suites/levels.yaml, and the levels that rest on no MUST are pinned here with the
reason, so a check does not drift back to MUST without a quoted sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from ler_interop import check_levels
from ler_interop.checks import CheckMeta, catalog

SUITES = Path(__file__).resolve().parents[1] / "suites"

PINNED = {
    # Data Integrity: `expires` has no step in Verify Proof; only advice ("it is important to ensure").
    "VER-VCAPI-024": "SHOULD",
    # VCDM 2.0: the validity period is validation ("a verifier can check ..."), no MUST.
    "VER-VCAPI-020": "SHOULD",
    "VER-VCAPI-021": "SHOULD",
    # OpenID4VCI 1.0 §13.8: "The Credential Issuer determines for how long a particular nonce can be used."
    "ISS-OID4VCI-036": "MAY",
    # OpenID4VCI 1.0 §3.3.2: a batch "SHOULD contain different Cryptographic Data".
    "ISS-OID4VCI-030": "SHOULD",
    # VCDM 2.0: validUntil of a Data Integrity credential is validation (the JWT formats' `exp` is
    # RFC 7519's MUST, VER-OID4VP-025).
    "VER-OID4VP-025-LDP": "SHOULD",
}


@pytest.mark.parametrize("check_id, level", sorted(PINNED.items()))
def test_level_rests_on_the_text(check_id, level):
    assert {meta.id: meta.level for meta in _catalog()}.get(check_id) == level


def _catalog():
    return catalog([SUITES])


def test_every_must_check_rests_on_a_sentence_or_a_profile():
    assert check_levels.problems(_catalog(), check_levels.load(SUITES)) == []


def _meta(check_id, level="MUST", profiles=()):
    return CheckMeta(id=check_id, title="t", principles=("P1",), level=level, spec="https://x.example/#s",
                     role="issuer", protocol="vc-api", profiles=tuple(profiles))


@pytest.mark.parametrize("metas, levels, wanted", [
    ([_meta("ISS-X-001")], {}, "MUST with no basis"),
    ([_meta("ISS-X-001")], {"ISS-X-001": {"spec": "S §1", "quote": "The issuer should keep it."}}, "no MUST"),
    ([_meta("ISS-X-001", "SHOULD")], {"ISS-X-001": {"spec": "S §1", "quote": "It MUST."}}, "not MUST"),
    ([], {"ISS-X-002": {"spec": "S §1", "quote": "It MUST."}}, "not a check"),
    ([_meta("ISS-X-001")], {"ISS-X-001": {"profile": "ler-issuer", "rule": "r"}}, "does not name"),
    ([_meta("ISS-X-001")], {"ISS-X-001": {"spec": "S §1"}}, "a basis is"),
])
def test_levels_problems_are_found(metas, levels, wanted):
    found = check_levels.problems(metas, levels)
    assert len(found) == 1 and wanted in found[0], found


@pytest.mark.parametrize("quote", ["It MUST NOT be none.", "credential_issuer: REQUIRED.", "It SHALL be kept."])
def test_a_normative_quote_is_enough(quote):
    metas = [_meta("ISS-X-001", profiles=["ler-issuer"])]
    assert check_levels.problems(metas, {"ISS-X-001": {"spec": "S §1", "quote": quote}}) == []
    assert check_levels.problems(metas, {"ISS-X-001": {"profile": "ler-issuer", "rule": "r"}}) == []


def test_the_catalog_shows_the_basis():
    from ler_interop.checks import render_markdown

    metas = [_meta("ISS-X-001"), _meta("ISS-X-002", "SHOULD")]
    text = render_markdown(metas, {"ISS-X-001": {"spec": "VCDM 2.0 §4", "quote": "It MUST | be."}})
    assert "| ISS-X-001 | VCDM 2.0 §4 | \u201cIt MUST \\| be.\u201d |" in text
    assert "| ISS-X-002 |" not in text.split("## What each MUST check rests on")[1]
