"""The ecdsa-sd-2023 cryptosuite (Data Integrity ECDSA Cryptosuites v1.0 §3.6,
https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023; functions in §3.5): the issuer's base proof,
the holder's derived proof, and the verifier's check of a derived proof.

The base proof signs, with the issuer key, proofHash || proof-scoped public key ||
mandatoryHash, and signs every non-mandatory statement (an HMAC-relabeled canonical N-Quad)
with a one-time P-256 key. A derived proof carries the statements' signatures the holder
reveals and the map from the verifier's canonical blank node labels to the HMAC labels.

A base proof is not for verifiers: "The base proof is to be given only to the holder, who is
responsible for generating a derived proof from it" (§3.6.5), and parseDerivedProofValue
rejects any other header (§3.5.8). `verify_base` is the holder's check before deriving.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import base58
import cbor2

from . import findings as R
from .canon import canonical_labels, canonize_checked
from .findings import Finding
from .jsonld import OfflineLoader, default_loader
from .keys import P256_PUB, Key, KeyFormatError, b64url_decode, b64url_encode
from .sd_primitives import (
    LabelMapError,
    canonicalize_and_group,
    compress_label_map,
    decompress_label_map,
    document_quads,
    hmac_label_map_factory,
    label_map_factory,
    label_replacement_canonicalize,
    select_json_ld,
)

NAME = "ecdsa-sd-2023"
BASE_HEADER = b"\xd9\x5d\x00"  # §3.5.2 serializeBaseProofValue
DERIVED_HEADER = b"\xd9\x5d\x01"  # §3.5.7 serializeDerivedProofValue
# Caps on what a hostile proofValue may ask the verifier to do.
MAX_PROOF_VALUE = 1_000_000
MAX_STATEMENTS = 10_000

class SdError(Exception):
    """A failed ecdsa-sd-2023 step: `reason` is a findings.py reason or one of this module's."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class BaseProofValue:
    base_signature: bytes
    public_key: bytes  # multikey bytes: 0x80 0x24 + compressed P-256 point
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass
class DerivedProofValue:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]  # "c14nN" -> "u<base64url HMAC>"
    mandatory_indexes: list[int]


# -- proof values (§3.5.2 - §3.5.8) ----------------------------------------------------
def _encode(header: bytes, components: list[Any]) -> str:
    return "u" + b64url_encode(header + cbor2.dumps(components))


def _decode(proof_value: Any, header: bytes) -> list[Any]:
    if not isinstance(proof_value, str) or not proof_value.startswith("u") or len(proof_value) > MAX_PROOF_VALUE:
        raise SdError(R.MALFORMED_PROOF, "an ecdsa-sd-2023 proofValue is multibase base64url ('u...')")
    try:
        raw = b64url_decode(proof_value[1:])
    except (ValueError, TypeError):
        raise SdError(R.MALFORMED_PROOF, "proofValue is not base64url") from None
    if raw[:3] != header:
        kind = "base" if header == BASE_HEADER else "disclosure"
        raise SdError(R.MALFORMED_PROOF, f"proofValue does not start with the ECDSA-SD {kind} proof header {header.hex()}")
    try:
        components = cbor2.loads(raw[3:])
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise SdError(R.MALFORMED_PROOF, f"proofValue is not CBOR: {exc}") from None
    if not isinstance(components, list) or len(components) != 5:
        raise SdError(R.MALFORMED_PROOF, "proofValue must be a CBOR array of five components")
    return components


def _bytes_list(value: Any, length: int, what: str) -> list[bytes]:
    if not isinstance(value, list) or len(value) > MAX_STATEMENTS or not all(
            isinstance(v, bytes) and len(v) == length for v in value):
        raise SdError(R.MALFORMED_PROOF, f"{what} must be an array of {length}-byte strings")
    return value


