"""Scheduling under xdist: a vendor's checks run on one worker, in order, and different vendors
run on different workers at once (a run over several vendors is I/O bound: most of its time is
spent waiting for vendors' answers).

A scope is a vendor: its own checks, the issuer x verifier cells it judges (its verifier's), and
the learner's journeys through its wallet. So a wallet is driven by one check at a time
(docs/backchannels.openapi.yaml: two workers driving it at once would see each other's
credentials come and go), and no vendor sees more concurrent requests than in a serial run.
xdist's own `--dist loadgroup` cannot carry the grouping (with pytest 9 the group suffix it
writes to a node id is lost), so the vendor is read from the node id's parameter id.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from xdist.scheduler import LoadScopeScheduling

JOURNEY_NODE = re.compile(r"(^|/)test_learner_journey\.py::")
CELL = "->"
UNKNOWN_SCOPE = "ler-interop: checks of no one vendor"  # kept together: the safe choice for a wallet


def vendor_scope(nodeid: str, vendor_ids: Iterable[str]) -> str:
    """The vendor whose scope `nodeid` belongs to (see above); UNKNOWN_SCOPE if none is named."""
    params = nodeid.rsplit("[", 1)[1].rstrip("]") if nodeid.endswith("]") and "[" in nodeid else ""
    if CELL in params:
        parts = params.split(CELL)  # issuer->verifier[-format] or issuer->wallet->verifier[-format]
        params = parts[1] if JOURNEY_NODE.search(nodeid) and len(parts) == 3 else parts[-1]
    # The id is the vendor id, alone or joined with other parameters' ids by "-" (which ids
    # such as "dc+sd-jwt" contain too): a vendor id at either end first (the vendor is the first
    # or last parameter in the suites), the longest such; one in the middle only failing that.
    ordered = sorted(vendor_ids, key=len, reverse=True)
    for vendor_id in ordered:
        if params == vendor_id or params.startswith(vendor_id + "-") or params.endswith("-" + vendor_id):
            return vendor_id
    return next((vendor_id for vendor_id in ordered if f"-{vendor_id}-" in params), UNKNOWN_SCOPE)


class VendorsApart(LoadScopeScheduling):
    def __init__(self, config: Any, log: Any = None, vendor_ids: Iterable[str] = ()):
        super().__init__(config, log)
        self.vendor_ids = list(vendor_ids)

    def _split_scope(self, nodeid: str) -> str:
        return vendor_scope(nodeid, self.vendor_ids)
