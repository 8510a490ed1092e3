"""The labelled corpus (fixtures/credentials/corpus/, issue 13): `ler-interop verify` over every
family agrees with every label. One verify run per distinct set of extra arguments, as a person
would run it: all files at once, every family's resources served offline (--resource)."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from ler_interop import verify_command
from tools.corpus.common import CORPUS, EXPECT_EXIT, NOW, disagreement, load_families, resource_args

FAMILIES = load_families()
ENTRIES = [(fam, entry) for fam in FAMILIES for entry in fam["entries"]]


def _verify(argv: list[str], capsys) -> tuple[int, list[dict]]:
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    code = verify_command.run(parser.parse_args(argv))
    out = json.loads(capsys.readouterr().out)
    return code, out if isinstance(out, list) else [out]


def _run_all(capsys) -> dict[str, dict]:
    """file path -> verify's JSON entry for it."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for fam, entry in ENTRIES:
        groups[tuple(entry.get("args") or ())].append(str(fam["folder"] / entry["file"]))
    out: dict[str, dict] = {}
    for args, files in groups.items():
        _, results = _verify(["--json", "--now", NOW, *resource_args(FAMILIES), *args, *files], capsys)
        out.update({r["file"]: r for r in results})
    return out


def test_corpus_exists():
    assert FAMILIES, f"no labels.yaml under {CORPUS}"


def test_every_file_is_labelled_or_a_resource():
    for fam in FAMILIES:
        named = {e["file"] for e in fam["entries"]} | set((fam.get("resources") or {}).values()) | {"labels.yaml"}
        present = {p.name for p in fam["folder"].iterdir()}
        assert present == named, f"{fam['family']}: unlabelled {sorted(present - named)}, missing {sorted(named - present)}"
        for e in fam["entries"]:
            assert e["expect"] in EXPECT_EXIT, e
            if e["expect"] == "not-verified":
                assert e.get("breaks") and e.get("check"), f"{e['file']}: a bad entry names its rule and check"
            if e["expect"] == "cannot-judge":
                assert e.get("because"), f"{e['file']}: a cannot-judge entry says why"


def test_verify_agrees_with_every_label(capsys):
    results = _run_all(capsys)
    wrong = []
    for fam, entry in ENTRIES:
        path = str(fam["folder"] / entry["file"])
        r = results[path]
        problem = disagreement(entry, r)
        if problem:
            wrong.append(f"{fam['family']}/{entry['file']}: {problem}")
    assert not wrong, "verify disagrees with the corpus labels:\n" + "\n".join(wrong)
