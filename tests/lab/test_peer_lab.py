"""The peer lab: the whole catalog against third-party implementations (peers/), with the
embedded reference beside them in the interop cells and journeys. Each peer vendor's outcomes
must be exactly those its expected file lists (peers/<peer>/expected/<vendor>.yaml): a new
failure is a false verdict of the suite or a peer's regression; a new pass is a stale entry.

Skipped with one line when Node or the installed peers (`make peers`) are missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lab_outcomes import differences, read_outcomes, unjustified, write_expected
from lab_peers import PEERS_DIR, node_or_skip, peer_names, start_peer
from ler_interop.cli import main

SUITES = Path(__file__).resolve().parents[2] / "suites"


def _run_lab(out: Path, suites: Path = SUITES, keyword: str | None = None,
             fresh_process: bool = False) -> tuple[Path, dict[str, Path]]:
    """Start every peer, run the catalog against them all with --with-reference, and return the
    results stream and each peer vendor's expected file. `fresh_process`: run `ler-interop` in
    a new interpreter (a changed copy of the suites must not meet modules this one imported)."""
    with contextlib.ExitStack() as stack:
        vendors, files = [], {}
        for name in peer_names():
            peer = stack.enter_context(start_peer(name))
            for vendor in peer.vendors():
                vendors.append(vendor)
                files[vendor["id"]] = PEERS_DIR / name / "expected" / f"{vendor['id']}.yaml"
        manifest = out.parent / f"{out.name}-vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": vendors}, sort_keys=False))
        # Every journey (--matrix full): the lab holds each peer to its outcome in every combination.
        args = ["run", "--suites", str(suites), "--vendors", str(manifest), "--with-reference", "--matrix", "full",
                "--out", str(out)]
        args += ["-k", keyword] if keyword else []
        if fresh_process:
            subprocess.run([sys.executable, "-c", "import sys; from ler_interop.cli import main; sys.exit(main(sys.argv[1:]))",
                            *args], check=False, timeout=600, capture_output=True)
        else:
            main(args)
    return out / "results.jsonl", files


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    node_or_skip()
    results, files = _run_lab(tmp_path_factory.mktemp("lab") / "run")
    if os.environ.get("LER_LAB_UPDATE"):
        outcomes = read_outcomes(results)
        for vendor, path in files.items():
            write_expected(path, vendor, outcomes)
    keep = os.environ.get("LER_LAB_KEEP")  # a folder to keep the lab's report in (CI artifact)
    if keep:
        shutil.copytree(results.parent, keep, dirs_exist_ok=True)
    return results, files


def test_every_peer_outcome_is_the_expected_one(lab):
    results, files = lab
    diff = differences(files, read_outcomes(results))
    assert not diff, "peer lab outcomes changed (a false verdict, a peer regression or a stale entry):\n" + "\n".join(diff)


def test_every_listed_deviation_is_justified(lab):
    _, files = lab
    problems = [line for path in files.values() for line in unjustified(path)]
    assert not problems, "\n".join(problems)


def test_every_cell_across_peers_and_the_reference_is_pass_or_unsupported(lab):
    """Issuer x verifier and issuer -> wallet -> verifier across the peers and the reference:
    an interop cell that is neither pass nor unsupported is an interop defect someone must own."""
    results, files = lab
    summary = json.loads((results.parent / "summary.json").read_text())
    bad = [row for row in summary.get("matrix", []) if row["outcome"] not in ("pass", "unsupported")]
    listed = {(r.vendor, r.check, r.params) for r in read_outcomes(results)}
    assert listed, "the lab recorded no results"
    assert not bad, "interop cells neither pass nor unsupported:\n" + "\n".join(json.dumps(row) for row in bad)


def test_an_over_strict_check_turns_the_lab_red(tmp_path):
    """A deliberately broken copy of one check (VER-VCAPI-001 demanding a `checks` member the VC
    API does not require) must show up as a difference against the peers' expected files."""
    node_or_skip()
    suites = tmp_path / "suites"
    shutil.copytree(SUITES, suites, ignore=shutil.ignore_patterns("__pycache__"))
    target = suites / "verifier" / "test_vcapi_verify.py"
    target.write_text(target.read_text() + _OVER_STRICT)
    results, files = _run_lab(tmp_path / "run", suites=suites, keyword="VER-VCAPI-001 or VER-VCAPI-099",
                              fresh_process=True)
    diff = differences(files, read_outcomes(results))
    assert any("VER-VCAPI-099" in line for line in diff), diff


_OVER_STRICT = '''

@check("VER-VCAPI-099", "(lab canary) an over-strict copy of VER-VCAPI-001", ["P1"], VCAPI_VERIFY,
       requires=["eddsa-rdfc-2022"])
def test_lab_canary_over_strict(verify, key_issuer, credential):
    verdict = verify(key_issuer.issue(credential()))
    assert verdict.body.get("checks") == ["proof", "status", "schema"], \\
        "over-strict: demands a `checks` list the VC API does not require"
'''
