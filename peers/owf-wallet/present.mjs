// Presenting over OpenID4VP 1.0 with the OpenWallet Foundation's Openid4vpClient: parsing the
// `openid4vp://` URL, fetching the Request Object (`request_uri`), verifying its signature for
// the client identifier prefix, validating the request, building and posting the
// `direct_post` response (with `state`) are the library's; which stored credentials satisfy the
// DCQL query, and which claims each must disclose, is the `dcql` library's. The glue: consent,
// holding back revoked/suspended/expired credentials (named in `warnings`), and the answer.
import { Openid4vpClient } from '@openid4vc/openid4vp'
import { DcqlQuery } from 'dcql'
import { oid4vcCallbacks } from '../common/keys.mjs'
import { checkUsable, dcqlCredential, presentation, Unusable } from './credentials.mjs'
import { WalletError } from './receive.mjs'

const client = new Openid4vpClient({ callbacks: oid4vcCallbacks([]) }) // verifies, never signs

const firstLine = (error) => String(error?.message ?? error).split('\n')[0].slice(0, 400)

async function resolveRequest(url) {
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: url })
    return await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params })
  } catch (error) {
    throw new WalletError('request_rejected', `the request was refused: ${firstLine(error)}`)
  }
}

async function post(request, authorizationResponsePayload) {
  try {
    const { response } = await client.submitOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload })
    await response.text() // the answer is done only with its body (§8.2: it may hold a redirect_uri)
    return response.status
  } catch (error) {
    throw new WalletError('request_rejected', `the response could not be delivered to the response_uri: ${firstLine(error)}`)
  }
}

/** §8.5: no consent, or nothing to share: `access_denied` with the request's state. */
async function refuse(request, status, warnings) {
  const verifier_status = await post(request, { error: 'access_denied', ...(request.state && { state: request.state }) })
  return { status, ...(warnings.length && { warnings }), verifier_status }
}

/** Per credential query id, the stored credential and the claims DCQL selected; null if unsatisfied. */
async function select(query, pool) {
  const candidates = []
  for (const stored of pool) {
    try {
      candidates.push({ stored, dcql: await dcqlCredential(stored.format, stored.credential) })
    } catch { /* unreadable: not presentable */ }
  }
  const result = DcqlQuery.query(query, candidates.map((c) => c.dcql))
  if (!result.can_be_satisfied) return null
  const chosen = {}
  for (const [queryId, match] of Object.entries(result.credential_matches)) {
    const valid = match.success ? match.valid_credentials?.[0] : undefined
    if (!valid) continue // an optional query (credential_sets) nothing matched
    chosen[queryId] = { stored: candidates[valid.input_credential_index].stored, claims: valid.claims.valid_claim_sets[0].output }
  }
  return chosen
}

/** Answer the request at `url` with what `store` holds; `accept` is the learner's consent. */
export async function present(store, url, accept) {
  const resolved = await resolveRequest(url)
  const request = resolved.authorizationRequestPayload
  const warnings = []
  if (!accept) return refuse(request, 'declined', warnings)
  let query
  try {
    query = DcqlQuery.parse(resolved.dcql?.query)
    DcqlQuery.validate(query)
  } catch (error) {
    throw new WalletError('request_rejected', `the request has no usable DCQL query: ${firstLine(error)}`)
  }
  let pool = store.presentable()
  let chosen
  for (;;) { // hold back what is revoked, suspended or expired, and ask DCQL again without it
    chosen = await select(query, pool)
    if (!chosen) return refuse(request, 'no_match', warnings)
    const unusable = []
    for (const { stored } of Object.values(chosen)) {
      try {
        await checkUsable(stored.format, stored.credential)
      } catch (error) {
        if (!(error instanceof Unusable)) throw error
        warnings.push({ credential: stored.id, reason: error.reason, description: firstLine(error) })
        unusable.push(stored.id)
      }
    }
    if (!unusable.length) break
    pool = pool.filter((s) => !unusable.includes(s.id))
  }
  const binding = { nonce: request.nonce, audience: resolved.client.effective } // the full client_id (§14.1.2)
  const vp_token = {}
  for (const [queryId, { stored, claims }] of Object.entries(chosen)) {
    vp_token[queryId] = [await presentation(stored, claims, binding)]
  }
  const { authorizationResponsePayload } = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request, authorizationResponsePayload: { vp_token },
  })
  const verifier_status = await post(request, authorizationResponsePayload)
  const presented = [...new Set(Object.values(chosen).map(({ stored }) => stored.id))]
  return { status: 'presented', presented, warnings, verifier_status }
}
