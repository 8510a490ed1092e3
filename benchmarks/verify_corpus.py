"""Does `ler-interop verify` agree with the labelled corpus, and how long does a file take?
(`python benchmarks/verify_corpus.py [--markdown]`)

Verifies every file of fixtures/credentials/corpus/ in ONE process, as
`ler-interop verify --now ... --resource ... FILES` does (one verifier, warm after the first
file), and prints per family and signer how many files agree with their labels, then the
median and 95th percentile time per file. The labels are what a correct verifier concludes;
tests/test_corpus.py asserts the same agreement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ler_interop import verify_command  # noqa: E402
from tools.corpus.common import NOW, disagreement, load_families, resource_args  # noqa: E402


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--markdown", action="store_true", help="the agreement table as Markdown")
    markdown = cli.parse_args().markdown
    families = load_families()
    parser = argparse.ArgumentParser()
    verify_command.add_arguments(parser)
    rows: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])  # (family, signer, expect) -> [agree, n]
    wrong: list[str] = []
    times: list[float] = []
    started = time.perf_counter()
    by_args: dict[tuple[str, ...], list[tuple[dict, dict]]] = defaultdict(list)
    for fam in families:
        for entry in fam["entries"]:
            by_args[tuple(entry.get("args") or ())].append((fam, entry))
    for extra, entries in by_args.items():
        args = parser.parse_args(["--json", "--now", NOW, *resource_args(families), *extra, "-"])
        with verify_command.verifier_for(args) as verifier:
            for fam, entry in entries:
                path = str(fam["folder"] / entry["file"])
                t = time.perf_counter()
                _, result, _ = verify_command.judge(path, verifier, args)
                times.append(time.perf_counter() - t)
                problem = disagreement(entry, result)
                signer = "suite" if entry["signer"] == "suite" else "third-party"
                row = rows[(fam["family"], signer, entry["expect"])]
                row[0] += problem is None
                row[1] += 1
                if problem:
                    wrong.append(f"{fam['family']}/{entry['file']}: {problem}")
    total = time.perf_counter() - started
    agree, n = sum(r[0] for r in rows.values()), sum(r[1] for r in rows.values())
    head = ("family", "signer", "label", "files", "verify agrees")
    lines = [head] + [(f, s, e, str(r[1]), str(r[0])) for (f, s, e), r in sorted(rows.items())]
    if markdown:
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        print("\n".join("| " + " | ".join(line) + " |" for line in lines[1:]))
    else:
        widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
        print("\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)) for line in lines))
    times.sort()
    print(f"\n{agree}/{n} files agree with their labels; {len(families)} families")
    print(f"time per file in one process: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms; "
          f"all {n} files {total:.2f} s")
    for line in wrong:
        print(f"DISAGREES {line}")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
