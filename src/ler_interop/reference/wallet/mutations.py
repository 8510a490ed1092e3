"""The content fault switches of the reference wallet: what a careless wallet does to a
credential between receiving it and showing (or exporting) it. Each takes the credential as
issued and returns a changed copy; nothing here touches the original."""

from __future__ import annotations

import copy
from typing import Any

from ...credentials.jws import parse_compact
from ...protocols.oid4vci_formats import sd_jwt_parts
from ..mutations import ascii_fold, drop_language_map

# wallet.ascii-fold and wallet.flatten-language-maps do to a stored credential what the issuer's
# faults of the same effect do to an issued one.
flatten_language_maps = drop_language_map


def drop_evidence(credential: Any) -> Any:
    if not isinstance(credential, dict) or "evidence" not in credential:
        return credential
    return {k: v for k, v in credential.items() if k != "evidence"}


def drop_alignment(credential: Any) -> Any:
    """Remove `credentialSubject.achievement.alignment` (OB 3.0 Alignment) from every subject."""
    if not isinstance(credential, dict):
        return credential
    out = copy.deepcopy(credential)
    subjects = out.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict):
            achievement.pop("alignment", None)
    return out


def decoded(credential: Any, fmt: str) -> Any:
    """wallet.reencode-compact: the JWT payload (jwt_vc_json) or the SD-JWT VC's claims with every
    disclosure applied, instead of the compact serialisation that carries the signature."""
    if fmt == "dc+sd-jwt":
        return sd_jwt_parts(credential)[1]
    return parse_compact(credential).payload_json()


def as_stored(credential: Any, fmt: str, faults: frozenset[str]) -> Any:
    """What the wallet keeps of a credential it received (the identity without faults)."""
    if fmt == "ldp_vc":
        for fault, change in (("wallet.ascii-fold", ascii_fold), ("wallet.flatten-language-maps", flatten_language_maps),
                              ("wallet.drop-evidence", drop_evidence), ("wallet.drop-alignment", drop_alignment)):
            if fault in faults:
                credential = change(credential)
        return credential
    if "wallet.reencode-compact" in faults:
        return decoded(credential, fmt)
    return credential
