"""The backchannel contract held against every peer's glue, with the same exercises the
reference passes (tests/backchannel_contract.py): the contract is tested against more than one
implementation, so a rule only our reference happens to follow shows up here."""

from __future__ import annotations

import pytest

import backchannel_contract as contract
from lab_peers import node_or_skip, peer_names, start_peer
from ler_interop.protocols import oid4vci_claims, oid4vp_present
from ler_interop.protocols.wallet_session import learner


def _entries(role: str) -> list[tuple[str, str]]:
    """(peer, vendor id) of every peer vendor with `role`, read without starting the peers."""
    import yaml
    from lab_peers import PEERS_DIR

    found = []
    for name in peer_names():
        entries = yaml.safe_load((PEERS_DIR / name / "manifest.yaml").read_text())
        for entry in entries if isinstance(entries, list) else [entries]:
            if role in entry:
                found.append((name, entry["id"]))
    return found


@pytest.fixture(scope="module")
def api():
    return contract.load_api()


def _role(peer, vendor_id: str, role: str, protocol: str) -> dict:
    """The vendor's `role` section, or skip when it does not speak `protocol` (no backchannel)."""
    section = next(v for v in peer.vendors() if v["id"] == vendor_id)[role]
    if protocol not in section:
        pytest.skip(f"{vendor_id} has no {protocol} {role} (so no {role} backchannel)")
    return section


@pytest.mark.parametrize("peer_name, vendor_id", _entries("issuer"))
def test_peer_offers_are_true_to_the_contract(api, peer_name, vendor_id):
    node_or_skip()
    with start_peer(peer_name) as peer:
        issuer = _role(peer, vendor_id, "issuer", "oid4vci")
        contract.offers_contract(api, issuer["oid4vci"], lambda cid, configurations: oid4vci_claims.offer_claims(
            configurations[cid], learner("greek")))


@pytest.mark.parametrize("peer_name, vendor_id", _entries("verifier"))
def test_peer_presentation_requests_are_true_to_the_contract(api, peer_name, vendor_id):
    node_or_skip()
    with start_peer(peer_name) as peer:
        verifier = _role(peer, vendor_id, "verifier", "oid4vp")
        formats = [f for f in oid4vp_present.FORMATS if f in verifier.get("supports", [])]
        contract.presentation_requests_contract(api, verifier["oid4vp"]["presentation_requests"], formats)


@pytest.mark.parametrize("peer_name, vendor_id", _entries("wallet"))
def test_peer_wallet_is_true_to_the_contract(api, peer_name, vendor_id):
    node_or_skip()
    from ler_interop.counterparts.server import start_counterparts

    with start_peer(peer_name) as peer, start_counterparts() as counterparts:
        wallet = _role(peer, vendor_id, "wallet", "backchannel")
        for fmt in (f for f in oid4vp_present.FORMATS if f in wallet.get("supports", [])):
            contract.wallet_contract(api, wallet["backchannel"]["url"], fmt, counterparts)
