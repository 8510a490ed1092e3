"""IETF Token Status List for SD-JWT VCs: packing, bounded decoding, the signed list token,
and the suite verifier's status check."""

from __future__ import annotations

import zlib

import pytest

from ler_interop.credentials import sdjwt, tokenstatus
from ler_interop.credentials.crafting import Signer
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.keys import b64url_encode
from ler_interop.credentials.tokenstatus import TokenStatusError, TokenStatusList
from ler_interop.credentials.verifier import CredentialVerifier

URI = "https://issuer.example/status/1"


def test_packing_is_least_significant_bit_first():
    """The spec's worked example: statuses 1,0,0,1,1,1,0,1 | 1,1,0,0,0,1,0,1 pack as 0xB9 0xA3."""
    lst = TokenStatusList(bits=1, size=16)
    for i, v in enumerate([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]):
        lst.set(i, v)
    assert bytes(lst.data) == bytes([0xB9, 0xA3])


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_round_trip_for_every_width(bits):
    lst = TokenStatusList(bits=bits, size=64)
    lst.set(5, (1 << bits) - 1)
    lst.set(63, 1)
    back = TokenStatusList.decode(lst.encode())
    assert (back.get(5), back.get(63), back.get(6)) == ((1 << bits) - 1, 1, 0)


def test_decoding_is_bounded_and_strict():
    bomb = {"bits": 1, "lst": b64url_encode(zlib.compress(bytes(tokenstatus.MAX_LIST_BYTES + 1)))}
    with pytest.raises(TokenStatusError) as exc:
        TokenStatusList.decode(bomb)
    assert exc.value.reason == "list-too-large"
    for bad in ({"bits": 3, "lst": "eNo"}, {"bits": 1, "lst": "not zlib"}, {"bits": 1}):
        with pytest.raises(TokenStatusError):
            TokenStatusList.decode(bad)
    with pytest.raises(TokenStatusError) as exc:
        TokenStatusList(bits=1, size=8).get(8)
    assert exc.value.reason == "index-out-of-range"


@pytest.fixture(scope="module")
def issuer() -> Signer:
    return Signer.did_key()


def _sd_jwt(issuer: Signer, index: int) -> str:
    claims = {"name": "Ada", "status": tokenstatus.reference(URI, index)}
    return sdjwt.issue_sd_jwt(claims, issuer.key, issuer.vm, vct="https://example.org/vct/badge", disclosable=["name"])


def _verifier(lists: dict[str, str]) -> CredentialVerifier:
    return CredentialVerifier(DidResolver(), fetch_text=lists.__getitem__)


def _list_token(signer: Signer, value_at_7: int, **kw) -> str:
    lst = TokenStatusList(bits=2, size=1024)
    lst.set(7, value_at_7)
    return tokenstatus.sign_status_list_token(lst, kw.pop("uri", URI), signer.key, signer.vm, **kw)


@pytest.mark.parametrize("value, reason", [(tokenstatus.VALID, None), (tokenstatus.INVALID, "status.revocation"),
                                           (tokenstatus.SUSPENDED, "status.suspension")])
def test_the_verifier_reads_the_token_status(issuer, value, reason):
    check = _verifier({URI: _list_token(issuer, value)}).verify(_sd_jwt(issuer, 7)).check("status")
    assert (check.ok, check.reason) == (reason is None, reason)


def test_a_list_signed_by_someone_else_or_for_another_uri_is_not_trusted(issuer):
    forger = Signer.did_key()
    assert _verifier({URI: _list_token(forger, 0)}).verify(_sd_jwt(issuer, 7)).check("status").reason == "status.list-unverified"
    wrong_sub = _list_token(issuer, 0, uri="https://issuer.example/status/other")
    assert _verifier({URI: wrong_sub}).verify(_sd_jwt(issuer, 7)).check("status").reason == "status.list-unverified"


def test_without_a_fetcher_status_is_reported_unchecked(issuer):
    check = CredentialVerifier(DidResolver()).verify(_sd_jwt(issuer, 7)).check("status")
    assert (check.ok, check.reason) == (False, "status.unchecked")


def test_the_reference_issuers_token_status_list_follows_its_status_registry():
    from ler_interop.credentials.jws import parse_compact
    from ler_interop.reference.issuer import ReferenceIssuer
    from ler_interop.reference.oid4vci import token_status
    from ler_interop.reference.oid4vci.service import Service

    svc = Service(ReferenceIssuer("http://127.0.0.1:9"))
    registry = svc.issuer.registry
    revoked, suspended = registry.allocate("urn:uuid:a"), registry.allocate("urn:uuid:b")
    registry.set_status("urn:uuid:a", "revocation", True)
    registry.set_status("urn:uuid:b", "suspension", True)
    payload = parse_compact(token_status.list_token(svc)).payload_json()
    assert payload["sub"] == "http://127.0.0.1:9" + token_status.PATH
    statuses = TokenStatusList.decode(payload["status_list"])
    assert (statuses.get(revoked), statuses.get(suspended), statuses.size) == (1, 2, registry.length)
    jti, reference = token_status.allocate(svc)
    fresh = reference["status_list"]["idx"]
    assert statuses.get(fresh) == tokenstatus.VALID and fresh not in (revoked, suspended)
    # The SD-JWT's jti is the id the issuer's status service revokes it by.
    registry.set_status(jti, "revocation", True)
    payload = parse_compact(token_status.list_token(svc)).payload_json()
    assert TokenStatusList.decode(payload["status_list"]).get(fresh) == tokenstatus.INVALID


def test_a_list_token_must_have_iat_and_the_referenced_token_an_issuer(issuer):
    from ler_interop.credentials.jws import sign_compact

    payload = {"sub": URI, "status_list": TokenStatusList(bits=1, size=16).encode()}  # no iat
    token = sign_compact({"alg": "EdDSA", "typ": tokenstatus.TYP, "kid": issuer.vm}, payload, issuer.key)
    assert _verifier({URI: token}).verify(_sd_jwt(issuer, 7)).check("status").reason == "status.list-unverified"
    with pytest.raises(TokenStatusError) as exc:
        tokenstatus.status_of({"status": tokenstatus.reference(URI, 0)}, {URI: ""}.__getitem__,
                              DidResolver().resolve_vm, issuer=None)
    assert exc.value.reason == "list-unverified"


def test_a_truncated_list_is_malformed():
    whole = zlib.compress(bytes(1024), 9)
    with pytest.raises(TokenStatusError) as exc:
        TokenStatusList.decode({"bits": 1, "lst": b64url_encode(whole[: len(whole) // 2])})
    assert exc.value.reason == "malformed-list"
