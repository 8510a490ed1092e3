"""Fuzz `ler-interop verify`: no input produces a traceback, every exit code is 0, 1 or 2.

Valid seeds (a Data Integrity credential, a VC-JWT, an SD-JWT with a disclosure) are mutated
with a fixed seed: byte flips, truncation, key deletion, type swaps, deep nesting, huge
strings, and the same inside a JWS payload or a disclosure. Each case runs the command
in-process on a file. The default is 1,000 cases (~17 s; ~17 ms a case); the issue's 10,000:

    LER_VERIFY_FUZZ_CASES=10000 .venv/bin/python -m pytest tests/test_verify_fuzz.py -q -p no:randomly

The last-resort guard in verify_command (`cannot judge this input (ValueError)`) must catch
nothing: an exception escaping the verifier's own code is a bug fixed where it is raised. To
find what raised one, wrap `CredentialVerifier.verify` to record `traceback.extract_tb` of
each non-NetError exception and replay the same seeded cases.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
from typing import Any

import pytest

from ler_interop import verify_command
from ler_interop.credentials import crafting, jwtvc, samples, sdjwt
from ler_interop.credentials.keys import Key

CASES = int(os.environ.get("LER_VERIFY_FUZZ_CASES", "1000"))
SEED = 13


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _seeds() -> list[str]:
    signer = crafting.Signer.did_key()
    credential = samples.achievement_credential(signer.did, valid_until="2030-01-01T00:00:00Z")
    key = Key.generate("Ed25519")
    did = key.did_key()
    return [
        json.dumps(signer.issue(credential)),
        jwtvc.sign_jwt_vc(credential, signer.key, signer.vm),
        sdjwt.issue_sd_jwt({"iss": did, "name": "山田 花子", "degree": {"type": "BSc"}}, key,
                           f"{did}#{key.public_multikey()}", vct="https://ler-interop.example/vct/x",
                           disclosable=["name", "degree"]),
    ]


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, path + (index,))
    return found


_REPLACEMENTS = [None, True, 0, -1, 1e308, "", "x", [], {}, [None], {"@vocab": None}, {"@id": "rel"},
                 "did:key:z", "https://example.com/", "2030-02-30T00:00:00Z", "\u202e\x00"]


_DEEP = "\u0000deep:"


def _dumps(value: Any) -> bytes:
    text = json.dumps(value)
    marker = json.dumps(_DEEP)[:-1]
    while marker in text:
        start = text.index(marker)
        end = text.index('"', start + 1) + 1
        depth = int(text[start + len(marker):end - 1])
        text = text[:start] + '{"a":[' * depth + "0" + ']}' * depth + text[end:]
    return text.encode()


def _mutate_json(value: Any, rng: random.Random) -> Any:
    paths = [p for p in _paths(value) if p]
    if not paths:
        return rng.choice(_REPLACEMENTS)
    path = rng.choice(paths)
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    kind = rng.randrange(4)
    if kind == 0:  # key deletion
        del parent[last]
    elif kind == 1:  # type swap
        parent[last] = rng.choice(_REPLACEMENTS)
    elif kind == 2:  # deep nesting, spliced in as text by _dumps (json.dumps itself would recurse)
        parent[last] = f"{_DEEP}{rng.choice([50, 500, 5000])}"
    else:  # huge string
        parent[last] = rng.choice("aé\u202e{[") * rng.choice([10_000, 300_000])
    return value


def _mutate_text(text: str, rng: random.Random) -> bytes:
    data = bytearray(text.encode())
    kind = rng.randrange(3)
    if kind == 0:  # byte flips
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncation
        del data[rng.randrange(len(data)):]
    else:  # splice a structural character
        data.insert(rng.randrange(len(data) + 1), rng.choice(b".~{}[]\",:\x00"))
    return bytes(data)


def _mutate(seed: str, rng: random.Random) -> bytes:
    if rng.random() < 0.35:
        return _mutate_text(seed, rng)
    if seed.startswith("{"):
        return _dumps(_mutate_json(json.loads(seed), rng))
    # A JWS or SD-JWT: mutate the JSON inside one part (header, payload or a disclosure).
    jws, *rest = seed.split("~")
    parts = jws.split(".")
    disclosures = [d for d in rest if d]
    if disclosures and rng.random() < 0.3:
        index = rest.index(rng.choice(disclosures))
        rest[index] = _b64(_dumps(_mutate_json(json.loads(_unb64(rest[index])), rng)))
    else:
        index = rng.choice([0, 1])
        parts[index] = _b64(_dumps(_mutate_json(json.loads(_unb64(parts[index])), rng)))
    return "~".join([".".join(parts), *rest]).encode() if "~" in seed else ".".join(parts).encode()


def test_no_input_escapes_as_an_exception(tmp_path, capsys):
    rng = random.Random(SEED)
    seeds = _seeds()
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    path = tmp_path / "case"
    codes: dict[int, int] = {}
    unexpected: dict[str, int] = {}  # the last-resort guard's catches: bugs worth a look, not crashes
    for case in range(CASES):
        path.write_bytes(_mutate(seeds[case % len(seeds)], rng))
        code = verify_command.run(parser.parse_args([str(path), "--json"]))  # an escaping exception fails here
        assert code in (0, 1, 2), (case, code)
        codes[code] = codes.get(code, 0) + 1
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.count("\n") <= 1, (case, err)
        if "cannot judge this input (" in err:
            name = err.rsplit("(", 1)[1].rstrip(")\n")
            unexpected[name] = unexpected.get(name, 0) + 1
    print(f"{CASES} cases, exit codes {dict(sorted(codes.items()))}, guard caught {unexpected}")
    assert codes.get(0, 0) < CASES  # the mutations reach the verifier's rejections
    # Every exception the verifier's own code let escape was fixed at its source; a new one is
    # a bug to trace (what raised it: the harness in the module docstring), not an allowance.
    assert unexpected == {}, unexpected


def _tampered(seed: str, change) -> bytes:
    if seed.startswith("{"):
        doc = json.loads(seed)
        change(doc)
        return json.dumps(doc).encode()
    header, payload, signature = seed.split(".")
    claims = json.loads(_unb64(payload))
    change(claims)
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}".encode()


def _set_context(index: int, value: str):
    return lambda doc: doc["@context"].__setitem__(index, value)


def _bad_result_description(doc: dict) -> None:
    doc["credentialSubject"]["achievement"]["resultDescription"] = [{"id": {}}]
    doc["credentialSubject"]["result"] = [{"type": ["Result"], "resultDescription": "urn:x"}]


@pytest.mark.parametrize("seed_index, change", [
    (0, _set_context(0, "https2//www.w3.org/ns/credentials/v2")),  # pyld: relative IRI, no base (ValueError)
    (0, _set_context(1, "")),  # pyld: invalid base IRI '' (ValueError)
    (0, _bad_result_description),  # obv3: a dict id in a set (TypeError)
    (1, lambda claims: claims.__setitem__("vc", 7)),  # jwtvc: dict(7) (TypeError)
    (1, lambda claims: claims.__setitem__("vc", ["a"])),  # jwtvc: dict(["a"]) (ValueError)
], ids=["relative-context", "empty-context", "result-description-id-object", "vc-claim-number", "vc-claim-list"])
def test_former_guard_hits_are_named_verdicts(seed_index, change, tmp_path, capsys):
    """Each site the 10,000-case fuzz once ended in the last-resort guard: now exit 1, a named reason."""
    path = tmp_path / "case"
    path.write_bytes(_tampered(_seeds()[seed_index], change))
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    code = verify_command.run(parser.parse_args([str(path), "--json"]))
    out, err = capsys.readouterr()
    assert (code, err) == (1, ""), err
    failed = [c for c in json.loads(out)["checks"] if not c["ok"]]
    assert failed and all(c.get("reason") for c in failed), failed


@pytest.mark.parametrize("seed_index", [0, 1, 2])
def test_the_seeds_verify(seed_index, tmp_path, capsys):
    """Positive control: unmutated, each seed verifies, so rejections above come from mutations."""
    path = tmp_path / "seed"
    path.write_text(_seeds()[seed_index])
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    code = verify_command.run(parser.parse_args([str(path), "--json"]))
    assert code == 0, capsys.readouterr()
