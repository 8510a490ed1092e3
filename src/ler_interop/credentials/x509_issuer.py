"""The suite's own X.509 issuing authority for SD-JWT VCs signed with `x5c`: a CA (the trust
anchor a vendor's verifier adds once) and an end-entity certificate per issuer URL, naming it
as a URI subjectAltName (what x5c.py requires). Built with `cryptography`; nothing hand-rolled.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from .keys import Key

_DAY = datetime.timedelta(days=1)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ler-interop"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


@dataclass
class IssuingCa:
    key: Key  # P-256, so any X.509 stack can check what it signed
    certificate: x509.Certificate

    @classmethod
    def create(cls, key: Key | None = None, years: int = 10) -> "IssuingCa":
        key = key or Key.generate("P-256")
        now = datetime.datetime.now(datetime.timezone.utc)
        name = _name("ler-interop SD-JWT VC issuing CA")
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public)
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - _DAY).not_valid_after(now + 365 * years * _DAY)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(_usage(sign=False, ca=True), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public), critical=False)
                .sign(key.private, hashes.SHA256()))  # type: ignore[arg-type]
        return cls(key, cert)

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def leaf(self, issuer_url: str, key: Key, days: int = 365) -> x509.Certificate:
        """An end-entity certificate for `key`, naming `issuer_url` (the SD-JWT's `iss`)."""
        now = datetime.datetime.now(datetime.timezone.utc)
        return (x509.CertificateBuilder().subject_name(_name(issuer_url[:64])).issuer_name(self.certificate.subject)
                .public_key(key.public).serial_number(x509.random_serial_number())
                .not_valid_before(now - _DAY).not_valid_after(now + days * _DAY)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(_usage(sign=True, ca=False), critical=True)
                .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(issuer_url)]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public), critical=False)  # type: ignore[arg-type]
                .sign(self.key.private, hashes.SHA256()))  # type: ignore[arg-type]

    def x5c(self, issuer_url: str, key: Key) -> list[str]:
        """The `x5c` header value: the end-entity certificate only (the anchor is not sent)."""
        return [base64.b64encode(self.leaf(issuer_url, key).public_bytes(serialization.Encoding.DER)).decode()]
