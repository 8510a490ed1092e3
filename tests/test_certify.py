"""`ler-interop certify` and `verify --results` (issue 14 items 1 and 5): a certificate issued
from a results stream verifies (proof, OB 3.0 schema, status, digest); an edited stream, a
revoked certificate and a non-conforming vendor are each refused; no private key leaks."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ler_interop.certify.claim import SELF_DECLARED
from ler_interop.cli import main
from ler_interop.results import ResultsWriter

STATUS_URL = "https://certifier.example/status-list.json"
ROOT = Path(__file__).resolve().parents[1]


def write_stream(path: Path) -> Path:
    """Two vendors: `good` passes everything; `bad` fails one issuer MUST and passes as a verifier."""
    vendors = [{"id": "good", "name": "Good Co 株式会社", "roles": ["issuer", "verifier"], "profiles": ["ob3"]},
               {"id": "bad", "name": "Bad Inc", "roles": ["issuer", "verifier"], "profiles": []}]
    with ResultsWriter(path) as writer:
        writer.header(run_id="run-1", suite_version="0.1.0", spec_versions={"vc-data-model": "2.0", "open-badges": "3.0"},
                      vendors=vendors, started="2026-01-01T00:00:00Z")
        for vendor in ("good", "bad"):
            for n, (role, level, principles) in enumerate([("issuer", "MUST", ["P1"]), ("issuer", "SHOULD", ["P2"]),
                                                           ("verifier", "MUST", ["P1", "P2"]), ("issuer", "MUST", ["P7"])]):
                failed = vendor == "bad" and n == 3
                writer.result({"vendor": vendor, "check": f"CHK-{n:03d}", "nodeid": f"suites/t.py::t{n}[{vendor}]",
                               "outcome": "fail" if failed else "pass", "level": level, "principles": principles,
                               "role": role, "protocol": "vc-api", "profiles": ["ob3"] if role == "issuer" else [],
                               "params": {"fmt": "ldp_vc"}})
        writer.attested(vendor="good", principle="P6", claim="Verification is free.", evidence_url="https://good.example/pricing")
    return path


def new_certifier(folder: Path, capsys) -> tuple[Path, Path, Path]:
    """(folder, a results stream in it, a new certifier key file)."""
    stream = write_stream(folder / "results.jsonl")
    key = folder / "certifier-key.json"
    assert main(["certify", "--new-key", str(key)]) == 0
    capsys.readouterr()
    return folder, stream, key


@pytest.fixture
def setup(tmp_path, capsys):
    return new_certifier(tmp_path, capsys)


def certify(stream: Path, key: Path, *more: str, vendor: str = "good") -> int:
    return main(["certify", str(stream), "--vendor", vendor, "--key", str(key), "--status-url", STATUS_URL, *more])


def verify(cert: Path, status_list: Path, *more: str) -> int:
    return main(["verify", "--json", "--resource", f"{STATUS_URL}={status_list}", *more, str(cert)])


def checks_of(capsys) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}


def test_certificate_verifies_with_schema_status_and_digest(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key) == 0
    cert, status_list = out / "certificates/good--all.json", out / "certificates/status-list.json"
    capsys.readouterr()
    assert verify(cert, status_list, "--results", str(stream)) == 0
    checks = checks_of(capsys)
    assert all(c["ok"] for c in checks.values()) and {"proof", "schema", "status", "results-digest"} <= set(checks)
    credential = json.loads(cert.read_text())
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "ler-interop conformance: the whole suite"
    assert "run-1" in achievement["criteria"]["narrative"] and "open-badges 3.0" in achievement["criteria"]["narrative"]
    index = json.loads((out / "certificates/index.json").read_text())
    assert index[0]["vendor"] == "good" and index[0]["json"] == "certificates/good--all.json" and not index[0]["revoked"]


def test_one_changed_result_line_breaks_the_digest(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key) == 0
    lines = stream.read_text().splitlines(keepends=True)
    edited = out / "edited.jsonl"
    edited.write_text("".join([lines[0], lines[1].replace('"message":""', '"message":"x"'), *lines[2:]]))
    assert edited.read_text() != stream.read_text()
    capsys.readouterr()
    assert verify(out / "certificates/good--all.json", out / "certificates/status-list.json", "--results", str(edited)) == 1
    checks = checks_of(capsys)
    assert not checks["results-digest"]["ok"] and checks["results-digest"]["reason"] == "results-digest.mismatch"
    assert all(c["ok"] for name, c in checks.items() if name != "results-digest")


def test_a_non_conforming_vendor_gets_no_certificate(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key, vendor="bad") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not conform on all" in err and "CHK-003 (fail)" in err
    assert not (out / "certificates/bad--all.json").exists()
    # The same vendor conforms as a verifier: a role scope certifies just that.
    assert certify(stream, key, "--scope", "role:verifier", vendor="bad") == 0
    assert (out / "certificates/bad--role-verifier.json").exists()
    assert certify(stream, key, "--scope", "role:issuer", vendor="bad") == 1


def test_a_profile_scope_needs_every_profile_check_to_pass(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key, "--scope", "profile:ob3") == 0
    credential = json.loads((out / "certificates/good--profile-ob3.json").read_text())
    assert credential["credentialSubject"]["achievement"]["name"] == "ler-interop conformance: profile ob3"


def test_a_revoked_certificate_fails_verify(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key) == 0
    cert = out / "certificates/good--all.json"
    assert main(["certify", "--revoke", str(cert), "--key", str(key)]) == 0
    capsys.readouterr()
    assert verify(cert, out / "certificates/status-list.json") == 1
    checks = checks_of(capsys)
    assert checks["status"]["reason"] == "status.revocation" and checks["proof"]["ok"]
    assert json.loads((out / "certificates/index.json").read_text())[0]["revoked"] is True


def test_no_private_key_in_any_written_file(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key, "--issuer", "did:web:certifier.example", "--status-url", STATUS_URL) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    secret = json.loads(key.read_text())["d"]
    from ler_interop.credentials.keys import Key

    private_multikey = Key.from_jwk(json.loads(key.read_text())).private_multikey()
    written = [p for p in out.rglob("*") if p.is_file() and p != key]
    assert any(p.name == "did.json" for p in written)
    for path in written:
        text = path.read_text(errors="replace")
        assert secret not in text and private_multikey not in text, path


def test_a_did_web_certificate_verifies_with_its_did_document(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key, "--issuer", "did:web:certifier.example") == 0
    capsys.readouterr()
    assert verify(out / "certificates/good--all.json", out / "certificates/status-list.json",
                  "--resource", f"https://certifier.example/.well-known/did.json={out / 'certificates/did.json'}") == 0
    assert checks_of(capsys)["issuer-binding"]["ok"]


def test_self_declared_claims_are_labelled_evidence_never_results(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key) == 0
    credential = json.loads((out / "certificates/good--all.json").read_text())
    declared = [e for e in credential["evidence"] if e["name"].startswith(SELF_DECLARED)]
    assert [(e["id"], e["narrative"]) for e in declared] == [("https://good.example/pricing", "Verification is free.")]
    assert "Verification is free." not in json.dumps(credential["credentialSubject"])
    # --attestation replaces the stream's attested lines.
    assert certify(stream, key, "--attestation", str(ROOT / "fixtures/attestation/example.yaml")) == 0
    credential = json.loads((out / "certificates/good--all.json").read_text())
    assert len([e for e in credential["evidence"] if e["name"].startswith(SELF_DECLARED)]) == 3


@pytest.mark.parametrize("argv, needle", [
    (["--vendor", "nobody"], "vendor 'nobody' is not in"),
    (["--scope", "role:chef"], "--scope 'role:chef'"),
    (["--scope", "profile:clr2"], "does not claim profile clr2"),
    (["--valid-days", "0"], "--valid-days 0"),
    (["--status-url", "ftp://x/list"], "--status-url 'ftp://x/list'"),
    (["--status-url", "http://certifier.example/status-list.json"], "give an https URL"),
    (["--status-url", "https:///status-list.json"], "give the https URL"),
])
def test_bad_input_is_one_line_and_exit_2(setup, capsys, argv, needle):
    out, stream, key = setup
    assert certify(stream, key, *argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


def test_bad_files_are_one_line_and_exit_2(setup, capsys):
    out, stream, key = setup
    bad_key = out / "bad-key.json"
    bad_key.write_text('{"kty": "OKP"}')
    torn = out / "torn.jsonl"
    torn.write_text(stream.read_text().splitlines()[0] + "\n")  # a header and nothing else: no footer
    cases = [
        (["certify", str(out / "missing.jsonl"), "--vendor", "good", "--key", str(key)], "no such file"),
        (["certify", str(stream), "--vendor", "good", "--key", str(bad_key)], "not a private Ed25519 JWK"),
        (["certify", str(stream), "--vendor", "good", "--key", str(key)], "give --status-url"),
        (["certify", str(torn), "--vendor", "good", "--key", str(key), "--status-url", STATUS_URL], "no footer"),
        (["certify", "--new-key", str(key)], "already exists"),
        (["verify", "--results", str(out / "missing.jsonl"), str(key)], "--results"),
    ]
    for argv, needle in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err, (argv, err)


def test_a_certificate_from_a_real_reference_run(tmp_path, capsys):
    """The whole path once: `ler-interop run` against the reference vendors, then certify and verify."""
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "ler_interop.cli", "run", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    key = tmp_path / "key.json"
    assert main(["certify", "--new-key", str(key)]) == 0
    assert certify(out / "results.jsonl", key, vendor="reference") == 0
    assert (out / "certificates/index.json").exists()
    capsys.readouterr()
    assert verify(out / "certificates/reference--all.json", out / "certificates/status-list.json",
                  "--results", str(out / "results.jsonl")) == 0
    assert all(c["ok"] for c in checks_of(capsys).values())
