"""What Data Integrity signing and verification share (VC Data Integrity 1.0,
https://www.w3.org/TR/vc-data-integrity/): the proof type and contexts, dateTimeStamps,
multibase proof values, the proof configuration, and the proofs a chained proof names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import base58

from . import findings as R
from .findings import Finding
from .keys import Key

PROOF_TYPE = "DataIntegrityProof"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DI_CONTEXTS = ("https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/data-integrity/v1")
# Proof `created` later than now by more than this is "not yet valid" (clock skew allowance).
CLOCK_SKEW = timedelta(minutes=5)

# XML Schema 1.1 dateTime (https://www.w3.org/TR/xmlschema11-2/#dateTime); DI 1.0 §2.1 asks
# `created` and `expires` to be dateTimeStamps (the time zone is required).
DATETIME_STAMP = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$"
)
_BASE58_ALPHABET = re.compile(r"^[1-9A-HJ-NP-Za-km-z]+$")

ResolveVm = Callable[[str, str], tuple[Key, str]]


class SigningError(ValueError):
    """The document cannot be secured: unknown cryptosuite, wrong key, undefined terms..."""


class Reject(Exception):
    """Internal: one proof fails with a reason (turned into a ProofResult)."""

    def __init__(self, reason: str, message: str, findings: list[Finding] | None = None):
        self.reason = reason
        self.findings = findings or []
        super().__init__(message)


def xsd_datetime(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_stamp(value: datetime | str, field: str) -> str:
    text = xsd_datetime(value) if isinstance(value, datetime) else value
    if not isinstance(text, str) or not DATETIME_STAMP.match(text):
        raise SigningError(f"{field} {value!r} is not an XML Schema dateTimeStamp")
    return text


def parse_stamp(text: str) -> datetime:
    """Raises ValueError for pattern-valid but impossible stamps (Feb 30, year 10000)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc ('z'), the proofValue encoding of all three suites."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_multibase(value: Any) -> bytes:
    if not isinstance(value, str) or not value.startswith("z") or not _BASE58_ALPHABET.match(value[1:]):
        raise ValueError("proofValue must be a multibase base58btc string starting with 'z'")
    return base58.b58decode(value[1:])


def proofs_of(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def context_list(document: dict[str, Any]) -> list[Any]:
    context = document.get("@context")
    if context is None:
        return []
    return list(context) if isinstance(context, list) else [context]


def defines_data_integrity(context: list[Any]) -> bool:
    return any(c == VC_V2_CONTEXT or c in DI_CONTEXTS for c in context)


def proof_config_for(document: dict[str, Any], proof_options: dict[str, Any]) -> dict[str, Any]:
    """The proof configuration: the proof options with the document's `@context`
    (vc-di-eddsa §3.2.5 / §3.3.5; vc-di-ecdsa §3.2.5)."""
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def previous_proofs(previous: Any, all_proofs: list[Any]) -> list[dict[str, Any]]:
    """The proofs a chained proof names by `id` (DI 1.0 §4.3 / §4.5 step 3.2); a name that
    matches no proof of the set is an error, never skipped."""
    wanted = [previous] if isinstance(previous, str) else list(previous)
    by_id = {p.get("id"): p for p in all_proofs if isinstance(p, dict) and isinstance(p.get("id"), str)}
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise Reject(R.MALFORMED_PROOF, f"previousProof {missing[0][:120]!r} names no proof of this document")
    return [by_id[w] for w in wanted]


def in_proof(finding: Finding, index: int | None) -> Finding:
    prefix = "$.proof" if index is None else f"$.proof[{index}]"
    return Finding(finding.rule, prefix + finding.path[1:], finding.message)
