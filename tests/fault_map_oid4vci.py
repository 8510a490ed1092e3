"""ISS-OID4VCI check id -> the reference fault that makes it fail (merged into
test_fault_coverage.FAULT_FOR)."""

FAULT_FOR: dict[str, str] = {
    # metadata and offers
    "ISS-OID4VCI-001": "issuer.oid4vci-metadata-wrong-issuer",
    "ISS-OID4VCI-002": "issuer.oid4vci-relative-endpoint",
    "ISS-OID4VCI-003": "issuer.oid4vci-config-without-format",
    "ISS-OID4VCI-004": "issuer.oid4vci-as-metadata-no-token-endpoint",
    "ISS-OID4VCI-005": "issuer.oid4vci-offer-wrong-issuer",
    "ISS-OID4VCI-006": "issuer.oid4vci-offer-uri-text-plain",
    # token and nonce endpoints
    "ISS-OID4VCI-007": "issuer.oid4vci-no-tx-code-check",
    "ISS-OID4VCI-008": "issuer.oid4vci-no-tx-code-check",
    "ISS-OID4VCI-009": "issuer.oid4vci-reusable-pre-auth-code",
    "ISS-OID4VCI-010": "issuer.oid4vci-token-cacheable",
    "ISS-OID4VCI-011": "issuer.oid4vci-nonce-cacheable",
    "ISS-OID4VCI-012": "issuer.oid4vci-static-nonce",
}
