"""The shared vocabulary of the credential toolkit's answers.

A `Finding` is one rule broken at one JSON path. A `ProofResult` is the answer of one
securing mechanism (Data Integrity, VC-JOSE, SD-JWT) with a precise `reason` on failure,
so negative checks can assert *why* something was rejected. A `Check` is one named step
of a verification (`proof`, `issuer-binding`, `validity`, `status`, `data-model`, `schema`,
`jsonld`), and a `VerificationResult` is the list of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Failure reasons of a securing mechanism. Stable strings: reports and checks match on them.
MALFORMED_PROOF = "malformed-proof"
NO_PROOF = "no-proof"
UNKNOWN_CRYPTOSUITE = "unknown-cryptosuite"
# A well-formed proof of a `type` this suite does not implement (not a defect of the proof).
UNSUPPORTED_PROOF_TYPE = "unsupported-proof-type"
KEY_NOT_FOUND = "key-not-found"
KEY_NOT_AUTHORIZED = "key-not-authorized"
BAD_SIGNATURE = "bad-signature"
CONTEXT_PROBLEM = "context"
PROOF_EXPIRED = "proof-expired"
PROOF_NOT_YET_VALID = "proof-not-yet-valid"
CHALLENGE_MISMATCH = "challenge-mismatch"
DOMAIN_MISMATCH = "domain-mismatch"
WRONG_PURPOSE = "wrong-proof-purpose"
HOLDER_BINDING = "holder-binding"
# ecdsa-sd-2023: a base proof (the holder's copy) presented to a verifier, and a derived proof
# whose statement signatures do not pair with the revealed non-mandatory statements.
SD_BASE_PROOF = "sd-base-proof"
SD_SIGNATURE_COUNT = "sd-signature-count"

# The party a failed check points at: the issuer (its signature, key, data) or the holder (the
# wallet that presented: its proof, KB-JWT, the disclosures it sent). Reports name it, so a
# vendor is never sent after another party's defect.
ISSUER = "issuer"
HOLDER = "holder"


class VerificationMethodError(Exception):
    """Raised by a `resolve_vm(vm_url, purpose)` callback (did.DidResolver.resolve_vm or a
    test's own): `reason` is KEY_NOT_FOUND or KEY_NOT_AUTHORIZED. One class for every
    securing mechanism, so each turns a resolution failure into that reason, never a crash."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Finding:
    rule: str  # a stable rule id, e.g. "vcdm2.context.first"
    path: str  # a JSON path, e.g. "$.credentialSubject[0].id"
    message: str

    def __str__(self) -> str:
        return f"{self.rule} at {self.path}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "path": self.path, "message": self.message}


@dataclass
class ProofResult:
    ok: bool
    reason: str | None = None  # one of the reason constants above when not ok
    message: str = ""
    # What signed, for the issuer-binding step: verification method ids and their controllers.
    verification_methods: list[str] = field(default_factory=list)
    controllers: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fail(cls, reason: str, message: str, **kw: Any) -> "ProofResult":
        return cls(False, reason, message, **kw)


@dataclass
class Check:
    name: str
    ok: bool
    message: str = ""
    reason: str | None = None
    findings: list[Finding] = field(default_factory=list)
    party: str | None = None  # ISSUER or HOLDER: whose fault a failure is, where one party answers for it
    # What passed unjudged, e.g. a proof of a type the suite does not implement (DI proof sets).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "ok": self.ok, "message": self.message}
        if self.reason:
            out["reason"] = self.reason
        if self.party:
            out["party"] = self.party
        if self.findings:
            out["findings"] = [f.to_dict() for f in self.findings]
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


@dataclass
class VerificationResult:
    checks: list[Check] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def errors(self) -> list[str]:
        return [f"{c.name}{f' ({c.party})' if c.party else ''}: {c.message}" for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return {"verified": self.verified, "checks": [c.to_dict() for c in self.checks], "errors": self.errors}
