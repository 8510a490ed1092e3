"""Every negative check has its positive control (issue 12, item 5): a vendor that refuses
everything, properly (400 with `verified: false` and problem details, OAuth errors, an
OpenID4VP verifier rejecting every response), gets no `pass` from the whole issuer and
verifier catalog, except the few checks below whose subject a refusing vendor really meets."""

from __future__ import annotations


import pytest

from hostile_vendor import RefusingVendor
from test_hostile_vendor import run
from ler_interop.reference.servers import start_reference

# Checks a vendor refusing everything rightly passes, each with why. None is a rejection: each
# judges something the vendor publishes or generates before any verdict (the stub serves sound
# metadata, offers and request objects), or, ISS-VCAPI-024, the refusals themselves.
PUBLISHED = "judges the issuer's published metadata, which the stub serves soundly; no verdict is involved"
OFFERED = "judges the offer the backchannel made, which the stub makes soundly before refusing the token request"
NONCE = "judges the Nonce Endpoint, which hands out c_nonces; refusals start at the token endpoint"
REQUESTED = "judges the Request Object the verifier generates; it rejects responses, not the making of requests"
ALLOWED: dict[str, str] = {
    "ISS-OID4VCI-001": PUBLISHED, "ISS-OID4VCI-002": PUBLISHED, "ISS-OID4VCI-003": PUBLISHED,
    "ISS-OID4VCI-004": PUBLISHED, "ISS-OID4VCI-005": OFFERED, "ISS-OID4VCI-011": NONCE, "ISS-OID4VCI-012": NONCE,
    "ISS-VCAPI-024": "judges error answers (no stack trace or internal path): the stub's problem details have none",
    "VER-OID4VP-001": REQUESTED, "VER-OID4VP-002": REQUESTED, "VER-OID4VP-003": REQUESTED,
    "VER-OID4VP-004": REQUESTED + " (redirect_uri: requests are unsigned, as §5.9.3 requires)",
    "VER-OID4VP-005": REQUESTED, "VER-OID4VP-006": REQUESTED, "VER-OID4VP-007": REQUESTED, "VER-OID4VP-008": REQUESTED,
}


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory):
    tmp_path = tmp_path_factory.mktemp("refusing")
    with start_reference() as reference, RefusingVendor() as refusing:
        entry = refusing.manifest_vendor(reference.manifest_vendor())
        yield run(tmp_path, "refusing", [entry], ("ISS- or VER- or CRED-",))


def test_a_vendor_refusing_everything_passes_no_negative_check(refused):
    code, out, lines = refused
    results = [r for r in lines if r["kind"] == "result"]
    assert len({r["check"] for r in results}) > 60
    passed = sorted({(r["check"], r["title"]) for r in results if r["outcome"] == "pass" and r["check"] not in ALLOWED})
    assert not passed, "passed for a vendor that refuses everything:\n" + "\n".join(f"{c} {t}" for c, t in passed)
