"""Fault switches of the reference wallet (names start with ``wallet.``).

Merged into faults.CATALOG; each breaks exactly one behaviour of the wallet backchannel v1
(docs/backchannels.openapi.yaml) or of the OpenID4VCI / OpenID4VP flows the wallet runs, so
a WAL check can be shown to fail against it.
"""

WALLET_FAULTS: dict[str, str] = {
    # describing itself
    "wallet.describe-no-formats": "`GET /` omits `formats`",
    # receiving (OpenID4VCI)
    "wallet.no-by-reference": "cannot resolve `credential_offer_uri` (answers 422 issuance_failed without fetching)",
    "wallet.drop-tx-code": "sends no `tx_code` in the Token Request",
    "wallet.wrong-configuration": (
        "asks the Credential Endpoint for a credential_configuration_id other than the offered one "
        "(the first other supported one)"),
    "wallet.proof-wrong-typ": "key proof JWT header `typ: JWT`",
    "wallet.proof-wrong-aud": "key proof `aud` = the token endpoint, not the Credential Issuer Identifier",
    "wallet.proof-no-nonce": "key proof without `nonce` although the issuer has a Nonce Endpoint",
    "wallet.proof-bad-signature": "key proof signature does not verify",
    "wallet.proof-no-iat": "key proof without `iat`",
    "wallet.proof-iss": "key proof with `iss` (its holder DID) although the token came from anonymous pre-authorized access",
    "wallet.refuse-but-keep": "answers 422 credential_rejected for a credential it refuses, and stores it anyway",
    "wallet.proof-kid-and-jwk": "key proof header carries both `kid` and `jwk`",
    "wallet.accept-bad-signature": "stores a credential whose proof/signature does not verify",
    "wallet.accept-foreign-binding": "stores a credential bound to another key",
    "wallet.accept-unbound": "stores a credential with no holder binding at all (no subject id, no cnf) after sending a key proof",
    # storing
    "wallet.ascii-fold": "stores ldp_vc credentials with non-ASCII characters replaced by `?`",
    "wallet.flatten-language-maps": "stores ldp_vc language value objects (`{\"@value\",\"@language\"}`) as their `@value`",
    "wallet.drop-evidence": "stores ldp_vc without `evidence`",
    "wallet.drop-alignment": "stores ldp_vc without `credentialSubject.achievement.alignment`",
    "wallet.reencode-compact": "stores jwt_vc_json / dc+sd-jwt as the decoded JSON payload instead of the compact string",
    "wallet.single-issuer": "receiving from a new issuer drops the credentials of every other issuer",
    # presenting (OpenID4VP)
    "wallet.present-wrong-nonce": "presentations bound to another nonce",
    "wallet.present-wrong-audience": "presentations bound to another audience",
    "wallet.disclose-all": "SD-JWT presentations disclose every disclosure",
    "wallet.disclose-none": "SD-JWT presentations disclose nothing, not even the claims asked for",
    "wallet.ignore-decline": "presents although consent is `decline` (and answers \"presented\")",
    "wallet.no-decline-error": "on decline / no match posts nothing to the response_uri (SHOULD)",
    "wallet.present-revoked-silently": "skips status: presents revoked credentials with no warning",
    "wallet.present-unasked": "presents every stored credential of the asked format, matching or not",
    "wallet.ignore-request-signature": "accepts a Request Object whose signature does not verify",
    "wallet.no-state": "posts the response without `state`",
    "wallet.vp-token-by-format": "keys the vp_token by format instead of the credential query id",
    # managing
    "wallet.delete-keeps-listed": "DELETE answers 204 but the credential stays listed and fetchable",
    "wallet.export-keeps-deleted": "deleted credentials still appear in the export",
    "wallet.export-drops-evidence": "export strips `evidence` from ldp_vc credentials",
    "wallet.import-drops-alignment": "import loses `credentialSubject.achievement.alignment`",
    "wallet.import-accepts-tampered": "imports a credential whose proof/signature does not verify",
    "wallet.reset-keeps-credentials": "reset answers 204 and keeps everything",
}
