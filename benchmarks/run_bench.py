"""How long does the main job take? (`python benchmarks/run_bench.py [--rounds 3] [-n 2]`)

Runs `ler-interop run` against the embedded reference vendors (a fresh process each round, as
a user runs it) and prints the wall time, the peak memory of the run, and where the time goes
per role and protocol (the sum of the checks' own durations from results.jsonl).
Target: the whole run, issuer, wallet and verifier, under 120 s on 2 cores (issue #5; it was 90 s for issuer
and verifier alone in issue #4).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

TARGET_SECONDS = 120.0


def one_run(out: Path, workers: str | None) -> tuple[float, int, list[dict]]:
    argv = [sys.executable, "-m", "ler_interop.cli", "run", "--out", str(out), "--run-id", "bench"]
    if workers:
        argv += ["-n", workers]
    started = time.monotonic()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"ler-interop run exited {done.returncode}: {done.stderr[-2000:]}")
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    # ru_maxrss of finished children, in KiB on Linux: the largest process of the run so far.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kib, [line for line in lines if line.get("kind") == "result"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-n", dest="workers", default=None, help="pytest-xdist workers passed to the run")
    args = parser.parse_args()
    times: list[float] = []
    per_group: dict[tuple[str, str], list[float]] = defaultdict(list)
    peak = 0
    outcomes: dict[str, int] = defaultdict(int)
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(args.rounds):
            seconds, peak, results = one_run(Path(tmp) / f"r{round_no}", args.workers)
            times.append(seconds)
            groups: dict[tuple[str, str], float] = defaultdict(float)
            for result in results:
                groups[(result["role"], result["protocol"])] += result.get("duration_ms", 0.0) / 1000
                if round_no == 0:
                    outcomes[result["outcome"]] += 1
            for key, total in groups.items():
                per_group[key].append(total)
    median = statistics.median(times)
    print(f"ler-interop run (embedded reference), {args.rounds} rounds, workers={args.workers or 1}")
    print(f"  results: {sum(outcomes.values())} ({', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))})")
    print(f"  wall time: median {median:.1f} s (min {min(times):.1f}, max {max(times):.1f}); target < {TARGET_SECONDS:.0f} s")
    print(f"  peak memory of one run: {peak / 1024:.0f} MiB")
    print("  check time by role and protocol (median of rounds):")
    for (role, protocol), totals in sorted(per_group.items()):
        print(f"    {role:9} {protocol:8} {statistics.median(totals):6.1f} s")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
