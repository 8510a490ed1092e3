"""`ler-interop verify`: exit codes, --json shape, --now, --unsigned, --context, stdin."""

from __future__ import annotations

import argparse
import io
import json
import sys

import pytest

from ler_interop import verify_command
from ler_interop.credentials import crafting, samples


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    code = verify_command.run(parser.parse_args(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def signed_file(tmp_path):
    signer = crafting.Signer.did_key()
    vc = signer.issue(samples.achievement_credential("x", valid_until="2030-01-01T00:00:00Z"))
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(vc, ensure_ascii=False), encoding="utf-8")
    return path, vc


def test_verified_exits_0_and_names_checks(signed_file, capsys):
    code, out, _ = run([str(signed_file[0]), "--json"], capsys)
    body = json.loads(out)
    assert code == 0 and body["verified"] is True and body["errors"] == []
    names = {c["name"] for c in body["checks"]}
    assert {"proof", "issuer-binding"} <= names
    assert all(set(c) >= {"name", "ok", "message"} for c in body["checks"])


def test_now_after_valid_until_exits_1(signed_file, capsys):
    code, out, _ = run([str(signed_file[0]), "--json", "--now", "2031-01-01T00:00:00Z"], capsys)
    body = json.loads(out)
    assert code == 1 and not body["verified"]
    assert any(e.startswith("validity:") for e in body["errors"])


def test_tampered_human_output(signed_file, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(crafting.tamper_claim(signed_file[1])), encoding="utf-8")
    code, out, _ = run([str(bad)], capsys)
    assert code == 1
    assert "NOT VERIFIED" in out and "FAIL proof [bad-signature]" in out


def test_unsigned_lints_a_template(tmp_path, capsys):
    template = tmp_path / "t.json"
    template.write_text(json.dumps(samples.achievement_credential("did:example:issuer")), encoding="utf-8")
    code, out, _ = run([str(template), "--unsigned", "--json"], capsys)
    body = json.loads(out)
    assert code == 0, body["errors"]
    assert "proof" not in {c["name"] for c in body["checks"]}
    broken = samples.achievement_credential("did:example:issuer")
    del broken["credentialSubject"]["achievement"]["criteria"]
    template.write_text(json.dumps(broken), encoding="utf-8")
    code, out, _ = run([str(template), "--unsigned", "--json"], capsys)
    assert code == 1 and any("criteria" in e for e in json.loads(out)["errors"])


def test_context_option_serves_a_missing_context(tmp_path, capsys):
    ctx_url = "https://contexts.example/extra/v1"
    doc = samples.language_credential("did:example:issuer")
    doc["@context"].append(ctx_url)
    doc["credentialSubject"]["favouriteColour"] = "green"
    (tmp_path / "vc.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run([str(tmp_path / "vc.json"), "--unsigned", "--json"], capsys)
    assert code == 1 and ctx_url in out
    (tmp_path / "ctx.json").write_text(json.dumps({"@context": {"favouriteColour": "https://contexts.example/vocab#favouriteColour"}}))
    code, out, _ = run([str(tmp_path / "vc.json"), "--unsigned", "--json", "--context", f"{ctx_url}={tmp_path / 'ctx.json'}"], capsys)
    assert code == 0, out


def test_stdin(signed_file, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(signed_file[0].read_bytes())))
    code, out, _ = run(["-", "--json"], capsys)
    assert code == 0


@pytest.mark.parametrize("argv, needle", [
    (["/nonexistent/vc.json"], "cannot read"),
    (["{f}", "--now", "yesterday"], "--now"),
    (["{f}", "--context", "no-equals-sign"], "URL=FILE"),
])
def test_usage_errors_exit_2_with_one_line(signed_file, capsys, argv, needle):
    argv = [a.replace("{f}", str(signed_file[0])) for a in argv]
    code, out, err = run(argv, capsys)
    assert code == 2 and needle in err and err.count("\n") == 1 and out == ""


def test_not_a_credential_is_unreadable_input(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("hello", encoding="utf-8")
    code, out, err = run([str(tmp_path / "x.txt"), "--json"], capsys)
    assert code == 2 and err.count("\n") == 1 and "compact JWS" in err
    body = json.loads(out)  # --json still reports the file, with its own exit code
    assert body["exit"] == 2 and body["verified"] is False and "compact JWS" in body["error"]


def test_a_jwt_vc_json_credential_and_presentation_verify(tmp_path, capsys):
    from ler_interop.credentials import jwtvc

    issuer, holder = crafting.Signer.did_key(), crafting.Signer.did_key()
    credential = samples.achievement_credential(issuer.did, valid_until="2030-01-01T00:00:00Z")
    credential["credentialSubject"]["id"] = holder.did
    token = jwtvc.sign_jwt_vc(credential, issuer.key, issuer.vm)
    (tmp_path / "vc.jwt").write_text(token)
    vp = jwtvc.sign_jwt_vp([token], holder.key, holder.vm, holder=holder.did, nonce="n-1", aud="x509_san_dns:rp.example")
    (tmp_path / "vp.jwt").write_text(vp)
    code, out, _ = run([str(tmp_path / "vc.jwt"), "--json"], capsys)
    assert code == 0 and "jwt_vc_json" in json.loads(out)["checks"][0]["message"]
    code, _, _ = run([str(tmp_path / "vp.jwt"), "--challenge", "n-1", "--domain", "x509_san_dns:rp.example"], capsys)
    assert code == 0
    code, _, _ = run([str(tmp_path / "vp.jwt"), "--challenge", "another-nonce", "--domain", "x509_san_dns:rp.example"], capsys)
    assert code == 1


def _unsigned_vp(*credentials) -> dict:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
            "holder": "did:example:holder", "verifiableCredential": list(credentials)}


def test_unsigned_presentation_is_judged_as_a_presentation(tmp_path, capsys):
    # --unsigned checks no proof at all: neither the presentation's nor its credentials'.
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(_unsigned_vp(samples.achievement_credential("did:example:issuer"))), encoding="utf-8")
    code, out, _ = run([str(path), "--unsigned", "--json"], capsys)
    body = json.loads(out)
    assert code == 0, body["errors"]
    names = {c["name"] for c in body["checks"]}
    assert "data-model" in names and "credential[0].data-model" in names
    assert not any(n.endswith("proof") or n.endswith("binding") for n in names)


