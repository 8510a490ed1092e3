// What the peer issuer issues: its credential configurations (OpenID4VCI 1.0 §12.2.4,
// Appendix A) and one credential per proven key. SD-JWT assembly, salts and digests are
// @sd-jwt/sd-jwt-vc's; JWT signing is jose's. The claims layout follows the suite's published
// "SD-JWT VC for Open Badges" profile (docs/CONTRACTS.md) for the Open Badges vct, and the
// offered claims are merged over this issuer's own sample achievement.
import crypto from 'node:crypto'
import * as jose from 'jose'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { digest, ES256, generateSalt } from '@sd-jwt/crypto-nodejs'
import { didJwk } from '../common/keys.mjs'

export const SD_JWT_CONFIG = 'OpenBadge_dc_sd_jwt'
export const JWT_VC_CONFIG = 'OpenBadgeCredential_jwt_vc_json'
const OB_VCT = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential'
const VC_V2 = 'https://www.w3.org/ns/credentials/v2'
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
const PROOF_ALGS = ['ES256', 'EdDSA']

export function configurations() {
  const display = [{ name: 'Open Badge (OWF peer)', locale: 'en' }]
  const proofs = { jwt: { proof_signing_alg_values_supported: PROOF_ALGS } }
  return {
    [SD_JWT_CONFIG]: {
      format: 'dc+sd-jwt', vct: OB_VCT,
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: proofs,
      credential_metadata: { display },
    },
    [JWT_VC_CONFIG]: {
      format: 'jwt_vc_json',
      credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
      cryptographic_binding_methods_supported: ['did:jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: proofs,
      credential_metadata: { display },
    },
  }
}

const SAMPLE_ACHIEVEMENT = {
  id: 'https://peer.ler-interop.example/achievements/data-steward',
  type: ['Achievement'],
  name: 'Data Stewardship Fundamentals',
  description: 'Demonstrated the fundamentals of stewarding learner data.',
  criteria: { narrative: 'Completed the course and passed the final assessment.' },
}

/** The AchievementSubject: the offer's claims over the sample, without any `id`. */
function subjectClaims(claims) {
  const { id, ...offered } = claims ?? {}
  const achievement = { ...SAMPLE_ACHIEVEMENT, ...(offered.achievement ?? {}) }
  return { type: ['AchievementSubject'], name: 'Ada Lovelace', ...offered, achievement }
}

const holderDid = (holder) => (holder.method === 'did' ? holder.didUrl.split('#')[0] : didJwk(holder.publicJwk))

async function sdJwt({ holder, claims, meta, issuerKey, keyMode }) {
  const sdjwt = new SDJwtVcInstance({
    signer: await ES256.getSigner(issuerKey.privateJwk), signAlg: 'ES256',
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt,
  })
  const now = Math.floor(Date.now() / 1000)
  const payload = {
    iss: keyMode === 'did:jwk' ? meta.did : meta.base,
    iat: now,
    vct: OB_VCT,
    cnf: { jwk: holder.publicJwk },
    name: SAMPLE_ACHIEVEMENT.name,
    credentialSubject: subjectClaims(claims),
  }
  const disclosureFrame = { credentialSubject: { _sd: ['name', 'achievement'] } }
  return sdjwt.issue(payload, disclosureFrame, { header: { kid: meta.kid } })
}

async function jwtVc({ holder, claims, meta, issuerKey }) {
  const now = new Date()
  const subject = holderDid(holder)
  const vc = {
    '@context': [VC_V2, OB_V3],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: meta.did, type: ['Profile'], name: 'OWF peer issuer' },
    name: SAMPLE_ACHIEVEMENT.name,
    validFrom: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    credentialSubject: { id: subject, ...subjectClaims(claims) },
  }
  const key = await jose.importJWK(issuerKey.privateJwk, 'ES256')
  return new jose.SignJWT({ vc, jti: vc.id })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: `${meta.did}#0` })
    .setIssuer(meta.did).setSubject(subject).setIssuedAt().setNotBefore(Math.floor(now / 1000))
    .sign(key)
}

export async function issueCredential(args) {
  if (args.config.format === 'dc+sd-jwt') return sdJwt(args)
  if (args.config.format === 'jwt_vc_json') return jwtVc(args)
  throw new Error(`no issuance for ${args.configId}`)
}
