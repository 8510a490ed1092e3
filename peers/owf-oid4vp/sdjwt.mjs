// Verifying one SD-JWT VC presentation with @sd-jwt/sd-jwt-vc: issuer signature, disclosure
// digests, KB-JWT signature, nonce and sd_hash are the library's. The library verifies neither
// the KB-JWT `aud` nor how old its `iat` is (RFC 9901 §7.3 step 5), so those two comparisons
// are added here. The issuer key is found by ../common/sdjwt-keys.mjs.
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { digest } from '@sd-jwt/crypto-nodejs'
import { issuerSignatureVerifier, verifySignature } from '../common/sdjwt-keys.mjs'

const MAX_KB_AGE = 300 // seconds a KB-JWT may be old (or ahead of our clock)

const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  verifier: issuerSignatureVerifier,
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
