// Whose key signed an SD-JWT VC, and JWS verification under a JWK, for every peer that reads
// SD-JWT VCs (the verifier and the wallet). The issuer key comes from the JOSE `kid` (a DID
// URL) or from JWT VC Issuer Metadata of an http(s) `iss` (SD-JWT VC §4), both through
// ./keys.mjs; signatures are jose's.
import * as jose from 'jose'
import { jwtVcIssuerKeys, resolveDidUrl } from './keys.mjs'

export const jwtPart = (b64) => JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'))

/** The issuer's public JWK for a JWT with this header and payload; throws when none is found. */
export async function issuerJwk(header, payload) {
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

/** Whether `data.signature` (a compact JWS split at its last dot) verifies under `jwk`. */
export async function verifySignature(data, signature, jwk) {
  if (!jwk || jwk.kty === 'oct') return false // a MAC key proves no issuer
  try {
    await jose.compactVerify(`${data}.${signature}`, await jose.importJWK(jwk, jwtPart(data.split('.')[0]).alg))
    return true
  } catch {
    return false
  }
}

/** The sd-jwt-js `verifier` callback: the issuer signature under the issuer's key. */
export async function issuerSignatureVerifier(data, signature) {
  const [h, p] = data.split('.')
  return verifySignature(data, signature, await issuerJwk(jwtPart(h), jwtPart(p)))
}
