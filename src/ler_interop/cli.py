"""The `ler-interop` command: argparse and dispatch; each command's work lives in its module.

Exit status for every command: 0 success, 1 a verdict against a vendor (or a failed build),
2 a usage error, reported as one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import NoReturn

from . import __version__


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """`only`: the command about to run. The other commands are listed but their options left
    undefined, so their modules (pytest, the reference vendors, the verifier) are not imported:
    `ler-interop verify` starts without loading the conformance run (benchmarks/verify_startup.py)."""
    def wanted(name: str) -> bool:
        return only in (None, name)

    parser = OneLineParser(prog="ler-interop", description="Interoperability conformance suite for "
                           "Learning & Employment Records (issuers, wallets, verifiers).")
    parser.add_argument("--version", action="version", version=f"ler-interop {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run_parser = commands.add_parser("run", help="run the checks against vendors and write reports")
    if wanted("run"):
        from . import run

        run.add_arguments(run_parser)

    serve = commands.add_parser("serve", help="run the reference vendors until Ctrl-C")
    serve.add_argument("--fault", metavar="NAME", action="append", default=[],
                       help=_fault_help() if wanted("serve") else None)
    serve.add_argument("--token", help="require this bearer token on the issuing endpoint")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_base_port, default=0, metavar="P",
                       help="the issuer listens on P, the verifier on P+1, the wallet on P+2, so a fixed manifest "
                            "can name them (default: free ports, printed at start)")

    checks_parser = commands.add_parser("checks", help="print the check catalog")
    if wanted("checks"):
        from . import checks

        checks.add_arguments(checks_parser)

    report = commands.add_parser("report", help="rebuild (and merge) reports from results streams")
    report.add_argument("streams", nargs="+", metavar="RESULTS.jsonl")
    report.add_argument("--out", metavar="DIR", help="report folder (default: the first stream's folder)")

    manifest = commands.add_parser("manifest", help="check, list or import a vendor manifest")
    manifest_commands = manifest.add_subparsers(dest="manifest_command", metavar="ACTION", required=True)
    check = manifest_commands.add_parser("check", help="validate a manifest")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--no-secrets", action="store_true",
                       help="do not require the environment variables named by token_env/client_secret_env "
                            "(lint a manifest in CI without its secrets)")
    listed = manifest_commands.add_parser("vendors", help="print the vendor ids (a CI job matrix with --json)")
    listed.add_argument("file", metavar="FILE")
    listed.add_argument("--json", action="store_true", help="one JSON list on one line (GitHub Actions fromJSON, "
                        "GitLab parallel:matrix)")
    imported = manifest_commands.add_parser("import", help="convert a W3C vc-test-suite-implementations JSON file")
    imported.add_argument("file", metavar="W3C.json")
    imported.add_argument("-o", "--out", metavar="OUT", help="output YAML (default: stdout)")

    verify_parser = commands.add_parser("verify", help="verify credentials/presentations offline")
    if wanted("verify"):
        from . import verify_command

        verify_command.add_arguments(verify_parser)

    diff_parser = commands.add_parser("diff", help="what changed between two runs; exit 1 on a regression")
    if wanted("diff"):
        from .diff import command as diff_command

        diff_command.add_arguments(diff_parser)

    certify_parser = commands.add_parser("certify", help="issue a vendor a conformance certificate (an Open Badges 3.0 "
                                         "credential) from a results stream, or revoke one")
    if wanted("certify"):
        from .certify import command as certify_command

        certify_command.add_arguments(certify_parser)
    return parser


def _command_in(argv: list[str]) -> str | None:
    """The command argv names (its first word that is not an option), or None."""
    return next((a for a in argv if not a.startswith("-")), None)


def _base_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65533:  # three consecutive ports from P
        raise argparse.ArgumentTypeError(f"{port} is out of range: give 1-65533 (P, P+1 and P+2 are used), or 0")
    return port


def _fault_help() -> str:
    from .reference.faults import CATALOG

    return "a fault switch (repeatable): " + ", ".join(sorted(CATALOG))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(_command_in(argv) or "").parse_args(argv)  # no command: no command's options
    if args.command == "run":
        from .run import run

        return run(args)
    if args.command == "serve":
        return serve(args)
    if args.command == "checks":
        from .checks import command
        from .run import find_suites

        return command(args, find_suites())
    if args.command == "report":
        return report(args)
    if args.command == "manifest":
        from . import manifest

        if args.manifest_command == "check":
            return manifest.check_command(args.file, require_secrets=not args.no_secrets)
        if args.manifest_command == "vendors":
            return manifest.vendors_command(args.file, as_json=args.json)
        return manifest.import_command(args.file, args.out)
    if args.command == "diff":
        from .diff.command import run as diff

        return diff(args)

    if args.command == "certify":
        from .certify.command import run as certify

        return certify(args)
    from .verify_command import run as verify

    return verify(args)


def report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .report import build_reports, report_files
    from .results import ResultsError
    from .safe_text import neutralise

    out = Path(args.out) if args.out else Path(args.streams[0]).parent
    try:
        if len(args.streams) == 1 and Path(args.streams[0]).resolve() == (out / "results.jsonl").resolve():
            summary = build_reports(args.streams[0], out)  # rebuild in place
        else:
            summary = report_files(args.streams, out)
    except (OSError, ResultsError) as exc:
        print(f"ler-interop report: {neutralise(exc)}", file=sys.stderr)
        return 2
    if summary is None:  # build_reports said what failed, one line each
        return 1
    print(f"wrote {out / 'index.html'}, summary.json, junit.xml ({summary['checks_executed']} results)")
    from .scoring import exit_code

    return exit_code(summary)  # merged shards gate CI like a single run


def serve(args: argparse.Namespace) -> int:
    import yaml

    from .reference.faults import UnknownFault, parse_faults
    from .reference.servers import start_reference
    from .reference.serving import ServerStartError

    try:
        faults = parse_faults(args.fault)
    except UnknownFault as exc:
        print(f"ler-interop serve: {str(exc).split(';')[0]} (the known ones: ler-interop serve --help)", file=sys.stderr)
        return 2
    try:
        servers = start_reference(faults, token=args.token, host=args.host, port=args.port)
    except ServerStartError as exc:  # e.g. a busy port: one line, the user picks another --port
        print(f"ler-interop serve: {exc}", file=sys.stderr)
        return 2
    with servers:
        for role, url in servers.urls.items():
            print(f"{role}: {url}")
        print(f"faults: {', '.join(sorted(faults)) or 'none'}")
        print("manifest entry (manifest_version: 1):")
        print(yaml.safe_dump({"vendors": [servers.manifest_vendor()]}, sort_keys=False, allow_unicode=True))
        print("serving; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
