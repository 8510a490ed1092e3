"""WAL check id -> the reference wallet fault that makes it fail (merged into
test_fault_coverage.FAULT_FOR), and the journey's."""

FAULT_FOR: dict[str, str] = {
    # receiving over OpenID4VCI
    "WAL-OID4VCI-001": "wallet.proof-bad-signature",  # the suite's issuer refuses the proof: nothing received
    "WAL-OID4VCI-002": "wallet.no-by-reference",
    "WAL-OID4VCI-003": "wallet.drop-tx-code",
    "WAL-OID4VCI-004": "wallet.drop-tx-code",
    "WAL-OID4VCI-005": "wallet.wrong-configuration",
    "WAL-OID4VCI-006": "wallet.proof-wrong-typ",
    "WAL-OID4VCI-007": "wallet.proof-wrong-aud",
    "WAL-OID4VCI-008": "wallet.proof-no-nonce",
    "WAL-OID4VCI-009": "wallet.proof-bad-signature",
    "WAL-OID4VCI-010": "wallet.proof-kid-and-jwk",
    "WAL-OID4VCI-011": "wallet.accept-bad-signature",
    "WAL-OID4VCI-012": "wallet.accept-foreign-binding",
    "WAL-OID4VCI-013": "wallet.proof-no-iat",
    "WAL-OID4VCI-014": "wallet.accept-unbound",
    # storing
    "WAL-STORE-001": "wallet.reencode-compact",
    "WAL-STORE-002": "wallet.ascii-fold",
    "WAL-STORE-003": "wallet.flatten-language-maps",
    "WAL-STORE-004": "wallet.drop-evidence",
    "WAL-STORE-005": "wallet.drop-alignment",
    "WAL-STORE-006": "wallet.single-issuer",
    "WAL-STORE-007": "wallet.delete-keeps-listed",
    # presenting over OpenID4VP
    "WAL-OID4VP-001": "wallet.present-wrong-nonce",
    "WAL-OID4VP-002": "wallet.present-wrong-nonce",
    "WAL-OID4VP-003": "wallet.present-wrong-audience",
    "WAL-OID4VP-004": "wallet.disclose-all",
    "WAL-OID4VP-005": "wallet.disclose-all",
    "WAL-OID4VP-006": "wallet.present-unasked",
    "WAL-OID4VP-007": "wallet.present-unasked",
    "WAL-OID4VP-008": "wallet.ignore-decline",
    "WAL-OID4VP-009": "wallet.no-decline-error",
    "WAL-OID4VP-010": "wallet.present-revoked-silently",
    "WAL-OID4VP-011": "wallet.ignore-request-signature",
    "WAL-OID4VP-012": "wallet.no-state",
    "WAL-OID4VP-013": "wallet.vp-token-by-format",
    # leaving with everything
    "WAL-PORT-001": "wallet.export-drops-evidence",
    "WAL-PORT-002": "wallet.export-keeps-deleted",
    "WAL-PORT-003": "wallet.export-drops-evidence",
    "WAL-PORT-004": "wallet.import-drops-alignment",
    "WAL-PORT-005": "wallet.import-accepts-tampered",
    # issuer A -> wallet W -> verifier B: a cell judges B
    "INT-JOURNEY-001": "verifier.reject-all",
}

# Second faults for checks that guard more than one failure (each must fail the checks named).
MORE_FAULTS: dict[str, tuple[str, ...]] = {
    "wallet.refuse-but-keep": ("WAL-OID4VCI-011", "WAL-OID4VCI-012", "WAL-OID4VCI-014"),  # says no, keeps it anyway
    "wallet.proof-iss": ("WAL-OID4VCI-013",),  # the iss half of the check (iat: wallet.proof-no-iat)
}

# Faults no check maps to, and the test that proves each.
PROVEN_ELSEWHERE = {
    "wallet.reset-keeps-credentials": "test_wallet_reference.py (reset answers 204 and keeps everything)",
    "wallet.describe-no-formats": "test_wallet_reference.py (GET / omits formats)",
    "wallet.disclose-none": "test_vacuous_passes.py (WAL-OID4VP-005 is not judged when nothing asked is disclosed)",
}
