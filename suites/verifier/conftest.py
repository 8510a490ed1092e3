"""Fixtures for the verifier suite: the suite signs as its own issuers (a did:key issuer, and
did:web issuers and status lists on the suite's counterpart host) and hands the vendor's
verifier good and deliberately broken credentials. Its SD-JWT VCs name their issuer key by a
mechanism the verifier declares (protocols/sdjwt_issuers.py); its keys are the run's stable
ones (suite_keys.py, --key-dir)."""

from __future__ import annotations

import uuid
from typing import Callable

import pytest

from ler_interop import net
from ler_interop.credentials import samples
from ler_interop.credentials.crafting import Signer
from ler_interop.credentials.issuer_keys import JWT_VC_ISSUER
from ler_interop.credentials.keys import Key
from ler_interop.credentials.statuslist import StatusList, status_entry
from ler_interop.outcomes import unsupported
from ler_interop.protocols import oid4vp_present, sdjwt_issuers
from ler_interop.protocols.oid4vp import Oid4vpClient
from ler_interop.protocols.oid4vp_wallet import SuiteWallet
from ler_interop.protocols.vcapi import Verdict, classify_verify

SD_JWT = "dc+sd-jwt"


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
def key_issuer(suite_keys) -> Signer:
    """The suite's did:key issuer (Ed25519, eddsa-rdfc-2022), stable with --key-dir."""
    return Signer.did_key(suite_keys.key("wallet-issuer"))


@pytest.fixture(scope="session")
def p256_issuer() -> Signer:
    return Signer.did_key(Key.generate("P-256"))


@pytest.fixture
def reachable_counterpart(counterpart, vendor):
    """The counterpart host, when the vendor's verifier can reach it: a loopback host (the
    default) only serves verifiers on this machine, so a verifier elsewhere skips those checks
    (not scored) unless --counterpart-url gives the counterparts a public URL."""
    return _reachable(counterpart, vendor.endpoint("verifier", "vc-api", "credentials_verify"))


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


# -- OpenID4VP: the suite as the holder's wallet ------------------------------------------------
@pytest.fixture
def oid4vp_client(vendor) -> Oid4vpClient:
    """The vendor's OpenID4VP verifier: its backchannel with the role's auth; request_uri and
    response_uri called anonymously, as a wallet would."""
    url = vendor.endpoint("verifier", "oid4vp", "presentation_requests")
    return Oid4vpClient(vendor.http, vendor.http_for("verifier", authorized=False), url)


@pytest.fixture(scope="session")
def oid4vp_holder() -> Signer:
    """The suite's holder: a did:key whose key signs presentations and KB-JWTs."""
    return Signer.did_key(Key.generate("Ed25519"))


@pytest.fixture
def wallet(oid4vp_client, oid4vp_holder, key_issuer, vendor, counterpart, suite_keys) -> SuiteWallet:
    def sd_jwt_issuer():
        """Made on the first SD-JWT VC: `unsupported` without a declared mechanism; skipped when
        the verifier cannot reach JWT VC Issuer Metadata on a loopback counterpart host."""
        mechanism = sdjwt_issuers.require_mechanism(vendor.id, vendor.role("verifier").declared())
        url = vendor.endpoint("verifier", "oid4vp", "presentation_requests")
        host = _reachable(counterpart, url) if mechanism == JWT_VC_ISSUER else counterpart
        return sdjwt_issuers.wallet_issuer(mechanism, suite_keys, host, key_issuer)
    return SuiteWallet(oid4vp_client, oid4vp_holder, key_issuer, sd_jwt_issuer)


@pytest.fixture
def oid4vp_format(vendor, request) -> str:
    """The credential format a parametrised OpenID4VP check presents in; a format the verifier
    does not declare is `unsupported`, and so is dc+sd-jwt without an issuer key mechanism."""
    fmt = request.param
    if not vendor.supports("verifier", fmt):
        unsupported(f"vendor {vendor.id!r} declares no OpenID4VP verifier support for {fmt}")
    if fmt == SD_JWT:
        sdjwt_issuers.require_mechanism(vendor.id, vendor.role("verifier").declared())
    return fmt



@pytest.fixture
def oid4vp_counterpart(counterpart, vendor):
    """The counterpart host (did:web documents, status lists) when the vendor's OpenID4VP
    verifier can reach it (see reachable_counterpart)."""
    return _reachable(counterpart, vendor.endpoint("verifier", "oid4vp", "presentation_requests"))


def _reachable(counterpart, verifier_url: str):
    """Skip only when the verifier is elsewhere and the counterparts' URL is loopback."""
    if not net.is_loopback(net.host_of(verifier_url)) and net.is_loopback(net.host_of(counterpart.url)):
        pytest.skip(f"the suite's did:web/status host ({counterpart.url}) is loopback; the verifier at "
                    f"{net.host_of(verifier_url)} cannot reach it (give --counterpart-url a public URL)")
    return counterpart


@pytest.fixture
def oid4vp_any_format(vendor) -> str:
    """The first credential format (ldp_vc, jwt_vc_json, dc+sd-jwt) the OpenID4VP verifier declares
    (dc+sd-jwt only with an SD-JWT VC issuer key mechanism it declares)."""
    declared = vendor.role("verifier").declared()
    fmt = next((f for f in oid4vp_present.FORMATS if f in declared
                and (f != SD_JWT or sdjwt_issuers.chosen_mechanism(declared))), None)
    if fmt is None:
        if SD_JWT in declared:
            sdjwt_issuers.require_mechanism(vendor.id, declared)
        unsupported(f"vendor {vendor.id!r} declares none of {', '.join(oid4vp_present.FORMATS)}")
    return fmt
