// What the wallet does with one credential, per format: check it on arrival (issuer signature,
// validity, bound to the key this wallet proved), read it for DCQL, check its status before
// presenting, and present it bound to a request's nonce and client_id.
// - dc+sd-jwt: @sd-jwt/sd-jwt-vc (signature, disclosures, exp/nbf, Token Status List, the
//   presentation with only the framed disclosures and its KB-JWT).
// - jwt_vc_json: jose (JWS and exp/nbf), jsonld (type IRIs for DCQL `type_values`), Digital
//   Bazaar's Bitstring Status List check; the VP JWT is jose-signed (OpenID4VP Appendix B.1.3.1).
// On import (checkImported) only the proof is judged: @sd-jwt/sd-jwt-vc, jose, or Digital
// Bazaar's vc.verifyCredential for an ldp_vc entry.
import * as jose from 'jose'
import jsonld from 'jsonld'
import * as vc from '@digitalbazaar/vc'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { unpack } from '@sd-jwt/decode' // sd-jwt-js' own disclosure mapping (a dependency of @sd-jwt/core)
import { digest, ES256 } from '@sd-jwt/crypto-nodejs'
import { calculateJwkThumbprint, HashAlgorithm } from '@openid4vc/oauth2'
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list'
import { DataIntegrityProof } from '@digitalbazaar/data-integrity'
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite'
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite'
import { didJwk, hash, loopbackFetch } from '../common/keys.mjs'
import { log } from '../common/http.mjs'
import { issuerJwk, issuerSignatureVerifier, jwtPart, verifySignature } from '../common/sdjwt-keys.mjs'
import { documentLoader } from '../common/jsonld-loader.mjs'

export const FORMATS = ['dc+sd-jwt', 'jwt_vc_json']
const VC_V2 = 'https://www.w3.org/ns/credentials/v2'
const VP_LIFETIME = 300

/** A refusal of what the issuer sent (422 credential_rejected at the backchannel). */
export class Rejected extends Error {}

/** Why a credential is held back when presenting: revoked | suspended | expired. */
export class Unusable extends Error {
  constructor(reason, message) {
    super(message)
    this.reason = reason
  }
}

// Token Status List values (draft-ietf-oauth-status-list §7.1): 1 invalid (revoked), 2 suspended.
const TOKEN_STATUS = { 1: 'revoked', 2: 'suspended' }

async function statusListJwt(uri) {
  const response = await loopbackFetch(uri, { headers: { accept: 'application/statuslist+jwt' } })
  if (!response.ok) throw new Error(`status list ${uri} answered ${response.status}`)
  return response.text()
}

const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  verifier: issuerSignatureVerifier,
  statusListFetcher: statusListJwt,
  statusValidator: async (status) => {
    if (status !== 0) throw new Unusable(TOKEN_STATUS[status] ?? 'revoked', `the Token Status List says ${status}`)
  },
})

const thumbprint = (jwk) => calculateJwkThumbprint({ jwk, hashAlgorithm: HashAlgorithm.Sha256, hashCallback: hash })

// A JWT's header and payload, unverified (jose); anything else is refused as not a credential.
function decodedJwt(jwt) {
  try {
    return { header: jose.decodeProtectedHeader(jwt), payload: jose.decodeJwt(jwt) }
  } catch (error) {
    throw new Rejected(`not a JWT: ${error.message}`)
  }
}

async function verifiedJwtVc(jwt) {
  const { header, payload } = decodedJwt(jwt)
  const key = await issuerJwk(header, payload).catch((error) => { throw new Rejected(`issuer key: ${error.message}`) })
  if (key.kty === 'oct') throw new Rejected('a MAC key proves no issuer')
  try {
    await jose.jwtVerify(jwt, await jose.importJWK(key, header.alg))
  } catch (error) {
    throw new Rejected(`the credential does not verify: ${error.message}`)
  }
  return payload
}