def _check_head(base_signature: Any, public_key: Any) -> None:
    if not isinstance(base_signature, bytes) or len(base_signature) != 64:
        raise SdError(R.MALFORMED_PROOF, "baseSignature must be 64 bytes")
    # P-256 multikey: 2 header bytes + 33-byte compressed point (the vectors' 35 bytes).
    if not isinstance(public_key, bytes) or len(public_key) != 35 or public_key[:2] != P256_PUB:
        raise SdError(R.MALFORMED_PROOF, "publicKey must be a P-256 multikey (0x8024 + 33 bytes)")


def serialize_base(value: BaseProofValue) -> str:
    return _encode(BASE_HEADER, [value.base_signature, value.public_key, value.hmac_key,
                                 value.signatures, value.mandatory_pointers])


def parse_base(proof_value: Any) -> BaseProofValue:
    base_signature, public_key, hmac_key, signatures, pointers = _decode(proof_value, BASE_HEADER)
    _check_head(base_signature, public_key)
    if not isinstance(hmac_key, bytes) or len(hmac_key) != 32:
        raise SdError(R.MALFORMED_PROOF, "hmacKey must be 32 bytes")
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise SdError(R.MALFORMED_PROOF, "mandatoryPointers must be an array of strings")
    return BaseProofValue(base_signature, public_key, hmac_key, _bytes_list(signatures, 64, "signatures"), pointers)


def serialize_derived(value: DerivedProofValue) -> str:
    return _encode(DERIVED_HEADER, [value.base_signature, value.public_key, value.signatures,
                                    compress_label_map(value.label_map), value.mandatory_indexes])


def parse_derived(proof_value: Any) -> DerivedProofValue:
    """§3.5.8 parseDerivedProofValue, with its shape checks."""
    base_signature, public_key, signatures, label_map, indexes = _decode(proof_value, DERIVED_HEADER)
    _check_head(base_signature, public_key)
    if not isinstance(label_map, dict) or len(label_map) > MAX_STATEMENTS or not all(
            isinstance(k, int) and not isinstance(k, bool) and k >= 0 and isinstance(v, bytes) and len(v) == 32
            for k, v in label_map.items()):
        raise SdError(R.MALFORMED_PROOF, "the label map must map integers to 32-byte strings")
    if not isinstance(indexes, list) or len(indexes) > MAX_STATEMENTS or not all(
            isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in indexes):
        raise SdError(R.MALFORMED_PROOF, "mandatoryIndexes must be an array of non-negative integers")
    return DerivedProofValue(base_signature, public_key, _bytes_list(signatures, 64, "signatures"),
                             decompress_label_map(label_map), indexes)


def proof_scoped_key(public_key: bytes) -> Key:
    try:
        return Key.from_multikey("z" + base58.b58encode(public_key).decode("ascii"))
    except (KeyFormatError, ValueError) as exc:
        raise SdError(R.MALFORMED_PROOF, f"the proof-scoped public key is not a P-256 point: {exc}") from None


