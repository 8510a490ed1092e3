"""Fixtures for the verifier suite: the suite signs as its own issuers (a did:key issuer, and
did:web issuers and status lists on the suite's counterpart host) and hands the vendor's
verifier good and deliberately broken credentials."""

from __future__ import annotations

import uuid
from typing import Callable

import pytest

from ler_interop import net
from ler_interop.credentials import samples
from ler_interop.credentials.crafting import Signer
from ler_interop.credentials.keys import Key
from ler_interop.credentials.statuslist import StatusList, status_entry
from ler_interop.protocols.vcapi import Verdict, classify_verify


@pytest.fixture
def verify_url(vendor) -> str:
    return vendor.endpoint("verifier", "vc-api", "credentials_verify")


@pytest.fixture
def verify(vcapi, verify_url) -> Callable[..., Verdict]:
    """POST a credential to the vendor's /credentials/verify and classify the answer."""
    def _verify(vc, options=None) -> Verdict:
        return classify_verify(vcapi.verify_credential(verify_url, vc, options))
    return _verify


@pytest.fixture
def verify_presentation(vcapi, vendor) -> Callable[..., Verdict]:
    url = vendor.endpoint("verifier", "vc-api", "presentations_verify")

    def _verify(vp, options=None) -> Verdict:
        return classify_verify(vcapi.verify_presentation(url, vp, options))
    return _verify


@pytest.fixture(scope="session")
def key_issuer() -> Signer:
    """The suite's did:key issuer (Ed25519, eddsa-rdfc-2022)."""
    return Signer.did_key(Key.generate("Ed25519"))


@pytest.fixture(scope="session")
def p256_issuer() -> Signer:
    return Signer.did_key(Key.generate("P-256"))


@pytest.fixture
def reachable_counterpart(counterpart, vendor):
    """The counterpart host, when the vendor's verifier can reach it. It listens on loopback, so
    a verifier elsewhere could not resolve its did:web documents or status lists: those checks
    are skipped (not scored) rather than failed for the suite's own reach."""
    url = vendor.endpoint("verifier", "vc-api", "credentials_verify")
    if not net.is_loopback(net.host_of(url)):
        pytest.skip(f"the suite's did:web/status host ({counterpart.url}) is loopback-only; "
                    f"the verifier at {net.host_of(url)} cannot reach it")
    return counterpart


@pytest.fixture
def web_issuer(reachable_counterpart) -> Signer:
    """A fresh did:web issuer on the suite's counterpart host: foreign to the vendor."""
    counterpart = reachable_counterpart
    key = Key.generate("Ed25519")
    did, vm = counterpart.add_did(key)
    return Signer(key, did, vm)


@pytest.fixture
def credential() -> Callable[..., dict]:
    """An unsigned OB 3.0 credential template (the issuer is set when signing)."""
    def _credential(**kw) -> dict:
        return samples.achievement_credential("did:example:unset", **kw)
    return _credential


@pytest.fixture
def with_status(reachable_counterpart, web_issuer) -> Callable[[dict, str, bool], dict]:
    """Sign `credential` as a did:web issuer whose status list (for `purpose`) has the
    credential's bit set to `flagged`."""
    def _with_status(credential: dict, purpose: str, flagged: bool) -> dict:
        name = f"{purpose}-{uuid.uuid4().hex[:10]}"
        url = reachable_counterpart.publish_status_list(name, purpose, StatusList(), web_issuer)
        index = 4242
        if flagged:
            reachable_counterpart.set_status(name, index, True)
        credential = dict(credential)
        # One entry as an object: OB 3.0 allows a single credentialStatus (OB 3.0 §B.1.1).
        credential["credentialStatus"] = status_entry(url, index, purpose)
        return web_issuer.issue(credential)
    return _with_status
