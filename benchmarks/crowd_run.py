"""One correct vendor in a crowd of hostile ones (`python benchmarks/crowd_run.py [--role R]`).

Runs `ler-interop run` twice: the embedded reference vendor alone, then the same reference
beside hostile stub vendors (tests/hostile_vendor.py plus a few more behaviours here), each
misbehaving one way on every endpoint, several dead at the health probe, several hanging after
it. It prints wall time and peak memory of both runs and checks what a certifier relies on:
- every report is written (results.jsonl, summary.json, index.html, junit.xml);
- the correct vendor's own outcomes are exactly those it gets alone;
- no cell charges the correct vendor for a hostile partner (as judged party it is pass, skip or
  unsupported, never fail or error);
- no hostile vendor gets a pass where passing means judging a credential or answer it never gave;
- no redirect reached the canary host.
Exit 0 when all hold. It is a benchmark, not a test: it takes minutes (the hanging vendors cost
their cut-off), and it only ever talks to loopback.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile_vendor as hv  # noqa: E402
from ler_interop.reference.servers import start_reference  # noqa: E402


class _MoreHostility(hv._HostileHandler):
    """Behaviours beyond tests/hostile_vendor.py's, each one line of misbehaviour."""

    def _empty_200(self) -> None:
        self._send(200, b"")

    def _html_200(self) -> None:
        self._send(200, b"<html><body>Welcome! Please sign in.</body></html>", content_type="text/html")

    def _verified_string(self) -> None:
        self._send_json(200, {"verified": "true", "verifiableCredential": "yes"})

    def _accept_all(self) -> None:  # a verifier that says yes to everything: must fail, never pass negatives
        self._send_json(200, {"verified": True, "checks": ["proof"], "warnings": [], "errors": []})

    def _reject_all(self) -> None:  # a verifier that says no to everything: no pass on a negative check
        self._send(400, json.dumps({"verified": False, "errors": ["no"]}).encode(), content_type="application/json")

    def _not_found_404(self) -> None:
        self._send_json(404, {"title": "Not Found"})

    def _unauthorized_401(self) -> None:
        self._send_json(401, {"title": "Unauthorized"})

    def _reset(self) -> None:
        self.connection.shutdown(socket.SHUT_RDWR)

    def _json_array(self) -> None:
        self._send(200, b"[1, 2, 3]")

    def _null_body(self) -> None:
        self._send(200, b"null")


def crowd_vendor(behaviour: str) -> hv.HostileVendor:
    """A stub that misbehaves the same one way on every endpoint."""
    return hv.HostileVendor(plan=(), then=(behaviour,), handler=_MoreHostility)


EXTRA = ("empty-200", "html-200", "verified-string", "accept-all", "reject-all", "not-found-404",
         "unauthorized-401", "reset", "json-array", "null-body")
KNOWN = tuple(b for b in (*hv.BEHAVIOURS, *getattr(hv, "TEXT_BEHAVIOURS", ())) if hasattr(_MoreHostility, "_" + b.replace("-", "_")))
DEAD_AT_HEALTH = 3
WALLETS = ("reject-all", "stack-trace-500")  # the few stubs that also claim a wallet (the journeys grow with wallets)
REPORTS = ("results.jsonl", "summary.json", "index.html", "junit.xml")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(manifest: Path, out: Path, extra: list[str]) -> tuple[float, int, int]:
    argv = [sys.executable, "-m", "ler_interop.cli", "run", "--vendors", str(manifest), "--out", str(out), *extra]
    started = time.monotonic()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seconds = time.monotonic() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode


def _results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_bytes().split(b"\n")
            if line.strip() and json.loads(line).get("kind") == "result"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", help="only checks of this role (default: all)")
    args = parser.parse_args()
    extra = ["--role", args.role] if args.role else []
    behaviours = (*KNOWN, *EXTRA)
    problems: list[str] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        reference = stack.enter_context(start_reference())
        correct = reference.manifest_vendor()
        alone = tmp_path / "alone.yaml"
        alone.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [correct]}))
        t_alone, rss_alone, _ = _run(alone, tmp_path / "alone", extra)

        stubs, vendors = [], [correct]
        for i, behaviour in enumerate(behaviours):
            stub = stack.enter_context(crowd_vendor(behaviour))
            entry = stub.manifest_vendor(correct, vendor_id=f"h{i:02d}-{behaviour}")
            if behaviour not in WALLETS:
                entry.pop("wallet", None)
            stubs.append(stub)
            vendors.append(entry)
        for i in range(DEAD_AT_HEALTH):
            stub = stack.enter_context(crowd_vendor("stack-trace-500"))
            entry = stub.manifest_vendor(correct, vendor_id=f"dead{i}")
            entry.pop("wallet", None)
            entry["health"] = f"http://127.0.0.1:{_closed_port()}/health"
            stubs.append(stub)
            vendors.append(entry)
        crowd = tmp_path / "crowd.yaml"
        crowd.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": vendors}))
        t_crowd, rss_crowd, code = _run(crowd, tmp_path / "crowd", extra)

        for name in REPORTS:
            if not (tmp_path / "crowd" / name).is_file():
                problems.append(f"report not written: {name}")
        ids = {v["id"] for v in vendors}
        mine = {}
        for r in _results(tmp_path / "crowd"):
            others = {str(v) for v in (r.get("params") or {}).values()} & (ids - {"reference"})
            if r["vendor"] == "reference" and not others:
                mine[(r["check"], json.dumps(r.get("params") or {}, sort_keys=True))] = r["outcome"]
            elif r["vendor"] == "reference" and r["outcome"] in ("fail", "error"):
                problems.append(f"reference charged for a hostile partner: {r['check']} {r.get('params')} {r['outcome']}: "
                                f"{(r.get('message') or '')[:160]}")
        base = {(r["check"], json.dumps(r.get("params") or {}, sort_keys=True)): r["outcome"]
                for r in _results(tmp_path / "alone")}
        for key in sorted(set(base) | set(mine)):
            if base.get(key) != mine.get(key):
                problems.append(f"reference {key[0]} {key[1]}: alone {base.get(key)}, in the crowd {mine.get(key)}")
        canary = sum(s.canary_hits for s in stubs)
        if canary:
            problems.append(f"{canary} request(s) reached the canary host")
        summary = json.loads((tmp_path / "crowd" / "summary.json").read_text()) if (tmp_path / "crowd" / "summary.json").is_file() else {}
        print(f"hostile behaviours: {len(behaviours)} (+{DEAD_AT_HEALTH} dead at the health probe); vendors: {len(vendors)}")
        print(f"{'run':<8}{'wall s':>9}{'peak MiB':>10}{'results':>9}")
        print(f"{'alone':<8}{t_alone:>9.1f}{rss_alone / 1024:>10.0f}{len(base):>9}")
        print(f"{'crowd':<8}{t_crowd:>9.1f}{rss_crowd / 1024:>10.0f}{sum(1 for _ in _results(tmp_path / 'crowd')):>9}")
        print(f"crowd exit {code}; reference outcomes compared: {len(base)}; "
              f"vendors in summary: {len(summary.get('vendors', []))}")
        for line in problems[:40]:
            print("PROBLEM:", line)
        print("ok: every report written, the correct vendor unaffected" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
