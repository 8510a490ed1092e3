"""Levels that rest on no MUST in the spec text (issue 10 item 6): each pinned here with the
reason, so a check does not drift back to MUST without a quoted sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from ler_interop.checks import catalog

SUITES = Path(__file__).resolve().parents[1] / "suites"

PINNED = {
    # Data Integrity: `expires` has no step in Verify Proof; only advice ("it is important to ensure").
    "VER-VCAPI-024": "SHOULD",
    # VCDM 2.0: the validity period is validation ("a verifier can check ..."), no MUST.
    "VER-VCAPI-020": "SHOULD",
    "VER-VCAPI-021": "SHOULD",
    # OpenID4VCI 1.0 §13.8: "The Credential Issuer determines for how long a particular nonce can be used."
    "ISS-OID4VCI-036": "MAY",
}


@pytest.mark.parametrize("check_id, level", sorted(PINNED.items()))
def test_level_rests_on_the_text(check_id, level):
    levels = {meta.id: meta.level for meta in catalog([SUITES])}
    assert levels.get(check_id) == level
