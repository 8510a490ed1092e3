"""python -m tools.corpus [family ...]: regenerate the suite-signed corpus families."""

from __future__ import annotations

import importlib
import pkgutil
import sys

from . import __path__ as package_path
from .common import Corpus


def family_modules() -> dict[str, object]:
    mods = {}
    for info in pkgutil.iter_modules(package_path):
        if info.name.startswith("family_"):
            mod = importlib.import_module(f"{__package__}.{info.name}")
            mods[mod.FAMILY] = mod
    return mods


def main(argv: list[str]) -> int:
    mods = family_modules()
    unknown = [name for name in argv if name not in mods]
    if unknown:
        print(f"unknown family {', '.join(unknown)}; known: {', '.join(sorted(mods))}", file=sys.stderr)
        return 2
    for name in argv or sorted(mods):
        corpus = Corpus(name, mods[name].ABOUT)
        mods[name].build(corpus)
        folder = corpus.write()
        print(f"{name}: {len(corpus.entries)} entries, {len(corpus.resources)} resources -> {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
