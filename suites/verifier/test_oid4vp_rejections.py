"""OpenID4VP verifiers reject, as a verdict, every presentation broken in one way: bound to
another request or verifier, replayed, tampered, stale, withdrawn, someone else's, short of a
claim asked, or of a type not asked.

Each check first presents the untouched twin to a fresh request (the positive control), so a
verifier that rejects everything gets `error`, never a pass; a 500 is never a rejection
(protocols/oid4vp.classify).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest

from ler_interop.credentials import crafting, jose, tokenstatus
from ler_interop.credentials.jws import b64url_decode_strict, encode_json
from ler_interop.credentials.keys import Key, b64url_encode
from ler_interop.credentials.samples import utc_now, xsd_datetime
from ler_interop.credentials.statuslist import StatusList, status_entry
from ler_interop.protocols import oid4vp_present as present
from ler_interop.outcomes import vendor_error
from ler_interop.protocols.oid4vp import assert_rejected_against_control

VP = "https://openid.net/specs/openid-4-verifiable-presentations-1_0.html"
W3C_FORMATS = pytest.mark.parametrize("oid4vp_format", ["ldp_vc", "jwt_vc_json"], indirect=True)
ALL_FORMATS = pytest.mark.parametrize("oid4vp_format", present.FORMATS, indirect=True)
SD_JWT = "dc+sd-jwt"


def check(id, title, principles, spec, level="MUST", requires=()):
    return pytest.mark.check(id=id, title=title, principles=principles, level=level, spec=spec, role="verifier",
                             protocol="oid4vp", requires=["oid4vp", *requires])


def _broken(wallet, fmt, good, broken_presentation):
    """(control, verdict): `good` presented properly to one fresh request, then the broken
    presentation `broken_presentation(asked)` to another."""
    control = wallet.present_valid(fmt, good)
    asked = wallet.ask(fmt)
    return control, wallet.answer(asked, broken_presentation(asked))


@check("VER-OID4VP-020", "Rejects a presentation bound to another nonce", ["P2"], VP + "#section-14.2.2")
@ALL_FORMATS
def test_rejects_wrong_nonce(wallet, credential, oid4vp_format):
    good = wallet.issue(oid4vp_format, credential())
    control, verdict = _broken(wallet, oid4vp_format, good,
                               lambda asked: wallet.presentation(asked, good, nonce=b64url_encode(uuid.uuid4().bytes * 2)))
    assert_rejected_against_control(control, verdict, f"a {oid4vp_format} presentation for another nonce")


@check("VER-OID4VP-021", "Rejects a presentation made for another verifier (audience)", ["P2"], VP + "#section-14.2.2")
@ALL_FORMATS
def test_rejects_wrong_audience(wallet, credential, oid4vp_format):
    good = wallet.issue(oid4vp_format, credential())
    control, verdict = _broken(wallet, oid4vp_format, good,
                               lambda asked: wallet.presentation(asked, good, client_id=_another_audience(asked)))
    assert_rejected_against_control(control, verdict, f"a {oid4vp_format} presentation for another audience")


@check("VER-OID4VP-022", "Rejects a presentation carrying a credential changed after signing", ["P2"], VP + "#section-8.6")
@W3C_FORMATS
def test_rejects_tampered_credential(wallet, credential, oid4vp_format):
    good = wallet.issue(oid4vp_format, credential())
    control, verdict = _broken(wallet, oid4vp_format, good,
                               lambda asked: wallet.presentation(asked, _tampered(oid4vp_format, good)))
    assert_rejected_against_control(control, verdict, f"a tampered {oid4vp_format} credential")


@check("VER-OID4VP-031", "Rejects a presentation carrying a credential in another format than the one asked",
       ["P2", "P1"], VP + "#appendix-B.1")
@W3C_FORMATS
def test_rejects_smuggled_format(wallet, credential, oid4vp_format):
    """A jwt_vc_json presentation holds jwt_vc_json credentials and an ldp_vc one Data Integrity
    credentials: a verifier checking only the outer format would take whatever is inside."""
    good = wallet.issue(oid4vp_format, credential())
    if oid4vp_format == "jwt_vc_json":
        other = wallet.issue("ldp_vc", credential())
    else:  # a VC-JOSE credential, enveloped (VCDM 2.0 §4.13), inside a Data Integrity presentation
        doc = credential()
        doc["issuer"] = wallet.issuer.did
        doc["credentialSubject"]["id"] = wallet.holder.did
        other = jose.enveloped_credential(jose.sign_vc_jwt(doc, wallet.issuer.key, wallet.issuer.vm))
    control, verdict = _broken(wallet, oid4vp_format, good, lambda asked: wallet.presentation(asked, other))
    assert_rejected_against_control(control, verdict, f"a {oid4vp_format} presentation carrying another format")


def _another_audience(asked) -> str:
    """The same verifier's id without its prefix is another client id (§5.9.1, §14.10); a client
    id without a prefix (pre-registered) gets a plainly foreign one."""
    other = asked.request.original_client_id if asked.request.prefix else "redirect_uri:https://elsewhere.example/cb"
    if other == asked.client_id:
        vendor_error(f"cannot make an audience other than {asked.client_id!r}")
    return other


def _tampered(fmt: str, good):
    """The learner's name edited after signing, signature kept."""
    if fmt == "ldp_vc":
        return crafting.tamper_claim(good)
    head, payload, signature = good.split(".")
    claims = json.loads(b64url_decode_strict(payload))
    claims["vc"]["credentialSubject"]["name"] += " (edited)"
    return f"{head}.{b64url_encode(encode_json(claims))}.{signature}"


