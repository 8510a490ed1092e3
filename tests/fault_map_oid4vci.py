"""ISS-OID4VCI check id -> the reference fault that makes it fail (merged into
test_fault_coverage.FAULT_FOR)."""

FAULT_FOR: dict[str, str] = {
    # metadata and offers
    "ISS-OID4VCI-001": "issuer.oid4vci-metadata-wrong-issuer",
    "ISS-OID4VCI-002": "issuer.oid4vci-relative-endpoint",
    "ISS-OID4VCI-003": "issuer.oid4vci-config-without-format",
    "ISS-OID4VCI-004": "issuer.oid4vci-as-metadata-no-token-endpoint",
    "ISS-OID4VCI-035": "issuer.as-metadata-no-response-types",
    "ISS-OID4VCI-005": "issuer.oid4vci-offer-wrong-issuer",
    "ISS-OID4VCI-006": "issuer.oid4vci-offer-uri-text-plain",
    # token and nonce endpoints
    "ISS-OID4VCI-007": "issuer.oid4vci-no-tx-code-check",
    "ISS-OID4VCI-008": "issuer.oid4vci-no-tx-code-check",
    "ISS-OID4VCI-009": "issuer.oid4vci-reusable-pre-auth-code",
    "ISS-OID4VCI-010": "issuer.oid4vci-token-cacheable",
    "ISS-OID4VCI-011": "issuer.oid4vci-nonce-cacheable",
    "ISS-OID4VCI-012": "issuer.oid4vci-static-nonce",
    # what the credential endpoint issues
    "ISS-OID4VCI-013": "issuer.oid4vci-legacy-response",
    "ISS-OID4VCI-014": "issuer.oid4vci-bad-credential-signature",
    "ISS-OID4VCI-015": "issuer.oid4vci-unbound-credential",
    "ISS-OID4VCI-016": "issuer.oid4vci-schema-invalid",
    "ISS-OID4VCI-017": "issuer.oid4vci-ascii-names",
    "ISS-OID4VCI-018": "issuer.oid4vci-sd-jwt-clear-claims",
    # credential requests that must be refused (or, 029, accepted)
    "ISS-OID4VCI-019": "issuer.oid4vci-no-token-check",
    "ISS-OID4VCI-020": "issuer.oid4vci-token-not-bound",
    "ISS-OID4VCI-021": "issuer.oid4vci-accept-unknown-configuration",
    "ISS-OID4VCI-022": "issuer.oid4vci-ignore-proof-typ",
    "ISS-OID4VCI-023": "issuer.oid4vci-ignore-proof-aud",
    "ISS-OID4VCI-024": "issuer.oid4vci-ignore-nonce",
    "ISS-OID4VCI-025": "issuer.oid4vci-ignore-nonce",
    "ISS-OID4VCI-036": "issuer.oid4vci-reuse-c-nonce",
    "ISS-OID4VCI-026": "issuer.oid4vci-ignore-proof-signature",
    "ISS-OID4VCI-027": "issuer.oid4vci-accept-alg-none",
    "ISS-OID4VCI-028": "issuer.oid4vci-accept-singular-proof",
    "ISS-OID4VCI-029": "issuer.oid4vci-reject-unknown-fields",
    # batch and notification
    "ISS-OID4VCI-030": "issuer.oid4vci-batch-same-key",
    "ISS-OID4VCI-031": "issuer.oid4vci-notification-refused",
    "ISS-OID4VCI-032": "issuer.oid4vci-notification-any-id",
    "ISS-OID4VCI-033": "issuer.oid4vci-no-status",
    "ISS-OID4VCI-034": "issuer.oid4vci-generic-error-code",
}

# A second fault per check, proving it fails for another reason too (test_a_second_fault_also_fails_its_checks).
MORE_FAULTS: dict[str, tuple[str, ...]] = {
    # The SD-JWT VC's key by JWT VC Issuer Metadata naming another issuer: the credential must not verify.
    "issuer.jwt-vc-issuer-mismatch": ("ISS-OID4VCI-014",),
    # the Open Badge layout forced on a vct that is no Open Badge: its claims are not where it was given them
    "issuer.oid4vci-sd-jwt-wrapped-claims": ("ISS-OID4VCI-017",),
}
