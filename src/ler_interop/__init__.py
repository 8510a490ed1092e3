"""ler-interop: an interoperability conformance suite for Learning & Employment Records."""

__version__ = "0.1.0"

# The spec versions every verdict is judged against; written into every results header.
SPEC_VERSIONS = {
    "vc-data-model": "2.0 (W3C Recommendation 2025-05-15)",
    "vc-data-integrity": "1.0 (W3C Recommendation 2025-05-15)",
    "vc-di-eddsa": "1.0 (W3C Recommendation 2025-05-15)",
    "vc-di-ecdsa": "1.0 (W3C Recommendation 2025-05-15)",
    "vc-jose-cose": "1.0 (W3C Recommendation 2025-05-15)",
    "vc-bitstring-status-list": "1.0 (W3C Recommendation 2025-05-15)",
    "vc-api": "VCALM 1.0 (W3C CCG Final Report 2026-03-20)",
    "openid4vci": "1.0 (Final)",
    "openid4vp": "1.0 (Final)",
    "sd-jwt-vc": "draft-ietf-oauth-sd-jwt-vc",
    "sd-jwt": "RFC 9901",
    "token-status-list": "draft-ietf-oauth-status-list",
    "open-badges": "3.0 (1EdTech)",
    "clr": "2.0 (1EdTech)",
    "rdf-canon": "RDFC-1.0 (W3C Recommendation 2024-05-21)",
    "did-core": "1.0",
}
