"""A check whose subject is absent fails or is not judged, never passes (issue 12, item 6).

A hollow issuer (201 with a bare VCDM 2.0 credential: no OB 3.0 type, no achievement, no
status, no proof) gets no `pass` from the VC API issuer catalog except the checks below, whose
subject it does meet. A wallet that discloses nothing of an SD-JWT does not pass "discloses
only what is asked"."""

from __future__ import annotations

import json
from pathlib import Path

from hostile_vendor import HollowIssuer
from test_hostile_vendor import run
from ler_interop.cli import main
from ler_interop.reference.servers import start_reference

HOLLOW_PASSES = {
    "ISS-VCAPI-001": "its subject is the HTTP answer: 201 with a `verifiableCredential` object, which it gives "
                     "(what the credential holds is judged by ISS-VCAPI-002..014)",
    "ISS-VCAPI-004": "a bare credential with @context, type, issuer and credentialSubject does conform to the "
                     "VCDM 2.0 data model (its missing proof is ISS-VCAPI-002's)",
}


def test_a_hollow_credential_passes_no_check_about_what_it_lacks(tmp_path: Path):
    with start_reference() as reference, HollowIssuer() as hollow:
        code, out, lines = run(tmp_path, "hollow", [hollow.manifest_vendor(reference.manifest_vendor())], ("ISS-VCAPI",))
    results = [r for r in lines if r["kind"] == "result"]
    assert len({r["check"] for r in results}) > 25
    passed = sorted({(r["check"], r["title"]) for r in results if r["outcome"] == "pass"})
    assert [c for c, _ in passed if c not in HOLLOW_PASSES] == [], passed
    ob3 = [r for r in results if r["check"] == "ISS-VCAPI-005"]
    assert ob3 and ob3[0]["outcome"] == "fail" and "claims no Open Badges 3.0 type" in ob3[0]["message"]


def test_disclosing_nothing_is_not_disclosing_only_what_is_asked(tmp_path: Path):
    out = tmp_path / "none"
    main(["run", "--fault", "wallet.disclose-none", "--out", str(out), "-k", "WAL-OID4VP-005"])
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    results = [r for r in results if r["kind"] == "result"]
    assert results and {r["outcome"] for r in results} == {"error"}, [(r["outcome"], r["message"][:120]) for r in results]
    assert "did not disclose the one claim asked for" in results[0]["message"]
