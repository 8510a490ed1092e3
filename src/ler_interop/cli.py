"""The `ler-interop` command."""

import sys


def main(argv: list[str] | None = None) -> int:
    print("ler-interop: not yet implemented", file=sys.stderr)
    return 2
