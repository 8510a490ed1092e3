"""The SD-JWT VCs the suite hands a verifier are signed by a key mechanism the verifier declares
(protocols/sdjwt_issuers.py); a verifier declaring none is `unsupported` on every dc+sd-jwt check;
--key-dir keeps the suite's issuer keys and CA across runs, never leaking a private key; the
counterparts' side is in test_counterparts.py (issue 10, item 2)."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
import yaml

from ler_interop.checks import catalog
from ler_interop.cli import main
from ler_interop.credentials.jws import parse_compact
from ler_interop.protocols.sdjwt_issuers import WALLET_ISSUER_PATH, chosen_mechanism
from ler_interop.reference.servers import start_reference
from ler_interop.suite_keys import CA_CERT, SuiteKeys

SUITES = Path(__file__).resolve().parents[1] / "suites"
SD_JWT = "dc+sd-jwt"
SD_JWT_KEYS = ("sd-jwt-key:did", "sd-jwt-key:jwt-vc-issuer", "sd-jwt-key:x5c")
OID4VP_VERIFIER = "VER-OID4VP"


def _sd_jwt_checks() -> set[str]:
    return {m.id for m in catalog([SUITES / "verifier"]) if SD_JWT in m.requires}


def _is_sd_jwt(result: dict, sd_jwt_ids: set[str]) -> bool:
    return result["params"].get("oid4vp_format") == SD_JWT or result["check"] in sd_jwt_ids


def _run(tmp_path: Path, mechanisms: tuple[str, ...], key_dir: Path, checks: str = OID4VP_VERIFIER) -> list[dict]:
    """The OpenID4VP verifier checks over a reference verifier declaring only `mechanisms`; the
    reference trusts the CA of `key_dir`, the run signs with the same (--key-dir)."""
    with start_reference(keys=SuiteKeys(key_dir)) as servers:
        entry = servers.manifest_vendor()
        supports = entry["verifier"]["supports"]
        entry["verifier"]["supports"] = [t for t in supports if t not in SD_JWT_KEYS] + list(mechanisms)
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [entry]}))
        out = tmp_path / "run"
        code = main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out),
                     "--role", "verifier", "-k", checks, "--key-dir", str(key_dir)])
    assert code in (0, 1)
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line["kind"] == "result"]


def _presented_issuers(result: dict) -> set[str]:
    """The `iss` of every SD-JWT VC in the check's evidence (the presentations it posted)."""
    found = set()
    for token in re.findall(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~", json.dumps(result["evidence"])):
        payload = parse_compact(token[:-1]).payload_json()
        if isinstance(payload, dict) and "vct" in payload:
            found.add(payload["iss"])
    return found


@pytest.mark.parametrize("mechanism", ["sd-jwt-key:jwt-vc-issuer", "sd-jwt-key:x5c"])
def test_a_verifier_declaring_one_mechanism_gets_credentials_keyed_by_it(tmp_path, mechanism):
    results = _run(tmp_path, (mechanism,), tmp_path / "keys")
    sd_jwt = [r for r in results if _is_sd_jwt(r, _sd_jwt_checks())]
    assert len(sd_jwt) >= 10
    assert {r["outcome"] for r in sd_jwt} == {"pass"}, [(r["nodeid"], r["message"]) for r in sd_jwt if r["outcome"] != "pass"]
    issuers = set().union(*(_presented_issuers(r) for r in sd_jwt))
    assert issuers and all(iss.startswith("http://127.0.0.1:") and iss.endswith(WALLET_ISSUER_PATH) for iss in issuers)


def test_a_verifier_declaring_no_mechanism_is_unsupported_on_every_sd_jwt_check(tmp_path):
    results = _run(tmp_path, (), tmp_path / "keys")
    sd_jwt = [r for r in results if _is_sd_jwt(r, _sd_jwt_checks())]
    assert len(sd_jwt) >= 10
    assert {r["outcome"] for r in sd_jwt} == {"unsupported"}
    assert all("sd-jwt-key:jwt-vc-issuer" in r["message"] for r in sd_jwt)
    others = [r for r in results if not _is_sd_jwt(r, _sd_jwt_checks())]
    assert others and {r["outcome"] for r in others} <= {"pass"}  # W3C formats still run


def test_the_order_of_preference():
    assert chosen_mechanism(["dc+sd-jwt", *SD_JWT_KEYS]) == "did"
    assert chosen_mechanism(["sd-jwt-key:x5c", "sd-jwt-key:jwt-vc-issuer"]) == "jwt-vc-issuer"
    assert chosen_mechanism(["dc+sd-jwt", "did:key"]) is None


def test_key_dir_keeps_keys_and_ca_across_runs_and_out_of_reports(tmp_path):
    key_dir = tmp_path / "keys"
    outs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}"
        assert main(["run", "--suites", str(SUITES), "--out", str(out), "-k", "VER-OID4VP-010",
                     "--key-dir", str(key_dir)]) == 0
        outs.append(out)
        if n == 1:
            first = {p.name: p.read_bytes() for p in key_dir.iterdir()}
    second = {p.name: p.read_bytes() for p in key_dir.iterdir()}
    assert first == second and CA_CERT in first and "wallet-issuer.jwk" in first
    secrets = []
    for path in key_dir.glob("*.jwk"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        secrets.append(json.loads(path.read_text())["d"])
    for out in outs:
        for report in (p for p in out.rglob("*") if p.is_file()):
            text = report.read_text(encoding="utf-8", errors="replace")
            assert not any(secret in text for secret in secrets), f"a private key reached {report}"
