"""The suite's own issuer keys and X.509 CA, stable across runs when a key directory is given
(`ler-interop run --key-dir DIR`, pytest `--key-dir`), so a vendor whose verifier trusts a list
of issuers adds the suite's once (docs/CONTRACTS.md, "Trusting the suite's issuers").

A key is `DIR/<name>.jwk` (a private JWK, mode 0600); the CA is `DIR/ca-key.jwk` (0600) and
`DIR/ca.pem` (the trust anchor to install); an issuer certificate is `DIR/x5c-<name>.pem`, reused
while it names the same issuer URL and key and is valid for another day. Absent files are
created, present ones loaded, so the first run writes what later runs read. Every private value
loaded or made is registered with redact.py, so it never reaches a report or a log line.
Without a directory everything is made fresh in memory (the suite's own tests).
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import threading
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from .credentials.keys import Key, KeyFormatError, KeyType
from .credentials.x509_issuer import IssuingCa
from .redact import register_secret

CA_KEY, CA_CERT = "ca-key", "ca.pem"


class KeyDirError(ValueError):
    """A key directory file the suite cannot use; the message names the file."""


def _register(key: Key) -> Key:
    jwk = key.private_jwk()
    register_secret(jwk["d"])
    register_secret(key.private_multikey())
    return key


def _write_new(path: Path, data: bytes, mode: int) -> bool:
    """Create `path` with `mode` (never widened by the umask); False when another process won."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, mode)
    return True


class SuiteKeys:
    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else None
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._keys: dict[str, Key] = {}
        self._ca: IssuingCa | None = None

    def key(self, name: str, type: KeyType = "Ed25519") -> Key:
        """The private key `name` (loaded, or made and written)."""
        with self._lock:
            if name not in self._keys:
                self._keys[name] = self._load_or_make(name, type)
            return self._keys[name]

    def _load_or_make(self, name: str, type: KeyType) -> Key:
        if self.folder is None:
            return _register(Key.generate(type))
        path = self.folder / f"{name}.jwk"
        if not path.exists():
            made = Key.generate(type)
            if _write_new(path, json.dumps(made.private_jwk()).encode(), 0o600):
                return _register(made)
        try:
            key = Key.from_jwk(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyFormatError) as exc:
            raise KeyDirError(f"{path} is not a private JWK: {exc}") from None
        if key.private is None or key.type != type:
            raise KeyDirError(f"{path} must hold a private {type} key")
        return _register(key)

    @property
    def ca(self) -> IssuingCa:
        """The suite's X.509 issuing CA (P-256); its certificate is the trust anchor for `x5c`."""
        with self._lock:
            if self._ca is None:
                self._ca = self._load_or_make_ca()
            return self._ca

    def _load_or_make_ca(self) -> "StableCa":
        key = self._load_or_make(CA_KEY, "P-256")
        if self.folder is None:
            return StableCa.create(key, folder=None)
        pem = self.folder / CA_CERT
        if pem.exists():
            cert = x509.load_pem_x509_certificate(pem.read_bytes())
            if cert.public_key() == key.public and _valid_for_a_day(cert):
                return StableCa(key, cert, self.folder)
            pem.unlink()  # another key's or expiring: made again below
        ca = StableCa.create(key, folder=self.folder)
        if not _write_new(pem, ca.pem(), 0o644):
            return StableCa(key, x509.load_pem_x509_certificate(pem.read_bytes()), self.folder)
        return ca

    def key_dir_text(self) -> str | None:
        return str(self.folder) if self.folder is not None else None

    def prepare(self) -> "SuiteKeys":
        """Make every key the run's servers use before any worker starts (no creation races)."""
        for name, type in NAMED_KEYS.items():
            self.key(name, type)
        self.ca  # noqa: B018
        return self


# The keys the suite issues with (docs/CONTRACTS.md lists which issuer each one is).
NAMED_KEYS: dict[str, KeyType] = {
    "wallet-issuer": "Ed25519",        # the suite's wallet issuer: did:key, JWT VC Issuer Metadata
    "wallet-issuer-p256": "P-256",     # the same issuer signing with x5c
    "reference-issuer": "Ed25519",     # the reference issuer (did:web, JWT VC Issuer Metadata)
    "reference-issuer-p256": "P-256",  # ... its P-256 key (ecdsa-rdfc-2019, x5c)
    "counterpart-issuer": "Ed25519", "counterpart-issuer-p256": "P-256",
    "counterpart-issuer-2": "Ed25519", "counterpart-issuer-2-p256": "P-256",
}


def _valid_for_a_day(cert: x509.Certificate) -> bool:
    return cert.not_valid_after_utc > datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


class StableCa(IssuingCa):
    """The CA, whose issuer certificates are kept in the key directory per issuer URL and key."""

    def __init__(self, key: Key, certificate: x509.Certificate, folder: Path | None):
        super().__init__(key, certificate)
        self.folder = folder
        self._leaves: dict[tuple[str, str], x509.Certificate] = {}

    @classmethod
    def create(cls, key: Key | None = None, years: int = 10, *, folder: Path | None = None) -> "StableCa":
        made = IssuingCa.create(key, years)
        return cls(made.key, made.certificate, folder)

    def x5c(self, issuer_url: str, key: Key) -> list[str]:
        cache = (issuer_url, key.public_multikey())
        if cache not in self._leaves:
            self._leaves[cache] = self._stored_leaf(issuer_url, key)
        return [base64.b64encode(self._leaves[cache].public_bytes(serialization.Encoding.DER)).decode()]

    def _stored_leaf(self, issuer_url: str, key: Key) -> x509.Certificate:
        if self.folder is None:
            return self.leaf(issuer_url, key)
        path = self.folder / f"x5c-{key.public_multikey()[-16:]}.pem"
        if path.exists():
            cert = x509.load_pem_x509_certificate(path.read_bytes())
            names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            if (cert.public_key() == key.public and _issued_by(cert, self.certificate) and _valid_for_a_day(cert)
                    and issuer_url in names.get_values_for_type(x509.UniformResourceIdentifier)):
                return cert
        cert = self.leaf(issuer_url, key)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        os.replace(tmp, path)  # an issuer URL moved (another --counterpart-url): the newest wins
        return cert
