// Receiving over OpenID4VCI 1.0 (pre-authorized code flow) with the OpenWallet Foundation's
// Openid4vciClient: offer resolution (by value or credential_offer_uri), issuer and
// authorization server metadata, the Token Request with tx_code, the Nonce Endpoint, the
// `openid4vci-proof+jwt` key proof and the Credential Request are all the library's. The glue
// picks a fresh holder key per offer, names it the way the configuration binds (`jwk`, or a
// did:jwk DID URL), and checks what arrives (./credentials.mjs) before anything is stored.
import { Openid4vciClient } from '@openid4vc/openid4vci'
import { clientAuthenticationAnonymous, preAuthorizedCodeGrantIdentifier } from '@openid4vc/oauth2'
import { didJwk, generateKey, oid4vcCallbacks } from '../common/keys.mjs'
import { checkIssued, FORMATS } from './credentials.mjs'

export class WalletError extends Error {
  constructor(code, description) {
    super(description)
    this.code = code // issuance_failed | credential_rejected | request_rejected | invalid_request
  }
}

const MAX_CREDENTIALS = 10 // per Credential Response; more is a hostile issuer, not a batch we asked for
const PROOF_ALG = 'ES256'

const failed = (step, error) => new WalletError('issuance_failed', `${step}: ${describe(error)}`.slice(0, 500))

/** The library's errors carry the response; say what the other side answered. */
function describe(error) {
  const said = error?.errorResponse ?? error?.response?.status
  const text = String(error?.message ?? error).split('\n')[0]
  return said ? `${text} (${typeof said === 'object' ? JSON.stringify(said) : `HTTP ${said}`})` : text
}

/** How the key proof names the holder key: `jwk`, or a did:jwk DID URL for DID-bound formats. */
function signerFor(configuration, holder) {
  const methods = configuration.cryptographic_binding_methods_supported ?? ['jwk']
  if (methods.includes('jwk')) return { method: 'jwk', publicJwk: holder.publicJwk, alg: PROOF_ALG }
  if (methods.includes('did:jwk')) return { method: 'did', didUrl: `${didJwk(holder.publicJwk)}#0`, alg: PROOF_ALG }
  throw new WalletError('issuance_failed', `no binding method this wallet can prove (${methods.join(', ')})`)
}

async function step(name, run) {
  try {
    return await run()
  } catch (error) {
    if (error instanceof WalletError) throw error
    throw failed(name, error)
  }
}

/** Run the offer to the end; [{format, credential, holder}] of verified credentials, or throws WalletError. */
export async function receive(offerUri, txCode) {
  const holder = await generateKey(PROOF_ALG)
  const client = new Openid4vciClient({
    // A wallet has no client registration: pre-authorized Token Requests are anonymous (§6.1).
    callbacks: { ...oid4vcCallbacks([holder.privateJwk]), clientAuthentication: clientAuthenticationAnonymous() },
  })
  const offer = await step('credential offer', () => client.resolveCredentialOffer(offerUri))
  if (!offer.grants?.[preAuthorizedCodeGrantIdentifier]) throw new WalletError('issuance_failed', 'the offer has no pre-authorized code grant (the only flow this wallet runs)')
  const metadata = await step('issuer metadata', () => client.resolveIssuerMetadata(offer.credential_issuer))
  const configurations = metadata.credentialIssuer.credential_configurations_supported
  const { accessTokenResponse } = await step('token request', () => client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata: metadata, txCode: txCode ?? undefined,
  }))
  const issued = []
  for (const configurationId of offer.credential_configuration_ids) {
    const configuration = configurations[configurationId]
    if (!configuration) throw new WalletError('issuance_failed', `offered configuration ${configurationId} is not in the issuer's metadata`)
    if (!FORMATS.includes(configuration.format)) throw new WalletError('issuance_failed', `format ${configuration.format} is not one this wallet holds`)
    const signer = signerFor(configuration, holder)
    const response = await step('credential request', async () => {
      const nonce = metadata.credentialIssuer.nonce_endpoint
        ? (await client.requestNonce({ issuerMetadata: metadata })).c_nonce : accessTokenResponse.c_nonce
      const { jwt } = await client.createCredentialRequestJwtProof({
        issuerMetadata: metadata, credentialConfigurationId: configurationId, signer, nonce,
      })
      return client.retrieveCredentials({
        issuerMetadata: metadata, credentialConfigurationId: configurationId,
        accessToken: accessTokenResponse.access_token, proofs: { jwt: [jwt] },
      })
    })
    const credentials = response.credentialResponse.credentials ?? []
    if (!credentials.length) throw new WalletError('issuance_failed', 'the Credential Response holds no credential (deferred issuance is not supported)')
    for (const { credential } of credentials) issued.push({ format: configuration.format, credential, holder })
  }
  if (issued.length > MAX_CREDENTIALS) throw new WalletError('issuance_failed', `the issuer returned ${issued.length} credentials`)
  for (const item of issued) await checkIssued(item) // all or nothing: one bad credential refuses the offer
  return issued
}