const vcOf = (payload) => payload.vc ?? payload // VCDM 1.1 JWT encoding (`vc` claim) or a bare VCDM 2.0 payload

/** Throws Rejected unless the credential verifies and is bound to `holder` (the key we proved). */
export async function checkIssued({ format, credential, holder }) {
  if (typeof credential !== 'string') throw new Rejected(`a ${format} credential must be a compact string`)
  if (format === 'dc+sd-jwt') {
    let payload
    try {
      ({ payload } = await sdjwt.validate(credential)) // signature, disclosures, exp/nbf; status when presenting
    } catch (error) {
      throw new Rejected(`the SD-JWT VC does not verify: ${String(error.message).split('\n')[0]}`)
    }
    const bound = payload.cnf?.jwk
    if (!bound || (await thumbprint(bound)) !== (await thumbprint(holder.publicJwk))) {
      throw new Rejected('the SD-JWT VC is not bound (cnf.jwk) to the key this wallet proved')
    }
    return
  }
  const payload = await verifiedJwtVc(credential)
  const subject = [vcOf(payload).credentialSubject].flat()[0]?.id ?? payload.sub
  if (subject !== didJwk(holder.publicJwk)) throw new Rejected(`the credential is bound to ${subject}, not to the DID this wallet proved`)
}

// --- Import (backchannel contract 1.3.0, POST /import) -----------------------------------------
// A credential whose proof was checked and does not verify (changed after signing) refuses the
// whole document. Only the proof is judged: validity dates, status and holder binding are no
// reason to refuse. An issuer key (or, for ldp_vc, a document) this wallet cannot obtain proves no
// tampering: such a credential is kept unchecked, as the reference wallet does.

/** The issuer key could not be obtained (unreachable, unknown DID method, no such kid). */
class KeyUnavailable extends Error {}

async function issuerKeyFor(header, payload) {
  try {
    return await issuerJwk(header, payload)
  } catch (error) {
    throw new KeyUnavailable(`issuer key not obtained: ${String(error?.message ?? error).split('\n')[0]}`)
  }
}

/** sd-jwt-js `verifier` for import: KeyUnavailable when the key cannot be had, else jose's verdict. */
async function importSignatureVerifier(data, signature) {
  const [h, p] = data.split('.')
  return verifySignature(data, signature, await issuerKeyFor(jwtPart(h), jwtPart(p)))
}

const importSdjwt = new SDJwtVcInstance({ hasher: digest, verifier: importSignatureVerifier })
// The library checks iat/nbf/exp before the signature; on import dates are no reason to refuse
// (contract), so its window is opened all the way and only the signature decides.
const ANY_TIME = { skewSeconds: Number.MAX_SAFE_INTEGER }

async function checkImportedSdJwt(credential) {
  try {
    await importSdjwt.validate(credential, ANY_TIME) // issuer-signed JWT under the issuer's key
  } catch (error) {
    if (error instanceof KeyUnavailable) return { checked: false, reason: error.message }
    throw new Rejected(`the SD-JWT VC does not verify: ${String(error?.message ?? error).split('\n')[0]}`)
  }
  // A disclosure the signed payload does not reference was changed or added after signing
  // (RFC 9901 §7.1 step 3.3); sd-jwt-js' getClaims silently drops it, so it is counted here.
  const sdJwt = await importSdjwt.decode(credential)
  const hash = { hasher: digest, alg: typeof sdJwt.jwt.payload._sd_alg === 'string' ? sdJwt.jwt.payload._sd_alg : 'sha-256' }
  const { disclosureKeymap } = await unpack(sdJwt.jwt.payload, sdJwt.disclosures ?? [], digest)
  const referenced = new Set(Object.values(disclosureKeymap))
  for (const disclosure of sdJwt.disclosures ?? []) {
    if (!referenced.has(await disclosure.digest(hash))) throw new Rejected('the SD-JWT VC carries a disclosure its signed payload does not reference')
  }
  return { checked: true }
}

