"""The key proof a wallet sends with its Credential Request (OpenID4VCI 1.0 Appendix F.1): the
suite's issuer records it, and each check judges one rule of it. The suite's issuer refuses a
bad proof, so the wallet's answer does not matter here: only what it sent."""

from __future__ import annotations

import pytest

from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.findings import VerificationMethodError
from ler_interop.credentials.jws import JwsError, parse_compact, verify_signature
from ler_interop.credentials.keys import Key, KeyFormatError
from ler_interop.outcomes import vendor_error

VCI = "https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html"
PROOF_SPEC = VCI + "#appendix-F.1"
PROOF_TYP = "openid4vci-proof+jwt"


def _proofs(session, fmt: str) -> list:
    """(header, payload, jws) of each key proof the wallet sent while receiving one offer."""
    session.receive(session.offer(fmt))
    sent = session.key_proofs()
    if not sent:
        vendor_error("the wallet sent no `proofs.jwt` key proof to the suite's issuer")
    parsed = []
    for token in sent:
        try:
            jws = parse_compact(token)
            payload = jws.payload_json()
        except (JwsError, TypeError) as exc:
            pytest.fail(f"a key proof is not a compact JWS: {exc}")
        assert isinstance(payload, dict), "a key proof's payload is not a JSON object"
        parsed.append((jws.header, payload, jws))
    return parsed


@pytest.mark.check(id="WAL-OID4VCI-006", title="Key proofs are typed openid4vci-proof+jwt",
                   principles=["P1", "P2"], level="MUST", spec=PROOF_SPEC, role="wallet", protocol="oid4vci")
def test_key_proof_typ(session, fmt):
    for header, _, _ in _proofs(session, fmt):
        assert header.get("typ") == PROOF_TYP, f"typ is {header.get('typ')!r}, must be {PROOF_TYP!r}"


@pytest.mark.check(id="WAL-OID4VCI-007", title="Key proofs are addressed (aud) to the Credential Issuer Identifier",
                   principles=["P2"], level="MUST", spec=PROOF_SPEC, role="wallet", protocol="oid4vci")
def test_key_proof_audience(session, fmt):
    wanted = session.cp.issuer.credential_issuer
    for _, payload, _ in _proofs(session, fmt):
        assert payload.get("aud") == wanted, f"aud is {payload.get('aud')!r}, must be {wanted!r}"


@pytest.mark.check(id="WAL-OID4VCI-008", title="Key proofs carry a c_nonce the issuer's Nonce Endpoint handed out",
                   principles=["P2"], level="MUST", spec=PROOF_SPEC, role="wallet", protocol="oid4vci")
def test_key_proof_nonce(session, fmt):
    proofs = _proofs(session, fmt)
    handed_out = session.nonces_handed_out()
    for _, payload, _ in proofs:
        assert "nonce" in payload, "the key proof has no nonce although the issuer has a Nonce Endpoint"
        assert payload["nonce"] in handed_out, "the key proof's nonce is not one the issuer's Nonce Endpoint handed out"


def _proof_key(header: dict) -> Key:
    if "jwk" in header:
        return Key.from_jwk(header["jwk"])
    kid = header.get("kid")
    if isinstance(kid, str) and kid.startswith(("did:key:", "did:jwk:")):
        return DidResolver().resolve_vm(kid, "authentication")[0]
    raise KeyFormatError(f"kid {kid!r} is neither a did:key nor a did:jwk DID URL")


@pytest.mark.check(id="WAL-OID4VCI-009", title="Key proofs are signed with an accepted algorithm and verify under the key they name",
                   principles=["P2", "P1"], level="MUST", spec=PROOF_SPEC, role="wallet", protocol="oid4vci")
def test_key_proof_signature(session, fmt):
    accepted = session.cp.issuer.proof_signing_algs(fmt)
    for header, _, jws in _proofs(session, fmt):
        assert header.get("alg") in accepted, f"alg {header.get('alg')!r} is not one of {accepted}"
        try:
            key = _proof_key(header)
        except (KeyFormatError, VerificationMethodError) as exc:
            pytest.fail(f"the key proof names no usable key: {exc}")
        try:
            verify_signature(jws, key)
        except JwsError as exc:
            pytest.fail(f"the key proof's signature does not verify under the key it names: {exc.message}")


@pytest.mark.check(id="WAL-OID4VCI-010", title="Key proofs name their key exactly one way (kid, jwk or x5c) and never a private key",
                   principles=["P2"], level="MUST", spec=PROOF_SPEC, role="wallet", protocol="oid4vci")
def test_key_proof_names_its_key_once(session, fmt):
    for header, _, _ in _proofs(session, fmt):
        named = [name for name in ("kid", "jwk", "x5c") if name in header]
        assert len(named) == 1, f"the header names its key by {named or 'nothing'}; exactly one of kid, jwk, x5c"
        assert not (isinstance(header.get("jwk"), dict) and "d" in header["jwk"]), "the jwk header holds a private key"


@pytest.mark.check(id="WAL-OID4VCI-013", title="Key proofs carry iat, and no iss when the token came from anonymous pre-authorized access",
                   principles=["P2", "P1"], level="MUST", spec=PROOF_SPEC, role="wallet", protocol="oid4vci")
def test_key_proof_iat_and_iss(session, fmt):
    for _, payload, _ in _proofs(session, fmt):
        iat = payload.get("iat")
        assert isinstance(iat, int) and not isinstance(iat, bool), f"iat is {iat!r}; it is REQUIRED (a NumericDate)"
        # The suite's issuer takes anonymous pre-authorized Token Requests (no client_id).
        assert "iss" not in payload, f"iss is {payload['iss']!r}; it MUST be omitted after anonymous pre-authorized access"
