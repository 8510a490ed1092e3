"""The suite sends a VC API issuer only the issue options the VC API defines (`credentialId`,
`mandatoryPointers`; additionalProperties: false) unless the issuer declares the
`issue-option:cryptosuite` extension: then the cryptosuite checks judge what it issues by
default, and are `unsupported` for a cryptosuite it cannot be asked for."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ler_interop.cli import main
from ler_interop.reference.servers import start_reference

SUITES = Path(__file__).resolve().parents[1] / "suites"
CHECKS = ("ISS-VCAPI-015", "ISS-VCAPI-016", "ISS-VCAPI-026", "INT-VCAPI-002")


def _run(tmp_path: Path, extension: bool) -> list[dict]:
    with start_reference() as servers:
        entry = servers.manifest_vendor()
        if not extension:
            entry["issuer"]["supports"].remove("issue-option:cryptosuite")
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [entry]}))
        out = tmp_path / "run"
        assert main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out),
                     "-k", " or ".join(CHECKS)]) in (0, 1)
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return [line for line in lines if line["kind"] == "result"]


def _options_sent(results: list[dict]) -> list[dict]:
    sent = []
    for result in results:
        for exchange in result["evidence"]:
            if exchange["url"].endswith("/credentials/issue") and exchange["request_body"].startswith("{"):
                sent.append(json.loads(exchange["request_body"]).get("options") or {})
    return sent


def test_without_the_extension_no_undefined_option_is_sent(tmp_path):
    results = _run(tmp_path, extension=False)
    sent = _options_sent(results)
    assert sent and not any("cryptosuite" in options for options in sent), sent
    outcome = {(r["check"], r["params"].get("cryptosuite")): r["outcome"] for r in results}
    # The reference signs eddsa-rdfc-2022 by default: that is judged; ecdsa cannot be asked for.
    assert outcome[("ISS-VCAPI-016", None)] == "pass"
    assert outcome[("ISS-VCAPI-015", None)] == "unsupported"
    assert outcome[("ISS-VCAPI-026", None)] == "unsupported"
    assert outcome[("INT-VCAPI-002", "eddsa-rdfc-2022")] == "pass"
    assert outcome[("INT-VCAPI-002", "ecdsa-rdfc-2019")] == "unsupported"
    reason = next(r["message"] for r in results if r["check"] == "ISS-VCAPI-015")
    assert "issue-option:cryptosuite" in reason


def test_with_the_extension_the_cryptosuite_is_asked_for(tmp_path):
    results = _run(tmp_path, extension=True)
    assert any(options.get("cryptosuite") == "ecdsa-rdfc-2019" for options in _options_sent(results))
    assert {r["outcome"] for r in results} == {"pass"}
