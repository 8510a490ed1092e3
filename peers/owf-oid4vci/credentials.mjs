// What the peer issuer issues: its credential configurations (OpenID4VCI 1.0 §12.2.4,
// Appendix A) and one credential per proven key. SD-JWT assembly, salts and digests are
// @sd-jwt/sd-jwt-vc's; JWT signing is jose's. The offer's claims mean what the suite's
// backchannel contract says (docs/backchannels.openapi.yaml 2.0.0, OfferRequest.claims;
// docs/CONTRACTS.md "Offer claims"): for jwt_vc_json the claims of credentialSubject, for
// dc+sd-jwt the SD-JWT VC's own top-level claims, laid out as the vct says; for the Open Badges
// vct that is the suite's "SD-JWT VC for Open Badges" profile (credentialSubject.name and
// .achievement selectively disclosable, the credential's name in clear). Offered claims are kept
// as given; this issuer only adds what it owns (iss, iat, cnf, vct, the subject id, the
// credential's name and type) and, when the offer gives none, its sample learner.
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
// The issuer's sample learner: what an offer without claims issues.
const SAMPLE_SUBJECT = { type: ['AchievementSubject'], name: 'Ada Lovelace', achievement: SAMPLE_ACHIEVEMENT }

// SD-JWT VC registered claims are the issuer's (SD-JWT VC "Registered JWT Claims"; the contract
// lists iss, iat, nbf, exp, cnf, vct, vct#integrity, status, jti); _sd/_sd_alg are SD-JWT's own.
const REGISTERED = ['iss', 'iat', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'status', 'jti', '_sd', '_sd_alg']
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)
const isEmpty = (claims) => claims === undefined || (isObject(claims) && Object.keys(claims).length === 0)
// What `claims` mean for a configuration: credentialSubject claims (W3C formats) or the top-level
// claims of one SD-JWT VC type.
const layout = (config) => (config.format === 'dc+sd-jwt' ? `dc+sd-jwt ${config.vct}` : 'credentialSubject')

/** Why an offer's `claims` cannot be issued for these configurations (the contract's 400s), or null. */
export function offerClaimsProblem(claims, configs) {
  if (claims === undefined) return null
  if (!isObject(claims)) return '`claims` must be a JSON object'
  if (isEmpty(claims)) return null
  if (new Set(configs.map(layout)).size > 1) {
    return '`claims` mean credentialSubject claims for W3C formats and top-level claims for each SD-JWT VC type: ' +
      'offer configurations of one kind together'
  }
  const registered = configs.some((c) => c.format === 'dc+sd-jwt') ? REGISTERED.filter((n) => n in claims) : []
  return registered.length ? `\`claims\` must not set the SD-JWT VC's registered claims (${registered.join(', ')})` : null
}

/** An AchievementSubject: the offered one as given (a deep copy), completed with what it lacks
 * for an Open Badge (its `type`, an `achievement`: both absent from the offer, so nothing is
 * rewritten); the sample learner when the offer says nothing. Never an `id`: that is the holder's. */
function achievementSubject(offered) {
  if (isEmpty(offered)) return structuredClone(SAMPLE_SUBJECT)
  const { id, ...given } = structuredClone(offered)
  const subject = 'type' in given ? {} : { type: ['AchievementSubject'] }
  Object.assign(subject, given)
  if (!('achievement' in subject)) subject.achievement = structuredClone(SAMPLE_ACHIEVEMENT)
  return subject
}

/** The credential's own `name` (Open Badges: in clear): the achievement's name. */
const credentialName = (subject) =>
  (isObject(subject?.achievement) && typeof subject.achievement.name === 'string'
    ? subject.achievement.name : SAMPLE_ACHIEVEMENT.name)

const holderDid = (holder) => (holder.method === 'did' ? holder.didUrl.split('#')[0] : didJwk(holder.publicJwk))

/** The SD-JWT VC's top-level claims and its disclosure frame, per the vct's layout. */
function sdJwtClaims(config, offered) {
  if (config.vct !== OB_VCT) {
    // Any other vct: exactly the offered claims, each selectively disclosable.
    const claims = structuredClone(offered ?? {})
    return { claims, frame: { _sd: Object.keys(claims) } }
  }
  // The Open Badges vct: {credentialSubject: {name, achievement}} (the suite's profile).
  const claims = isEmpty(offered) ? { credentialSubject: {} } : structuredClone(offered)
  if (isObject(claims.credentialSubject)) claims.credentialSubject = achievementSubject(claims.credentialSubject)
  if (!('name' in claims)) claims.name = credentialName(claims.credentialSubject)
  const subject = claims.credentialSubject
  const disclosable = isObject(subject) ? ['name', 'achievement'].filter((n) => n in subject) : []
  return { claims, frame: disclosable.length ? { credentialSubject: { _sd: disclosable } } : {} }
}

async function sdJwt({ config, holder, claims: offered, meta, issuerKey, keyMode }) {
  const sdjwt = new SDJwtVcInstance({
    signer: await ES256.getSigner(issuerKey.privateJwk), signAlg: 'ES256',
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt,
  })
  const { claims, frame } = sdJwtClaims(config, offered)
  const payload = {
    ...claims,
    iss: keyMode === 'did:jwk' ? meta.did : meta.base,
    iat: Math.floor(Date.now() / 1000),
    vct: config.vct,
    cnf: { jwk: holder.publicJwk },
  }
  return sdjwt.issue(payload, frame, { header: { kid: meta.kid } })
}

async function jwtVc({ holder, claims, meta, issuerKey }) {
  const now = new Date()
  const subject = holderDid(holder)
  const credentialSubject = { id: subject, ...achievementSubject(claims) }
  const vc = {
    '@context': [VC_V2, OB_V3],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: meta.did, type: ['Profile'], name: 'OWF peer issuer' },
    name: credentialName(credentialSubject),
    validFrom: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    credentialSubject,
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
