"""Start the reference issuer, verifier and wallet on loopback and describe them as a manifest vendor.

Used by `ler-interop run` (the embedded default vendor) and `ler-interop serve --fault ...`.
The manifest entry follows manifest v1 (notes: contracts, "Manifest v1"); `supports`
lists exactly what the reference implements, faults or not (a faulty vendor still claims
the capability; the checks must catch it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from . import oid4vci, oid4vp
from ..credentials.issuer_keys import CAPABILITY
from ..net import LOOPBACK_NAMES
from ..suite_keys import SuiteKeys
from .faults import parse_faults
from .identity import ISSUER_CRYPTOSUITES
from .issuer import ReferenceIssuer
from .latency import delayed
from .serving import LOOPBACK, LoopbackServer
from .verifier import ReferenceVerifier
from .wallet import ReferenceWallet
from .wallet import extend_manifest as extend_wallet_manifest

REFERENCE_VENDOR_ID = "reference"
REFERENCE_TOKEN_ENV = "LER_INTEROP_REFERENCE_TOKEN"
VERIFIER_CRYPTOSUITES = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022")
STATUS_SUPPORT = ("status:revocation", "status:suspension")
DATA_MODEL_SUPPORT = ("vc2.0", "ldp_vc")
# The verifier finds an SD-JWT VC issuer's key by DID, JWT VC Issuer Metadata and x5c (it
# trusts the run's CA): all three mechanisms (credentials/issuer_keys.py).
SD_JWT_KEY_SUPPORT = tuple(CAPABILITY.values())


class ReferenceServers:
    """The running reference issuer, verifier and wallet; a context manager."""

    def __init__(self, faults: Iterable[str] = frozenset(), token: str | None = None,
                 wallet_hosts: Iterable[str] = (), own_ports_only: bool = False, sd_jwt_key: str = "did",
                 keys: Any = None, host: str = LOOPBACK, port: int = 0, latency: float = 0.0):
        """`sd_jwt_key`: how the issuer's SD-JWT VCs name its key (reference/sdjwt_keys.py).
        `keys`: the run's suite_keys.SuiteKeys (None: fresh ones); the verifier trusts its CA.
        `wallet_hosts`: hosts the wallet and the verifier may reach besides loopback (the
        counterparts' public host when --counterpart-url is not loopback; the hosts other vendors
        declare when the reference joins their journeys, `run --with-reference`).
        `own_ports_only`: on loopback, only this run's own servers (run_ports.py), never any port:
        the suite's setting, where other vendors may point the wallet and verifier anywhere.
        `host`, `port`: where they listen; port P gives the issuer P, the verifier P+1 and the
        wallet P+2 (`serve --port`, so a fixed manifest can name them); 0: free ports.
        `latency`: seconds each server waits before answering a request (reference/latency.py)."""
        self.faults = parse_faults(faults)
        self.token = token
        self.sd_jwt_key = sd_jwt_key
        self.keys = keys if keys is not None else SuiteKeys()
        self.issuer: ReferenceIssuer | None = None
        reach = frozenset(wallet_hosts) if own_ports_only else LOOPBACK_NAMES | frozenset(wallet_hosts)
        self.verifier = ReferenceVerifier(self.faults, reach, token=token, own_ports_only=own_ports_only,
                                          trust_anchors=[self.keys.ca.certificate])
        self.wallet = ReferenceWallet(self.faults, reach, own_ports_only)
        apps = (("issuer", lambda origin: delayed(self._build_issuer(origin), latency)),
                ("verifier", lambda origin: delayed(self.verifier.app(), latency)),
                ("wallet", lambda origin: delayed(self.wallet.app(), latency)))
        bound: list[LoopbackServer] = []
        try:  # each binds its socket now: a busy port fails here, and the ones already bound are closed
            for offset, (role, build) in enumerate(apps):
                bind = (host, port + offset if port else 0)
                bound.append(LoopbackServer(build, name=f"reference-{role}", bind=bind))
        except Exception:
            for server in bound:
                server.stop()
            self.verifier.close()
            raise
        self._issuer_server, self._verifier_server, self._wallet_server = bound
        self.issuer_url = self._issuer_server.url
        self.verifier_url = self._verifier_server.url
        self.wallet_url = self._wallet_server.url
        self._running = False

    def _build_issuer(self, origin: str) -> Any:
        self.issuer = ReferenceIssuer(origin, self.faults, self.token, sd_jwt_key=self.sd_jwt_key, keys=self.keys)
        return self.issuer.app()

    @property
    def urls(self) -> dict[str, str]:
        return {"issuer": self.issuer_url, "verifier": self.verifier_url, "wallet": self.wallet_url}

    @property
    def issuer_did(self) -> str:
        assert self.issuer is not None
        return self.issuer.identity.did

    def start(self) -> "ReferenceServers":
        if self._running:  # start_reference() already started it; `with` must not start again
            return self
        servers = (self._issuer_server, self._verifier_server, self._wallet_server)
        try:
            for server in servers:
                server.start()
        except Exception:
            for server in reversed(servers):  # stopping a server that never started just closes its socket
                server.stop()
            raise
        if self.token is not None:
            # Manifests name secrets by environment variable, never inline.
            os.environ[REFERENCE_TOKEN_ENV] = self.token
        self._running = True
        return self

    def stop(self) -> None:
        self._running = False
        self._wallet_server.stop()
        self._verifier_server.stop()
        self._issuer_server.stop()
        self.verifier.close()

    def __enter__(self) -> "ReferenceServers":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def manifest_vendor(self) -> dict[str, Any]:
        issuer_supports = [*ISSUER_CRYPTOSUITES, *DATA_MODEL_SUPPORT, *STATUS_SUPPORT, "status-endpoint",
                           "issue-option:cryptosuite"]
        issuer: dict[str, Any] = {
            "vc-api": {
                "issue": f"{self.issuer_url}/credentials/issue",
                "status": f"{self.issuer_url}/credentials/status",
                "issuer_id": self.issuer_did,
            },
            "supports": issuer_supports,
        }
        if self.token is not None:
            issuer["auth"] = {"type": "bearer", "token_env": REFERENCE_TOKEN_ENV}
            issuer_supports.append("auth-required")
        verifier: dict[str, Any] = {
            "vc-api": {
                "credentials_verify": f"{self.verifier_url}/credentials/verify",
                "presentations_verify": f"{self.verifier_url}/presentations/verify",
            },
            "supports": [*VERIFIER_CRYPTOSUITES, *DATA_MODEL_SUPPORT, "presentations", *STATUS_SUPPORT,
                         "did:key", "did:jwk", "did:web", *SD_JWT_KEY_SUPPORT],
        }
        oid4vci.extend_manifest(issuer, self.issuer_url)
        oid4vp.extend_manifest(verifier, self.verifier_url)
        wallet: dict[str, Any] = {}
        extend_wallet_manifest(wallet, self.wallet_url)
        if "verifier.require-account" in self.faults and self.token is not None:
            # The suite's own calls carry the token, so only the anonymous-caller check sees the 401.
            verifier["auth"] = {"type": "bearer", "token_env": REFERENCE_TOKEN_ENV}
        return {
            "id": REFERENCE_VENDOR_ID,
            "name": "ler-interop reference vendor",
            "profiles": ["ob3"],
            # No `hosts`: the endpoints declare 127.0.0.1 with their ports, so the suite's
            # guard keeps this vendor to its own servers.
            "issuer": issuer,
            "verifier": verifier,
            "wallet": wallet,
            "health": f"{self.issuer_url}/health",
        }


def start_reference(faults: Iterable[str] = frozenset(), token: str | None = None,
                    wallet_hosts: Iterable[str] = (), own_ports_only: bool = False,
                    sd_jwt_key: str = "did", keys: Any = None, host: str = LOOPBACK, port: int = 0,
                    latency: float = 0.0) -> ReferenceServers:
    """Start the reference issuer, verifier and wallet (use as a context manager, or call .stop())."""
    return ReferenceServers(faults, token, wallet_hosts, own_ports_only, sd_jwt_key, keys, host, port, latency).start()
