"""`ler-interop diff OLD NEW [--json] [--all]`: the CLI glue (arguments, exit status)."""

from __future__ import annotations

import argparse
import sys

from ..safe_text import neutralise
from .compare import compare
from .load import DiffInputError, load_stream
from .render import json_document, table

DESCRIPTION = """\
Compare two runs per vendor and check: new failures, fixed, new and removed checks, outcome
moves, and the principle scores and conformance verdicts that changed. OLD and NEW are results
streams (results.jsonl) or report folders holding one (a folder of shard streams is merged).
A check execution is matched by vendor, check id and its node id (the cell or journey it ran).
Outcomes are compared as the report shows them: a failure the vendor's expected file lists is
`expected-fail`."""

EPILOG = """\
a regression is: a new fail or error (a check that passed, warned, was unsupported, skipped or
absent now fails or errors); a MUST check that passed and no longer does (pass -> warn,
unsupported, skip or expected-fail); a vendor of OLD missing from NEW; a principle, profile or
overall verdict that went from conforms to not. A removed check and a SHOULD/MAY move are listed,
never a regression. Lines the stream reader skipped are named on stderr and in --json
(old/new.problems); the checks they held show as removed or new.

--json prints {"diff_format": 1, "regressed": bool,
  "old"/"new": {"path", "run_id", "started", "suite_version", "faults", "problems", "selection"?},
  "vendors": [{"id", "presence": "both"|"added"|"removed", "regressed", "regressions": [text],
    "counts": {"new-failure", "fixed", "new-check", "removed-check", "moved", "unchanged"},
    "conforms": {"name", "old_conforms", "new_conforms"},
    "principles"/"profiles": [{"name", "old_conforms", "new_conforms", "old_score"?, "new_score"?}] (changed only),
    "changes": [{"class", "check", "instance", "title", "level", "old", "new", "regression", "message"}]}]}
with outcomes pass|fail|warn|unsupported|error|skip|expected-fail|unexpected-pass, null when absent.

exit status: 0 no regression, 1 a regression, 2 bad input (a missing or unreadable file, not a
results stream), one line on stderr."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("old", metavar="OLD", help="the earlier run: results.jsonl or its report folder")
    parser.add_argument("new", metavar="NEW", help="the later run: results.jsonl or its report folder")
    parser.add_argument("--json", action="store_true", help="print the diff as a JSON document (shape below)")
    parser.add_argument("--all", action="store_true",
                        help="also list every new and removed check (the table lists regressions, fixes and moves, and counts the rest)")


def run(args: argparse.Namespace) -> int:
    streams = []
    for label, path in (("OLD", args.old), ("NEW", args.new)):
        try:
            stream = load_stream(path)
        except DiffInputError as exc:
            print(f"ler-interop diff: {label} {neutralise(exc)}", file=sys.stderr)
            return 2
        if stream.problems:  # tolerated, as every report tolerates them, but never silently
            more = f" (and {len(stream.problems) - 1} more)" if len(stream.problems) > 1 else ""
            print(f"ler-interop diff: {label}: {neutralise(stream.problems[0])[:300]}{more}", file=sys.stderr)
        streams.append(stream)
    diff = compare(*streams)
    print(json_document(diff, args.old, args.new) if args.json else table(diff, args.old, args.new, show_all=args.all))
    return 1 if diff.regressed else 0
