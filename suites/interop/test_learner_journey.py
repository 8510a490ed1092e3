"""The learner's journey across vendors (P5 Alignment, P4 Universal Access): issuer A offers an
Open Badge over OpenID4VCI, the learner's wallet W (a vendor's, through its backchannel)
receives it, and W presents it over OpenID4VP to verifier B. One result per planned
(A, W, B, format): by default a covering set in which every issuer-wallet and wallet-verifier
pair that declares the format runs at least once, every ordered combination with
`--matrix full` (the plugin parametrises `fmt` with the cell; src/ler_interop/plan.py). Each is
a cell of the report's journey matrix, one table per wallet.

Like every interop cell it judges the verifier B (its result's vendor). A cell A or W cannot
feed is `skip`, with the reason: A's credential the wallet could not receive or the suite's own
verifier rejects (A's issuer checks report it); a presentation of it that the suite's own strict
verifier refuses too (W's wallet checks report it); and, when B rejects, what W sent B (B's
backchannel returns it, contract 1.2) failing the suite's own verifier as well. So a broken
verifier turns exactly its column red, and nobody is charged for another's defect.
"""

from __future__ import annotations

import time

import pytest

from ler_interop import net
from ler_interop.cell_feed import fed_by
from ler_interop.outcomes import CheckTimeout, unsupported
from ler_interop.protocols.oid4vci import Oid4vciClient
from ler_interop.protocols.oid4vci_wallet import Wallet
from ler_interop.protocols.oid4vp import Oid4vpClient
from ler_interop.protocols.oid4vp_request import VerdictResolver, judgeable_prefix, signature_problem
from ler_interop.protocols.suite_tools import suite_verifier
from ler_interop.protocols.vcapi import VendorAnswerError
from ler_interop.protocols.wallet import WalletClient
from ler_interop.protocols.wallet_session import WalletSession, learner, name_query
from ler_interop.reference.oid4vp.verdict import Judge  # the suite's own OpenID4VP verdict

VP = "https://openid.net/specs/openid-4-verifiable-presentations-1_0.html"
VERDICT_WAIT = 5.0


def _declares(vendor, role: str, *tokens: str) -> None:
    for token in tokens:
        if not vendor.supports(role, token):
            unsupported(f"{vendor.id} ({role}) does not declare {token}")


def _offer(issuer_vendor, fmt: str, claims: dict) -> str:
    config = issuer_vendor.protocol("issuer", "oid4vci")
    client = Oid4vciClient(issuer_vendor.http_for("issuer", authorized=False), config["credential_issuer"],
                           config.get("offers"), backchannel=issuer_vendor.http_for("issuer"),
                           client_id=issuer_vendor.role("issuer").options("oid4vci").get("client_id"))
    with fed_by(f"issuer {issuer_vendor.id} (its {fmt} offer)"):
        wallet = Wallet(client)
        config_id = wallet.configuration_for(fmt, open_badge=True)  # the journey asks B for Open Badge claims
        return client.create_offer(config_id, wallet.offer_claims(config_id, claims))


def _request_problem(client: Oid4vpClient, transaction, verifier_vendor) -> str | None:
    """What is wrong with B's request by the suite's own reading (None: sound, or not judgeable)."""
    try:
        request = client.fetch_request(transaction)
    except net.NetError:
        return None  # e.g. a request_uri served once, to the wallet: nothing left to judge
    if not judgeable_prefix(request.prefix):
        return None
    resolver = VerdictResolver(http=verifier_vendor.http, http_hosts=net.LOOPBACK_NAMES)
    return signature_problem(request, resolver.resolve_vm)


def _own_verdict(client: Oid4vpClient, transaction, vp_token: str | None, issuer_vendor) -> list[str] | None:
    """The suite's own judgement of what the wallet posted to B, bound to B's request: [] when it
    verifies, the reasons when not, None when B did not say what it received (contract 1.2)."""
    if vp_token is None:
        return None
    try:
        request = client.fetch_request(transaction)
    except net.NetError:
        return None
    toolkit = suite_verifier(issuer_vendor.http_for("issuer", authorized=False))
    judge = Judge(toolkit, str(request.get("nonce")), str(request.client_id), transaction.dcql_query)
    return judge.judge(vp_token).errors


def _received(issuer_vendor, wallet: WalletClient, wallet_id: str, fmt: str, claims: dict):
    offer = _offer(issuer_vendor, fmt, claims)
    # The wallet's backchannel failed, hung past the check's budget or answered garbage: its own checks judge it.
    with fed_by(f"wallet {wallet_id} (/receive)"):
        received = wallet.receive(offer)
    if received.refusal or len(received.stored) != 1:
        why = f"{received.refusal.error}: {received.refusal.description[:200]}" if received.refusal else \
            f"{len(received.stored)} credentials stored"
        pytest.skip(f"wallet {wallet_id} did not receive {issuer_vendor.id}'s {fmt} offer ({why}); "
                    "their issuer and wallet checks report why")
    stored = received.stored[0]
    with fed_by(f"issuer {issuer_vendor.id} (the suite's check of its {fmt} credential)"):
        own = suite_verifier(issuer_vendor.http_for("issuer", authorized=False)).verify_credential(stored.credential)
    if not own.verified:
        pytest.skip(f"{issuer_vendor.id}'s {fmt} credential fails the suite's own verifier "
                    f"({'; '.join(own.errors)[:300]}); its issuer checks report it")
    return stored


