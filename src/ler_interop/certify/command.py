"""`ler-interop certify`: issue a vendor a conformance certificate from a results stream, revoke
one, or make the certifier's key. Exit 0 done, 1 the vendor does not conform on the scope (no
certificate), 2 bad input; always one line on stderr for 1 and 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..safe_text import neutralise
from .errors import CertifyError, NotConforming

HELP = """\
Key file: a private Ed25519 JWK (RFC 7517: kty OKP, crv Ed25519, x, d) in a file readable only
by its owner (0600); `--new-key KEYFILE` writes one. Keep it out of published folders: nothing
else certify writes holds private key material.
Writes into OUT (default: the folder holding RESULTS.jsonl), under certificates/:
<vendor>--<scope>.json (the signed OpenBadgeCredential), <vendor>--<scope>.svg (its badge),
index.json (every certificate issued, re-issued ones kept as superseded so no status-list index
is drawn twice), status-list.json (the signed revocation list), did.json (did:web issuers).
Publish status-list.json at --status-url (default for did:web:HOST[:path]:
https://HOST[/path]/status-list.json; a did:key issuer must give --status-url), and did.json
where did:web resolves (https://HOST/.well-known/did.json, or https://HOST/path/did.json).
Check a certificate against its stream: ler-interop verify --results RESULTS.jsonl CERT.json
(add --resource STATUS_URL=certificates/status-list.json to verify before publishing).
exit status: 0 issued (or revoked, or key written), 1 the vendor does not conform on the scope
(no certificate), 2 bad input."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = HELP
    parser.add_argument("results", nargs="?", metavar="RESULTS.jsonl", help="the results stream of the run to certify")
    parser.add_argument("--vendor", metavar="ID", help="the vendor (its manifest id) to certify")
    parser.add_argument("--key", metavar="KEYFILE", help="the certifier's private key file (a private Ed25519 JWK)")
    parser.add_argument("--issuer", metavar="DID", help="did:web:HOST[:path] to issue as (default: the key's did:key)")
    parser.add_argument("--issuer-name", default="ler-interop certifier", metavar="NAME",
                        help="the issuer profile's name on the certificate (default: %(default)s)")
    parser.add_argument("--out", metavar="DIR", help="where certificates/ goes (default: the folder holding RESULTS.jsonl)")
    parser.add_argument("--scope", default="all", metavar="SCOPE",
                        help="all (every MUST check; default), role:issuer|wallet|verifier, or profile:NAME (a declared profile)")
    parser.add_argument("--valid-days", type=int, default=365, metavar="N", help="validUntil = now + N days (default 365)")
    parser.add_argument("--status-url", metavar="URL", help="where status-list.json will be published (see below)")
    parser.add_argument("--attestation", metavar="FILE",
                        help="the vendor's attestation file (default: the attested lines in the stream)")
    parser.add_argument("--revoke", metavar="CERT.json", help="revoke this certificate (with --key, [--out])")
    parser.add_argument("--new-key", metavar="KEYFILE", help="write a new certifier key to KEYFILE (0600) and exit")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except NotConforming as exc:
        print(f"ler-interop certify: {neutralise(exc)}", file=sys.stderr)
        return 1
    except CertifyError as exc:
        print(f"ler-interop certify: {neutralise(exc)}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from .keyfile import load_key, new_key

    if args.new_key:
        key = new_key(args.new_key)
        print(f"wrote {args.new_key} (0600); its did:key issuer: {key.did_key()}")
        return 0
    if not args.key:
        raise CertifyError("give --key KEYFILE (make one with --new-key KEYFILE)")
    key = load_key(args.key)
    if args.revoke:
        from .revoke import revoke

        url, index = revoke(Path(args.revoke), key, Path(args.out) if args.out else None)
        # The list URL comes from the certificate file: neutralised like every line certify prints.
        print(neutralise(f"revoked {args.revoke}: bit {index} of {url} set; publish the re-signed status-list.json there"))
        return 0
    if not args.results or not args.vendor:
        raise CertifyError("give RESULTS.jsonl and --vendor ID (or --revoke CERT.json)")
    if args.status_url is not None:
        check_status_url(args.status_url)
    if args.valid_days < 1:
        raise CertifyError(f"--valid-days {args.valid_days}: give at least 1")
    from .issue import issue
    from .scope import parse_scope

    results = Path(args.results)
    if not results.is_file():
        raise CertifyError(f"{results}: no such file (give a run's results.jsonl)")
    issued = issue(results_path=results, vendor_id=args.vendor, key=key, issuer=args.issuer, issuer_name=args.issuer_name,
                   out=Path(args.out) if args.out else results.parent, scope=parse_scope(args.scope),
                   valid_days=args.valid_days, status_url=args.status_url, attestation=args.attestation)
    extra = f"; publish {issued.did_document} at the did:web location" if issued.did_document else ""
    print(neutralise(f"issued {issued.json_path}" + (f" and {issued.svg}" if issued.svg else "") + f" to {args.vendor}, "
                     f"valid until {issued.credential['validUntil']}{extra}"))
    return 0


LOOPBACK = ("localhost", "127.0.0.1", "::1")


def check_status_url(url: str) -> None:
    """An https URL (a loopback http one for a local test): the list decides whether a certificate
    still holds, so it is fetched over TLS, never plain http where anyone on the path answers."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or not host or parts.scheme not in ("https", "http") or any(c.isspace() or ord(c) < 0x20 for c in url):
        raise CertifyError(f"--status-url {url!r}: give the https URL status-list.json will be published at")
    if parts.scheme == "http" and host not in LOOPBACK:
        raise CertifyError(f"--status-url {url!r}: give an https URL (plain http is for a loopback test server only: "
                           f"a verifier must fetch the revocation list over TLS)")
