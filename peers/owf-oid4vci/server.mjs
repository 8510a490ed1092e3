// An OpenID4VCI 1.0 Credential Issuer (and its own Authorization Server) built on the OpenWallet
// Foundation's @openid4vc/openid4vci + @openid4vc/oauth2; credentials are signed by
// @sd-jwt/sd-jwt-vc (dc+sd-jwt) and jose (jwt_vc_json). This file is glue: routing, the
// offer/nonce/token bookkeeping the libraries leave to their caller, and the suite's
// backchannel POST /offers (docs/backchannels.openapi.yaml).
import crypto from 'node:crypto'
import {
  decodeJwt, Oauth2AuthorizationServer, Oauth2ErrorCodes, Oauth2ResourceServer, Oauth2ResourceUnauthorizedError,
  Oauth2ServerErrorResponseError, preAuthorizedCodeGrantIdentifier, SupportedAuthenticationScheme,
} from '@openid4vc/oauth2'
import { Openid4vciIssuer, Openid4vciVersion } from '@openid4vc/openid4vci'
import { HttpError, log, readForm, readJson, requestLike, send, serve } from '../common/http.mjs'
import { didJwk, generateKey, oid4vcCallbacks } from '../common/keys.mjs'
import { configurations, issueCredential, offerClaimsProblem, SD_JWT_CONFIG } from './credentials.mjs'

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }
const NONCE_TTL = 300
const CODE_TTL = 600

// SD_JWT_ISSUER_KEY=did:jwk (default): `iss` is the issuer's did:jwk; =jwt-vc-issuer: `iss` is the
// Credential Issuer URL and the key is published as JWT VC Issuer Metadata (SD-JWT VC §4).
const keyMode = process.env.SD_JWT_ISSUER_KEY === 'jwt-vc-issuer' ? 'jwt-vc-issuer' : 'did:jwk'
const issuerKey = await generateKey('ES256')
const tokenKey = await generateKey('ES256')
const callbacks = oid4vcCallbacks([issuerKey.privateJwk, tokenKey.privateJwk])
const issuer = new Openid4vciIssuer({ callbacks })
const authorizationServer = new Oauth2AuthorizationServer({ callbacks })
const resourceServer = new Oauth2ResourceServer({ callbacks })

const offers = new Map() // offer id -> {object, code, txCode, configurationIds, claims, expiresAt}
const byCode = new Map() // pre-authorized code -> offer id (deleted once redeemed: single use)
const nonces = new Map() // c_nonce -> expiry (ms); deleted once a proof used it
let meta // {base, credentialIssuer, authorizationServer, result, did, kid}