@check("VER-OID4VP-023", "Rejects an SD-JWT whose Key Binding JWT signature was altered", ["P2"],
       VP + "#appendix-B.3.6", requires=[SD_JWT])
def test_rejects_tampered_kb_jwt(wallet, credential):
    good = wallet.issue(SD_JWT, credential())

    def tampered(asked):
        presented = wallet.presentation(asked, good)
        head, _, signature = presented.rpartition(".")
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        return f"{head}.{flipped}"
    control, verdict = _broken(wallet, SD_JWT, good, tampered)
    assert_rejected_against_control(control, verdict, "an SD-JWT+KB with an altered KB-JWT signature")


RFC9901 = "https://www.rfc-editor.org/rfc/rfc9901"


@check("VER-OID4VP-032", "Rejects an SD-JWT whose issuer signature does not verify (disclosures and KB-JWT valid)",
       ["P2"], RFC9901 + "#section-7.1", requires=[SD_JWT])
def test_rejects_sd_jwt_with_broken_issuer_signature(wallet, credential):
    """RFC 9901 §7.1 step 2 (validate the Issuer-signed JWT's signature); only that is wrong: the
    KB-JWT is made, validly, over the presented SD-JWT, so a verifier checking only the holder's
    side would take it."""
    good = wallet.issue(SD_JWT, credential())
    issuer_jwt, _, rest = good.partition("~")
    head, _, signature = issuer_jwt.rpartition(".")
    broken = f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}~{rest}"
    control, verdict = _broken(wallet, SD_JWT, good, lambda asked: wallet.presentation(asked, broken))
    assert_rejected_against_control(control, verdict, "an SD-JWT+KB whose issuer signature does not verify")


@check("VER-OID4VP-033", "Rejects an SD-JWT presented without a Key Binding JWT when holder binding is required",
       ["P2"], RFC9901 + "#section-7.3", requires=[SD_JWT])
def test_rejects_sd_jwt_without_kb_jwt(wallet, credential):
    """The suite's DCQL query leaves require_cryptographic_holder_binding at its default, true
    (OpenID4VP 1.0 §6.1), so key binding is required: an SD-JWT alone must be refused."""
    good = wallet.issue(SD_JWT, credential())

    def without_kb(asked):
        presented = wallet.presentation(asked, good)
        return presented[:presented.rindex("~") + 1]
    control, verdict = _broken(wallet, SD_JWT, good, without_kb)
    assert_rejected_against_control(control, verdict, "an SD-JWT without a Key Binding JWT")


# Far outside any window a verifier could call acceptable for a proof made for a nonce it
# minted seconds ago (RFC 9901 §7.3 leaves the window to the verifier, so it is generous).
KB_IAT_OFFSET = 7 * 86400


