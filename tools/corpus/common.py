"""The corpus contract: a family folder holds artifacts and one labels.yaml saying, for each,
what a correct verifier concludes and (for a bad one) the one rule it breaks."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ler_interop.credentials import crafting
from ler_interop.credentials.keys import Key

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "credentials" / "corpus"
HOST = "https://corpus.ler-interop.example"  # never a real host: served by `verify --resource`
NOW = "2026-06-01T00:00:00Z"  # every entry is judged at this instant
EXPECT_EXIT = {"verified": 0, "not-verified": 1, "cannot-judge": 2}


def content_bytes(content: Any) -> bytes:
    if isinstance(content, (dict, list)):
        return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return (content if isinstance(content, bytes) else str(content).encode("utf-8"))


@dataclass
class Corpus:
    family: str
    about: str
    entries: list[dict[str, Any]] = field(default_factory=list)
    resources: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return CORPUS / self.family

    def add(self, file: str, content: Any, *, expect: str, signer: str = "suite", breaks: str | None = None,
            check: str | None = None, reason: str | None = None, warning: str | None = None,
            args: list[str] | None = None, because: str | None = None) -> None:
        if expect not in EXPECT_EXIT:
            raise ValueError(f"{file}: expect must be one of {sorted(EXPECT_EXIT)}")
        if expect == "not-verified" and not (breaks and check):
            raise ValueError(f"{file}: a not-verified entry names the rule it breaks and the check that fails")
        if expect == "cannot-judge" and not because:
            raise ValueError(f"{file}: a cannot-judge entry says why (`because`: text of verify's one-line error)")
        entry: dict[str, Any] = {"file": file, "expect": expect, "signer": signer}
        for name, value in (("breaks", breaks), ("check", check), ("reason", reason), ("warning", warning),
                            ("args", args), ("because", because)):
            if value:
                entry[name] = value
        self._put(file, content)
        self.entries.append(entry)

    def resource(self, url: str, file: str, content: Any) -> None:
        """A document verify reads at `url` (a key or DID document, a status list)."""
        self._put(file, content)
        self.resources[url] = file

    def _put(self, file: str, content: Any) -> None:
        if file in self.files or "/" in file:
            raise ValueError(f"{file}: file names are unique, flat names inside the family")
        self.files[file] = content_bytes(content)

    def write(self) -> Path:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        for name, data in self.files.items():
            (self.folder / name).write_bytes(data)
        labels = {"family": self.family, "about": self.about, "resources": self.resources, "entries": self.entries}
        text = yaml.safe_dump(labels, sort_keys=False, allow_unicode=True, width=110)
        (self.folder / "labels.yaml").write_text(text, encoding="utf-8")
        return self.folder


def load_families(root: Path = CORPUS) -> list[dict[str, Any]]:
    """Every family's labels, with `folder` set (what the test and the benchmark read)."""
    out = []
    for path in sorted(root.glob("*/labels.yaml")):
        labels = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels["folder"] = path.parent
        out.append(labels)
    return out


def resource_args(families: list[dict[str, Any]]) -> list[str]:
    args: list[str] = []
    for fam in families:
        for url, file in (fam.get("resources") or {}).items():
            args += ["--resource", f"{url}={fam['folder'] / file}"]
    return args


CREATED = "2026-01-01T00:00:00Z"  # proofs are made "before" NOW, whenever the corpus is regenerated


class Signer(crafting.Signer):
    """The suite's signer with proofs dated CREATED (a proof created after NOW would not verify)."""

    @classmethod
    def did_key(cls, key: Key | None = None) -> "Signer":
        return cls(**vars(crafting.Signer.did_key(key)))

    def sign(self, doc: dict, *, cryptosuite: str | None = None, **kw: Any) -> dict:
        return super().sign(doc, cryptosuite=cryptosuite, **{"created": CREATED, **kw})


def disagreement(entry: dict, r: dict) -> str | None:
    """Why verify's JSON entry `r` does not match the label `entry` (None: it agrees)."""
    want = EXPECT_EXIT[entry["expect"]]
    failed = [c for c in r.get("checks", []) if not c["ok"]]
    summary = r.get("error") or "; ".join(f"{c['name']}[{c.get('reason')}]: {c['message']}" for c in failed)
    if r["exit"] != want:
        return f"expected {entry['expect']}, got exit {r['exit']} ({summary or 'all checks ok'})"
    if entry.get("because") and entry["because"] not in (r.get("error") or ""):
        # "cannot judge" for another cause (a crash caught by the guard) is not this entry's verdict
        return f"expected cannot-judge because of {entry['because']!r}; got {r.get('error')!r}"
    if entry.get("check"):
        named = [c for c in failed if c["name"] == entry["check"]]
        if not named:
            return f"expected check {entry['check']!r} to fail; failed: {summary}"
        if entry.get("reason") and not any(c.get("reason") == entry["reason"] for c in named):
            return f"expected reason {entry['reason']!r} on {entry['check']}; got {[c.get('reason') for c in named]}"
    if entry.get("warning"):
        warnings = [w for c in r.get("checks", []) for w in c.get("warnings", [])]
        if not any(entry["warning"] in w for w in warnings):
            return f"expected a warning containing {entry['warning']!r}; warnings: {warnings}"
    return None
