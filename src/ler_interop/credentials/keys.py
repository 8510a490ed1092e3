"""Keys for Ed25519, P-256 and P-384 in the encodings credentials use: Multikey and JWK; RSA (JWK only)
for the RS256 JWTs Open Badges 3.0 names as its minimum algorithm (OB 3.0 §8.2.3).

Multikey (Controlled Identifiers v1.0 §2.2.2): multibase base58btc ('z') over a
multicodec varint header and the raw key. Headers: ed25519-pub 0xed01, p256-pub 0x8024
(33-byte compressed point), p384-pub 0x8124 (49 bytes), ed25519-priv 0x8026, p256-priv 0x8626,
p384-priv 0x8726. P-384 signs with SHA-384 (vc-di-ecdsa: P-256 and P-384; JWS ES384).
ECDSA signatures here are raw r||s (IEEE P1363), as Data Integrity and JOSE both want;
signing is RFC 6979 deterministic so W3C vectors reproduce byte for byte.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

KeyType = Literal["Ed25519", "P-256", "P-384", "RSA"]
# RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms" (RS256).
RSA_MIN_BITS = 2048
# Hostile input: a huge modulus would make one verification slow; no deployed signing key is larger.
RSA_MAX_BITS = 8192

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
P256_PUB = b"\x80\x24"
P256_PRIV = b"\x86\x26"
P384_PUB = b"\x81\x24"
P384_PRIV = b"\x87\x26"

# The NIST curves: (curve, coordinate and scalar size in bytes, signature hash).
_EC = {"P-256": (ec.SECP256R1, 32, hashes.SHA256), "P-384": (ec.SECP384R1, 48, hashes.SHA384)}


class KeyFormatError(ValueError):
    """A key in a shape this module cannot read (bad multibase, header, length, JWK)."""


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or "=" in text:
        raise ValueError("base64url text must be an unpadded string")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Key:
    """A public key, optionally with its private half."""

    type: KeyType
    public: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
    private: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None

    # -- construction ---------------------------------------------------
    @classmethod
    def generate(cls, type: KeyType = "Ed25519") -> "Key":
        if type == "Ed25519":
            priv = ed25519.Ed25519PrivateKey.generate()
        elif type in _EC:
            priv = ec.generate_private_key(_EC[type][0]())
        elif type == "RSA":
            priv = rsa.generate_private_key(public_exponent=65537, key_size=RSA_MIN_BITS)
        else:
            raise KeyFormatError(f"unsupported key type {type!r}")
        return cls(type, priv.public_key(), priv)

    @classmethod
    def from_private_bytes(cls, type: KeyType, raw: bytes) -> "Key":
        if type == "Ed25519":
            if len(raw) != 32:
                raise KeyFormatError("Ed25519 private key must be 32 bytes")
            priv = ed25519.Ed25519PrivateKey.from_private_bytes(raw)
        elif type in _EC:
            curve, size, _ = _EC[type]
            if len(raw) != size:
                raise KeyFormatError(f"{type} private key must be {size} bytes")
            priv = ec.derive_private_key(int.from_bytes(raw, "big"), curve())
        else:
            raise KeyFormatError(f"unsupported key type {type!r}")
        return cls(type, priv.public_key(), priv)

    @classmethod
    def from_multikey(cls, value: str) -> "Key":
        """Read a public (z6Mk.., zDna..) or private (z3u2.., z42t..) Multikey value."""
        if not isinstance(value, str) or not value.startswith("z"):
            raise KeyFormatError("Multikey value must be a base58btc multibase string starting with 'z'")
        try:
            raw = base58.b58decode(value[1:])
        except ValueError as exc:
            raise KeyFormatError(f"Multikey value is not base58btc: {exc}") from None
        head, body = raw[:2], raw[2:]
        if head == ED25519_PUB:
            if len(body) != 32:
                raise KeyFormatError(f"Ed25519 Multikey must carry 32 bytes, got {len(body)}")
            return cls("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(body))
        if head in (P256_PUB, P384_PUB):
            name = "P-256" if head == P256_PUB else "P-384"
            curve, size, _ = _EC[name]
            if len(body) != size + 1 or body[0] not in (2, 3):
                raise KeyFormatError(f"{name} Multikey must carry a {size + 1}-byte compressed point")
            try:
                pub = ec.EllipticCurvePublicKey.from_encoded_point(curve(), body)
            except ValueError:
                raise KeyFormatError(f"{name} Multikey point is not on the curve") from None
            return cls(name, pub)
        if head == ED25519_PRIV:
            return cls.from_private_bytes("Ed25519", body)
        if head == P256_PRIV:
            return cls.from_private_bytes("P-256", body)
        if head == P384_PRIV:
            return cls.from_private_bytes("P-384", body)
        raise KeyFormatError(f"unknown Multikey header 0x{head.hex()}")

    @classmethod
    def from_jwk(cls, jwk: dict) -> "Key":
        if not isinstance(jwk, dict):
            raise KeyFormatError("JWK must be a JSON object")
        kty, crv = jwk.get("kty"), jwk.get("crv")
        try:
            if kty == "OKP" and crv == "Ed25519":
                pub = ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
                key = cls("Ed25519", pub)
                if "d" in jwk:
                    key = cls.from_private_bytes("Ed25519", b64url_decode(jwk["d"]))
                return key
            if kty == "EC" and crv in _EC:
                curve, size, _ = _EC[crv]
                x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
                if len(x) != size or len(y) != size:
                    raise KeyFormatError(f"{crv} JWK x and y must be {size} bytes each")
                pub = ec.EllipticCurvePublicNumbers(
                    int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve()
                ).public_key()
                if "d" in jwk:
                    return cls.from_private_bytes(crv, b64url_decode(jwk["d"]))
                return cls(crv, pub)
            if kty == "RSA":
                if "d" in jwk:  # the suite never reads RSA private keys from JSON
                    raise KeyFormatError("RSA JWK carries private key material ('d')")
                n = int.from_bytes(b64url_decode(jwk["n"]), "big")
                e = int.from_bytes(b64url_decode(jwk["e"]), "big")
                if n.bit_length() < RSA_MIN_BITS:
                    raise KeyFormatError(f"RSA key of {n.bit_length()} bits; RS256 needs at least {RSA_MIN_BITS} (RFC 7518 §3.3)")
                if n.bit_length() > RSA_MAX_BITS or e.bit_length() > 64:
                    raise KeyFormatError(f"RSA key larger than {RSA_MAX_BITS} bits (or a public exponent over 64 bits)")
                return cls("RSA", rsa.RSAPublicNumbers(e, n).public_key())
        except (KeyError, ValueError, TypeError) as exc:
            raise KeyFormatError(f"malformed JWK: {exc}") from None
        raise KeyFormatError(f"unsupported JWK kty={kty!r} crv={crv!r}")

    # -- encodings --------------------------------------------------------
    def public_bytes(self) -> bytes:
        if self.type == "RSA":
            raise KeyFormatError("RSA keys have no raw or Multikey encoding here; use the JWK")
        if self.type == "Ed25519":
            return self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return self.public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)

    def private_bytes(self) -> bytes:
        if self.private is None or self.type == "RSA":
            raise KeyFormatError("no private key in a raw encoding")
        if self.type == "Ed25519":
            return self.private.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        return self.private.private_numbers().private_value.to_bytes(_EC[self.type][1], "big")

    def public_multikey(self) -> str:
        head = {"Ed25519": ED25519_PUB, "P-256": P256_PUB, "P-384": P384_PUB}[self.type]
        return "z" + base58.b58encode(head + self.public_bytes()).decode("ascii")

    def private_multikey(self) -> str:
        head = {"Ed25519": ED25519_PRIV, "P-256": P256_PRIV, "P-384": P384_PRIV}[self.type]
        return "z" + base58.b58encode(head + self.private_bytes()).decode("ascii")

    def public_jwk(self) -> dict:
        if self.type == "RSA":
            nums = self.public.public_numbers()
            return {"kty": "RSA", "n": b64url_encode(_int_bytes(nums.n)), "e": b64url_encode(_int_bytes(nums.e))}
        if self.type == "Ed25519":
            return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(self.public_bytes())}
        nums = self.public.public_numbers()
        size = _EC[self.type][1]
        return {
            "kty": "EC",
            "crv": self.type,
            "x": b64url_encode(nums.x.to_bytes(size, "big")),
            "y": b64url_encode(nums.y.to_bytes(size, "big")),
        }

    def private_jwk(self) -> dict:
        return {**self.public_jwk(), "d": b64url_encode(self.private_bytes())}

    @property
    def jws_alg(self) -> str:
        return {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "RSA": "RS256"}[self.type]

    def did_key(self) -> str:
        return "did:key:" + self.public_multikey()

    def public_only(self) -> "Key":
        return Key(self.type, self.public)

    # -- signatures -------------------------------------------------------
    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature, or deterministic (RFC 6979) ECDSA (P-256/SHA-256, P-384/SHA-384) as raw r||s."""
        if self.private is None:
            raise KeyFormatError("cannot sign with a public key")
        if self.type == "Ed25519":
            return self.private.sign(data)
        if self.type == "RSA":  # RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3)
            return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        _, size, digest = _EC[self.type]
        der = self.private.sign(data, ec.ECDSA(digest(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            if self.type == "Ed25519":
                self.public.verify(signature, data)
            elif self.type == "RSA":
                self.public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            else:
                _, size, digest = _EC[self.type]
                if len(signature) != 2 * size:
                    return False
                der = encode_dss_signature(
                    int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
                )
                self.public.verify(der, data, ec.ECDSA(digest()))
        except (InvalidSignature, ValueError):
            return False
        return True


def _int_bytes(value: int) -> bytes:
    """An unsigned big-endian integer in as few octets as it needs (RFC 7518 §6.3.1 Base64urlUInt)."""
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
