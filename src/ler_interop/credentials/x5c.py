"""X.509 certificates (`x5c`): an SD-JWT VC Issuer Signature Mechanism (SD-JWT VC draft,
https://datatracker.ietf.org/doc/html/draft-ietf-oauth-sd-jwt-vc#name-issuer-signature-mechanisms):
"the recipient uses the public key from the end-entity certificate of the certificates from
the `x5c` header parameter and validates the X.509 certificate chain accordingly."

The chain is built and validated by `cryptography`'s X.509 verifier against trust anchors the
run names (a manifest's `trust_anchors`), never by hand. The end-entity certificate must name
the JWT's `iss` as a URI subjectAltName (or, for a `dns:` iss, as a dNSName), so a certificate
of one issuer cannot sign for another. `x5c` is RFC 7515 §4.1.6: base64 (not base64url) DER,
the end-entity certificate first.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509 import verification

from .findings import KEY_NOT_AUTHORIZED, KEY_NOT_FOUND, VerificationMethodError
from .keys import Key

MAX_CERTS = 5
MAX_CERT_BYTES = 16 * 1024


class X5cError(VerificationMethodError):
    def __init__(self, message: str, reason: str = KEY_NOT_FOUND):
        super().__init__(reason, message)


def load_anchors(paths: Sequence[str | Path]) -> list[x509.Certificate]:
    """Trust anchors from PEM files (each may hold several certificates)."""
    anchors: list[x509.Certificate] = []
    for path in paths:
        anchors += x509.load_pem_x509_certificates(Path(path).read_bytes())
    return anchors


def decode_chain(value: Any) -> list[x509.Certificate]:
    if not isinstance(value, list) or not value or len(value) > MAX_CERTS:
        raise X5cError(f"x5c must be a non-empty array of at most {MAX_CERTS} certificates")
    certs = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or len(item) > MAX_CERT_BYTES * 4 // 3 + 4:
            raise X5cError(f"x5c[{i}] is not a base64 certificate of a sane size")
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode(item, validate=True)))
        except (ValueError, binascii.Error) as exc:
            raise X5cError(f"x5c[{i}] is not a base64 DER certificate: {exc}") from None
    return certs


def _key_of(cert: x509.Certificate) -> Key:
    public = cert.public_key()
    if isinstance(public, ed25519.Ed25519PublicKey):
        return Key("Ed25519", public)
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
        return Key("P-256", public)
    raise X5cError("the end-entity certificate's key is neither Ed25519 nor P-256")


def names_issuer(subjects: Sequence[x509.GeneralName], iss: str) -> bool:
    if iss.startswith("dns:"):
        return any(isinstance(n, x509.DNSName) and n.value.lower() == iss[4:].lower() for n in subjects)
    return any(isinstance(n, x509.UniformResourceIdentifier) and n.value == iss for n in subjects)


class X5cResolver:
    """An `sdjwt.IssuerKeyResolver`: (issuer JWT header, payload) -> (leaf key, iss)."""

    def __init__(self, anchors: Sequence[x509.Certificate], now: Callable[[], datetime] | None = None):
        self.anchors = list(anchors)
        self._now = now or (lambda: datetime.now(timezone.utc))

    def applies(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
        return "x5c" in header

    def __call__(self, header: dict[str, Any], payload: dict[str, Any]) -> tuple[Key, str]:
        leaf, *intermediates = decode_chain(header.get("x5c"))
        if not self.anchors:
            raise X5cError("no trust anchors are configured for x5c (manifest `trust_anchors`)", KEY_NOT_AUTHORIZED)
        policy = (verification.PolicyBuilder().store(verification.Store(self.anchors)).time(self._now())
                  # An issuer certificate is no TLS client or server: its extended key usage is the
                  # ecosystem's business, so the end entity is not held to the Web PKI's.
                  .extension_policies(ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
                                      ee_policy=verification.ExtensionPolicy.permit_all()))
        try:
            verified = policy.build_client_verifier().verify(leaf, intermediates)
        except verification.VerificationError as exc:
            raise X5cError(f"the x5c chain does not validate to a trust anchor: {exc}", KEY_NOT_AUTHORIZED) from None
        iss = payload.get("iss")
        if not isinstance(iss, str) or not names_issuer(verified.subjects or [], iss):
            raise X5cError(f"the end-entity certificate does not name the iss {iss!r} in its subjectAltName",
                           KEY_NOT_AUTHORIZED)
        return _key_of(leaf), iss
