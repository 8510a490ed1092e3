"""docs/ci/: the CI files a certifier or a vendor copies as is. They parse, have the shape
docs/ci/README.md describes (a job per vendor from the manifest, fail-fast off, artifacts kept
when a vendor fails, one merge job), and every `ler-interop` command they run is one the CLI
accepts. Also `ler-interop manifest vendors`, which makes their job matrix."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ler_interop.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / "docs" / "ci"
EXAMPLE = ROOT / "fixtures" / "manifests" / "example-vendor.yaml"
BIN = Path(sys.executable).parent  # the venv's console scripts: ler-interop, check-jsonschema


def load(name: str) -> dict:
    return yaml.safe_load((CI / name).read_text(encoding="utf-8"))


# --- the commands the files run -------------------------------------------------------------

# `ler-interop` as a command word (not inside a path or URL), then its arguments up to the end
# of the shell command it is part of.
COMMAND = re.compile(r"(?:^|[\s(;&|])ler-interop\s+([a-z][\w-]*\b.*)")
COMMAND_END = re.compile(r"\s(?:\|\||&&|\||>>?|2>)\s|;|\)|\s#")
# CI expressions and shell variables become one word each, as the shell would pass them.
PLACEHOLDERS = [
    (re.compile(r"\$\{\{[^}]*\}\}"), "PLACEHOLDER"),
    (re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?"), "PLACEHOLDER"),
]


def commands_in(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            continue
        match = COMMAND.search(line)
        if match:
            found.append("ler-interop " + COMMAND_END.split(match.group(1))[0].strip())
    return found


def github_scripts() -> list[str]:
    jobs = load("github-actions.yml")["jobs"]
    return [step["run"] for job in jobs.values() for step in job.get("steps", []) if "run" in step]


def gitlab_scripts() -> list[str]:
    texts = []
    for name in ("gitlab-ci.yml", "gitlab-conformance.yml"):
        for job in load(name).values():
            if isinstance(job, dict):
                for key in ("before_script", "script", "after_script"):
                    texts += job.get(key, [])
    return texts


def documented_commands() -> list[str]:
    """Command lines of the README's code blocks and the Dockerfile's usage comment."""
    readme = (CI / "README.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", readme, re.S))
    dockerfile = "\n".join(line.lstrip("# ") for line in (CI / "Dockerfile").read_text().splitlines()
                           if line.startswith("#"))
    lines = re.sub(r"\\\n\s*", " ", blocks + "\n" + dockerfile).splitlines()  # join continued lines
    shell = "\n".join(line for line in lines if line.strip().startswith(("docker run", "ler-interop ")))
    return [c for c in commands_in(shell) if "..." not in c]


COMMANDS = sorted({(where, command) for where, texts in (
    ("github-actions.yml", github_scripts()), ("gitlab", gitlab_scripts()),
) for text in texts for command in commands_in(text)} | {("docs", c) for c in documented_commands()})


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[f"{w}: {c}" for w, c in COMMANDS])
def test_every_command_is_one_the_cli_accepts(where: str, command: str, capsys: pytest.CaptureFixture[str]):
    """Parsed by the real parser with the values substituted. `diff` and `certify` come from
    other parts of issue 14: they fail here until those are merged."""
    text = command
    for pattern, value in PLACEHOLDERS:
        text = pattern.sub(value, text)
    argv = shlex.split(text)[1:]
    try:
        build_parser(argv[0]).parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"{where}: `{command}` does not parse (exit {exc.code}): {capsys.readouterr().err.strip()}")


def test_the_files_run_the_whole_flow():
    for where, scripts in (("github-actions.yml", github_scripts()), ("gitlab", gitlab_scripts())):
        used = {shlex.split(c)[1] for text in scripts for c in commands_in(text)}
        assert {"manifest", "run", "report", "diff", "certify"} <= used, where


# --- GitHub Actions --------------------------------------------------------------------------

def test_github_workflow_runs_a_job_per_vendor_then_merges():
    workflow = load("github-actions.yml")
    jobs = workflow["jobs"]
    listing = jobs["vendors"]
    step_id = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.vendors \}\}", listing["outputs"]["vendors"]).group(1)
    step = next(s for s in listing["steps"] if s.get("id") == step_id)
    assert "ler-interop manifest vendors" in step["run"] and "--json" in step["run"] and "$GITHUB_OUTPUT" in step["run"]

    conformance = jobs["conformance"]
    assert conformance["needs"] == "vendors"
    assert conformance["strategy"]["fail-fast"] is False
    assert conformance["strategy"]["matrix"]["vendor"] == "${{ fromJSON(needs.vendors.outputs.vendors) }}"
    run = next(s["run"] for s in conformance["steps"] if "ler-interop run" in s.get("run", ""))
    assert '--vendor "$VENDOR"' in run and conformance["env"]["VENDOR"] == "${{ matrix.vendor }}"
    uploads = [s for s in conformance["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(uploads) == 1 and uploads[0]["if"] == "always()"  # a vendor that fails (exit 1) keeps its results
    assert uploads[0]["with"]["path"].rstrip("/") == "reports/${{ matrix.vendor }}" and '--out "reports/$VENDOR"' in run
    artifact_prefix = uploads[0]["with"]["name"].split("${{")[0]

    merge = jobs["merge"]
    assert set(merge["needs"]) == {"vendors", "conformance"} and "always()" in merge["if"]
    download = next(s for s in merge["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["pattern"] == artifact_prefix + "*" and download["with"]["path"] == "reports"
    runs = "\n".join(s.get("run", "") for s in merge["steps"])
    assert "ler-interop report reports/*/results.jsonl --out merged" in runs
    assert "ler-interop diff previous/results.jsonl merged/results.jsonl" in runs
    merged_upload = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(merged_upload) == 1 and merged_upload[0]["if"] == "always()"
    assert merged_upload[0]["with"]["path"].rstrip("/") == "merged"


def test_github_workflow_keeps_secrets_in_env_and_out_of_logs():
    jobs = load("github-actions.yml")["jobs"]
    for job in jobs.values():
        for step in job.get("steps", []):
            run = step.get("run", "")
            assert "secrets." not in run, "a secret goes into env:, never into the script text"
            assert "set -x" not in run
            assert not re.search(r"(echo|printf)[^>\n]*\$\{?LER_CERTIFIER_KEY[^>\n]*$", run, re.M), \
                "the key is only ever written to a file"
    certify = next(s for s in jobs["merge"]["steps"] if "ler-interop certify" in s.get("run", ""))
    assert certify["env"]["LER_CERTIFIER_KEY"] == "${{ secrets.LER_CERTIFIER_KEY }}"
    assert "umask 077" in certify["run"] and "rm -f" in certify["run"]
    assert all(v.startswith("${{ secrets.") for k, v in jobs["conformance"]["env"].items() if k != "VENDOR")


# --- GitLab CI --------------------------------------------------------------------------------

def test_gitlab_parent_triggers_the_generated_child():
    parent = load("gitlab-ci.yml")
    artifact = parent["vendors"]["artifacts"]["paths"][0]
    include = parent["conformance"]["trigger"]["include"][0]
    assert include == {"artifact": artifact, "job": "vendors"}
    assert parent["conformance"]["needs"] == ["vendors"]
    assert parent["conformance"]["trigger"]["strategy"] == "depend"


def generate_child(tmp_path: Path, manifest: Path) -> subprocess.CompletedProcess[str]:
    """Run the parent's `vendors` script (not its install lines) as the runner would."""
    parent = load("gitlab-ci.yml")
    (tmp_path / "ci").mkdir(exist_ok=True)
    shutil.copy(CI / "gitlab-conformance.yml", tmp_path / parent["variables"]["LER_CHILD_TEMPLATE"])
    env = {**os.environ, **parent["variables"], "LER_MANIFEST": str(manifest),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = "set -eo pipefail\n" + "\n".join(parent["vendors"]["script"])
    return subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def two_vendor_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "vendors.yaml"
    path.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [
        {"id": id_, "name": id_.title(), "issuer": {"vc-api": {"issue": f"https://{id_}.example/credentials/issue"}}}
        for id_ in ("acme", "beta-2")]}))
    return path