# -- hashing ---------------------------------------------------------------------------
def proof_hash(document: dict[str, Any], proof: dict[str, Any], loader: OfflineLoader) -> tuple[bytes, list[Finding]]:
    """SHA-256 of the canonical proof configuration (the proof less proofValue, with the
    document's @context; §3.6.4 Base Proof Configuration)."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    canonical, findings = canonize_checked(config, loader)
    in_proof = [Finding(f.rule, "$.proof" + f.path[1:], f.message) for f in findings]
    return hashlib.sha256(canonical.encode("utf-8")).digest(), in_proof


def mandatory_hash(mandatory: list[str]) -> bytes:
    """§3.4.18 hashMandatoryNQuads."""
    return hashlib.sha256("".join(mandatory).encode("utf-8")).digest()


# -- issuer: base proof (§3.6.1 - §3.6.5) ----------------------------------------------
def base_proof_value(unsecured: dict[str, Any], proof: dict[str, Any], key: Key, mandatory_pointers: list[str],
                     loader: OfflineLoader | None = None, *, hmac_key: bytes | None = None,
                     scoped_key: Key | None = None) -> tuple[str, list[Finding]]:
    """The base proofValue for `proof` (without proofValue) over `unsecured`, and the
    safe-mode findings of document and proof config. Raises SelectionError / jsonld errors."""
    loader = loader or default_loader()
    hmac_key = hmac_key if hmac_key is not None else secrets.token_bytes(32)
    grouped = canonicalize_and_group(unsecured, hmac_label_map_factory(hmac_key),
                                     {"mandatory": list(mandatory_pointers)}, loader)
    group = grouped.groups["mandatory"]
    hashed, config_findings = proof_hash(unsecured, proof, loader)
    scoped_key = scoped_key or Key.generate("P-256")
    public_key = P256_PUB + scoped_key.public_bytes()
    signatures = [scoped_key.sign(nq.encode("utf-8")) for nq in group.non_matching.values()]
    base_signature = key.sign(hashed + public_key + mandatory_hash(list(group.matching.values())))
    value = BaseProofValue(base_signature, public_key, hmac_key, signatures, list(mandatory_pointers))
    return serialize_base(value), grouped.findings + config_findings


# -- holder: derived proof (§3.5.4 createDisclosureData, §3.6.6 Add Derived Proof) --------
def derive(secured: dict[str, Any], selective_pointers: list[str],
           loader: OfflineLoader | None = None) -> dict[str, Any]:
    """The reveal document with a derived proof disclosing `selective_pointers` (plus the
    issuer's mandatory pointers). `secured` carries one ecdsa-sd-2023 base proof."""
    loader = loader or default_loader()
    proof = secured.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != NAME:
        raise SdError(R.MALFORMED_PROOF, "derive needs a document with one ecdsa-sd-2023 base proof")
    base = parse_base(proof.get("proofValue"))
    document = {k: v for k, v in secured.items() if k != "proof"}
    combined = base.mandatory_pointers + list(selective_pointers)
    grouped = canonicalize_and_group(
        document, hmac_label_map_factory(base.hmac_key),
        {"mandatory": base.mandatory_pointers, "selective": list(selective_pointers), "combined": combined}, loader)
    mandatory, selective, combined_group = (grouped.groups[n] for n in ("mandatory", "selective", "combined"))
    mandatory_indexes = [relative for relative, absolute in enumerate(combined_group.matching)
                         if absolute in mandatory.matching]
    non_mandatory = [i for i in range(len(grouped.nquads)) if i not in mandatory.matching]
    if len(non_mandatory) != len(base.signatures):
        raise SdError(R.SD_SIGNATURE_COUNT, "the base proof's signature count does not match the document")
    signatures = [sig for index, sig in zip(non_mandatory, base.signatures) if index in selective.matching]
    reveal = select_json_ld(combined, document) or {"@context": document.get("@context")}
    # The verifier's canonical labels of the revealed statements -> the HMAC labels signed.
    canonical = canonical_labels(combined_group.deskolemized_quads)
    verifier_map = {c14n[2:]: grouped.label_map[node[2:]] for node, c14n in canonical.items()}
    new_proof = dict(proof)
    new_proof["proofValue"] = serialize_derived(DerivedProofValue(
        base.base_signature, base.public_key, signatures, verifier_map, mandatory_indexes))
    reveal["proof"] = new_proof
    return reveal


# -- verifier: derived proof (§3.5.9 createVerifyData, §3.6.7 Verify Derived Proof) -------
@dataclass
class VerifyData:
    proof_hash: bytes
    derived: DerivedProofValue
    nquads: list[str]
    findings: list[Finding]

    @property
    def mandatory(self) -> list[str]:
        wanted = set(self.derived.mandatory_indexes)
        return [nq for i, nq in enumerate(self.nquads) if i in wanted]

    @property
    def non_mandatory(self) -> list[str]:
        wanted = set(self.derived.mandatory_indexes)
        return [nq for i, nq in enumerate(self.nquads) if i not in wanted]


def create_verify_data(unsecured: dict[str, Any], proof: dict[str, Any],
                       loader: OfflineLoader | None = None) -> VerifyData:
    """Parse the derived proof and canonicalize the revealed document under its label map.
    Raises SdError, jsonld.ContextError / JsonLdError."""
    loader = loader or default_loader()
    derived = parse_derived(proof.get("proofValue"))
    hashed, config_findings = proof_hash(unsecured, proof, loader)
    quads, findings = document_quads(unsecured, loader)
    try:
        nquads, _ = label_replacement_canonicalize(quads, label_map_factory(derived.label_map))
    except LabelMapError as exc:
        raise SdError(R.MALFORMED_PROOF, str(exc)) from None
    return VerifyData(hashed, derived, nquads, findings + config_findings)


def verify_statements(data: VerifyData, issuer_key: Key) -> None:
    """§3.6.7 steps after createVerifyData: the signature count, the base signature over
    proofHash || publicKey || mandatoryHash, then every disclosed statement's signature."""
    derived = data.derived
    if any(i >= len(data.nquads) for i in derived.mandatory_indexes):
        # The base signature covers statements the document no longer has: it cannot verify.
        raise SdError(R.BAD_SIGNATURE, f"mandatory statement {max(derived.mandatory_indexes)} is missing from the "
                      f"{len(data.nquads)} revealed statements")
    non_mandatory = data.non_mandatory
    if len(derived.signatures) != len(non_mandatory):
        raise SdError(R.SD_SIGNATURE_COUNT, f"the proof carries {len(derived.signatures)} statement signatures "
                      f"for {len(non_mandatory)} non-mandatory statements")
    to_verify = data.proof_hash + derived.public_key + mandatory_hash(data.mandatory)
    if not issuer_key.verify(derived.base_signature, to_verify):
        raise SdError(R.BAD_SIGNATURE, "the ecdsa-sd-2023 base signature (proof config, proof-scoped key, "
                      "mandatory statements) does not verify")
    scoped = proof_scoped_key(derived.public_key)
    for index, (nq, signature) in enumerate(zip(non_mandatory, derived.signatures)):
        if not scoped.verify(signature, nq.encode("utf-8")):
            raise SdError(R.BAD_SIGNATURE, f"the signature of disclosed statement {index} does not verify")


# -- holder: check a base proof before deriving ----------------------------------------
def verify_base(unsecured: dict[str, Any], proof: dict[str, Any], issuer_key: Key,
                loader: OfflineLoader | None = None) -> list[Finding]:
    """The holder's check: recompute the HMAC-labeled statements with the base proof's own
    HMAC key and verify the base signature and every statement signature. Raises SdError."""
    loader = loader or default_loader()
    base = parse_base(proof.get("proofValue"))
    grouped = canonicalize_and_group(unsecured, hmac_label_map_factory(base.hmac_key),
                                     {"mandatory": base.mandatory_pointers}, loader)
    group = grouped.groups["mandatory"]
    hashed, config_findings = proof_hash(unsecured, proof, loader)
    data = VerifyData(hashed, DerivedProofValue(base.base_signature, base.public_key, base.signatures, {},
                                                list(group.matching)), grouped.nquads, [])
    verify_statements(data, issuer_key)
    return grouped.findings + config_findings


def proof_kind(proof_value: Any) -> str | None:
    """"base", "derived" or None, from the proofValue's header."""
    try:
        raw = b64url_decode(proof_value[1:8]) if isinstance(proof_value, str) and proof_value.startswith("u") else b""
    except (ValueError, TypeError):
        return None
    return {BASE_HEADER: "base", DERIVED_HEADER: "derived"}.get(raw[:3])

