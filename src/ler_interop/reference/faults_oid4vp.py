"""Fault switches of the reference OpenID4VP verifier (names start with ``verifier.oid4vp-``).

Merged into faults.CATALOG; each breaks exactly one rule a VER-OID4VP check tests. The
verifier's VC API faults that are toolkit `ignore` sets (verifier.accept-tampered,
verifier.ignore-expiry, verifier.ignore-revocation, verifier.reject-did-web, verifier.reject-all)
apply to OpenID4VP presentations too.
"""

OID4VP_FAULTS: dict[str, str] = {
    # -- the request ---------------------------------------------------------------------------
    "verifier.oid4vp-no-typ": "signs Request Objects without the `typ: oauth-authz-req+jwt` header",
    "verifier.oid4vp-no-response-mode": "leaves `response_mode` out of the Request Object",
    "verifier.oid4vp-client-id-mismatch": "puts the bare DID, without its `decentralized_identifier:` prefix, "
                                          "in the request URL's client_id",
    "verifier.oid4vp-foreign-request-key": "signs Request Objects with a key its client_id DID does not list",
    "verifier.oid4vp-short-nonce": "uses 8 hex characters (32 bits) as the nonce",
    "verifier.oid4vp-static-nonce": "uses the same nonce for every request",
    "verifier.oid4vp-no-state": "leaves `state` out of the Request Object",
    "verifier.oid4vp-ask-more-than-named": "adds a claim (`issuer`) the backchannel's DCQL query did not name",
    "verifier.oid4vp-no-client-metadata": "leaves `client_metadata` (vp_formats_supported) out of the Request Object",
    # -- the response endpoint -------------------------------------------------------------------
    "verifier.oid4vp-ok-not-json": "answers a processed response with 200 text/plain instead of a JSON object",
    "verifier.oid4vp-accept-replay": "accepts a second response to an already answered request",
    "verifier.oid4vp-accept-unknown-state": "answers 200 to a response whose state matches no request",
    "verifier.oid4vp-500-on-reject": "answers 500 with a stack trace instead of 400 when it rejects a response",
    # -- the verdict -----------------------------------------------------------------------------
    "verifier.oid4vp-ignore-nonce": "takes whatever nonce a presentation carries (challenge, JWT or KB-JWT nonce)",
    "verifier.oid4vp-ignore-audience": "takes whatever audience a presentation names (domain, JWT or KB-JWT aud)",
    "verifier.oid4vp-ignore-holder-binding": "skips holder binding: credential subject = presenter, KB-JWT signed by `cnf`",
    "verifier.oid4vp-ignore-sd-hash": "does not compare the KB-JWT `sd_hash` with the presented SD-JWT",
    "verifier.oid4vp-skip-sdjwt-issuer-signature": "does not verify an SD-JWT's issuer signature (still checks the KB-JWT)",
    "verifier.oid4vp-accept-missing-kb": "accepts an SD-JWT without a KB-JWT although holder binding is required",
    "verifier.oid4vp-ignore-kb-iat": "accepts a KB-JWT whatever its `iat`",
    "verifier.oid4vp-ignore-missing-claims": "accepts presentations lacking claims the DCQL query asked for",
    "verifier.oid4vp-ignore-type": "accepts credentials whose type (type_values / vct_values) was not asked",
    "verifier.oid4vp-any-embedded-format": "accepts a W3C presentation whatever the format of the credentials inside it",
}
