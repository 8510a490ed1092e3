"""Many vendors far away: does the run scale with vendors? (`python benchmarks/vendors_bench.py
[--vendors 8] [--latency 0.1] [--role verifier] [-- extra run options]`)

Starts N copies of the reference vendor, each in its own process and answering every request
100 ms late (reference/latency.py), then runs `ler-interop run --role R` once over the first
vendor alone and once over all N, and prints both side by side: wall time, and the peak memory
of the whole run (the sum of the resident memory of the run's process and every process it
started, sampled every 0.1 s), and the CPU time the run used (the vendors' own is not counted). Target (issue #12): N = 8 in at most 2x the time of one, by
default (no -n), under 1 GB. A benchmark, not a test: it runs by hand, in a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import yaml

TARGET_RATIO = 2.0
TARGET_MIB = 1024


def serve_one(latency: float) -> None:
    """In a child process: one delayed reference vendor; its manifest entry on stdout; stop at EOF."""
    from ler_interop.reference.servers import start_reference

    with start_reference(latency=latency) as servers:
        print(json.dumps(servers.manifest_vendor()), flush=True)
        sys.stdin.read()


def start_vendors(count: int, latency: float) -> tuple[list[subprocess.Popen], list[dict]]:
    children = [subprocess.Popen([sys.executable, __file__, "--serve-one", str(latency)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True) for _ in range(count)]
    entries = []
    for number, child in enumerate(children):
        entry = json.loads(child.stdout.readline())
        entry["id"], entry["name"] = f"v{number}", f"reference copy {number}"
        entries.append(entry)
    return children, entries


def tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and all its descendants (Linux /proc), in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    members, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in members]
        members.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in members)


def one_run(manifest: Path, vendors: list[str], role: str, out: Path,
            extra: list[str]) -> tuple[float, int, float, Counter]:
    argv = [sys.executable, "-m", "ler_interop.cli", "run", "--vendors", str(manifest), "--role", role,
            "--out", str(out), "--run-id", "bench", *[a for v in vendors for a in ("--vendor", v)], *extra]
    started, cpu_before = time.monotonic(), _children_cpu()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], tree_rss_kib(child.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = child.communicate()
    seconds = time.monotonic() - started
    sampler.join()
    if child.returncode not in (0, 1):
        raise SystemExit(f"ler-interop run exited {child.returncode}: {stderr[-2000:]}")
    outcomes: Counter = Counter()
    for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("kind") == "result":
            outcomes[record["outcome"]] += 1
    return seconds, peak[0], _children_cpu() - cpu_before, outcomes


def _children_cpu() -> float:
    """CPU seconds of finished children (the run, with the workers it waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every request (default 0.1)")
    parser.add_argument("--role", default="verifier", help="the role subset run (default verifier)")
    parser.add_argument("--serve-one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("extra", nargs="*", help="more `ler-interop run` options, after --")
    args = parser.parse_args()
    if args.serve_one is not None:
        serve_one(args.serve_one)
        return 0
    children, entries = start_vendors(args.vendors, args.latency)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            manifest = Path(tmp) / "vendors.yaml"
            manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": entries}))
            for ids in ([entries[0]["id"]], [e["id"] for e in entries]):
                rows.append((len(ids), *one_run(manifest, ids, args.role, Path(tmp) / f"n{len(ids)}", args.extra)))
    finally:
        for child in children:
            child.stdin.close()
            child.wait(10)
    print(f"ler-interop run --role {args.role} {' '.join(args.extra)}; every vendor {args.latency * 1000:.0f} ms "
          f"per request away")
    print(f"  {'vendors':>7} {'wall':>8} {'peak memory':>12} {'run CPU':>8}  results")
    for count, seconds, peak, cpu, outcomes in rows:
        shown = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        print(f"  {count:>7} {seconds:>7.1f}s {peak / 1024:>8.0f} MiB {cpu:>7.1f}s  {sum(outcomes.values())} ({shown})")
    ratio = rows[1][1] / rows[0][1]
    print(f"  {args.vendors} vendors / 1 vendor: {ratio:.1f}x the time (target <= {TARGET_RATIO:g}x), "
          f"peak {rows[1][2] / 1024:.0f} MiB (target < {TARGET_MIB} MiB)")
    return 0 if ratio <= TARGET_RATIO and rows[1][2] / 1024 < TARGET_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
