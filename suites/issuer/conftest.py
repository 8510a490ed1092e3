"""Fixtures for the issuer suite: the vendor's VC API client, its issue endpoint, and the
suite's own verifier restricted to the vendor's declared hosts."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from ler_interop.credentials import samples
from ler_interop.credentials import x5c
from ler_interop.protocols.suite_tools import declared_issuer_id, issue_through, suite_verifier



@pytest.fixture
def issue_url(vendor) -> str:
    return vendor.endpoint("issuer", "vc-api", "issue")


@pytest.fixture
def issuer_did(vendor) -> str:
    return declared_issuer_id(vendor)


@pytest.fixture
def verifier(vendor):
    """The suite's verifier, reading DID documents and status lists as any verifier would:
    without the vendor's API credentials (which must also never go to other hosts). An SD-JWT
    VC signed with `x5c` is trusted up to the manifest's `issuer.trust_anchors` only."""
    anchors = x5c.load_anchors(vendor.role("issuer").trust_anchors)
    return suite_verifier(vendor.http_for("issuer", authorized=False), anchors)


@pytest.fixture
def issue(vendor) -> Callable[..., dict]:
    """Issue `credential` and return the issued credential (errors if there is none)."""
    def _issue(credential: dict, **extra_options: Any) -> dict:
        return issue_through(vendor, credential, **extra_options)

    return _issue


@pytest.fixture
def template(issuer_did) -> Callable[..., dict]:
    def _template(**kw: Any) -> dict:
        return samples.achievement_credential(issuer_did, **kw)

    return _template


# -- OpenID4VCI: the suite acts as the wallet ---------------------------------------------------


@pytest.fixture
def oid4vci(vendor):
    """The vendor's Credential Issuer as an anonymous wallet sees it; the offers backchannel
    alone carries the vendor's API credentials."""
    from ler_interop.protocols.oid4vci import Oid4vciClient

    config = vendor.protocol("issuer", "oid4vci")
    return Oid4vciClient(vendor.http_for("issuer", authorized=False), config["credential_issuer"],
                         config.get("offers"), backchannel=vendor.http,
                         client_id=vendor.role("issuer").options("oid4vci").get("client_id"))


@pytest.fixture
def wallet(oid4vci):
    from ler_interop.protocols.oid4vci_wallet import Wallet

    return Wallet(oid4vci)


@pytest.fixture
def learner() -> dict:
    """The learner offered (an AchievementSubject without id): a CJK name and a complete OB 3.0
    achievement with an Arabic name (P7). The offer's claims are built from it per configuration
    (protocols/oid4vci_claims.py)."""
    return {"name": samples.UNICODE_NAMES["cjk"],
            "achievement": samples.offered_achievement("شهادة إدارة البيانات", "Data stewardship — Ἀρχή, Грамотность")}