def test_gitlab_child_has_a_job_per_vendor_then_merges(tmp_path: Path):
    done = generate_child(tmp_path, two_vendor_manifest(tmp_path))
    assert done.returncode == 0, done.stderr
    child = yaml.safe_load((tmp_path / "conformance-pipeline.yml").read_text())
    assert child["conformance"] == {"extends": ".conformance", "parallel": {"matrix": [{"VENDOR": ["acme", "beta-2"]}]}}
    template = child[".conformance"]
    assert any('--vendor "$VENDOR"' in line and '--out "reports/$VENDOR"' in line for line in template["script"])
    assert template["artifacts"]["when"] == "always" and template["artifacts"]["paths"] == ["reports/$VENDOR/"]
    merge = child["merge"]
    assert merge["needs"] == ["conformance"] and merge["when"] == "always"
    assert merge["artifacts"]["when"] == "always" and merge["artifacts"]["paths"] == ["merged/"]
    assert merge["stage"] == child["stages"][-1] and template["stage"] == child["stages"][0]
    if (checker := _tool("check-jsonschema")) is not None:
        schema = subprocess.run([checker, "--builtin-schema", "vendor.gitlab-ci", "conformance-pipeline.yml"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert schema.returncode == 0, schema.stdout + schema.stderr


def test_gitlab_generation_stops_at_a_broken_manifest(tmp_path: Path):
    broken = tmp_path / "vendors.yaml"
    broken.write_text("manifest_version: 1\nvendors:\n  - id: Not_A_Slug\n")
    done = generate_child(tmp_path, broken)
    assert done.returncode != 0 and not (tmp_path / "conformance-pipeline.yml").exists()
    assert len(done.stderr.strip().splitlines()) == 1 and "vendors.yaml" in done.stderr


# --- schema validators, when installed ------------------------------------------------------

def _tool(name: str) -> str | None:
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-workflows", ["github-actions.yml"]),
    ("vendor.gitlab-ci", ["gitlab-ci.yml", "gitlab-conformance.yml"]),
])
def test_files_match_the_published_schema(schema: str, files: list[str]):
    checker = _tool("check-jsonschema")
    if checker is None:
        pytest.skip("check-jsonschema is not installed (pip install check-jsonschema)")
    done = subprocess.run([checker, "--builtin-schema", schema, *files], cwd=CI, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_github_workflow_passes_actionlint():
    linter = _tool("actionlint")
    if linter is None:
        pytest.skip("actionlint is not installed")
    done = subprocess.run([linter, "-shellcheck=", str(CI / "github-actions.yml")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the Dockerfile ---------------------------------------------------------------------------

def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (CI / "Dockerfile").read_text(encoding="utf-8"))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_dockerfile_installs_the_project_and_runs_as_a_user():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    copied = {src for op, args in instructions if op == "COPY" for src in args.split()[:-1]}
    assert {"pyproject.toml", "src", "suites"} <= copied and all((ROOT / c).exists() for c in copied)
    env = " ".join(args for op, args in instructions if op == "ENV")
    suites_dest = next(args.split()[-1] for op, args in instructions if op == "COPY" and args.split()[0] == "suites")
    assert f"LER_INTEROP_SUITES={suites_dest}" in env  # the installed package has no checkout to find them in
    users = [args for op, args in instructions if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    entry = [args for op, args in instructions if op == "ENTRYPOINT"]
    assert entry and json.loads(entry[-1]) == ["ler-interop"]
    assert not re.search(r"TOKEN|SECRET|PASSWORD|KEY", " ".join(a for op, a in instructions if op in ("ENV", "ARG")))


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "reports"} <= ignored
    assert not {"src", "suites", "pyproject.toml", "README.md"} & ignored


# --- ler-interop manifest vendors -------------------------------------------------------------

def test_manifest_vendors_lists_the_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    manifest = two_vendor_manifest(tmp_path)
    assert main(["manifest", "vendors", str(manifest)]) == 0
    assert capsys.readouterr().out == "acme\nbeta-2\n"
    assert main(["manifest", "vendors", str(manifest), "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and json.loads(out) == ["acme", "beta-2"]  # one line: fits $GITHUB_OUTPUT


def test_manifest_vendors_needs_no_secrets(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """The job that lists vendors never contacts them, so it is not given their tokens."""
    for name in ("ACME_ISSUER_TOKEN", "ACME_VERIFIER_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["manifest", "vendors", str(EXAMPLE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == ["acme"]


@pytest.mark.parametrize("content", [None, "manifest_version: 1\nvendors:\n  - id: Not_A_Slug\n  - {}\n", "vendors: [\n"])
def test_manifest_vendors_bad_manifest_is_one_line(tmp_path: Path, content: str | None,
                                                    capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "vendors.yaml"
    if content is not None:
        path.write_text(content)
    assert main(["manifest", "vendors", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1
    assert lines[0].startswith("ler-interop manifest vendors: ") and "vendors.yaml" in lines[0]


# --- the merge job's step, on what the per-vendor jobs upload ----------------------------------

def vendor_job_stream(path: Path, vendor: str, outcome: str) -> None:
    """What one `conformance` job uploads: a `run --vendor ID` stream of that vendor alone."""
    from ler_interop import __version__
    from ler_interop.results import ResultsWriter

    path.parent.mkdir(parents=True)
    with ResultsWriter(path) as writer:
        writer.header(run_id=f"run-{vendor}", suite_version=__version__, spec_versions={"vc": "2.0"},
                      vendors=[{"id": vendor, "name": vendor.title(), "roles": ["issuer"], "profiles": []}],
                      selection={"vendor": [vendor]})
        writer.result({"vendor": vendor, "check": "ISS-VCAPI-001", "title": "issue", "params": {},
                       "nodeid": f"suites/issuer/test_x.py::test_issue[{vendor}]", "outcome": outcome,
                       "level": "MUST", "principles": ["P1"], "role": "issuer", "protocol": "vc-api",
                       "spec": "https://www.w3.org/TR/vc-data-model-2.0/", "message": "", "evidence": []})


def test_merge_step_writes_one_results_stream_of_every_vendor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]):
    """`ler-interop report reports/*/results.jsonl --out merged`, as the merge job runs it on the
    downloaded artifacts: merged/results.jsonl holds both vendors (what diff and certify read), and
    a vendor that does not conform is exit 1, which the step lets through (2 it does not)."""
    vendor_job_stream(tmp_path / "reports" / "results-acme" / "results.jsonl", "acme", "pass")
    vendor_job_stream(tmp_path / "reports" / "results-beta" / "results.jsonl", "beta", "fail")
    monkeypatch.chdir(tmp_path)
    streams = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob("reports/*/results.jsonl"))
    assert main(["report", *streams, "--out", "merged"]) == 1
    merged = [json.loads(line) for line in (tmp_path / "merged" / "results.jsonl").read_text().splitlines()]
    assert [v["id"] for v in merged[0]["vendors"]] == ["acme", "beta"]
    assert {r["vendor"]: r["outcome"] for r in merged if "outcome" in r} == {"acme": "pass", "beta": "fail"}
    assert {"index.html", "summary.json", "junit.xml"} <= {p.name for p in (tmp_path / "merged").iterdir()}


def merge_step_scripts() -> dict[str, str]:
    github = next(s["run"] for s in load("github-actions.yml")["jobs"]["merge"]["steps"]
                  if "ler-interop report" in s.get("run", ""))
    gitlab = next(line for line in load("gitlab-conformance.yml")["merge"]["script"] if "ler-interop report" in line)
    return {"github": github, "gitlab": gitlab}


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_merge_step_lets_a_verdict_through_and_stops_on_broken_input(tmp_path: Path, ci: str):
    """The step as the runner runs it (bash -e): a vendor that does not conform (report exits 1)
    goes on to certify and diff; an unreadable stream (exit 2) stops the job."""
    script = merge_step_scripts()[ci]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    vendor_job_stream(tmp_path / "reports" / "results-acme" / "results.jsonl", "acme", "fail")
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "merged" / "results.jsonl").is_file()
    (tmp_path / "reports" / "results-broken").mkdir()
    (tmp_path / "reports" / "results-broken" / "results.jsonl").write_text('{"kind": "header", "suite_version": "other"}\n')
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "ler-interop report" in done.stderr


def certify_step_scripts() -> dict[str, str]:
    github = next(s["run"] for s in load("github-actions.yml")["jobs"]["merge"]["steps"]
                  if "ler-interop certify" in s.get("run", ""))
    gitlab = next(line for line in load("gitlab-conformance.yml")["merge"]["script"] if "ler-interop certify" in line)
    return {"github": github, "gitlab": gitlab}


KEY = '{"kty": "OKP", "crv": "Ed25519", "d": "c2VjcmV0LXNlY3JldC1zZWNyZXQ", "x": "cHVibGlj"}'
RECORDING_CLI = """#!/bin/sh
# Stands in for ler-interop in the certify step: lists two vendors, records what certify is given
# (the key file's mode and content, whether the published status list is in place), exits $CERTIFY_EXIT.
if [ "$1" = manifest ]; then printf 'acme\\nbeta\\n'; exit 0; fi
test -f merged/certificates/status-list.json && echo carried >> "$RECORD.carried"
while [ $# -gt 0 ]; do
  if [ "$1" = --key ]; then stat -c '%a' "$2" >> "$RECORD"; cat "$2" >> "$RECORD"; echo "$2" >> "$RECORD.paths"; fi
  shift
done
exit "${CERTIFY_EXIT:-0}"
"""


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_certify_step_hands_the_key_over_in_a_0600_file_and_never_prints_it(tmp_path: Path, ci: str):
    """The step's shell with `ler-interop` replaced by a recorder (the command itself is part A's):
    the key reaches certify for every vendor in a file only its user can read, that file is gone
    afterwards, and nothing the step prints contains it. Without the key, no certificates."""
    import base64

    shim = tmp_path / "bin" / "ler-interop"
    shim.parent.mkdir()
    shim.write_text(RECORDING_CLI)
    shim.chmod(0o755)
    record = tmp_path / "record"
    (tmp_path / "previous" / "certificates").mkdir(parents=True)  # what the fetch step found published
    (tmp_path / "previous" / "certificates" / "status-list.json").write_text("{}")
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}", "RECORD": str(record),
           "RUNNER_TEMP": str(tmp_path), "LER_MANIFEST": "vendors.yaml", "LER_CERTIFIER_DID": "did:web:certs.example"}
    secret = {"github": ("LER_CERTIFIER_KEY", KEY), "gitlab": ("LER_CERTIFIER_KEY_B64", base64.b64encode(KEY.encode()).decode())}[ci]
    script = certify_step_scripts()[ci]

    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "no certificates" in done.stdout and not record.exists()

    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env={**env, secret[0]: secret[1]},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert record.read_text().split("\n", 2)[0] == "600"
    assert record.read_text().count(KEY) == 2  # acme and beta
    assert all(not Path(p).exists() for p in Path(f"{record}.paths").read_text().split())
    assert "c2VjcmV0" not in done.stdout + done.stderr and secret[1] not in done.stdout + done.stderr
    assert Path(f"{record}.carried").read_text().count("carried") == 2  # revocations published before stay

    # A vendor that does not conform (1) is a warning; bad input such as a broken key (2) fails the step.
    refused = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env={**env, secret[0]: secret[1], "CERTIFY_EXIT": "1"},
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 0 and "no certificate for acme" in refused.stdout and "no certificate for beta" in refused.stdout
    broken = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env={**env, secret[0]: secret[1], "CERTIFY_EXIT": "2"},
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == 2
    assert all(not Path(p).exists() for p in Path(f"{record}.paths").read_text().split())



def test_gitlab_certify_step_removes_the_key_file_when_the_variable_is_not_base64(tmp_path: Path):
    """A broken LER_CERTIFIER_KEY_B64 stops the step (base64 -d fails under -e) before the key
    file is removed at the end: the EXIT trap removes what was decoded of it all the same."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "LER_MANIFEST": "vendors.yaml", "LER_CERTIFIER_DID": "did:web:certs.example",
           "LER_CERTIFIER_KEY_B64": "eyJrdHkiOiJPS1AiLCJkIjoic2VjcmV0In0=!!not base64"}
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", certify_step_scripts()["gitlab"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and list(temp.iterdir()) == []

def fetch_step_scripts() -> dict[str, str]:
    github = next(s["run"] for s in load("github-actions.yml")["jobs"]["merge"]["steps"] if s.get("id") == "previous")
    gitlab = "\n".join(line for line in load("gitlab-conformance.yml")["merge"]["script"]
                       if "LER_PUBLISHED_URL" in line or line.startswith("mkdir -p previous"))
    return {"github": github, "gitlab": gitlab}


@pytest.mark.skipif(shutil.which("curl") is None, reason="the fetch step uses curl")
@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_fetch_step_brings_back_the_published_results_and_certificates(tmp_path: Path, ci: str):
    """From a published site (served here on loopback): results.jsonl for the diff, and the
    certificates index names, status list and certificate files for certify to continue;
    a name outside certificates/ in the index is not fetched."""
    import functools
    import http.server
    import threading

    site = tmp_path / "site"
    (site / "certificates").mkdir(parents=True)
    (site / "results.jsonl").write_text('{"kind": "header"}\n')
    (site / "certificates" / "status-list.json").write_text("{}")
    (site / "certificates" / "acme--all.json").write_text("{}")
    (site / "certificates" / "acme--all.svg").write_text("<svg/>")
    (site / "certificates" / "index.json").write_text(json.dumps([
        {"vendor": "acme", "scope": "all", "json": "certificates/acme--all.json", "svg": "certificates/acme--all.svg"},
        {"vendor": "evil", "scope": "all", "json": "../../outside.json"}]))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = tmp_path / "work"
    work.mkdir()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    env = {**os.environ, "PUBLISHED_URL": url, "LER_PUBLISHED_URL": url, "GITHUB_OUTPUT": str(tmp_path / "output")}
    try:
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", fetch_step_scripts()[ci]], cwd=work, env=env,
                              capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    fetched = sorted(str(p.relative_to(work / "previous")) for p in (work / "previous").rglob("*") if p.is_file())
    assert fetched == ["certificates/acme--all.json", "certificates/acme--all.svg", "certificates/index.json",
                       "certificates/status-list.json", "results.jsonl"]
    assert not (tmp_path / "outside.json").exists()
