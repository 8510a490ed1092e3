"""Shared by the redaction tests: run checks against a reference vendor, read back the secrets an
OpenID4VCI issuer handed out, and find any of them (raw or percent-encoded) in the report files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import yaml

from ler_interop.cli import main

SUITES = Path(__file__).resolve().parents[1] / "suites"


def run_checks(servers, tmp_path: Path, checks: tuple[str, ...]) -> tuple[int, Path]:
    """`ler-interop run` of `checks` against the running reference `servers`; (exit code, report folder)."""
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [servers.manifest_vendor()]}))
    out = tmp_path / "report"
    code = main(["run", "--vendors", str(manifest), "--suites", str(SUITES), "--out", str(out),
                 "--run-id", "secrets", "-k", " or ".join(checks)])
    return code, out


def issued_secrets(service) -> list[str]:
    """Every pre-authorized code, tx_code and access token an OpenID4VCI service handed out."""
    offers = list(service.state._offers.values())
    return [o.pre_authorized_code for o in offers] + [o.tx_code for o in offers if o.tx_code] + list(service.state._grants)


def report_texts(out: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8", errors="replace") for path in out.rglob("*") if path.is_file()}


def leaks(texts: dict[str, str], secrets: list[str]) -> list[str]:
    return [f"{secret[:6]}... in {name}" for name, text in texts.items() for secret in secrets
            if secret in text or quote(secret, safe="") in text]
