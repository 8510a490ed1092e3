"""Scheduling under xdist (`-n`): every check that drives a vendor's wallet runs on one worker,
in order; everything else is spread one check at a time, as xdist's `load` does.

A wallet is one learner's wallet (docs/backchannels.openapi.yaml): two workers driving it at
once would see each other's credentials come and go. xdist's own `--dist loadgroup` cannot
carry the grouping here (with pytest 9 the group suffix it writes to a node id is lost), so the
group is read from the node id's path: the wallet suite and the learner's journey.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

from .shard import WALLET_NODE

WALLET_SCOPE = "ler-interop: checks that drive a wallet"


class WalletsTogether(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        return WALLET_SCOPE if WALLET_NODE.search(nodeid) else nodeid
