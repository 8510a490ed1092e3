"""No secret reaches a report, a log or an attachment, even when a vendor plays secrets back.

One run against two vendors: the reference vendor, whose issuer wants a bearer token (named by
`token_env`), and an OAuth2 client-credentials vendor that echoes every credential it gets (the
Basic header at its token endpoint, the access token at its endpoints) in bodies, headers and
error messages. Then every file of the report folder and of the Allure results, and everything
the command printed, is searched for each secret: raw, as the Basic credential, and as the
private keys of the reference issuer.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import secrets
from pathlib import Path

import pytest
import yaml

from hostile_vendor import EchoingOAuthVendor, basic_credentials
from ler_interop.auth import clear_token_cache
from ler_interop.cli import main
from ler_interop.credentials.keys import Key
from ler_interop.reference.servers import REFERENCE_TOKEN_ENV, start_reference

CLIENT_ID = "ler-interop-suite"
SECRET_ENV = "LER_TEST_ECHO_CLIENT_SECRET"
CHECKS = ("ISS-VCAPI-001", "ISS-VCAPI-020", "ISS-VCAPI-024", "ISS-VCAPI-025",
          "VER-VCAPI-001", "VER-VCAPI-010", "VER-VCAPI-030", "VER-VCAPI-031")
# A private key written as JSON (a JWK's `d`, a Multikey secret) that is not redacted; the
# quotes may be escaped, as evidence bodies are JSON strings inside the JSON lines.
PRIVATE_KEY_FIELD = re.compile(r'\\?"(d|privateKeyMultibase|secretKeyMultibase)\\?"\s*:\s*\\?"(?!\[REDACTED\])')


def key_material(key: Key) -> list[str]:
    return [key.private_multikey(), key.private_jwk()["d"], key.private_bytes().hex()]


# pytest's own failure report of a check (the exception text and `longrepr`) quotes what the
# vendor answered; the plugin scrubs both before Allure or the terminal formats them.


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    """The same checks twice against the same vendors: as users run it (quiet, with Allure
    results) and with -v, which prints pytest's own report of every check."""
    tmp_path = tmp_path_factory.mktemp("secrets")
    reference_token = "ref-" + secrets.token_urlsafe(24)
    client_secret = "cs-" + secrets.token_urlsafe(18)
    access_token = "at-" + secrets.token_urlsafe(24)
    patch = pytest.MonkeyPatch()
    patch.setenv(REFERENCE_TOKEN_ENV, "")  # start_reference sets it; undone when the module ends
    patch.setenv(SECRET_ENV, client_secret)
    clear_token_cache()
    try:
        with start_reference(token=reference_token) as reference, \
                EchoingOAuthVendor(CLIENT_ID, client_secret, access_token) as echo:
            vendors = [reference.manifest_vendor(), echo.manifest_vendor(SECRET_ENV)]
            manifest = tmp_path / "vendors.yaml"
            manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": vendors}, sort_keys=False))
            assert reference_token not in manifest.read_text() and client_secret not in manifest.read_text()
            quiet = _run(manifest, tmp_path / "reports" / "quiet", "--alluredir", str(tmp_path / "allure"))
            verbose = _run(manifest, tmp_path / "reports" / "verbose", "-v")
            identity = reference.issuer.identity
            yield {
                "quiet": quiet, "verbose": verbose, "reports": [tmp_path / "reports"], "allure": [tmp_path / "allure"],
                "keys": [k for key in (identity.ed25519, identity.p256, identity.foreign) for k in key_material(key)],
                "secrets": {"reference token": reference_token, "client secret": client_secret,
                            "access token": access_token, "Basic credential": basic_credentials(CLIENT_ID, client_secret)},
            }
    finally:
        clear_token_cache()
        patch.undo()


def _run(manifest: Path, out: Path, *extra: str) -> dict:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["run", "--vendors", str(manifest), "--out", str(out), "--run-id", out.name,
                     "--check-timeout", "10", "-k", " or ".join(CHECKS), *extra])
    return {"code": code, "out": out, "printed": printed.getvalue()}


def all_files(folders: list[Path]) -> list[Path]:
    return [path for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()]


def leaks_in(text: str, where: str, run: dict) -> list[str]:
    found = []
    for what, value in run["secrets"].items():
        if value in text:
            found.append(f"{what} in {where}")
        elif value[:16] in text:  # cut off by a length cap, still half a secret
            found.append(f"the first 16 characters of the {what} in {where}")
    found += [f"a private key of the reference issuer in {where}" for key in run["keys"] if key in text]
    found += [f"an unredacted {m.group(1)!r} field in {where}" for m in PRIVATE_KEY_FIELD.finditer(text)]
    return found


def test_the_runs_put_every_secret_on_the_wire(run):
    """Otherwise the searches below prove nothing."""
    assert run["quiet"]["code"] == run["verbose"]["code"] == 1  # the echoing vendor fails checks
    names = {path.name for path in all_files(run["reports"] + run["allure"])}
    assert {"results.jsonl", "summary.json", "index.html", "junit.xml"} <= names
    assert any(name.endswith("-attachment.json") for name in names), "no Allure evidence attachments"
    results = [json.loads(line) for line in (run["quiet"]["out"] / "results.jsonl").read_text().splitlines()]
    echo = {r["check"]: r for r in results if r.get("vendor") == "echo"}
    token_exchange = [e for r in echo.values() for e in r["evidence"] if e["url"].endswith("/oauth/token")]
    assert token_exchange and "Basic [REDACTED]" in token_exchange[0]["response_headers"]["x-echo-authorization"]
    assert "Bearer [REDACTED]" in echo["VER-VCAPI-001"]["message"]  # the echo reached the message, redacted
    assert {r["outcome"] for r in results if r.get("vendor") == "reference"} == {"pass"}  # the token worked


def test_no_secret_in_any_report(run):
    leaks = [leak for path in all_files(run["reports"])
             for leak in leaks_in(path.read_text(encoding="utf-8", errors="replace"), str(path.relative_to(path.parents[1])), run)]
    assert not leaks


def test_no_secret_in_what_a_quiet_run_prints(run):
    assert not leaks_in(run["quiet"]["printed"], "the output", run)


def test_no_secret_in_the_allure_results(run):
    leaks = [leak for path in all_files(run["allure"])
             for leak in leaks_in(path.read_text(encoding="utf-8", errors="replace"), path.name, run)]
    assert not leaks


def test_no_secret_in_what_a_verbose_run_prints(run):
    assert "test_issue_returns_201" in run["verbose"]["printed"]
    assert not leaks_in(run["verbose"]["printed"], "the -v output", run)
