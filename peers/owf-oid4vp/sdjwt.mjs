// Verifying one SD-JWT VC presentation with @sd-jwt/sd-jwt-vc: issuer signature, disclosure
// digests, KB-JWT signature, nonce and sd_hash are the library's. The library verifies neither
// the KB-JWT `aud` nor how old its `iat` is (RFC 9901 §7.3 step 5), so those two comparisons
// are added here. The issuer key comes from the JOSE `kid` (a DID URL) or from JWT VC Issuer
// Metadata of an http(s) `iss` (SD-JWT VC §4), both through ../common/keys.mjs.
import * as jose from 'jose'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { digest } from '@sd-jwt/crypto-nodejs'
import { jwtVcIssuerKeys, resolveDidUrl } from '../common/keys.mjs'

const MAX_KB_AGE = 300 // seconds a KB-JWT may be old (or ahead of our clock)

const part = (b64) => JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'))

async function issuerJwk(header, payload) {
  const { kid } = header
  if (typeof kid === 'string' && kid.startsWith('did:')) return resolveDidUrl(kid)
  if (typeof kid === 'string' && kid.startsWith('#') && payload.iss?.startsWith('did:')) return resolveDidUrl(payload.iss + kid)
  if (typeof payload.iss === 'string' && payload.iss.startsWith('did:')) return resolveDidUrl(`${payload.iss}#0`)
  if (typeof payload.iss === 'string' && /^https?:\/\//.test(payload.iss)) {
    const keys = (await jwtVcIssuerKeys(payload.iss)).filter((k) => kid === undefined || k.kid === kid)
    if (keys.length !== 1) throw new Error(`${keys.length} keys of ${payload.iss} match kid ${kid}`)
    return keys[0]
  }
  throw new Error('no way to find the issuer key (no DID kid, no DID or https iss)')
}

async function verifySignature(data, signature, jwk) {
  if (!jwk || jwk.kty === 'oct') return false
  try {
    await jose.compactVerify(`${data}.${signature}`, await jose.importJWK(jwk, part(data.split('.')[0]).alg))
    return true
  } catch {
    return false
  }
}

const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  verifier: async (data, signature) => {
    const [h, p] = data.split('.')
    return verifySignature(data, signature, await issuerJwk(part(h), part(p)))
  },
  kbVerifier: async (data, signature, payload) => verifySignature(data, signature, payload?.cnf?.jwk),
})

/** The disclosed claims of a valid presentation bound to `nonce` and `audience`; throws why not. */
export async function verifyPresentation(presentation, { nonce, audience, now = Date.now() / 1000 }) {
  const { payload, kb } = await sdjwt.verify(presentation, { keyBindingNonce: nonce })
  if (!kb) throw new Error('no Key Binding JWT')
  const { aud, iat } = kb.payload
  if (aud !== audience) throw new Error(`KB-JWT aud ${JSON.stringify(aud)} is not this verifier's client_id`)
  if (typeof iat !== 'number' || Math.abs(now - iat) > MAX_KB_AGE) throw new Error(`KB-JWT iat ${iat} is not within ${MAX_KB_AGE}s of now`)
  return payload
}