function setup(base) {
  const did = didJwk(issuerKey.publicJwk)
  const kid = keyMode === 'did:jwk' ? `${did}#0` : 'issuer-key-1'
  const credentialIssuer = issuer.createCredentialIssuerMetadata({
    credential_issuer: base,
    credential_endpoint: `${base}/credential`,
    nonce_endpoint: `${base}/nonce`,
    batch_credential_issuance: { batch_size: 4 },
    display: [{ name: 'OWF oid4vc-ts peer issuer', locale: 'en' }],
    credential_configurations_supported: configurations(),
  })
  const as = authorizationServer.createAuthorizationServerMetadata({
    issuer: base,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwks`,
    // REQUIRED by RFC 8414 §2. Only the pre-authorized code grant is served: there is no
    // authorization endpoint, so no response_type is supported (an empty list).
    response_types_supported: [],
    grant_types_supported: [preAuthorizedCodeGrantIdentifier],
    'pre-authorized_grant_anonymous_access_supported': true,
  })
  meta = {
    base, did, kid, credentialIssuer, authorizationServer: as,
    result: {
      credentialIssuer, authorizationServers: [as], originalDraftVersion: Openid4vciVersion.V1,
      knownCredentialConfigurations: issuer.getKnownCredentialConfigurationsSupported(credentialIssuer),
    },
  }
}

function oauthError(error) {
  if (error instanceof Oauth2ServerErrorResponseError) return new HttpError(error.status, error.errorResponse, NO_STORE)
  if (error instanceof Oauth2ResourceUnauthorizedError) {
    return new HttpError(401, { error: 'invalid_token', error_description: error.message.split('\n')[0] },
      { 'www-authenticate': error.toHeaderValue() })
  }
  return error
}

// -- backchannel ------------------------------------------------------------------------------
async function createOffer(req, res) {
  const body = await readJson(req)
  const ids = body.credential_configuration_ids ?? (body.credential_configuration_id ? [body.credential_configuration_id] : null)
  const known = meta.credentialIssuer.credential_configurations_supported
  const problem = (title, detail) =>
    new HttpError(400, { title, status: 400, detail }, { 'content-type': 'application/problem+json' })
  const bad = !Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string' || !(id in known))
  if (bad) {
    throw problem('unknown credential configuration', `credential_configuration_id(s) must name ${Object.keys(known).join(', ')}`)
  }
  // The contract's 400s for `claims`: not an object, meaning two things at once, or an SD-JWT VC's registered claims.
  const claimsProblem = offerClaimsProblem(body.claims, ids.map((id) => known[id]))
  if (claimsProblem) throw problem('malformed offer request', claimsProblem)
  const id = crypto.randomUUID()
  const txCode = typeof body.tx_code === 'string' && body.tx_code ? body.tx_code : undefined
  const { credentialOffer, credentialOfferObject } = await issuer.createCredentialOffer({
    issuerMetadata: meta.result,
    credentialConfigurationIds: ids,
    grants: {
      [preAuthorizedCodeGrantIdentifier]: txCode
        ? { tx_code: { length: txCode.length, input_mode: /^\d+$/.test(txCode) ? 'numeric' : 'text' } }
        : {},
    },
    credentialOfferUri: body.by_reference ? `${meta.base}/credential-offers/${id}` : undefined,
  })
  const code = credentialOfferObject.grants[preAuthorizedCodeGrantIdentifier]['pre-authorized_code']
  offers.set(id, { object: credentialOfferObject, code, txCode, configurationIds: ids,
    claims: body.claims ?? {}, expiresAt: Date.now() + CODE_TTL * 1000 })
  byCode.set(code, id)
  send(res, 201, { offer: credentialOffer, offer_id: id })
}

// -- OAuth: token endpoint --------------------------------------------------------------------
async function token(req, res) {
  const request = requestLike(req, meta.base)
  const form = await readForm(req)
  try {
    const parsed = authorizationServer.parseAccessTokenRequest({
      accessTokenRequest: form, request, authorizationServerMetadata: meta.authorizationServer })
    const id = byCode.get(parsed.grant.preAuthorizedCode)
    const offer = id && offers.get(id)
    await authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
      authorizationServerMetadata: meta.authorizationServer,
      grant: parsed.grant,
      accessTokenRequest: parsed.accessTokenRequest,
      request,
      // an unknown or used code can match nothing: the library answers invalid_grant
      expectedPreAuthorizedCode: offer ? offer.code : crypto.randomUUID(),
      expectedTxCode: offer?.txCode,
      preAuthorizedCodeExpiresAt: offer ? new Date(offer.expiresAt) : undefined,
      dpop: parsed.dpop ? { ...parsed.dpop, required: false } : undefined,
    })
    byCode.delete(offer.code)
    const response = await authorizationServer.createAccessTokenResponse({
      audience: meta.base,
      authorizationServer: meta.base,
      signer: { method: 'jwk', alg: 'ES256', publicJwk: tokenKey.publicJwk },
      subject: id,
      expiresInSeconds: 600,
    })
    send(res, 200, response, NO_STORE)
  } catch (error) {
    throw oauthError(error)
  }
}

// -- OpenID4VCI: nonce and credential endpoints ---------------------------------------------------
function nonce(res) {
  const cNonce = crypto.randomBytes(24).toString('base64url')
  nonces.set(cNonce, Date.now() + NONCE_TTL * 1000)
  send(res, 200, issuer.createNonceResponse({ cNonce, cNonceExpiresIn: NONCE_TTL }), NO_STORE)
}

const credentialError = (error, description) =>
  new HttpError(400, { error, error_description: description }, NO_STORE)

async function credential(req, res) {
  let tokenPayload
  try {
    ;({ tokenPayload } = await resourceServer.verifyResourceRequest({
      request: requestLike(req, meta.base), resourceServer: meta.base,
      authorizationServers: [meta.authorizationServer],
      allowedAuthenticationSchemes: [SupportedAuthenticationScheme.Bearer, SupportedAuthenticationScheme.DPoP],
    }))
  } catch (error) {
    throw oauthError(error)
  }
  const offer = offers.get(tokenPayload.sub)
  if (!offer) throw oauthError(new Oauth2ResourceUnauthorizedError('no such offer', { scheme: 'Bearer', error: 'invalid_token' }))
  const body = await readJson(req)
  let parsed
  try {
    parsed = issuer.parseCredentialRequest({ issuerMetadata: meta.result, credentialRequest: body })
  } catch (error) {
    throw oauthError(error)
  }
  const configId = parsed.credentialConfigurationId
  if (!configId) throw credentialError('invalid_credential_request', 'credential_configuration_id is required')
  if (!offer.configurationIds.includes(configId)) {
    throw credentialError('credential_request_denied', `the access token was not issued for ${configId}`)
  }
  const jwts = parsed.proofs?.jwt
  if (!jwts?.length) throw credentialError('invalid_proof', 'proofs.jwt is required')
  const holders = []
  for (const jwt of jwts) {
    let claimed
    try {
      claimed = decodeJwt({ jwt }).payload.nonce
    } catch {
      throw credentialError('invalid_proof', 'the key proof is not a JWT')
    }
    const expires = typeof claimed === 'string' ? nonces.get(claimed) : undefined
    if (!expires || expires < Date.now()) throw credentialError('invalid_nonce', 'the proof carries no c_nonce this issuer gave, or an expired one')
    try {
      const { signer } = await issuer.verifyCredentialRequestJwtProof({
        issuerMetadata: meta.result, jwt, expectedNonce: claimed, nonceExpiresAt: new Date(expires) })
      holders.push(signer)
    } catch (error) {
      throw oauthError(error)
    }
  }
  for (const jwt of jwts) nonces.delete(decodeJwt({ jwt }).payload.nonce)
  const config = meta.credentialIssuer.credential_configurations_supported[configId]
  const credentials = []
  for (const holder of holders) {
    credentials.push({ credential: await issueCredential({ configId, config, holder, claims: offer.claims, meta, issuerKey, keyMode }) })
  }
  send(res, 200, issuer.createCredentialResponse({ credentialRequest: parsed, credentials }), NO_STORE)
}

// -- routing ----------------------------------------------------------------------------------
async function handle(req, res, url) {
  const route = `${req.method} ${url.pathname}`
  log(route)
  if (route === 'GET /.well-known/openid-credential-issuer') return send(res, 200, meta.credentialIssuer)
  if (route === 'GET /.well-known/oauth-authorization-server') return send(res, 200, meta.authorizationServer)
  if (route === 'GET /.well-known/jwt-vc-issuer') {
    return send(res, 200, { issuer: meta.base, jwks: { keys: [{ ...issuerKey.publicJwk, kid: 'issuer-key-1', use: 'sig' }] } })
  }
  if (route === 'GET /jwks') return send(res, 200, { keys: [tokenKey.publicJwk] }, { 'content-type': 'application/jwk-set+json' })
  if (route === 'POST /offers') return createOffer(req, res)
  if (req.method === 'GET' && url.pathname.startsWith('/credential-offers/')) {
    const offer = offers.get(url.pathname.slice('/credential-offers/'.length))
    return offer ? send(res, 200, offer.object) : send(res, 404, { error: 'not_found' })
  }
  if (route === 'POST /token') return token(req, res)
  if (route === 'POST /nonce') return nonce(res)
  if (route === 'POST /credential') return credential(req, res)
  if (route === 'GET /health') return send(res, 200, { status: 'ok' })
  send(res, 404, { error: 'not_found' })
}

await serve(handle, setup)
log(`owf-oid4vci: SD-JWT issuer key via ${keyMode}; SD JWT configuration ${SD_JWT_CONFIG}`)
