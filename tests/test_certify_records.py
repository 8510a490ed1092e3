"""What `certify` keeps in OUT/certificates/ across many runs (issue 14 review): a status-list
index is drawn once for good (a re-issued certificate's old index is never drawn again), the
index is refused when unreadable rather than read as empty, two certifies at once both land,
odd vendor ids and profiles never share or escape a file, and --revoke touches only a
certificate this key issued into this folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ler_interop.certify import publish, status
from ler_interop.cli import main
from ler_interop.report.certificates import load_certificates
from ler_interop.results import ResultsWriter

from test_certify import STATUS_URL, certify, new_certifier, verify

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def setup(tmp_path, capsys):
    return new_certifier(tmp_path, capsys)


def index_of(out: Path) -> list[dict]:
    return json.loads((out / "certificates/index.json").read_text())


def one_line_exit_2(capsys, argv: list[str], needle: str) -> None:
    assert main(argv) == 2, argv
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err, err


def test_a_reissued_certificates_index_is_never_drawn_again(setup, capsys, monkeypatch):
    out, stream, key = setup
    assert certify(stream, key) == 0
    first = out / "first-good--all.json"
    shutil.copy(out / "certificates/good--all.json", first)  # what the vendor holds
    old_index = int(index_of(out)[0]["statusListIndex"])
    # The next draw offers the old index first: it must be passed over though its bit is 0.
    draws = iter([old_index, 4242])
    monkeypatch.setattr(status.secrets, "randbelow", lambda n: next(draws))
    assert certify(stream, key) == 0
    entries = index_of(out)
    assert [e.get("superseded", False) for e in entries] == [True, False]
    assert entries[0]["statusListIndex"] == str(old_index) and "json" not in entries[0] and "svg" not in entries[0]
    assert entries[1]["statusListIndex"] == "4242" and entries[1]["json"] == "certificates/good--all.json"
    assert [c["vendor"] for c in load_certificates(out)] == ["good"]  # the report shows the current one
    # Revoking the superseded certificate revokes it alone: the new one still verifies.
    capsys.readouterr()
    assert main(["certify", "--revoke", str(first), "--key", str(key), "--out", str(out)]) == 0
    assert [e["revoked"] for e in index_of(out)] == [True, False]
    capsys.readouterr()
    assert verify(out / "certificates/good--all.json", out / "certificates/status-list.json") == 0
    assert verify(first, out / "certificates/status-list.json") == 1


def test_an_unreadable_or_missing_index_is_refused_not_read_as_empty(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key) == 0
    capsys.readouterr()
    argv = ["certify", str(stream), "--vendor", "good", "--key", str(key), "--status-url", STATUS_URL]
    (out / "certificates/index.json").write_text("{torn")
    one_line_exit_2(capsys, argv, "records the status-list indices in use")
    (out / "certificates/index.json").unlink()  # the list is there, the record of its indices is not
    one_line_exit_2(capsys, argv, "exists but")


def test_out_a_file_or_unwritable_is_one_line(setup, capsys):
    out, stream, key = setup
    (out / "a-file").write_text("x")
    one_line_exit_2(capsys, ["certify", str(stream), "--vendor", "good", "--key", str(key), "--status-url", STATUS_URL,
                             "--out", str(out / "a-file")], "give a folder")


def test_odd_vendor_ids_and_profiles_never_share_or_escape_a_file(tmp_path, capsys):
    ids = ["a/b", "a-b", "..", "../../etc", "a b"]
    vendors = [{"id": v, "name": v, "roles": ["issuer"], "profiles": ["p q", "p-q"]} for v in ids]
    stream = tmp_path / "results.jsonl"
    with ResultsWriter(stream) as writer:
        writer.header(run_id="r", suite_version="0.1.0", spec_versions={}, vendors=vendors, started="2026-01-01T00:00:00Z")
        for v in ids:
            writer.result({"vendor": v, "check": "CHK-1", "nodeid": f"t::t[{v}]", "outcome": "pass", "level": "MUST",
                           "principles": ["P1"], "role": "issuer", "protocol": "vc-api", "profiles": ["p q", "p-q"], "params": {}})
    key = tmp_path / "key.json"
    assert main(["certify", "--new-key", str(key)]) == 0
    for v in ids:
        for scope in ("all", "profile:p q", "profile:p-q"):
            assert certify(stream, key, "--scope", scope, vendor=v) == 0, (v, scope)
    entries = index_of(tmp_path)
    assert len(entries) == 15 and not any(e.get("superseded") for e in entries)
    files = [e["json"] for e in entries]
    assert len(set(files)) == 15 and all(f.startswith("certificates/") and "/" not in f[len("certificates/"):] for f in files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["certificates", "key.json", "results.jsonl"]
    assert "certificates/a-b--all.json" in files  # a plain slug keeps its plain name
    for entry in entries:
        credential = json.loads((tmp_path / entry["json"]).read_text())
        assert credential["credentialSubject"]["achievement"]["name"].endswith(
            "the whole suite" if entry["scope"] == "all" else entry["scope"].replace(":", " "))


def test_two_certifies_at_once_both_land_with_distinct_indices(setup):
    out, stream, key = setup
    assert certify(stream, key) == 0  # the list and index exist: every run reads and rewrites them

    def start(scope: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "ler_interop.cli", "certify", str(stream), "--vendor", "good",
                                 "--key", str(key), "--status-url", STATUS_URL, "--scope", scope],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    # While another certify holds the folder, a second one waits for it rather than writing.
    with publish.locked(out):
        waiting = start("role:verifier")
        time.sleep(1.5)
        assert waiting.poll() is None
    runs = [waiting, start("role:issuer"), start("profile:ob3")]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    entries = index_of(out)
    assert sorted(e["scope"] for e in entries) == sorted(["all", "role:verifier", "role:issuer", "profile:ob3"])
    assert len({e["statusListIndex"] for e in entries}) == 4
    assert not list((out / "certificates").glob("*.partial"))


def test_revoke_refuses_another_keys_certificate_and_one_not_issued_here(setup, capsys, tmp_path_factory):
    out, stream, key = setup
    assert certify(stream, key) == 0
    cert = out / "certificates/good--all.json"
    other = tmp_path_factory.mktemp("other")
    other_key = other / "key.json"
    assert main(["certify", "--new-key", str(other_key)]) == 0
    capsys.readouterr()
    one_line_exit_2(capsys, ["certify", "--revoke", str(cert), "--key", str(other_key)], "not this key's did:key")
    # A did:web issuer any key may claim: the proof still names the key that signed it.
    assert certify(stream, key, "--issuer", "did:web:certifier.example", "--out", str(other)) == 0
    capsys.readouterr()
    one_line_exit_2(capsys, ["certify", "--revoke", str(other / "certificates/good--all.json"), "--key", str(other_key)],
                    "not signed by this key")
    # This key's certificate, but the folder given is not where it was issued.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(out / "certificates", elsewhere / "certificates")
    (elsewhere / "certificates/index.json").write_text("[]")
    one_line_exit_2(capsys, ["certify", "--revoke", str(cert), "--key", str(key), "--out", str(elsewhere)],
                    "is not in")
    assert index_of(out)[0]["revoked"] is False


def test_verify_results_with_a_shard_names_the_file_the_certificate_covers(setup, capsys):
    out, stream, key = setup
    assert certify(stream, key) == 0
    lines = stream.read_text().splitlines(keepends=True)
    shard = out / "shard-1.jsonl"  # one worker's part of the stream the certificate covers
    shard.write_text("".join([lines[0], *lines[1:4], lines[-1]]))
    capsys.readouterr()
    assert verify(out / "certificates/good--all.json", out / "certificates/status-list.json", "--results", str(shard)) == 1
    check = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}["results-digest"]
    text = json.dumps(check)
    assert not check["ok"] and "shard-1.jsonl" in text and "'results.jsonl'" in text and "give that exact file" in text
