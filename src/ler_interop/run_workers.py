"""How many processes `ler-interop run` uses by default: one per vendor under test, up to
MAX_WORKERS (pytest-xdist; plugin_xdist.py keeps each vendor's checks on one worker).

A run over several vendors is I/O bound, waiting on each vendor in turn: workers are counted by
vendors, not by cores. One vendor (or none) keeps the serial, in-process run.
"""

from __future__ import annotations

import argparse

MAX_WORKERS = 8
VENDOR_ROLES = ("issuer", "verifier", "wallet")


def default_workers(args: argparse.Namespace) -> int:
    """Workers for a run with no -n: the vendors under test, capped; 0: serial."""
    try:
        import xdist  # noqa: F401
    except ImportError:
        return 0
    if not args.vendors:
        return 0  # the embedded reference vendor alone
    from .manifest import load_manifest

    # Only the selected vendors' secrets are needed (a run of one vendor must not need another's).
    vendors = [v for v in load_manifest(args.vendors, require_secrets=False).vendors
               if not args.vendor or v.id in args.vendor]
    if args.role in VENDOR_ROLES:
        vendors = [v for v in vendors if args.role in v.roles]
    return min(len(vendors), MAX_WORKERS) if len(vendors) > 1 else 0
