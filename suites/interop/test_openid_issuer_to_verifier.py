"""Cross-vendor interoperability over the OpenID protocols (P5 Alignment): the suite, as the
learner's wallet, receives a credential from vendor A's issuer through OpenID4VCI and presents
it to vendor B's verifier through OpenID4VP, in each format both declare. Each result is one
cell of the report's OpenID4VP matrix (wallet: the suite's own).

As for the VC API cells, a cell judges the verifier B: when issuer A cannot feed it (no
credential, one the suite's own verifier rejects, one not bound to the wallet's key) the cell
is `skip`, and A's own issuer checks report why.
"""

from __future__ import annotations

import pytest

from ler_interop.cell_feed import fed_by
from ler_interop.credentials.crafting import Signer
from ler_interop.credentials.samples import UNICODE_NAMES, offered_achievement
from ler_interop.outcomes import unsupported
from ler_interop.protocols.oid4vci import Oid4vciClient
from ler_interop.protocols.oid4vci_formats import UnreadableCredential, bound_key
from ler_interop.protocols.oid4vci_wallet import Holder, Wallet
from ler_interop.protocols.oid4vp import Oid4vpClient, assert_accepted
from ler_interop.protocols.oid4vp_present import FORMATS
from ler_interop.protocols.oid4vp_wallet import SuiteWallet
from ler_interop.protocols.suite_tools import suite_verifier

VP = "https://openid.net/specs/openid-4-verifiable-presentations-1_0.html"
LEARNER = {"name": UNICODE_NAMES["arabic"], "achievement": offered_achievement("Data stewardship", "Ἀρχή")}


def _issuer_side(issuer_vendor) -> Wallet:
    config = issuer_vendor.protocol("issuer", "oid4vci")
    client = Oid4vciClient(issuer_vendor.http_for("issuer", authorized=False), config["credential_issuer"],
                           config.get("offers"), backchannel=issuer_vendor.http_for("issuer"),
                           client_id=issuer_vendor.role("issuer").options("oid4vci").get("client_id"))
    return Wallet(client)


def _received(issuer_vendor, fmt: str) -> tuple[object, Holder]:
    """A's credential in `fmt`, issued to a fresh wallet key; skip when A cannot provide one the
    suite's own verifier accepts and that is bound to that key (any failure on A's side: fed_by)."""
    with fed_by(f"issuer {issuer_vendor.id}"):
        wallet = _issuer_side(issuer_vendor)
        config_id = wallet.configuration_for(fmt, open_badge=True)  # B is asked for the Open Badge claims
        holder = wallet.holder_for(config_id)
        if holder.binding == "jwk" and fmt != "dc+sd-jwt":
            pytest.skip(f"issuer {issuer_vendor.id} binds {fmt} to a bare JWK; a W3C presentation needs a DID holder")
        issued = wallet.issue(config_id, LEARNER, [holder])
        if not issued.credentials:
            pytest.skip(f"issuer {issuer_vendor.id} issued no {fmt} credential; its issuer checks report it")
        credential = issued.credentials[0]
        own = suite_verifier(issuer_vendor.http_for("issuer", authorized=False)).verify_credential(credential)
        if not own.verified:
            pytest.skip(f"issuer {issuer_vendor.id}'s {fmt} credential fails the suite's own verifier "
                        f"({'; '.join(own.errors)[:300]}); its issuer checks report it")
        try:
            bound = bound_key(credential, fmt)
        except UnreadableCredential as exc:
            pytest.skip(f"issuer {issuer_vendor.id}'s {fmt} credential is unreadable ({exc})")
        if bound not in (holder.did, holder.key.public_jwk()):
            pytest.skip(f"issuer {issuer_vendor.id}'s {fmt} credential is not bound to the wallet's key")
    return credential, holder


@pytest.mark.check(id="INT-OPENID-001",
                   title="A credential A issues over OpenID4VCI is accepted by B over OpenID4VP, in each format both declare",
                   principles=["P5", "P4", "P1"], level="MUST", spec=VP + "#section-8.6", role="interop",
                   protocol="oid4vp", requires=["oid4vci", "oid4vp"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_openid_issued_here_presented_there(issuer_vendor, verifier_vendor, fmt):
    # Each side must declare its own protocol and the format (the plugin's gating takes the union).
    for vendor, role, protocol in ((issuer_vendor, "issuer", "oid4vci"), (verifier_vendor, "verifier", "oid4vp")):
        for token in (protocol, fmt):
            if not vendor.supports(role, token):
                unsupported(f"{vendor.id} ({role}) does not declare {token}")
    credential, holder = _received(issuer_vendor, fmt)
    url = verifier_vendor.endpoint("verifier", "oid4vp", "presentation_requests")
    client = Oid4vpClient(verifier_vendor.http, verifier_vendor.http_for("verifier", authorized=False), url)
    presenter = Signer(holder.key, holder.did, holder.kid)
    # The wallet only presents here: it issues nothing itself, so it is its own "issuer".
    wallet = SuiteWallet(client, presenter, presenter)
    asked = wallet.ask(fmt)
    verdict = wallet.answer(asked, wallet.presentation(asked, credential))
    assert_accepted(verdict, f"a {fmt} credential {issuer_vendor.id} issued over OpenID4VCI")
