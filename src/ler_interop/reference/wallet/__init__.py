"""The reference wallet: one learner's wallet behind the wallet backchannel v1
(docs/backchannels.openapi.yaml), receiving over OpenID4VCI 1.0 and presenting over
OpenID4VP 1.0, with the named fault switches of faults_wallet.py.

Modules: store (credentials and holder keys, in memory), reading (issuer, types, DCQL view),
receive (the pre-authorized code flow), present (request, DCQL, direct_post), export (the
export document and import), mutations (content faults), app (the HTTP side).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...net import LOOPBACK_NAMES
from .. import run_ports
from ..faults import parse_faults
from .store import CredentialStore

SUPPORTS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt", "oid4vci", "oid4vp", "tx_code", "by-reference",
            "list", "delete", "decline", "export", "import")


class ReferenceWallet:
    """`hosts`: where the wallet may fetch and post (host, or host:port), loopback by default.
    `own_ports_only`: loopback only on the ports of this run's own servers (run_ports.py), as
    when the suite runs it beside other vendors' issuers and verifiers."""

    def __init__(self, faults: Iterable[str] = frozenset(), hosts: Iterable[str] = LOOPBACK_NAMES,
                 own_ports_only: bool = False):
        self.faults = parse_faults(faults)
        self.hosts = frozenset(h.lower() for h in hosts)
        self.own_ports_only = own_ports_only
        self.store = CredentialStore(self.faults)

    def allowed_hosts(self) -> frozenset[str]:
        """The guard entries of one flow (the run's ports, read afresh: workers start later)."""
        return self.hosts | run_ports.loopback_entries() if self.own_ports_only else self.hosts

    def app(self) -> Any:
        from .app import wallet_app

        return wallet_app(self)


def extend_manifest(entry: dict[str, Any], url: str) -> None:
    """The wallet role of a manifest vendor: its backchannel and capability tokens."""
    entry["backchannel"] = {"url": url}
    supports = entry.setdefault("supports", [])
    supports += [token for token in SUPPORTS if token not in supports]


__all__ = ["ReferenceWallet", "SUPPORTS", "extend_manifest"]
