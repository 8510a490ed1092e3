"""VER-OID4VP check id -> the reference fault that makes it fail (merged into
test_fault_coverage.FAULT_FOR)."""

FAULT_FOR: dict[str, str] = {
    # the request
    "VER-OID4VP-001": "verifier.oid4vp-no-typ",
    "VER-OID4VP-002": "verifier.oid4vp-no-response-mode",
    "VER-OID4VP-003": "verifier.oid4vp-client-id-mismatch",
    "VER-OID4VP-004": "verifier.oid4vp-foreign-request-key",
    "VER-OID4VP-005": "verifier.oid4vp-short-nonce",
    "VER-OID4VP-006": "verifier.oid4vp-static-nonce",
    "VER-OID4VP-007": "verifier.oid4vp-no-state",
    "VER-OID4VP-008": "verifier.oid4vp-ask-more-than-named",
    "VER-OID4VP-009": "verifier.oid4vp-no-client-metadata",
    # the response URI, accepting what is valid
    "VER-OID4VP-010": "verifier.reject-all",
    "VER-OID4VP-011": "verifier.oid4vp-ok-not-json",
    "VER-OID4VP-012": "verifier.reject-did-web",
    "VER-OID4VP-013": "verifier.oid4vp-accept-replay",
    "VER-OID4VP-014": "verifier.oid4vp-accept-unknown-state",
    # rejections (each after its positive control)
    "VER-OID4VP-020": "verifier.oid4vp-ignore-nonce",
    "VER-OID4VP-021": "verifier.oid4vp-ignore-audience",
    "VER-OID4VP-022": "verifier.accept-tampered",
    "VER-OID4VP-023": "verifier.oid4vp-ignore-holder-binding",
    "VER-OID4VP-024": "verifier.oid4vp-ignore-sd-hash",
    "VER-OID4VP-025": "verifier.ignore-expiry",
    "VER-OID4VP-025-LDP": "verifier.ignore-expiry",
    "VER-OID4VP-026": "verifier.ignore-revocation",
    "VER-OID4VP-027": "verifier.oid4vp-ignore-holder-binding",
    "VER-OID4VP-028": "verifier.oid4vp-ignore-missing-claims",
    "VER-OID4VP-029": "verifier.oid4vp-ignore-type",
    "VER-OID4VP-030": "verifier.ignore-revocation",
    "VER-OID4VP-031": "verifier.oid4vp-any-embedded-format",
    "VER-OID4VP-032": "verifier.oid4vp-skip-sdjwt-issuer-signature",
    "VER-OID4VP-033": "verifier.oid4vp-accept-missing-kb",
    "VER-OID4VP-034": "verifier.oid4vp-ignore-kb-iat",
}
