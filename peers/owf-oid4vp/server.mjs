// An OpenID4VP 1.0 verifier built on the OpenWallet Foundation's @openid4vc/openid4vp (signed
// Request Objects, response parsing), dcql (DCQL query validation and matching the presented
// claims against the query) and @sd-jwt/sd-jwt-vc (SD-JWT VC + KB-JWT, ./sdjwt.mjs). This file
// is glue: routing, the transaction store, and the suite's verifier backchannel
// (POST /presentation-requests, GET /presentation-requests/{id}; docs/backchannels.openapi.yaml).
import crypto from 'node:crypto'
import { Openid4vpVerifier, parseOpenid4VpAuthorizationResponsePayload } from '@openid4vc/openid4vp'
import { DcqlPresentationResult, DcqlQuery } from 'dcql'
import { HttpError, log, readForm, readJson, send, serve } from '../common/http.mjs'
import { didJwk, generateKey, oid4vcCallbacks } from '../common/keys.mjs'
import { verifyPresentation } from './sdjwt.mjs'

const key = await generateKey('ES256')
const did = didJwk(key.publicJwk)
const clientId = `decentralized_identifier:${did}`
const verifier = new Openid4vpVerifier({ callbacks: oid4vcCallbacks([key.privateJwk]) })
const transactions = new Map() // id -> {payload, jwt, status, errors, claims, vp_token}
let base

const problem = (detail) => new HttpError(400, { title: 'invalid DCQL query', status: 400, detail },
  { 'content-type': 'application/problem+json' })

async function createRequest(req, res) {
  const body = await readJson(req)
  let dcqlQuery
  try {
    dcqlQuery = DcqlQuery.parse(body?.dcql_query)
    DcqlQuery.validate(dcqlQuery)
  } catch (error) {
    throw problem(String(error?.message ?? error).slice(0, 500))
  }
  const id = crypto.randomUUID()
  const authorizationRequestPayload = {
    response_type: 'vp_token',
    client_id: clientId,
    response_mode: 'direct_post',
    response_uri: `${base}/response/${id}`,
    nonce: crypto.randomBytes(24).toString('base64url'),
    state: crypto.randomBytes(16).toString('base64url'),
    dcql_query: body.dcql_query,
    client_metadata: {
      vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256', 'EdDSA'], 'kb-jwt_alg_values': ['ES256', 'EdDSA'] } },
    },
  }
  const created = await verifier.createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload,
    jar: { expiresInSeconds: 600, requestUri: `${base}/request/${id}`, jwtSigner: { method: 'did', didUrl: `${did}#0`, alg: 'ES256' } },
  })
  transactions.set(id, { payload: authorizationRequestPayload, dcqlQuery, jwt: created.jar.authorizationRequestJwt, status: 'pending' })
  send(res, 201, { id, request: created.authorizationRequest })
}

/** Only the claims the query asked for, keyed by path ("credentialSubject/name"). */
function askedClaims(query, claims) {
  const out = {}
  for (const { path } of query.claims ?? []) {
    let value = claims
    for (const step of path) value = value?.[step]
    if (value !== undefined) out[path.join('/')] = value
  }
  return out
}

async function judge(tx, form) {
  const response = parseOpenid4VpAuthorizationResponsePayload(form)
  if (response.error) return { errors: [`the wallet answered ${response.error}: ${response.error_description ?? ''}`.trim()] }
  const { dcql } = verifier.validateOpenid4vpAuthorizationResponsePayload({
    authorizationRequestPayload: tx.payload, authorizationResponsePayload: response })
  const errors = []
  const presented = {}
  const claims = {}
  for (const [queryId, presentations] of Object.entries(dcql.presentations)) {
    const query = tx.dcqlQuery.credentials.find((c) => c.id === queryId)
    if (!query) { errors.push(`${queryId}: not a credential query of the request`); continue }
    presented[queryId] = []
    claims[queryId] = []
    for (const presentation of presentations) {
      if (query.format !== 'dc+sd-jwt' || typeof presentation !== 'string') {
        errors.push(`${queryId}: format ${query.format} is not supported by this verifier`)
        continue
      }
      try {
        const payload = await verifyPresentation(presentation, { nonce: tx.payload.nonce, audience: clientId })
        presented[queryId].push({ credential_format: 'dc+sd-jwt', vct: payload.vct, claims: payload, cryptographic_holder_binding: true })
        claims[queryId].push(askedClaims(query, payload))
      } catch (error) {
        errors.push(`${queryId}: ${String(error?.message ?? error).split('\n')[0]}`)
      }
    }
  }
  if (!errors.length) {
    try {
      const result = DcqlPresentationResult.fromDcqlPresentation(presented, { dcqlQuery: tx.dcqlQuery })
      DcqlPresentationResult.validate(result)
      if (!result.can_be_satisfied) errors.push('the presentations do not satisfy the DCQL query')
    } catch (error) {
      errors.push(`DCQL: ${String(error?.message ?? error).split('\n')[0]}`)
    }
  }
  return errors.length ? { errors } : { claims }
}

async function receiveResponse(req, res, id) {
  const tx = transactions.get(id)
  const form = await readForm(req)
  if (!tx) throw new HttpError(404, { error: 'invalid_request', error_description: 'unknown request' })
  if (tx.status !== 'pending') throw new HttpError(400, { error: 'invalid_request', error_description: 'this request was already answered' })
  let verdict
  try {
    verdict = await judge(tx, form)
  } catch (error) {
    verdict = { errors: [String(error?.message ?? error).split('\n')[0]] }
  }
  Object.assign(tx, verdict, { status: verdict.errors ? 'rejected' : 'verified' })
  if (typeof form.vp_token === 'string') tx.vp_token = form.vp_token
  log(`request ${id}: ${tx.status}`, verdict.errors ?? '')
  if (tx.status === 'verified') return send(res, 200, {})
  send(res, 400, { error: 'invalid_request', error_description: tx.errors.join('; ').slice(0, 500) })
}

async function handle(req, res, url) {
  const route = `${req.method} ${url.pathname}`
  log(route)
  if (route === 'POST /presentation-requests') return createRequest(req, res)
  if (req.method === 'GET' && url.pathname.startsWith('/presentation-requests/')) {
    const tx = transactions.get(decodeURIComponent(url.pathname.slice('/presentation-requests/'.length)))
    if (!tx) return send(res, 404, { error: 'not_found' })
    const { status, errors, claims, vp_token } = tx
    return send(res, 200, { status, ...(errors && { errors }), ...(claims && { claims }), ...(vp_token && { vp_token }) })
  }
  if (req.method === 'GET' && url.pathname.startsWith('/request/')) {
    const tx = transactions.get(url.pathname.slice('/request/'.length))
    return tx ? send(res, 200, tx.jwt, { 'content-type': 'application/oauth-authz-req+jwt' }) : send(res, 404, { error: 'not_found' })
  }
  if (req.method === 'POST' && url.pathname.startsWith('/response/')) return receiveResponse(req, res, url.pathname.slice('/response/'.length))
  if (route === 'GET /health') return send(res, 200, { status: 'ok' })
  send(res, 404, { error: 'not_found' })
}

await serve(handle, (b) => { base = b })
