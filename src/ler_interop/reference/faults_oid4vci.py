"""Fault switches of the reference OpenID4VCI issuer (names start with ``issuer.oid4vci-``).

Merged into faults.CATALOG; each breaks exactly one rule an ISS-OID4VCI check tests.
"""

OID4VCI_FAULTS: dict[str, str] = {
    # metadata and offers
    "issuer.oid4vci-metadata-wrong-issuer": "metadata `credential_issuer` has a trailing slash the identifier lacks",
    "issuer.oid4vci-relative-endpoint": "metadata `notification_endpoint` is a relative path, not an absolute URL",
    "issuer.oid4vci-config-without-format": "the ldp_vc credential configuration has no `format`",
    "issuer.oid4vci-as-metadata-no-token-endpoint": "OAuth AS metadata omits `token_endpoint`",
    "issuer.as-metadata-no-response-types": "OAuth AS metadata omits `response_types_supported` (RFC 8414 §2: REQUIRED)",
    "issuer.oid4vci-offer-wrong-issuer": "credential offers name another `credential_issuer` than the metadata",
    "issuer.oid4vci-offer-uri-text-plain": "an offer fetched by reference is served as text/plain, not application/json",
    # token endpoint
    "issuer.oid4vci-no-tx-code-check": "the token endpoint ignores tx_code (missing or wrong, it issues a token)",
    "issuer.oid4vci-reusable-pre-auth-code": "a pre-authorized code can be redeemed again and again",
    "issuer.oid4vci-token-cacheable": "token responses lack `Cache-Control: no-store`",
    # nonce endpoint
    "issuer.oid4vci-nonce-cacheable": "nonce responses are `Cache-Control: public, max-age=60`",
    "issuer.oid4vci-static-nonce": "the nonce endpoint answers the same c_nonce every time",
    # credential endpoint
    "issuer.oid4vci-legacy-response": "answers a pre-1.0 `{\"credential\": ...}` instead of `credentials[]`",
    "issuer.oid4vci-bad-credential-signature": "issued credentials carry a signature that does not verify",
    "issuer.oid4vci-unbound-credential": "issued credentials are not bound to the wallet's key (other subject id, no cnf)",
    "issuer.oid4vci-schema-invalid": "issued OB 3.0 credentials lack `achievement.criteria`",
    "issuer.oid4vci-ascii-names": "non-ASCII characters of the offered claims become '?'",
    "issuer.oid4vci-sd-jwt-clear-claims": "SD-JWT VCs carry every claim in clear (no disclosures)",
    "issuer.oid4vci-sd-jwt-wrapped-claims": "SD-JWT VCs whose vct is no Open Badge wrap the offer's claims in "
                                            "`credentialSubject` (the Open Badge layout forced on every type)",
    "issuer.oid4vci-no-token-check": "the credential endpoint issues without checking the access token",
    "issuer.oid4vci-token-not-bound": "an access token is good for any configuration, not just its offer's",
    "issuer.oid4vci-accept-unknown-configuration": "an unknown credential_configuration_id gets the offer's first configuration",
    "issuer.oid4vci-ignore-proof-typ": "key proofs are accepted whatever their `typ`",
    "issuer.oid4vci-ignore-proof-aud": "key proofs are accepted whatever their `aud`",
    "issuer.oid4vci-ignore-nonce": "key proofs are accepted with a missing or unknown `nonce`",
    "issuer.oid4vci-reuse-c-nonce": "a c_nonce stays good after a credential was issued with it (no single use)",
    "issuer.oid4vci-ignore-proof-signature": "key proof signatures are not verified",
    "issuer.oid4vci-accept-alg-none": "key proofs with alg `none` or an unsupported alg are accepted unverified",
    "issuer.oid4vci-accept-singular-proof": "accepts the pre-1.0 singular `proof` object",
    "issuer.oid4vci-reject-unknown-fields": "refuses credential requests with parameters it does not know",
    "issuer.oid4vci-batch-same-key": "a batch request binds every credential to the first proof's key",
    # notification endpoint
    "issuer.oid4vci-notification-refused": "the notification endpoint answers every event with invalid_notification_id",
    "issuer.oid4vci-notification-any-id": "the notification endpoint answers 204 for notification ids it never issued",
    "issuer.oid4vci-generic-error-code": "answers every refused credential request with invalid_credential_request, whatever the problem",
    # SD-JWT VC issuer keys
    "issuer.jwt-vc-issuer-mismatch": ("SD-JWT VCs name their key by JWT VC Issuer Metadata whose `issuer` "
                                      "is not the credentials' `iss` (a trailing slash)"),
    # status
    "issuer.oid4vci-no-status": "issues credentials of every format without a status entry (they can never be revoked)",
}
