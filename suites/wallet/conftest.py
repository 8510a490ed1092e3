"""Fixtures for the wallet suite: the vendor's wallet backchannel, and the suite's own
counterparts (OpenID4VCI issuers, OpenID4VP verifier, did:web and status host) at the
counterpart base URL, which the wallet must be able to reach."""

from __future__ import annotations

from typing import Iterator

import pytest

from ler_interop import net
from ler_interop.plugin_state import add_evidence_source
from ler_interop.outcomes import unsupported
from ler_interop.protocols.wallet import FORMATS, WalletClient
from ler_interop.protocols.wallet_session import WalletSession


@pytest.fixture
def wallet(vendor) -> WalletClient:
    return WalletClient(vendor.http, vendor.endpoint("wallet", "backchannel", "url"))


@pytest.fixture
def session(request, vendor, wallet, counterparts) -> WalletSession:
    """The check's wallet session; what the counterparts received during the check becomes
    part of its evidence."""
    url = vendor.endpoint("wallet", "backchannel", "url")
    if not net.is_loopback(net.host_of(counterparts.url)) or net.is_loopback(net.host_of(url)):
        since = counterparts.mark()

        def finish() -> None:  # when the result is written: evidence in, this check's offers dead
            counterparts.attach(vendor.recorder, since)
            for issuer in (counterparts.issuer, counterparts.issuer2):
                issuer.retire_offers()

        add_evidence_source(request.node, finish)
        return WalletSession(wallet, counterparts, since)
    pytest.skip(f"the wallet at {url} cannot reach the suite's counterparts on {counterparts.url}; "
                "run with --counterpart-url (a base URL it can reach) and --counterpart-bind")


def declared_format(vendor, fmt: str) -> str:
    """`fmt`, when the wallet declares it; otherwise the check is `unsupported` for it."""
    if not vendor.supports("wallet", fmt):
        unsupported(f"{vendor.id}'s wallet does not declare the {fmt} format")
    return fmt


@pytest.fixture(params=FORMATS)
def fmt(request, vendor) -> str:
    """Each credential format the wallet declares (one result per format). A check about one
    format family narrows it: `@pytest.mark.parametrize("fmt", W3C_FORMATS, indirect=True)`."""
    return declared_format(vendor, request.param)


@pytest.fixture(scope="session")
def reference_wallet_url() -> Iterator[str]:
    """The suite's own reference wallet (a clean one), for moving exports between wallets."""
    from ler_interop.reference.serving import LoopbackServer
    from ler_interop.reference.wallet import ReferenceWallet

    wallet = ReferenceWallet()
    with LoopbackServer(lambda origin: wallet.app(), name="suite-reference-wallet") as server:
        yield server.url


@pytest.fixture
def reference_wallet(reference_wallet_url, suite_http) -> WalletClient:
    return WalletClient(suite_http, reference_wallet_url)