async function checkImportedJwtVc(jwt) {
  const { header, payload } = decodedJwt(jwt)
  const issuer = vcOf(payload).issuer
  const iss = payload.iss ?? (typeof issuer === 'string' ? issuer : issuer?.id) // VCDM 2.0 bare payloads name it `issuer`
  if (typeof header.alg !== 'string' || header.alg === 'none') throw new Rejected('the credential is not signed (alg none or missing)')
  let jwk, key
  try {
    jwk = await issuerKeyFor(header, { ...payload, iss })
  } catch (error) {
    return { checked: false, reason: error.message }
  }
  if (jwk.kty === 'oct') throw new Rejected('a MAC key proves no issuer')
  try {
    key = await jose.importJWK(jwk, header.alg)
  } catch (error) {
    return { checked: false, reason: `issuer key unusable for ${header.alg}: ${error.message}` }
  }
  try {
    await jose.compactVerify(jwt, key) // the signature only: exp/nbf are no reason to refuse an import
  } catch (error) {
    throw new Rejected(`the credential does not verify: ${error.message}`)
  }
  return { checked: true }
}

const ldpSuites = () => [new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }), new DataIntegrityProof({ cryptosuite: ecdsaRdfc2019 })]

async function checkImportedLdp(credential) {
  if (!credential || typeof credential !== 'object' || Array.isArray(credential)) throw new Rejected('an ldp_vc credential must be a JSON object')
  if (credential.proof == null) throw new Rejected('the credential has no proof')
  const unreachable = []
  const loader = async (url) => {
    try {
      return await documentLoader(url)
    } catch (error) {
      unreachable.push(`${url}: ${String(error?.message ?? error).split('\n')[0]}`)
      throw error
    }
  }
  // The library checks the validity dates before the proof; on import they are no reason to
  // refuse, so it is asked at a moment inside the credential's own window. Status is not read.
  const from = credential.validFrom ?? credential.issuanceDate
  const now = typeof from === 'string' && !Number.isNaN(Date.parse(from)) ? new Date(from) : new Date()
  const result = await vc.verifyCredential({
    credential, suite: ldpSuites(), documentLoader: loader, now, checkStatus: async () => ({ verified: true }),
  })
  if (result.verified) return { checked: true }
  if (unreachable.length) return { checked: false, reason: `not obtained: ${unreachable[0]}` }
  const errors = [result.error, ...(result.results ?? []).map((r) => r.error)].filter(Boolean)
    .flatMap((e) => (e.errors ?? [e]).map((x) => String(x?.message ?? x)))
  throw new Rejected(`the credential does not verify: ${errors[0] ?? 'no proof verifies'}`.slice(0, 500))
}

/**
 * Judges one imported credential's proof: throws Rejected when it was checked and does not
 * verify, else {checked: true} or {checked: false, reason} (the key could not be obtained).
 */
export async function checkImported(format, credential) {
  if (format === 'ldp_vc') return checkImportedLdp(credential)
  if (typeof credential !== 'string') throw new Rejected(`a ${format} credential must be a compact string`)
  if (format === 'dc+sd-jwt') return checkImportedSdJwt(credential)
  return checkImportedJwtVc(credential)
}

/** Issuer and types for GET /credentials. */
export async function summary(format, credential) {
  try {
    if (format === 'dc+sd-jwt') {
      const claims = await sdjwt.getClaims(credential)
      return { ...(typeof claims.iss === 'string' && { issuer: claims.iss }), types: [claims.vct].filter((t) => typeof t === 'string') }
    }
    const payload = typeof credential === 'string' ? jose.decodeJwt(credential) : {} // ldp_vc: imported only
    const vc = typeof credential === 'string' ? vcOf(payload) : credential
    const issuer = payload.iss ?? vc.issuer?.id ?? vc.issuer
    return { ...(typeof issuer === 'string' && { issuer }), types: [vc.type].flat().filter((t) => typeof t === 'string') }
  } catch {
    return {} // an imported credential this wallet cannot read is still kept and listed
  }
}

