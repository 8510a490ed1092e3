"""`ler-interop run`: run the suites in-process against the vendors of a manifest (or the
embedded reference vendors), show progress, print the principle scores, write the reports.

Exit status: 0 when every vendor conforms on all MUST checks, 1 otherwise (also when the run
was interrupted or crashed), 2 on a usage error (one line on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from rich.console import Console

from .console import ProgressPlugin, not_declared_lines, summary_table
from .plan import MATRIX_MODES
from .plugin import new_run_id
from .safe_text import neutralise
from .shard import parse_shard
from .run_workers import MAX_WORKERS, default_workers

SUITES_ENV = "LER_INTEROP_SUITES"


class RunUsageError(Exception):
    """Something the user must fix before a run can start (reported as one line, exit 2)."""


def find_suites() -> Path:
    """The suites folder: $LER_INTEROP_SUITES, else the checkout's suites/ (the package is
    installed editable from src/, so the checkout is two levels above it)."""
    if os.environ.get(SUITES_ENV):
        return Path(os.environ[SUITES_ENV])
    return Path(__file__).resolve().parents[2] / "suites"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vendors", metavar="FILE", help="vendor manifest (default: the embedded reference vendors)")
    parser.add_argument("--vendor", metavar="ID", action="append", default=[], help="only this vendor (repeatable)")
    parser.add_argument("--with-reference", action="store_true",
                        help="with --vendors: the embedded reference issuer, wallet and verifier join the learner's "
                             "journeys and the issuer x verifier cells (their own checks are not run)")
    parser.add_argument("--role", choices=("issuer", "verifier", "wallet", "interop", "credential"), help="only checks of this role")
    parser.add_argument("-k", dest="keyword", metavar="EXPR", help="only checks matching (pytest -k; check ids match too)")
    parser.add_argument("-n", dest="workers", metavar="N|auto",
                        help=f"parallel workers (pytest-xdist; default: one per vendor up to {MAX_WORKERS}, "
                             "each vendor's checks on one worker; 0: serial)")
    parser.add_argument("--fault", metavar="NAME", action="append", default=[], help="reference vendor fault (repeatable)")
    parser.add_argument("--matrix", choices=MATRIX_MODES, default="covering",
                        help="learner's journeys: `covering` (default) runs every issuer-wallet and wallet-verifier pair "
                             "at least once; `full` every issuer x wallet x verifier x format")
    parser.add_argument("--shard", metavar="K/N", type=parse_shard,
                        help="run the K-th of N deterministic slices of the checks and cells (N CI jobs, one manifest); "
                             "`ler-interop report` merges the N results.jsonl into one report")
    parser.add_argument("--out", metavar="DIR", help="report folder (default reports/<run-id>, with reports/latest "
                        "pointing at it; with --out nothing is written outside DIR)")
    parser.add_argument("--alluredir", metavar="DIR", help="also write Allure results here")
    parser.add_argument("--run-id", metavar="ID", help="run id (default: UTC timestamp + random suffix)")
    parser.add_argument("--check-timeout", type=float, metavar="S", help="seconds one check may run (default 60)")
    parser.add_argument("--counterpart-url", metavar="URL",
                        help="public base URL of the suite's counterparts a wallet must reach (default "
                             "http://127.0.0.1:<free port>; another machine: an https:// origin behind a TLS proxy)")
    parser.add_argument("--counterpart-bind", metavar="HOST:PORT",
                        help="where the counterparts listen (default 127.0.0.1:0); xdist worker N uses PORT+N")
    parser.add_argument("--key-dir", metavar="DIR",
                        help="the suite's issuer keys and X.509 CA: loaded from DIR, or written there (private keys "
                             "0600) on the first run, so a verifier trusts the same issuers every run (docs/CONTRACTS.md)")
    parser.add_argument("--suites", metavar="DIR", help=f"suites folder (default ${SUITES_ENV} or the checkout's suites/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's own output too")


def _validate(args: argparse.Namespace, suites: Path) -> None:
    if not suites.is_dir():
        raise RunUsageError(f"no suites folder at {suites}; pass --suites DIR or set {SUITES_ENV}")
    if args.vendors:
        from .manifest import ManifestError, load_manifest

        try:
            load_manifest(args.vendors, selected=args.vendor)  # another vendor's secrets are not needed
        except ManifestError as exc:
            raise RunUsageError(exc.one_line(args.vendors)) from None
    if args.with_reference and not args.vendors:
        raise RunUsageError("--with-reference adds the reference vendors to a manifest's: give --vendors FILE too")
    if args.with_reference and args.fault:
        raise RunUsageError("--with-reference makes the reference vendors the known-good side of each cell: drop --fault")
    if args.fault:
        from .reference.faults import UnknownFault, parse_faults

        try:
            parse_faults(args.fault)
        except UnknownFault as exc:
            raise RunUsageError(str(exc).split(";")[0] + " (the known ones: `ler-interop serve --help`)") from None
    if getattr(args, "counterpart_url", None) or getattr(args, "counterpart_bind", None):
        from .counterparts.config import CounterpartConfigError, resolve

        try:
            resolve(args.counterpart_url, args.counterpart_bind)
        except CounterpartConfigError as exc:
            raise RunUsageError(str(exc)) from None
    if args.workers:
        try:
            import xdist  # noqa: F401
        except ImportError:
            raise RunUsageError("-n needs pytest-xdist: pip install pytest-xdist") from None
    if args.alluredir:
        try:
            import allure_pytest  # noqa: F401
        except ImportError:
            raise RunUsageError("--alluredir needs allure-pytest: pip install allure-pytest") from None


def pytest_args(args: argparse.Namespace, suites: Path, out: Path, run_id: str) -> list[str]:
    argv = [str(suites), "-p", "no:cacheprovider", "--results-dir", str(out), "--run-id", run_id]
    argv += ["--vendors", args.vendors] if args.vendors else ["--reference"]
    if args.with_reference:
        argv.append("--with-reference")
    for vendor_id in args.vendor:
        argv += ["--vendor", vendor_id]
    for fault in args.fault:
        argv += ["--fault", fault]
    if args.role:
        argv += ["--role", args.role]
    if args.matrix != "covering":
        argv += ["--matrix", args.matrix]
    if args.shard:
        argv += ["--shard", "/".join(map(str, args.shard))]
    if args.keyword:
        argv += ["-k", args.keyword]
    workers = args.workers if args.workers is not None else default_workers(args)
    if workers and str(workers) != "0":  # "-n 0": the serial, in-process run
        argv += ["-n", str(workers)]
    if args.alluredir:
        argv += ["--alluredir", args.alluredir]
    if args.check_timeout is not None:
        argv += ["--check-timeout", str(args.check_timeout)]
    for option in ("counterpart_url", "counterpart_bind", "key_dir"):
        if getattr(args, option, None):
            argv += ["--" + option.replace("_", "-"), getattr(args, option)]
    argv += ["-v"] if args.verbose else ["-q", "--tb=no", "--no-header", "-p", "no:warnings"]
    return argv


def refresh_latest(out: Path) -> Path | None:
    """Point <out's parent>/latest at this run: a relative symlink, else a copy. A `latest`
    that is not ours (not a link, not an earlier report copy) is left alone."""
    latest = out.parent / "latest"
    if latest.resolve() == out.resolve():  # --out .../latest: the run *is* latest
        return None
    if latest.is_symlink():
        latest.unlink()
    elif latest.is_dir() and (latest / "results.jsonl").is_file():
        shutil.rmtree(latest)
    elif latest.exists():
        return None
    try:
        latest.symlink_to(out.name, target_is_directory=True)
    except OSError:  # e.g. Windows without the symlink privilege
        shutil.copytree(out, latest)
    return latest


def _summary(out: Path) -> dict[str, Any] | None:
    summary_file = out / "summary.json"
    if summary_file.is_file():
        try:
            return json.loads(summary_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"ler-interop run: cannot read {summary_file} ({type(exc).__name__}); rebuilding it", file=sys.stderr)
    if (out / "results.jsonl").is_file():  # the plugin could not build reports: try once more
        from .report import build_reports

        return build_reports(out / "results.jsonl", out)
    return None


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """CI cancellations, `docker stop` and Kubernetes send SIGTERM: treat it like Ctrl-C, so the
    interrupted run still writes its footer and every report for the checks that ran."""
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    suites = Path(args.suites) if args.suites else find_suites()
    try:
        _validate(args, suites)
    except RunUsageError as exc:
        print(f"ler-interop run: {exc}", file=sys.stderr)
        return 2
    run_id = args.run_id or new_run_id()
    out = Path(args.out) if args.out else Path("reports") / run_id
    argv = pytest_args(args, suites.resolve(), out.resolve(), run_id)
    plugins = [] if args.verbose else [ProgressPlugin(console)]
    captured = io.StringIO()
    # pytest's own terminal output is kept out of the way unless --verbose; the bar goes to stderr.
    with contextlib.redirect_stdout(sys.stdout if args.verbose else captured), _sigterm_interrupts():
        code = pytest.main(argv, plugins=plugins)
    if code == pytest.ExitCode.USAGE_ERROR:
        return 2  # pytest (or the plugin) already said why on stderr
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("ler-interop run: no checks selected (check -k, --role and --vendor)", file=sys.stderr)
        return 2
    if code == pytest.ExitCode.INTERNAL_ERROR:
        sys.stderr.write(neutralise(captured.getvalue()[-4000:], keep_newlines=True))
    try:
        return _finish(code, out, named_out=bool(args.out))
    except Exception as exc:  # whatever broke after the checks ran: one line, never a traceback
        print(f"ler-interop run: {neutralise(f'{type(exc).__name__}: {exc}')[:500]} (reports so far in {out})", file=sys.stderr)
        return 1


def _finish(code: int, out: Path, *, named_out: bool) -> int:
    """After pytest: the reports (the plugin built them; rebuilt here if it could not), the
    score table, the `latest` link and the exit status."""
    summary = _summary(out)
    if summary is None:
        print(f"ler-interop run: no results were written to {out} (pytest exit {int(code)})", file=sys.stderr)
        return 1
    try:
        Console().print(summary_table(summary))
        for line in not_declared_lines(summary):
            print(line)
    except Exception as exc:  # the table is a convenience; summary.json and index.html are the record
        print(f"ler-interop run: cannot print the score table: {neutralise(exc)[:300]}", file=sys.stderr)
    # Only the default folder gets reports/latest: a user who names --out DIR expects nothing
    # written outside DIR (issue 12).
    latest = None
    if not named_out:
        try:
            latest = refresh_latest(out)
        except OSError as exc:
            print(f"ler-interop run: cannot update the latest link: {neutralise(exc)[:300]}", file=sys.stderr)
    print(f"reports: {out / 'index.html'}" + (f" (also {latest})" if latest else ""))
    from .scoring import exit_code

    verdict = exit_code(summary)
    if code == pytest.ExitCode.INTERRUPTED:
        print("ler-interop run: interrupted; the reports cover the checks that ran", file=sys.stderr)
        return 1
    return verdict