@pytest.mark.check(id="INT-JOURNEY-001",
                   title="The learner's journey: A issues to wallet W over OpenID4VCI, W presents to B over OpenID4VP, B accepts",
                   principles=["P5", "P4", "P1"], level="MUST", spec=VP + "#section-8.2", role="interop",
                   protocol="oid4vp", requires=["oid4vci", "backchannel", "oid4vp"])
def test_learner_journey(issuer_vendor, wallet_vendor, verifier_vendor, counterparts, fmt):
    _declares(issuer_vendor, "issuer", "oid4vci", fmt)
    _declares(wallet_vendor, "wallet", "backchannel", fmt)
    _declares(verifier_vendor, "verifier", "oid4vp", fmt)
    wallet = WalletClient(wallet_vendor.http_for("wallet"), wallet_vendor.endpoint("wallet", "backchannel", "url"))
    claims = learner("cyrillic")
    _received(issuer_vendor, wallet, wallet_vendor.id, fmt, claims)
    query = name_query(fmt, claims["name"])

    # The control: the same wallet presents the same credential to the suite's strict verifier.
    control = WalletSession(wallet, counterparts, counterparts.mark())
    asked = control.ask(fmt, query)
    try:
        with fed_by(f"wallet {wallet_vendor.id} (/present to the suite's verifier)"):
            control.present(asked)
    finally:
        counterparts.attach(wallet_vendor.recorder, control.since)
    verdict = control.verdict(asked)
    if verdict.get("status") != "verified":
        pytest.skip(f"wallet {wallet_vendor.id}'s {fmt} presentation is refused by the suite's own verifier too "
                    f"({'; '.join(map(str, verdict.get('errors', [])))[:300]}); its wallet checks report it")

    url = verifier_vendor.endpoint("verifier", "oid4vp", "presentation_requests")
    client = Oid4vpClient(verifier_vendor.http, verifier_vendor.http_for("verifier", authorized=False), url)
    transaction = client.create(query)
    try:
        answer = wallet.present(transaction.request_url)
    except (net.NetError, CheckTimeout) as exc:
        pytest.skip(f"wallet {wallet_vendor.id} gave no usable answer to {verifier_vendor.id}'s request ({exc}), "
                    "though it answers the suite's; its wallet checks judge it")
    # `verifier_status` is optional (backchannel contract 1.2): the journey needs only the wallet's
    # word that it presented, and B's own verdict.
    if answer.refusal or answer.status != "presented":
        said = f"{answer.refusal.error}: {answer.refusal.description[:200]}" if answer.refusal else answer.status
        problem = _request_problem(client, transaction, verifier_vendor)
        assert problem is None, f"{verifier_vendor.id}'s request is faulty ({problem}); wallet {wallet_vendor.id} answered {said}"
        pytest.skip(f"wallet {wallet_vendor.id} answered {said} to {verifier_vendor.id}'s request, which the suite finds "
                    "sound (or cannot judge), though it presents to the suite's: an interop gap the wallet checks report")
    status = client.status(transaction)
    deadline = time.monotonic() + VERDICT_WAIT
    while status.status == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.status(transaction)
    if status.status == "pending" and answer.verifier_status is None:
        pytest.skip(f"{verifier_vendor.id} has no verdict {VERDICT_WAIT:g}s after wallet {wallet_vendor.id} said it "
                    "presented, and the wallet does not report what B's Response URI answered (verifier_status, "
                    "optional): the suite cannot tell whether B received it")
    if status.status == "pending":
        raise VendorAnswerError(f"{verifier_vendor.id} still has no verdict {VERDICT_WAIT:g}s after the wallet answered "
                                f"(its Response URI answered HTTP {answer.verifier_status})")
    if status.status == "verified":
        return
    rejected = f"{verifier_vendor.id} rejected {issuer_vendor.id}'s {fmt} credential presented by {wallet_vendor.id}: " \
               f"{'; '.join(map(str, status.errors))[:400]}"
    own = _own_verdict(client, transaction, status.vp_token, issuer_vendor)
    if own is None:
        pytest.fail(f"{rejected} (B does not return what the wallet sent it, so the suite could not check it; it did "
                    "accept the same wallet's presentation of this credential)")
    if own:  # the suite's own verifier rejects what the wallet sent B: the wallet's defect
        pytest.skip(f"what wallet {wallet_vendor.id} sent {verifier_vendor.id} fails the suite's own verifier too "
                    f"({'; '.join(own)[:300]}); its wallet checks judge it")
    pytest.fail(f"{rejected}; the suite's own verifier accepts exactly what the wallet sent")
