"""Cross-implementation known answers for SD-JWT VC, one per issuer-key mechanism each peer
supports: the OWF issuer (sd-jwt-js) signs keyed by did:jwk and by JWT VC Issuer Metadata and
the suite verifies (ISS-OID4VCI-014); the suite signs keyed by each mechanism the OWF verifier
declares (did, jwt-vc-issuer) and that verifier accepts (VER-OID4VP-010) and still rejects a
broken issuer signature (VER-OID4VP-032). Every run goes through `ler-interop run`, as a vendor's
would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from lab_peers import start_peer
from ler_interop.cli import main

SUITES = Path(__file__).resolve().parents[2] / "suites"


def _run(tmp_path: Path, vendors: list[dict], checks: str) -> dict[tuple[str, str], str]:
    manifest = tmp_path / "vendors.yaml"
    manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": vendors}))
    out = tmp_path / "run"
    main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out), "-k", checks])
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return {(r["check"], json.dumps(r.get("params") or {}, sort_keys=True)): r["outcome"]
            for r in rows if r.get("kind") == "result"}


@pytest.mark.parametrize("mode", ["did:jwk", "jwt-vc-issuer"])
def test_peer_signs_suite_verifies(tmp_path, mode):
    with start_peer("owf-oid4vci", env={"SD_JWT_ISSUER_KEY": mode}) as peer:
        outcomes = _run(tmp_path, peer.vendors(), "ISS-OID4VCI-014")
    sd_jwt = outcomes[("ISS-OID4VCI-014", json.dumps({"fmt": "dc+sd-jwt"}))]
    assert sd_jwt == "pass", f"the suite does not verify sd-jwt-js's SD-JWT VC keyed by {mode}: {sd_jwt}"


@pytest.mark.parametrize("mechanism", ["sd-jwt-key:did", "sd-jwt-key:jwt-vc-issuer"])
def test_suite_signs_peer_verifies(tmp_path, mechanism):
    with start_peer("owf-oid4vp") as peer:
        vendor = peer.vendors()[0]
        others = {"sd-jwt-key:did", "sd-jwt-key:jwt-vc-issuer", "sd-jwt-key:x5c"} - {mechanism}
        vendor["verifier"]["supports"] = [t for t in vendor["verifier"]["supports"] if t not in others]
        outcomes = _run(tmp_path, [vendor], "VER-OID4VP-010 or VER-OID4VP-032")
    accepted = {k: v for k, v in outcomes.items() if k[0] == "VER-OID4VP-010" and "dc+sd-jwt" in k[1]}
    assert accepted and set(accepted.values()) == {"pass"}, f"sd-jwt-js refuses the suite's SD-JWT VC keyed by {mechanism}: {accepted}"
    assert outcomes.get(("VER-OID4VP-032", "{}"), outcomes.get(("VER-OID4VP-032", json.dumps({"fmt": "dc+sd-jwt"})))) == "pass", outcomes