/** The credential as the `dcql` library matches it (DcqlCredential). */
export async function dcqlCredential(format, credential) {
  if (format === 'dc+sd-jwt') {
    const claims = await sdjwt.getClaims(credential)
    return { credential_format: 'dc+sd-jwt', vct: claims.vct, claims, cryptographic_holder_binding: true }
  }
  const vc = vcOf(jose.decodeJwt(credential))
  // DCQL type_values are expanded type IRIs (OpenID4VP Appendix B.1.1): jsonld expands them.
  const [expanded] = await jsonld.expand({ '@context': vc['@context'], type: vc.type }, { documentLoader })
  return { credential_format: format, type: expanded?.['@type'] ?? [], claims: vc, cryptographic_holder_binding: true }
}

const statusSuites = [new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }), new DataIntegrityProof({ cryptosuite: ecdsaRdfc2019 })]

/** Throws Unusable when the credential is revoked, suspended or expired; a status that cannot be read is no reason. */
export async function checkUsable(format, credential) {
  if (format === 'dc+sd-jwt') {
    try {
      await sdjwt.verify(credential)
    } catch (error) {
      if (error instanceof Unusable) throw error
      if (/expired/i.test(error.message)) throw new Unusable('expired', error.message)
    }
    return
  }
  const payload = jose.decodeJwt(credential)
  if (typeof payload.exp === 'number' && payload.exp < Date.now() / 1000) throw new Unusable('expired', 'the credential has expired')
  const vc = vcOf(payload)
  for (const entry of [vc.credentialStatus ?? []].flat()) {
    if (entry.type !== 'BitstringStatusListEntry') continue
    const result = await checkStatus({
      credential: { ...vc, issuer: vc.issuer ?? payload.iss, credentialStatus: entry },
      documentLoader, suite: statusSuites, verifyBitstringStatusListCredential: true,
    }) // never throws: {verified, results: [{status}]} or {verified: false, error}
    if (!result.verified) log('status not checked:', entry.statusListCredential, String(result.error?.message ?? result.error))
    if (result.verified && result.results[0].status) throw new Unusable(entry.statusPurpose === 'suspension' ? 'suspended' : 'revoked', `status list ${entry.statusListCredential} says ${entry.statusPurpose}`)
  }
}

/** A presentation frame of sd-jwt-js from what DCQL selected: `true` at every selected leaf. */
function frameOf(output) {
  if (Array.isArray(output)) return Object.fromEntries(output.map((v, i) => [i, frameOf(v)]))
  if (output && typeof output === 'object') return Object.fromEntries(Object.entries(output).map(([k, v]) => [k, frameOf(v)]))
  return true
}

/** One presentation of `stored` for a request (nonce, client_id), disclosing `selected` claims. */
export async function presentation(stored, selected, { nonce, audience }) {
  const { holder } = stored
  const iat = Math.floor(Date.now() / 1000)
  if (stored.format === 'dc+sd-jwt') {
    const holderSdjwt = new SDJwtVcInstance({ hasher: digest, kbSigner: await ES256.getSigner(holder.privateJwk), kbSignAlg: 'ES256' })
    return holderSdjwt.present(stored.credential, frameOf(selected), { kb: { payload: { iat, aud: audience, nonce } } })
  }
  const did = didJwk(holder.publicJwk)
  const vp = { '@context': [VC_V2], type: ['VerifiablePresentation'], holder: did, verifiableCredential: [stored.credential] }
  return new jose.SignJWT({ vp, nonce })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: `${did}#0` })
    .setIssuer(did).setAudience(audience).setIssuedAt(iat).setExpirationTime(iat + VP_LIFETIME).setJti(`urn:uuid:${crypto.randomUUID()}`)
    .sign(await jose.importJWK(holder.privateJwk, 'ES256'))
}
