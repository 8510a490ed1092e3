"""`ler-interop verify FILE...`: the credential toolkit for a person holding a credential.

Exit codes, per file: 0 verified, 1 not verified, 2 cannot judge (unreadable, empty, not a
credential, a fetch that failed, or an input the suite could not process). Every file is
reported; the command exits with the worst file's code, in the order 2 > 1 > 0 (a usage error
exits 2 before any file is read). No input produces a traceback.
Network: none by default. did:web documents, https verification methods (controller documents)
and status lists are fetched only from hosts given with --allow-host, through the suite's
guarded, capped client; a key document on a host not allowed leaves the file unjudged (exit 2).
Credential JWTs typed "JWT" are read as Open Badges 3.0 §8.2 proofs (credentials/obv3_jwt.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from contextlib import ExitStack, contextmanager
from typing import Any, Iterator

from .credentials.artifacts import MAX_ARTIFACT_BYTES
from .credentials.did import DidResolver
from .credentials.findings import VerificationResult
from .credentials.verifier import CredentialVerifier
from .net import Http, NetError, Response, parse_json
from .results import json_text
from .safe_text import neutralise


class UsageError(Exception):
    pass


EXIT_HELP = ("exit status: each file is 0 verified, 1 not verified, 2 cannot judge (unreadable, empty, "
             "not a credential, a failed fetch); the command exits with the worst file's code, 2 > 1 > 0")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_HELP
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
                        help="a host did:web documents, https verification methods and status lists may be fetched from (repeatable)")
    parser.add_argument("--resource", action="append", default=[], metavar="URL=FILE",
                        help="answer a fetch of URL with FILE instead of the network: a status list, a did:web "
                             "or controller document kept offline (repeatable; no --allow-host needed for URL)")
    parser.add_argument("--results", metavar="RESULTS.jsonl",
                        help="also check that each certificate (from `ler-interop certify`) covers exactly this results "
                             "stream: the check results-digest compares its SHA-256")
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


def _parse_resources(items: list[str]) -> dict[str, bytes]:
    resources = {}
    for item in items:
        url, sep, file = item.partition("=")
        if not sep or not url.startswith(("https://", "http://")) or not file:
            raise UsageError(f"--resource {item!r}: expected URL=FILE with an http(s) URL")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise UsageError(f"--resource {url}: cannot read {file}: {exc.strerror}") from None
        if len(data) > MAX_ARTIFACT_BYTES:
            raise UsageError(f"--resource {url}: {file} is larger than {MAX_ARTIFACT_BYTES} bytes")
        resources[url.split("#", 1)[0]] = data
    return resources


class OfflineHttp(Http):
    """The guarded client, except that a URL given with --resource is answered from its file
    (200, the bytes as read): offline verification against a kept status list or key document.
    Every other URL still goes through the host guard."""

    def __init__(self, allowed_hosts: set[str], resources: dict[str, bytes]):
        super().__init__(allowed_hosts)
        self.resources = resources

    def request(self, method: str, url: str, **kwargs: Any) -> Response:
        data = self.resources.get(url.split("#", 1)[0]) if method == "GET" else None
        if data is None:
            return super().request(method, url, **kwargs)
        return Response(200, {"content-type": _media_type(data)}, data, url, self.policy.max_depth)


def _media_type(data: bytes) -> str:
    """What a server would have said: JSON for a document, a JWT media type for a compact token."""
    return "application/json" if data.lstrip()[:1] in (b"{", b"[") else "application/statuslist+jwt"


class CannotJudge(Exception):
    """This file cannot be judged (exit 2 for it); the message is its one line."""


def _read_input(name: str) -> str:
    try:
        data = sys.stdin.buffer.read(MAX_ARTIFACT_BYTES + 1) if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise CannotJudge(f"cannot read {name}: {exc.strerror}") from None
    if len(data) > MAX_ARTIFACT_BYTES:
        raise CannotJudge(f"{name} is larger than {MAX_ARTIFACT_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CannotJudge(f"{name} is not UTF-8 text") from None
    if not text.strip():
        raise CannotJudge(f"{name}: empty input")
    return text


def _say(line: str, **kw: Any) -> None:
    """One line to the terminal: text from the input (names, claims, proof types) cannot start
    a line of its own or send escape sequences (safe_text.neutralise)."""
    print(neutralise(line), **kw)


def _print_human(name: str, result: VerificationResult) -> None:
    _say(f"{name}: {'VERIFIED' if result.verified else 'NOT VERIFIED'}")
    for check in result.checks:
        mark = "ok  " if check.ok else "FAIL"
        reason = f" [{check.reason}]" if check.reason and not check.ok else ""
        _say(f"  {mark} {check.name}{reason}: {check.message}")
        for finding in check.findings[1:] if not check.ok else []:
            _say(f"         {finding}")
        for warning in check.warnings:
            _say(f"  warn {check.name}: {warning}")


def judge(name: str, verifier: CredentialVerifier, args: argparse.Namespace,
          digest: tuple[str, str] | None = None) -> tuple[int, dict[str, Any], VerificationResult | None]:
    """(exit code, JSON entry, result) of one file; never raises for anything the file holds.
    `digest` (SHA-256 hex, file name of --results) adds the `results-digest` check."""
    try:
        text = _read_input(name)
        unreachable = verifier.resolver.transport_errors  # key documents this file's fetches could not get
        unreachable.clear()
        try:
            result = verifier.verify(text, challenge=args.challenge, domain=args.domain, unsigned=args.unsigned)
        except NetError as exc:  # a refused or failed fetch: the suite could not judge
            raise CannotJudge(f"{name}: {exc}") from None
        except Exception as exc:  # last resort: an input the suite cannot process is not "not verified"
            raise CannotJudge(f"{name}: cannot judge this input ({type(exc).__name__})") from None
        fmt = result.check("format")
        if fmt is not None and not fmt.ok:  # not a VC, VP, JWS or SD-JWT at all: unreadable input
            raise CannotJudge(f"{name}: {fmt.message}")
        if unreachable and not result.verified:  # a key document the run may not fetch: no verdict
            raise CannotJudge(f"{name}: cannot judge: {unreachable[0]} (allow the host with --allow-host)")
        if digest is not None:
            from .certify.digest import digest_check

            result.checks.append(digest_check(text, *digest))
    except CannotJudge as exc:
        message = " ".join(str(exc).split())  # one line, whatever the exception carried
        return 2, {"file": name, "verified": False, "exit": 2, "error": message}, None
    code = 0 if result.verified else 1
    return code, {"file": name, **result.to_dict(), "exit": code}, result


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except BrokenPipeError:  # `verify ... | head`: the reader left; stop quietly
        # Python flushes stdout again at exit: point it at devnull so that flush cannot fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


@contextmanager
def verifier_for(args: argparse.Namespace) -> Iterator[CredentialVerifier]:
    """The verifier `verify` judges with, from its parsed options (raises UsageError)."""
    now = _parse_now(args.now)
    contexts = _parse_contexts(args.context)
    resources = _parse_resources(args.resource)
    with OfflineHttp({h.lower() for h in args.allow_host}, resources) as http:
        def fetch(url: str, accept: str) -> Response:
            response = http.get(url, headers={"accept": accept})
            if response.status_code != 200:  # no list to read: the status cannot be judged
                raise NetError(f"GET {url} answered {response.status_code}")
            return response

        # A status list that cannot be fetched leaves the credential unjudged (exit 2), not refused.
        # A person's legacy (VCDM 1.1) credential is read by the 1.1 rules, with a warning.
        yield CredentialVerifier(DidResolver(http=http), fetch_json=lambda url: fetch(url, "application/json").json(),
                                 fetch_text=lambda url: fetch(url, "application/statuslist+jwt").text,
                                 raise_transport_errors=True, now=now, extra_contexts=contexts, accept_vcdm1=True,
                                 open_badges_jwt=True)


def _results_digest(path: str | None) -> tuple[str, str] | None:
    """(SHA-256 hex, name) of the --results stream, read once for every certificate."""
    if path is None:
        return None
    from .certify.digest import file_sha256

    try:
        return file_sha256(path), Path(path).name
    except OSError as exc:
        raise UsageError(f"--results {path}: cannot read it: {exc.strerror}") from None


def _run(args: argparse.Namespace) -> int:
    worst = 0
    outputs: list[dict[str, Any]] = []
    with ExitStack() as stack:
        try:
            verifier = stack.enter_context(verifier_for(args))
            digest = _results_digest(args.results)
        except UsageError as exc:
            print(f"ler-interop verify: {exc}", file=sys.stderr)
            return 2
        for name in args.files:
            code, entry, result = judge(name, verifier, args, digest)
            worst = max(worst, code)  # 2 > 1 > 0
            outputs.append(entry)
            if result is None:
                _say(f"ler-interop verify: {entry['error']}", file=sys.stderr)
            elif not args.json:
                _print_human(name, result)
            if not args.json:
                sys.stdout.flush()  # a closed pipe shows here, per file
    if args.json:
        payload: Any = outputs[0] if len(outputs) == 1 else outputs
        # json_text: as the results stream writes it, no raw line separator or C1 control.
        print(json_text(payload, indent=2))
        sys.stdout.flush()
    return worst