@check("VER-OID4VP-034", "Rejects a KB-JWT whose iat is a week in the past or in the future", ["P2"],
       RFC9901 + "#section-7.3", requires=[SD_JWT])
@pytest.mark.parametrize("when", ["past", "future"])
def test_rejects_kb_jwt_out_of_time(wallet, credential, when):
    good = wallet.issue(SD_JWT, credential())
    iat = int(time.time()) + (KB_IAT_OFFSET if when == "future" else -KB_IAT_OFFSET)
    control, verdict = _broken(wallet, SD_JWT, good, lambda asked: wallet.presentation(asked, good, kb_claims={"iat": iat}))
    assert_rejected_against_control(control, verdict, f"an SD-JWT+KB whose KB-JWT iat is a week in the {when}")


@check("VER-OID4VP-024", "Rejects an SD-JWT whose KB-JWT sd_hash does not match the presented SD-JWT", ["P2"],
       "https://www.rfc-editor.org/rfc/rfc9901#section-7.3", requires=[SD_JWT])
def test_rejects_wrong_sd_hash(wallet, credential):
    good = wallet.issue(SD_JWT, credential())
    wrong = b64url_encode(uuid.uuid4().bytes * 2)
    control, verdict = _broken(wallet, SD_JWT, good,
                               lambda asked: wallet.presentation(asked, good, kb_claims={"sd_hash": wrong}))
    assert_rejected_against_control(control, verdict, "an SD-JWT+KB whose sd_hash is another presentation's")


# A JWT's `exp` is a MUST (RFC 7519 §4.1.4: "on or after which the JWT MUST NOT be accepted for
# processing"); a Data Integrity credential's `validUntil` is validation with no MUST (VCDM 2.0
# "Validity Periods"), hence two checks over one body.
@check("VER-OID4VP-025", "Rejects a presentation of an expired JWT credential (exp in the past)", ["P2"],
       "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4")
@pytest.mark.parametrize("oid4vp_format", ["jwt_vc_json", SD_JWT], indirect=True)
def test_rejects_expired(wallet, credential, oid4vp_format):
    _rejects_expired(wallet, credential, oid4vp_format)


@check("VER-OID4VP-025-LDP", "Rejects a presentation of an expired Data Integrity credential (validUntil in the past)",
       ["P2"], "https://www.w3.org/TR/vc-data-model-2.0/#validity-period", level="SHOULD")
@pytest.mark.parametrize("oid4vp_format", ["ldp_vc"], indirect=True)
def test_rejects_expired_ldp(wallet, credential, oid4vp_format):
    _rejects_expired(wallet, credential, oid4vp_format)


def _rejects_expired(wallet, credential, oid4vp_format):
    good = wallet.issue(oid4vp_format, credential())
    now = utc_now()
    doc = credential(valid_from=xsd_datetime(now - timedelta(days=30)), valid_until=xsd_datetime(now - timedelta(days=1)))
    expired = wallet.issue(oid4vp_format, doc, exp=int(time.time()) - 86400)
    control, verdict = _broken(wallet, oid4vp_format, good, lambda asked: wallet.presentation(asked, expired))
    assert_rejected_against_control(control, verdict, f"an expired {oid4vp_format} credential")


@check("VER-OID4VP-026", "Rejects a presentation of a revoked W3C credential (Bitstring Status List)", ["P2"],
       "https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm", requires=["status:revocation"])
@W3C_FORMATS
def test_rejects_revoked(wallet, credential, oid4vp_counterpart, oid4vp_format):
    issuer = oid4vp_counterpart.signer()

    def with_status(flagged: bool):
        name = f"revocation-{uuid.uuid4().hex[:10]}"
        url = oid4vp_counterpart.publish_status_list(name, "revocation", StatusList(), issuer)
        if flagged:
            oid4vp_counterpart.set_status(name, 4242, True)
        doc = credential()
        doc["credentialStatus"] = status_entry(url, 4242, "revocation")
        return wallet.issue(oid4vp_format, doc, issuer=issuer)
    revoked = with_status(True)
    control, verdict = _broken(wallet, oid4vp_format, with_status(False), lambda asked: wallet.presentation(asked, revoked))
    assert_rejected_against_control(control, verdict, f"a revoked {oid4vp_format} credential")


