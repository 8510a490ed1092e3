// Keys and issuer-key discovery for the peers. Signing and verifying are jose's; did:key and
// multibase keys are Digital Bazaar's Multikey libraries; did:jwk is a base64url JWK by
// definition. did:web and JWT VC Issuer Metadata are fetched over plain http from loopback
// only (the lab has no other network).
import crypto from 'node:crypto'
import * as jose from 'jose'
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey'
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey'
import { calculateJwkThumbprint, clientAuthenticationNone, HashAlgorithm } from '@openid4vc/oauth2'
import { setGlobalConfig } from '@openid4vc/utils'

// The lab runs on loopback over plain http; @openid4vc refuses http URLs unless told otherwise.
setGlobalConfig({ allowInsecureUrls: true })

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export async function generateKey(alg = 'ES256') {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true })
  const privateJwk = await jose.exportJWK(privateKey)
  const { d, ...publicJwk } = privateJwk
  return { alg, privateJwk: { ...privateJwk, alg }, publicJwk: { ...publicJwk, alg } }
}

export const didJwk = (publicJwk) => {
  const { alg, kid, use, key_ops, ...bare } = publicJwk
  return `did:jwk:${Buffer.from(JSON.stringify(bare)).toString('base64url')}`
}

export const algOf = (jwk) => jwk.alg ?? (jwk.kty === 'OKP' ? 'EdDSA' : jwk.crv === 'P-384' ? 'ES384' : 'ES256')

/** fetch, refused for anything but http(s) on loopback. */
export async function loopbackFetch(url, init) {
  const u = new URL(url)
  if (!LOOPBACK.has(u.hostname) && !LOOPBACK.has(`[${u.hostname}]`)) throw new Error(`refusing to fetch ${u.origin}: not loopback`)
  return fetch(u, { ...init, redirect: 'error', signal: AbortSignal.timeout(10000) })
}

async function getJson(url) {
  const response = await loopbackFetch(url)
  if (!response.ok) throw new Error(`${url} answered ${response.status}`)
  return response.json()
}

async function multikeyToJwk(vm) {
  const mb = vm.publicKeyMultibase
  if (mb?.startsWith('z6Mk')) return Ed25519Multikey.toJwk({ keyPair: await Ed25519Multikey.from(vm) })
  return EcdsaMultikey.toJwk({ keyPair: await EcdsaMultikey.from(vm) })
}

/** did:web:host%3Aport:path -> its DID document URL (http: only loopback is ever fetched). */
export function didWebUrl(did) {
  const [host, ...path] = did.slice('did:web:'.length).split(':').map(decodeURIComponent)
  const scheme = LOOPBACK.has(host.split(':')[0]) || host.startsWith('[::1]') ? 'http' : 'https'
  return `${scheme}://${host}/${path.length ? path.join('/') : '.well-known'}/did.json`
}

/** The public JWK a DID URL names (did:jwk, did:key, loopback did:web). */
export async function resolveDidUrl(didUrl) {
  const [did, fragment] = didUrl.split('#')
  if (did.startsWith('did:jwk:')) return JSON.parse(Buffer.from(did.slice(8), 'base64url').toString('utf8'))
  if (did.startsWith('did:key:')) {
    const mb = did.slice('did:key:'.length)
    return multikeyToJwk({ id: `${did}#${mb}`, type: 'Multikey', controller: did, publicKeyMultibase: mb })
  }
  if (did.startsWith('did:web:')) {
    const doc = await getJson(didWebUrl(did))
    const vm = (doc.verificationMethod ?? []).find((m) => m.id === didUrl || m.id === `#${fragment}`)
    if (!vm) throw new Error(`${didUrl} is not a verification method of ${did}`)
    if (vm.publicKeyJwk) return vm.publicKeyJwk
    return multikeyToJwk({ ...vm, id: didUrl, controller: vm.controller ?? did })
  }
  throw new Error(`unsupported DID method: ${did.split(':').slice(0, 2).join(':')}`)
}

/** Keys an https (here: loopback http) `iss` publishes as JWT VC Issuer Metadata (SD-JWT VC §4). */
export async function jwtVcIssuerKeys(iss) {
  const u = new URL(iss)
  const path = u.pathname === '/' ? '' : u.pathname
  const meta = await getJson(`${u.origin}/.well-known/jwt-vc-issuer${path}`)
  if (meta.issuer !== iss) throw new Error(`JWT VC Issuer Metadata names ${meta.issuer}, not ${iss}`)
  return meta.jwks?.keys ?? (meta.jwks_uri ? (await getJson(meta.jwks_uri)).keys : [])
}

export const hash = (data, alg) => crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()

/** The callbacks @openid4vc/* delegate crypto to, over our own private keys. */
export function oid4vcCallbacks(privateJwks, clientId = 'ler-interop-peer') {
  const thumb = (jwk) => calculateJwkThumbprint({ jwk, hashAlgorithm: HashAlgorithm.Sha256, hashCallback: hash })
  async function signerJwk(signer) {
    if (signer.method === 'jwk') return signer.publicJwk
    if (signer.method === 'did') return resolveDidUrl(signer.didUrl)
    throw new Error(`signer method ${signer.method} not supported`)
  }
  return {
    hash,
    generateRandom: (bytes) => crypto.randomBytes(bytes),
    fetch: loopbackFetch,
    clientAuthentication: clientAuthenticationNone({ clientId }),
    signJwt: async (signer, { header, payload }) => {
      const jwk = await signerJwk(signer)
      const want = await thumb(jwk)
      let privateJwk
      for (const candidate of privateJwks) if ((await thumb(candidate)) === want) privateJwk = candidate
      if (!privateJwk) throw new Error('no private key for the requested signer')
      const key = await jose.importJWK(privateJwk, signer.alg)
      return { jwt: await new jose.SignJWT(payload).setProtectedHeader(header).sign(key), signerJwk: jwk }
    },
    verifyJwt: async (signer, { compact }) => {
      try {
        const jwk = signer.method === 'x5c' ? null : await signerJwk(signer)
        if (!jwk || jwk.kty === 'oct') return { verified: false } // a MAC key proves no possession
        await jose.compactVerify(compact, await jose.importJWK(jwk, signer.alg))
        return { verified: true, signerJwk: jwk }
      } catch {
        return { verified: false }
      }
    },
    encryptJwe: async () => { throw new Error('encryption not supported') },
    decryptJwe: async () => ({ decrypted: false }),
  }
}
