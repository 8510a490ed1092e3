"""No pre-authorized code, tx_code or access token of an OpenID4VCI run reaches its reports.

The checks that carry those secrets run against a reference issuer this test started, so the
test can read back every code, tx_code and token the issuer handed out and search each report
file for them (an offer by value holds its code percent-encoded inside a JSON string, a token
request holds code and tx_code form-encoded, a token response holds the access token).
"""

from __future__ import annotations

from report_secrets import issued_secrets, leaks, report_texts, run_checks

from ler_interop.reference.servers import start_reference

CHECKS = ("ISS-OID4VCI-005", "ISS-OID4VCI-006", "ISS-OID4VCI-007", "ISS-OID4VCI-010", "ISS-OID4VCI-013",
          "ISS-OID4VCI-019", "ISS-OID4VCI-031")


def test_no_oid4vci_secret_in_any_report(tmp_path):
    with start_reference() as servers:
        code, out = run_checks(servers, tmp_path, CHECKS)
        state = servers.issuer.oid4vci.state
        offers = list(state._offers.values())
        secrets = issued_secrets(servers.issuer.oid4vci)
    assert code == 0
    assert len(offers) >= 8 and any(o.tx_code for o in offers) and state._grants, "the run handed out no secrets"
    texts = report_texts(out)
    assert "results.jsonl" in texts and "[REDACTED]" in texts["results.jsonl"]
    assert not leaks(texts, secrets)
