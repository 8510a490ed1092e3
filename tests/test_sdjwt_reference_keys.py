"""The reference issuer's SD-JWT VCs under each key mechanism, verified by the suite's own
verifier over loopback HTTP (the round trip ISS-OID4VCI-014 makes), and the fault that breaks
JWT VC Issuer Metadata (issue 10, item 2)."""

from __future__ import annotations

import pytest

from ler_interop.credentials.jws import parse_compact
from ler_interop.net import Http
from ler_interop.protocols.oid4vci import Oid4vciClient
from ler_interop.protocols.oid4vci_wallet import Holder, Wallet
from ler_interop.protocols.suite_tools import suite_verifier
from ler_interop.reference.oid4vci.metadata import SD_JWT_VC
from ler_interop.reference.servers import start_reference


def _issue_and_verify(servers):
    url = servers.issuer_url
    with Http({url.split("//")[1]}) as http:
        issued = Wallet(Oid4vciClient(http, url, url + "/offers")).issue(SD_JWT_VC, {"name": "Ada"}, [Holder.generate()])
        ca = servers.issuer.ca
        result = suite_verifier(http, [ca.certificate] if ca else []).verify_credential(issued.credentials[0])
    return parse_compact(issued.credentials[0].split("~")[0]), result


@pytest.mark.parametrize("mode", ["did", "jwt-vc-issuer", "x5c"])
def test_each_mechanism_verifies_with_status(mode):
    with start_reference(sd_jwt_key=mode) as servers:
        jws, result = _issue_and_verify(servers)
    assert result.verified, result.errors
    iss = jws.payload_json()["iss"]
    assert iss == (servers.issuer_did if mode == "did" else servers.issuer_url)
    assert ("x5c" in jws.header) == (mode == "x5c")


def test_metadata_naming_another_issuer_is_not_used():
    with start_reference(["issuer.jwt-vc-issuer-mismatch"]) as servers:
        _, result = _issue_and_verify(servers)
    proof = result.check("proof")
    assert not proof.ok and proof.reason == "key-not-found" and "not the iss" in proof.message
    assert proof.party == "issuer"
