"""No pre-authorized code, tx_code or access token of an OpenID4VCI run reaches its reports.

The checks that carry those secrets run against a reference issuer this test started, so the
test can read back every code, tx_code and token the issuer handed out and search each report
file for them (an offer by value holds its code percent-encoded inside a JSON string, a token
request holds code and tx_code form-encoded, a token response holds the access token).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import yaml

from ler_interop.cli import main
from ler_interop.reference.servers import start_reference

SUITES = Path(__file__).resolve().parents[1] / "suites"
CHECKS = ("ISS-OID4VCI-005", "ISS-OID4VCI-006", "ISS-OID4VCI-007", "ISS-OID4VCI-010", "ISS-OID4VCI-013",
          "ISS-OID4VCI-019", "ISS-OID4VCI-031")


def test_no_oid4vci_secret_in_any_report(tmp_path):
    with start_reference() as servers:
        manifest = tmp_path / "manifest.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [servers.manifest_vendor()]}))
        out = tmp_path / "report"
        code = main(["run", "--vendors", str(manifest), "--suites", str(SUITES), "--out", str(out),
                     "--run-id", "secrets", "-k", " or ".join(CHECKS)])
        state = servers.issuer.oid4vci.state
        offers = list(state._offers.values())
        secrets = [o.pre_authorized_code for o in offers] + [o.tx_code for o in offers if o.tx_code]
        secrets += list(state._grants)
    assert code == 0
    assert len(offers) >= 8 and any(o.tx_code for o in offers) and state._grants, "the run handed out no secrets"
    texts = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in out.rglob("*") if path.is_file()}
    assert "results.jsonl" in texts and "[REDACTED]" in texts["results.jsonl"]
    leaks = [f"{secret[:6]}... in {name}" for name, text in texts.items() for secret in secrets
             if secret in text or quote(secret, safe="") in text]
    assert not leaks
