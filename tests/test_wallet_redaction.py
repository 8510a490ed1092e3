"""No secret of a wallet run reaches its reports: not the pre-authorized codes, tx_codes and
access tokens of the suite's own issuers (they travel through the wallet backchannel inside
offer URIs, and through the counterparts' recorded inbound requests), nor a private key of the
reference wallet's holders.

The test captures the session's counterparts and the reference wallet, reads back every secret
they handed out or hold, and searches each report file for it, raw and percent-encoded.
"""

from __future__ import annotations

from report_secrets import issued_secrets, leaks, report_texts, run_checks

from ler_interop.counterparts.server import Counterparts
from ler_interop.reference.servers import start_reference

CHECKS = ("WAL-OID4VCI-002", "WAL-OID4VCI-003", "WAL-OID4VCI-004", "WAL-OID4VP-001", "WAL-PORT-001", "WAL-STORE-006",
          "INT-JOURNEY-001")


def test_no_wallet_run_secret_in_any_report(tmp_path, monkeypatch):
    captured: list[Counterparts] = []
    start = Counterparts.start
    monkeypatch.setattr(Counterparts, "start", lambda self: (captured.append(self), start(self))[1])
    with start_reference() as servers:
        code, out = run_checks(servers, tmp_path, CHECKS)
        held = [c.holder for c in servers.wallet.store.all() if c.holder is not None]
        secrets = issued_secrets(servers.issuer.oid4vci)
        for counterparts in captured:
            secrets += issued_secrets(counterparts.issuer.service) + issued_secrets(counterparts.issuer2.service)
    assert code == 0
    assert captured and held and len(secrets) >= 20, "the run handed out no secrets"
    keys = [holder.key for holder in held]
    secrets += [key.private_jwk()["d"] for key in keys] + [key.private_multikey() for key in keys]
    texts = report_texts(out)
    assert "[REDACTED]" in texts["results.jsonl"] and "inbound:" in texts["results.jsonl"]
    assert not leaks(texts, secrets)
