"""No secret of a wallet run reaches its reports: not the pre-authorized codes, tx_codes and
access tokens of the suite's own issuers (they travel through the wallet backchannel inside
offer URIs, and through the counterparts' recorded inbound requests), nor a private key of the
reference wallet's holders.

The test captures the session's counterparts and the reference wallet, reads back every secret
they handed out or hold, and searches each report file for it, raw and percent-encoded.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import yaml

from ler_interop.cli import main
from ler_interop.counterparts.server import Counterparts
from ler_interop.reference.servers import start_reference

SUITES = Path(__file__).resolve().parents[1] / "suites"
CHECKS = ("WAL-OID4VCI-002", "WAL-OID4VCI-003", "WAL-OID4VCI-004", "WAL-OID4VP-001", "WAL-PORT-001", "WAL-STORE-006",
          "INT-JOURNEY-001")


def _issuer_secrets(service) -> list[str]:
    state = service.state
    offers = list(state._offers.values())
    return [o.pre_authorized_code for o in offers] + [o.tx_code for o in offers if o.tx_code] + list(state._grants)


def test_no_wallet_run_secret_in_any_report(tmp_path, monkeypatch):
    captured: list[Counterparts] = []
    start = Counterparts.start
    monkeypatch.setattr(Counterparts, "start", lambda self: (captured.append(self), start(self))[1])
    with start_reference() as servers:
        manifest = tmp_path / "manifest.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [servers.manifest_vendor()]}))
        out = tmp_path / "report"
        code = main(["run", "--vendors", str(manifest), "--suites", str(SUITES), "--out", str(out),
                     "--run-id", "secrets", "-k", " or ".join(CHECKS)])
        held = [c.holder for c in servers.wallet.store.all() if c.holder is not None]
        secrets = _issuer_secrets(servers.issuer.oid4vci)
        for counterparts in captured:
            secrets += _issuer_secrets(counterparts.issuer.service) + _issuer_secrets(counterparts.issuer2.service)
    assert code == 0
    assert captured and held and len(secrets) >= 20, "the run handed out no secrets"
    keys = [holder.key for holder in held]
    secrets += [key.private_jwk()["d"] for key in keys] + [key.private_multikey() for key in keys]
    texts = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in out.rglob("*") if path.is_file()}
    assert "[REDACTED]" in texts["results.jsonl"] and "inbound:" in texts["results.jsonl"]
    leaks = [f"{secret[:6]}... in {name}" for name, text in texts.items() for secret in secrets
             if secret in text or quote(secret, safe="") in text]
    assert not leaks