def test_unsigned_presentation_still_judges_its_credentials(tmp_path, capsys):
    broken = samples.achievement_credential("did:example:issuer")
    del broken["credentialSubject"]
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(_unsigned_vp(broken)), encoding="utf-8")
    code, out, _ = run([str(path), "--unsigned", "--json"], capsys)
    assert code == 1 and any(e.startswith("credential[0].data-model") for e in json.loads(out)["errors"])


def test_proof_set_warning_is_printed(signed_file, tmp_path, capsys):
    vc = dict(signed_file[1], proof=[signed_file[1]["proof"], {
        "type": "BbsBlsSignature2020", "verificationMethod": "did:example:x#k", "proofPurpose": "assertionMethod",
        "proofValue": "z3"}])
    path = tmp_path / "set.json"
    path.write_text(json.dumps(vc), encoding="utf-8")
    code, out, _ = run([str(path)], capsys)
    assert code == 0 and "warn proof: proof[1]: unsupported proof type BbsBlsSignature2020" in out


def test_vocab_null_context_is_judged_not_crashed(tmp_path, capsys):
    # pyld deleted a missing @vocab (KeyError) for a context that sets "@vocab": null.
    doc = samples.achievement_credential("did:example:issuer")
    doc["@context"].append({"@vocab": None})
    (tmp_path / "v.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run([str(tmp_path / "v.json"), "--unsigned", "--json"], capsys)
    assert code == 0, out
    doc["credentialSubject"]["undefinedTerm"] = "x"  # no @vocab left to catch it: a dropped term
    (tmp_path / "v.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run([str(tmp_path / "v.json"), "--unsigned", "--json"], capsys)
    assert code == 1 and "undefinedTerm" in out and "Traceback" not in err


def test_unexpected_exception_is_that_files_cannot_judge(signed_file, tmp_path, capsys, monkeypatch):
    from ler_interop.credentials.verifier import CredentialVerifier

    original = CredentialVerifier.verify

    def flaky(self, text, **kw):
        if "boom" in text:
            raise ZeroDivisionError("not a message to show")
        return original(self, text, **kw)

    monkeypatch.setattr(CredentialVerifier, "verify", flaky)
    (tmp_path / "boom.json").write_text('{"boom": 1}')
    code, out, err = run([str(tmp_path / "boom.json"), str(signed_file[0]), "--json"], capsys)
    crashed, verified = json.loads(out)
    assert code == 2 and crashed["exit"] == 2 and verified["exit"] == 0
    assert err.count("\n") == 1 and "ZeroDivisionError" in err and "Traceback" not in err


def test_every_file_is_reported_and_the_worst_code_wins(signed_file, tmp_path, capsys):
    (tmp_path / "empty.json").write_text("  \n")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(crafting.tamper_claim(signed_file[1])), encoding="utf-8")
    good = str(signed_file[0])
    code, out, err = run([good, str(bad), "--json"], capsys)
    assert code == 1 and [e["exit"] for e in json.loads(out)] == [0, 1]
    code, out, err = run([good, "/nonexistent/vc.json", str(bad), str(tmp_path / "empty.json"), "--json"], capsys)
    entries = json.loads(out)
    assert code == 2 and [e["exit"] for e in entries] == [0, 2, 1, 2]
    assert "cannot read" in entries[1]["error"] and entries[3]["error"].endswith("empty input")
    assert err.count("\n") == 2 and "empty input" in err
    code, out, err = run([good, str(tmp_path / "empty.json")], capsys)  # human output too
    assert code == 2 and "VERIFIED" in out and "empty input" in err


def test_help_documents_the_exit_order():
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    assert "2 > 1 > 0" in parser.format_help()


def test_closed_pipe_exits_quietly(signed_file, tmp_path):
    import subprocess

    files = [str(signed_file[0])] * 200
    script = "import sys; from ler_interop.cli import main; sys.exit(main(['verify', *sys.argv[1:]]))"
    proc = subprocess.Popen([sys.executable, "-c", script, *files], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_resource_answers_a_fetch_offline_and_bad_ones_are_usage_errors(tmp_path, capsys):
    from ler_interop.credentials import statuslist

    signer = crafting.Signer.did_key()
    url = "https://status.example/lists/1"
    lst = statuslist.StatusList(131072)
    lst.set(5, True)
    list_vc = signer.issue(statuslist.status_list_credential(url, signer.did, "revocation", lst))
    (tmp_path / "list.json").write_text(json.dumps(list_vc), encoding="utf-8")
    for index, verified in ((4, True), (5, False)):
        vc = samples.achievement_credential("x", valid_until="2030-01-01T00:00:00Z")
        vc["credentialStatus"] = statuslist.status_entry(url, index, "revocation")
        path = tmp_path / f"vc{index}.json"
        path.write_text(json.dumps(signer.issue(vc)), encoding="utf-8")
        code, out, _ = run([str(path), "--json", "--resource", f"{url}={tmp_path / 'list.json'}"], capsys)
        assert json.loads(out)["verified"] is verified, out
        # Without the resource the host is not allowed: the status cannot be judged (exit 2, not 1).
        code, out, _ = run([str(path), "--json"], capsys)
        assert code == 2 and "status.example" in json.loads(out)["error"]
    for bad in ("no-equals", "ftp://x=list.json", f"{url}={tmp_path / 'missing.json'}"):
        code, _, err = run([str(path), "--resource", bad], capsys)
        assert code == 2 and err.startswith("ler-interop verify: --resource") and len(err.splitlines()) == 1