@check("VER-OID4VP-030", "Rejects a presentation of a revoked SD-JWT VC (Token Status List)", ["P2"],
       "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-status-list#section-8",
       requires=[SD_JWT, "status:revocation"])
def test_rejects_revoked_sd_jwt(wallet, credential, oid4vp_counterpart):
    issuer = wallet.sd_jwt_signer()  # by a key mechanism the verifier declares

    def with_status(flagged: bool) -> str:
        # The list token is the issuer's own statuslist+jwt (its key named the same way as in
        # the credential), published on the counterpart host.
        path = f"/token-status-lists/{uuid.uuid4().hex[:10]}"
        uri = oid4vp_counterpart.url + path
        statuses = tokenstatus.TokenStatusList(bits=1)
        if flagged:
            statuses.set(4242, tokenstatus.INVALID)
        # `iss` too: a verifier finding keys by JWT VC Issuer Metadata looks the list's key up by it.
        token = tokenstatus.sign_status_list_token(statuses, uri, issuer.key, issuer.kid, headers=issuer.headers,
                                                   extra_claims={"iss": issuer.iss})
        oid4vp_counterpart.publish(path, token, content_type=tokenstatus.MEDIA_TYPE)
        return wallet.issue(SD_JWT, credential(), status=tokenstatus.reference(uri, 4242))
    revoked = with_status(True)
    control, verdict = _broken(wallet, SD_JWT, with_status(False), lambda asked: wallet.presentation(asked, revoked))
    assert_rejected_against_control(control, verdict, "a revoked SD-JWT VC")


@check("VER-OID4VP-027", "Rejects a credential presented by someone it was not issued to (holder binding)", ["P2"],
       VP + "#section-8.6")
@ALL_FORMATS
def test_rejects_unbound_holder(wallet, credential, oid4vp_format):
    good = wallet.issue(oid4vp_format, credential())
    someone_else = crafting.Signer.did_key(Key.generate("Ed25519"))
    theirs = wallet.issue(oid4vp_format, credential(), subject=someone_else)
    control, verdict = _broken(wallet, oid4vp_format, good, lambda asked: wallet.presentation(asked, theirs))
    assert_rejected_against_control(control, verdict, f"a {oid4vp_format} credential issued to {someone_else.did}")


@check("VER-OID4VP-028", "Rejects a presentation lacking a claim the DCQL query asked for", ["P2", "P1"],
       VP + "#section-6.4.1")
@ALL_FORMATS
def test_rejects_missing_claim(wallet, credential, oid4vp_format):
    good = wallet.issue(oid4vp_format, credential())
    if oid4vp_format == SD_JWT:  # the name is not disclosed
        control, verdict = _broken(wallet, SD_JWT, good, lambda asked: wallet.presentation(
            asked, good, disclose=[("credentialSubject", "achievement", "name")]))
    else:  # a credential without the asked claim at all
        lacking = credential()
        del lacking["credentialSubject"]["name"]
        partial = wallet.issue(oid4vp_format, lacking)
        control, verdict = _broken(wallet, oid4vp_format, good, lambda asked: wallet.presentation(asked, partial))
    assert_rejected_against_control(control, verdict, f"a {oid4vp_format} presentation without credentialSubject.name")


@check("VER-OID4VP-029", "Rejects a credential of a type the query did not ask for", ["P2", "P1"],
       VP + "#section-6.4.2")
@ALL_FORMATS
def test_rejects_unasked_type(wallet, credential, oid4vp_format):
    good = wallet.issue(oid4vp_format, credential())
    if oid4vp_format == SD_JWT:
        other = wallet.issue(SD_JWT, credential(), vct="https://ler-interop.example/vct/library-card")
    else:  # the same claims in a plain VerifiableCredential, not an OpenBadgeCredential
        doc = credential()
        doc["type"] = ["VerifiableCredential"]
        other = wallet.issue(oid4vp_format, doc)
    control, verdict = _broken(wallet, oid4vp_format, good, lambda asked: wallet.presentation(asked, other))
    assert_rejected_against_control(control, verdict, f"a {oid4vp_format} credential of another type")
