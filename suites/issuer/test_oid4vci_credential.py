"""OpenID4VCI 1.0 issuers: what the credential endpoint issues (§8.3, Appendix A), batch
issuance and notifications (§11). Every issued credential is judged by the suite's own verifier.
"""

from __future__ import annotations

import pytest

from ler_interop.credentials.artifacts import parse_artifact
from ler_interop.credentials.keys import Key, KeyFormatError
from ler_interop.outcomes import unsupported
from ler_interop.protocols.dcql import claim_present
from ler_interop.protocols.oid4vci import SPEC, describe, is_deferred
from ler_interop.protocols.oid4vci_claims import disclosable_paths, issued_claims
from ler_interop.protocols.oid4vci_formats import UnreadableCredential, bound_key, sd_jwt_parts
from ler_interop.protocols.suite_tools import assert_open_badge_schema, missing_claims
from ler_interop.protocols.oid4vci_wallet import assert_refused
from ler_interop.protocols.vcapi import json_body

FORMATS = ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"]
W3C_FORMATS = ["ldp_vc", "jwt_vc_json"]
MAX_CONFIGURATIONS = 4  # dc+sd-jwt configurations judged per check: each costs a full issuance


def _read(fn, *args):
    """A credential the suite cannot read as its format fails the check reading it."""
    try:
        return fn(*args)
    except UnreadableCredential as exc:
        raise AssertionError(str(exc)) from None


def _same_key(bound, holder) -> bool:
    if isinstance(bound, dict):
        try:
            return Key.from_jwk(bound).public_jwk() == holder.key.public_jwk()
        except KeyFormatError:
            return False
    return bound == holder.did


