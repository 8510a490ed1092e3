"""`ler-interop verify FILE...`: the credential toolkit for a person holding a credential.

Exit codes: 0 every input verified, 1 at least one did not, 2 usage or unreadable input.
Network: none by default. did:web documents and status lists are fetched only from hosts
given with --allow-host, through the suite's guarded, capped client.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .credentials.artifacts import MAX_ARTIFACT_BYTES
from .credentials.did import DidResolver
from .credentials.findings import VerificationResult
from .credentials.verifier import CredentialVerifier
from .net import Http, NetError, parse_json


class UsageError(Exception):
    pass


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="a JSON(-LD) VC or VP, a vc+jwt, or an SD-JWT; '-' reads stdin")
    parser.add_argument("--now", help="judge validity dates at this instant (ISO 8601 with offset, e.g. 2026-01-01T00:00:00Z)")
    parser.add_argument("--context", action="append", default=[], metavar="URL=FILE",
                        help="a JSON-LD context the bundle lacks, served from FILE (repeatable)")
    parser.add_argument("--unsigned", action="store_true",
                        help="data model, JSON-LD and schema checks only, no proof checked (lint an unsigned template); "
                             "a presentation is judged as one, its credentials unsigned too")
    parser.add_argument("--challenge", help="expected challenge (nonce) of a presentation proof")
    parser.add_argument("--domain", help="expected domain (audience) of a presentation proof")
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                        help="a host did:web documents and status lists may be fetched from (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now {text!r} is not an ISO 8601 date-time (e.g. 2026-01-01T00:00:00Z)") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _parse_contexts(items: list[str]) -> dict[str, dict]:
    contexts = {}
    for item in items:
        url, sep, file = item.partition("=")
        if not sep or not url or not file:
            raise UsageError(f"--context {item!r}: expected URL=FILE")
        try:
            doc = parse_json(Path(file).read_bytes())
        except OSError as exc:
            raise UsageError(f"--context {url}: cannot read {file}: {exc.strerror}") from None
        except ValueError as exc:
            raise UsageError(f"--context {url}: {file} is not JSON: {exc}") from None
        if not isinstance(doc, dict) or "@context" not in doc:
            raise UsageError(f"--context {url}: {file} is not a JSON-LD context document (no @context)")
        contexts[url] = doc
    return contexts


def _read_input(name: str) -> str:
    try:
        data = sys.stdin.buffer.read(MAX_ARTIFACT_BYTES + 1) if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    if len(data) > MAX_ARTIFACT_BYTES:
        raise UsageError(f"{name} is larger than {MAX_ARTIFACT_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None


def _print_human(name: str, result: VerificationResult) -> None:
    print(f"{name}: {'VERIFIED' if result.verified else 'NOT VERIFIED'}")
    for check in result.checks:
        mark = "ok  " if check.ok else "FAIL"
        reason = f" [{check.reason}]" if check.reason and not check.ok else ""
        print(f"  {mark} {check.name}{reason}: {check.message}")
        for finding in check.findings[1:] if not check.ok else []:
            print(f"         {finding}")
        for warning in check.warnings:
            print(f"  warn {check.name}: {warning}")


def run(args: argparse.Namespace) -> int:
    try:
        now = _parse_now(args.now)
        contexts = _parse_contexts(args.context)
        inputs = [(name, _read_input(name)) for name in args.files]
    except UsageError as exc:
        print(f"ler-interop verify: {exc}", file=sys.stderr)
        return 2
    hosts = {h.lower() for h in args.allow_host}
    with Http(hosts) as http:
        resolver = DidResolver(http=http)

        def fetch_json(url: str) -> Any:
            return http.get(url, headers={"accept": "application/json"}).json()

        verifier = CredentialVerifier(resolver, fetch_json=fetch_json, now=now, extra_contexts=contexts)
        outputs: list[dict[str, Any]] = []
        for name, text in inputs:
            try:
                result = verifier.verify(text, challenge=args.challenge, domain=args.domain, unsigned=args.unsigned)
            except NetError as exc:  # a refused or failed fetch must not crash the command
                print(f"ler-interop verify: {name}: {exc}", file=sys.stderr)
                return 2
            fmt = result.check("format")
            if fmt is not None and not fmt.ok:  # not a VC, VP, JWS or SD-JWT at all: unreadable input
                print(f"ler-interop verify: {name}: {fmt.message}", file=sys.stderr)
                return 2
            outputs.append({"file": name, **result.to_dict()})
            if not args.json:
                _print_human(name, result)
    if args.json:
        payload: Any = outputs[0] if len(outputs) == 1 else outputs
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0 if all(o["verified"] for o in outputs) else 1