@pytest.mark.check(id="ISS-OID4VCI-013", title="Answers a credential request with 200 and credentials[] in the format asked for",
                   principles=["P1"], level="MUST", spec=SPEC + "#section-8.3", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_credential_response(wallet, learner, fmt):
    config_id = wallet.configuration_for(fmt)
    session = wallet.authorize(config_id, learner)
    response = wallet.request(session, [wallet.holder_for(config_id)])
    if is_deferred(response):
        unsupported("the issuer defers issuance (202 with transaction_id); deferred issuance is not exercised")
    assert response.status_code == 200, f"credential request: {describe(response)}; §8.3 requires 200 for immediate issuance"
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    assert media_type == "application/json", f"credential response served as {media_type!r}"
    body = json_body(response)
    items = body.get("credentials") if isinstance(body, dict) else None
    assert isinstance(items, list) and items, f"no credentials[] array (pre-1.0 `credential`?): {describe(response)}"
    assert all(isinstance(i, dict) and "credential" in i for i in items), "credentials[] entries must be objects with `credential`"
    assert "transaction_id" not in body, "credentials and transaction_id must not both be present"
    value = items[0]["credential"]
    if fmt == "ldp_vc":
        assert isinstance(value, dict), "an ldp_vc credential must be a JSON object (Appendix A.1.2.4)"
    elif fmt == "jwt_vc_json":
        assert isinstance(value, str) and value.count(".") == 2 and "~" not in value, "a jwt_vc_json credential must be a JWT"
    else:
        assert isinstance(value, str) and "~" in value, "a dc+sd-jwt credential must be an SD-JWT string"


@pytest.mark.check(id="ISS-OID4VCI-014", title="The issued credential's signature verifies under the suite's own verifier",
                   principles=["P1", "P2"], level="MUST", spec=SPEC + "#appendix-A", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_issued_credential_verifies(wallet, learner, verifier, fmt):
    issued = wallet.issue(wallet.configuration_for(fmt), learner)
    result = verifier.verify_credential(issued.credentials[0])
    proof = result.check("proof")
    assert proof.ok, f"{fmt} credential does not verify: [{proof.reason}] {proof.message}"
    binding = result.check("issuer-binding")
    assert binding.ok, f"{fmt} credential: {binding.message}"


@pytest.mark.check(id="ISS-OID4VCI-033",
                   title="The issued credential carries a status entry that resolves to a list its issuer signed, reading valid",
                   principles=["P2"], level="SHOULD", spec="https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm",
                   role="issuer", protocol="oid4vci", requires=["oid4vci", "status:revocation"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_issued_credential_has_status(wallet, learner, verifier, fmt):
    """W3C formats carry a Bitstring Status List entry; an SD-JWT VC a Token Status List `status`
    claim (draft-ietf-oauth-status-list §6). Without one, a learner record can never be withdrawn
    and a verifier trusts it forever. (OpenID4VCI has no way to ask for a revocation, so the flip
    itself is exercised over the VC API: ISS-VCAPI-034, INT-VCAPI-004.)"""
    issued = wallet.issue(wallet.configuration_for(fmt), learner)
    claims = parse_artifact(issued.credentials[0]).document  # an SD-JWT's `status` is never disclosable
    assert claims.get("credentialStatus" if fmt != "dc+sd-jwt" else "status"), (
        f"the {fmt} credential carries no status entry, so it can never be revoked")
    status = verifier.verify_credential(issued.credentials[0]).check("status")
    assert status.ok, f"{fmt} status: [{status.reason}] {status.message}"


@pytest.mark.check(id="ISS-OID4VCI-015", title="The issued credential is bound to the key the wallet proved (subject id or cnf)",
                   principles=["P2"], level="MUST", spec=SPEC + "#section-8.1", role="issuer", protocol="oid4vci",
                   profiles=["ler-issuer"], requires=["oid4vci"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_credential_bound_to_holder(wallet, oid4vci, learner, fmt):
    config_id = wallet.configuration_for(fmt)
    if not oid4vci.configurations()[config_id].get("cryptographic_binding_methods_supported"):
        unsupported(f"{config_id} declares no cryptographic binding (§12.2.4: binding not required)")
    issued = wallet.issue(config_id, learner)
    holder = issued.holders[0]
    bound = _read(bound_key, issued.credentials[0], fmt)
    want = "cnf.jwk" if fmt == "dc+sd-jwt" else "credentialSubject.id"
    assert bound is not None, f"the credential has no {want}: it is bound to nothing"
    assert _same_key(bound, holder), f"{want} is {str(bound)[:120]!r}, not the wallet's key {holder.did}"


@pytest.mark.check(id="ISS-OID4VCI-016", title="The issued OB 3.0 credential is valid against the Open Badges 3.0 schema",
                   principles=["P1", "P3"], level="MUST", spec="https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential",
                   role="issuer", protocol="oid4vci", profiles=["ob3"], requires=["oid4vci"])
@pytest.mark.parametrize("fmt", W3C_FORMATS)
def test_issued_credential_schema_valid(wallet, learner, verifier, fmt):
    """The offer carries a complete OB 3.0 achievement (samples.offered_achievement), so the
    issuer only has to keep what it was given to issue a valid Open Badge."""
    issued = wallet.issue(wallet.configuration_for(fmt, open_badge=True), learner)
    assert_open_badge_schema(verifier.verify_credential(issued.credentials[0]), f"the issued {fmt} credential")


def _judged_configurations(wallet, fmt: str) -> list[str]:
    """W3C formats: the first Open Badge configuration (the learner's claims are OB 3.0 terms a
    JSON-LD context must define); dc+sd-jwt: every configuration, each judged by its vct."""
    if fmt != "dc+sd-jwt":
        return [wallet.configuration_for(fmt, open_badge=True)]
    wallet.configuration_for(fmt)  # unsupported when there is none
    return wallet.configurations_of(fmt)[:MAX_CONFIGURATIONS]


@pytest.mark.check(id="ISS-OID4VCI-017", title="The issued credential carries the offered claims, Unicode byte for byte",
                   principles=["P1", "P7"], level="MUST", spec="https://www.w3.org/TR/vc-data-model-2.0/#credential-subject", role="issuer", protocol="oid4vci",
                   profiles=["ler-issuer"], requires=["oid4vci"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_offered_claims_intact(wallet, learner, fmt):
    """The offer's claims (protocols/oid4vci_claims.py) come back unchanged: in credentialSubject
    (W3C formats) or as the SD-JWT VC's top-level claims; an issuer may add claims, never drop
    or rewrite one. A vct the suite does not know as Open Badge is judged on nothing else."""
    for config_id in _judged_configurations(wallet, fmt):
        offered = wallet.offer_claims(config_id, learner)
        issued = wallet.issue(config_id, learner)
        got = _read(issued_claims, issued.credentials[0], fmt)
        lost = missing_claims(offered, got, "$.credentialSubject" if fmt != "dc+sd-jwt" else "$")
        assert not lost, f"{config_id}: offered claims absent or changed: {'; '.join(lost[:4])[:400]}"


@pytest.mark.check(id="ISS-OID4VCI-018", title="An SD-JWT VC discloses the learner's claims selectively and carries cnf",
                   principles=["P2"], level="SHOULD", spec=SPEC + "#appendix-A.3", role="issuer", protocol="oid4vci",
                   requires=["oid4vci", "dc+sd-jwt"])
def test_sd_jwt_selectively_disclosable(wallet, oid4vci, learner):
    """The Open Badge layout's name and achievement, or for any other vct each claim the offer
    gave, should be disclosures a holder can withhold (P2: give only what is needed; SD-JWT VC
    leaves which claims are disclosable to the type, so this is a SHOULD). cnf is required when
    key binding is supported (SD-JWT VC, registered JWT claims)."""
    wallet.configuration_for("dc+sd-jwt")  # unsupported when there is none
    for config_id in wallet.configurations_of("dc+sd-jwt")[:MAX_CONFIGURATIONS]:
        issued = wallet.issue(config_id, learner)
        in_clear, _, disclosed = _read(sd_jwt_parts, issued.credentials[0])
        assert "cnf" in in_clear, f"{config_id}: the SD-JWT VC has no cnf: a verifier cannot ask for key binding"
        wanted = disclosable_paths(oid4vci.configurations()[config_id], wallet.offer_claims(config_id, learner))
        clear = sorted(".".join(p) for p in wanted if claim_present(in_clear, {"path": list(p)}))
        assert not clear, f"{config_id}: {', '.join(clear)} travel in clear; a holder cannot withhold them"
        paths = {tuple(d["path"]) for d in disclosed if d.get("path")}
        assert wanted <= paths, f"{config_id}: not disclosable: {sorted('.'.join(p) for p in wanted - paths)}"


@pytest.mark.check(id="ISS-OID4VCI-030", title="A batch request gets credentials each bound to a different one of the proven keys",
                   principles=["P2"], level="SHOULD", spec=SPEC + "#section-3.3.2", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_batch_one_credential_per_key(wallet, oid4vci, learner):
    batch = oid4vci.metadata().get("batch_credential_issuance")
    if not isinstance(batch, dict):
        unsupported("the issuer declares no batch_credential_issuance")
    config_id = wallet.any_configuration()
    fmt = oid4vci.configurations()[config_id]["format"]
    holders = [wallet.holder_for(config_id), wallet.holder_for(config_id)]
    issued = wallet.issue(config_id, learner, holders)
    assert len(issued.credentials) <= len(holders), f"{len(issued.credentials)} credentials for {len(holders)} proofs"
    if len(issued.credentials) < 2:  # §8.3 lets an issuer issue fewer; then binding was not exercised
        unsupported(f"{len(issued.credentials)} credential for {len(holders)} proofs: batch binding not exercised")
    owners = []
    for credential in issued.credentials:
        bound = _read(bound_key, credential, fmt)
        owner = next((i for i, h in enumerate(holders) if _same_key(bound, h)), None)
        assert owner is not None, f"a credential is bound to {str(bound)[:100]!r}, none of the proven keys"
        owners.append(owner)
    assert len(set(owners)) == len(owners), "two credentials are bound to the same key (§8.3: each key binds at most one)"


def _notified(wallet, oid4vci, learner):
    if "notification_endpoint" not in oid4vci.metadata():
        unsupported("the issuer has no notification_endpoint")
    issued = wallet.issue(wallet.any_configuration(), learner)
    notification_id = issued.body.get("notification_id")
    if not isinstance(notification_id, str):
        unsupported("the credential response carries no notification_id")
    return issued, notification_id


@pytest.mark.check(id="ISS-OID4VCI-031", title="The notification endpoint accepts credential_accepted with a 2xx",
                   principles=["P1", "P4"], level="MUST", spec=SPEC + "#section-11.2", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_notification_accepted(wallet, oid4vci, learner):
    issued, notification_id = _notified(wallet, oid4vci, learner)
    response = oid4vci.notify(issued.session.access_token, notification_id, "credential_accepted")
    assert 200 <= response.status_code < 300, f"notification: {describe(response)}; §11.2 requires 2xx"


@pytest.mark.check(id="ISS-OID4VCI-032", title="A notification for an unknown notification_id gets 400 invalid_notification_id",
                   principles=["P1"], level="MUST", spec=SPEC + "#section-11.3", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_notification_unknown_id(wallet, oid4vci, learner):
    issued, notification_id = _notified(wallet, oid4vci, learner)
    control = oid4vci.notify(issued.session.access_token, notification_id, "credential_accepted")
    if not 200 <= control.status_code < 300:
        from ler_interop.outcomes import vendor_error
        vendor_error(f"could not exercise the check: the real notification_id is refused too ({describe(control)})")
    response = oid4vci.notify(issued.session.access_token, "ler-interop-never-issued", "credential_accepted")
    assert_refused(response, "a notification for an unknown notification_id",
                   {"invalid_notification_id", "invalid_notification_request"})
