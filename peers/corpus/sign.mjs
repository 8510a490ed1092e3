// The corpus family `third-party` (issue 13, "How it is shown"): credentials signed by third-party
// libraries, each good one beside a bad sibling that breaks one named rule, and the family's
// labels.yaml in the corpus contract's format. Run from the repo root with Node 20:
//
//   node peers/corpus/sign.mjs        (make corpus-third-party)
//
// Keys are generated fresh at every run and never written anywhere; the artifacts change at
// every run, the labels do not. Every signature is the named library's; this file only builds
// the documents and breaks the bad siblings after signing. Contexts come from the suite's
// bundled set only (../common/jsonld-loader.mjs), never the network.
import {randomUUID} from 'node:crypto';
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as jose from 'jose';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createSignCryptosuite as eddsaJcs2022, createVerifyCryptosuite as eddsaJcs2022Verify}
  from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {createDiscloseCryptosuite, createSignCryptosuite as ecdsaSd2023, createVerifyCryptosuite as ecdsaSd2023Verify}
  from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {checkStatus, createCredential as createStatusListCredential, createList}
  from '@digitalbazaar/vc-bitstring-status-list';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, ES256, generateSalt} from '@sd-jwt/crypto-nodejs';
import {didKeyDriver, documentLoader as bundledLoader} from '../common/jsonld-loader.mjs';
import {didJwk} from '../common/keys.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FAMILY = 'third-party';
const OUT = join(here, '..', '..', 'fixtures', 'credentials', 'corpus', FAMILY);
const HOST = 'https://corpus.ler-interop.example';

// The library versions, for each entry's `signer` (the exact pins of ../package.json).
const lib = {
  vc: '@digitalbazaar/vc 7.3.0',
  eddsaRdfc: 'eddsa-rdfc-2022-cryptosuite 1.3.0',
  ecdsaRdfc: 'ecdsa-rdfc-2019-cryptosuite 1.3.0',
  eddsaJcs: 'eddsa-jcs-2022-cryptosuite 1.0.0',
  ecdsaSd: '@digitalbazaar/ecdsa-sd-2023-cryptosuite 3.4.1',
  ed2020: '@digitalbazaar/ed25519-signature-2020 5.4.0',
  status: '@digitalbazaar/vc-bitstring-status-list 2.0.1',
  jose: 'jose 6.2.19',
  sdjwt: '@sd-jwt/sd-jwt-vc 0.19.0',
};
const withVc = name => `${lib.vc} + ${name}`;

const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const OB_V3_0 = 'https://purl.imsglobal.org/spec/ob/v3p0/context.json';
const CLR_V2 = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';
const ED2020_CONTEXT = 'https://w3id.org/security/suites/ed25519-2020/v1';
const OB_VCT = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential';

// Every file is verified at NOW (the contract's --now); dates sit around it.
const NOW = '2026-06-01T00:00:00Z';
const VALID_FROM = '2026-01-01T00:00:00Z';
const VALID_UNTIL = '2030-01-01T00:00:00Z';
const SIGNED_AT = '2026-01-01T00:00:00Z';
const epoch = iso => Math.floor(Date.parse(iso) / 1000);
const CHALLENGE = 'corpus-challenge-7f3a';
const DOMAIN = `${HOST}/verifier`;

// ---------------------------------------------------------------- keys (fresh at each run)

async function ed25519DidKey() {
  const key = await Ed25519Multikey.generate();
  const {didDocument} = await didKeyDriver.fromKeyPair({verificationKeyPair: key});
  key.controller = didDocument.id;
  key.id = didDocument.assertionMethod[0];
  return {did: didDocument.id, key};
}

async function p256DidKey() {
  const key = await EcdsaMultikey.generate({curve: 'P-256'});
  const {didDocument} = await didKeyDriver.fromKeyPair({verificationKeyPair: key});
  key.controller = didDocument.id;
  key.id = didDocument.assertionMethod[0];
  return {did: didDocument.id, key};
}

/** An Ed25519VerificationKey2020 under did:key (Ed25519Signature2020's own key class). */
async function ed2020DidKey() {
  const key = await Ed25519VerificationKey2020.generate();
  const fingerprint = key.fingerprint();
  key.controller = `did:key:${fingerprint}`;
  key.id = `${key.controller}#${fingerprint}`;
  return {did: key.controller, key};
}

/** A jose key pair named by did:jwk (kid `#0`). */
async function joseDidJwk(alg) {
  const options = alg === 'RS256' ? {extractable: true, modulusLength: 2048} : {extractable: true};
  const {privateKey, publicKey} = await jose.generateKeyPair(alg, options);
  const publicJwk = await jose.exportJWK(publicKey);
  const did = didJwk(publicJwk);
  return {alg, privateKey, publicJwk, did, kid: `${did}#0`};
}

/** An Ed25519 jose key pair named by did:key (kid `did:key:z6Mk…#z6Mk…`). */
async function joseEdDidKey() {
  const {privateKey, publicKey} = await jose.generateKeyPair('EdDSA', {crv: 'Ed25519', extractable: true});
  const publicJwk = await jose.exportJWK(publicKey);
  const multikey = await Ed25519Multikey.fromJwk({jwk: publicJwk});
  const mb = multikey.publicKeyMultibase;
  return {alg: 'EdDSA', privateKey, publicJwk, did: `did:key:${mb}`, kid: `did:key:${mb}#${mb}`};
}

// ---------------------------------------------------------------- documents

const ACHIEVEMENT = {
  id: `${HOST}/achievements/data-steward`,
  type: ['Achievement'],
  name: 'Data Stewardship Fundamentals',
  description: 'Demonstrated the fundamentals of stewarding learner data.',
  criteria: {narrative: 'Completed the course and passed the final assessment.'}
};

/** An Open Badges 3.0 OpenBadgeCredential (VCDM 2.0) from `issuer` to `subject`. */
function openBadge(issuer, subject, extra = {}) {
  return {
    '@context': [VC_V2, OB_V3],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: issuer, type: ['Profile'], name: 'Third-party corpus issuer'},
    name: ACHIEVEMENT.name,
    validFrom: VALID_FROM,
    validUntil: VALID_UNTIL,
    credentialSubject: {id: subject, type: ['AchievementSubject'], achievement: structuredClone(ACHIEVEMENT)},
    ...extra
  };
}

/** The same achievement as a VCDM 1.1 credential with the OB 3.0 (3.0.0) context, the shape
 * deployed LER wallets still hold. */
function legacyOpenBadge(issuer, subject, {expirationDate = VALID_UNTIL} = {}) {
  return {
    '@context': [VC_V1, OB_V3_0, ED2020_CONTEXT],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: issuer, type: 'Profile', name: 'Third-party corpus issuer'},
    name: ACHIEVEMENT.name,
    issuanceDate: VALID_FROM,
    expirationDate,
    credentialSubject: {id: subject, type: 'AchievementSubject', achievement: structuredClone(ACHIEVEMENT)}
  };
}

// The one claim every bad sibling changes after signing: the achievement's name.
const TAMPERED_NAME = 'Doctor of Everything';
function tamperedJsonLd(signed) {
  const bad = structuredClone(signed);
  const subject = bad.credentialSubject ?? bad.verifiableCredential?.[0]?.credentialSubject;
  subject.achievement.name = TAMPERED_NAME;
  return bad;
}

/** A JWS with its payload's achievement name changed and the original signature kept. */
function tamperedJws(compact, change) {
  const [header, payload, signature] = compact.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  change(claims);
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

// ---------------------------------------------------------------- the family

const entries = [];
const resources = {};
const resourceDocs = new Map();
const files = new Map();
const selfChecks = [];

/** One entry; `libraryVerdict` is an async () => boolean: the signing library's own verifier on
 * it, which must agree with the label before anything is written (a truth cross-check). */
function add(file, content, label, libraryVerdict) {
  files.set(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  entries.push({file, ...label});
  selfChecks.push({file, want: label.expect === 'verified', libraryVerdict});
}

function resource(url, file, content) {
  files.set(file, `${JSON.stringify(content, null, 2)}\n`);
  resources[url] = file;
  resourceDocs.set(url, content);
}

// The bundled contexts and did:key, plus this family's resources (as `verify --resource` serves them).
async function documentLoader(url) {
  if(resourceDocs.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(resourceDocs.get(url))};
  }
  return bundledLoader(url);
}

// ---------------------------------------------------------------- the libraries' own verdicts

const verifySuites = () => [
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
  new DataIntegrityProof({cryptosuite: eddsaJcs2022Verify()}),
  new DataIntegrityProof({cryptosuite: ecdsaSd2023Verify()}),
  new Ed25519Signature2020()
];
const revoked = result => (result.statusResult?.results ?? []).some(r => r.status === true);
const diVerdict = credential => async () => {
  const result = await vc.verifyCredential({credential, suite: verifySuites(), documentLoader, checkStatus,
    now: new Date(NOW)});
  return result.verified && !revoked(result);
};
const vpVerdict = (presentation, challenge, domain) => async () =>
  (await vc.verify({presentation, challenge, domain, suite: verifySuites(), documentLoader, now: new Date(NOW)})).verified;
const jwtVerdict = (token, publicJwk) => async () => {
  try {
    await jose.jwtVerify(token.trim(), await jose.importJWK(publicJwk, jose.decodeProtectedHeader(token).alg),
      {currentDate: new Date(NOW)});
    return true;
  } catch {
    return false;
  }
};

const TAMPER_DI = 'the achievement name was changed after signing, so the proof no longer verifies ' +
  '(VC Data Integrity §4.4 Verify Proof: the hash of the transformed document must match the signature)';
const TAMPER_JWS = 'the achievement name in the JWT payload was changed after signing, so the JWS ' +
  'signature no longer verifies (RFC 7515 §5.2)';
const notVerified = (signer, breaks, check = 'proof', extra = {}) =>
  ({expect: 'not-verified', signer, breaks, check, ...extra});
const BAD_SIGNATURE = {reason: 'bad-signature'};
const verified = (signer, extra = {}) => ({expect: 'verified', signer, ...extra});

/** A Data Integrity pair: the credential signed with `suite` and its tampered sibling. */
async function diPair(stem, credential, suite, signer) {
  const signed = await vc.issue({credential, suite, documentLoader});
  add(`${stem}.json`, signed, verified(signer), diVerdict(signed));
  const bad = tamperedJsonLd(signed);
  add(`${stem}-tampered.json`, bad, notVerified(signer, TAMPER_DI, 'proof', BAD_SIGNATURE), diVerdict(bad));
  return signed;
}

async function dataIntegrity(keys) {
  const {ed, p256, holder} = keys;
  const date = SIGNED_AT;
  const edSuite = () => new DataIntegrityProof({signer: ed.key.signer(), date, cryptosuite: eddsaRdfc2022});
  const obEddsa = await diPair('ob3-eddsa-rdfc-2022', openBadge(ed.did, holder.did), edSuite(),
    withVc(lib.eddsaRdfc));
  await diPair('ob3-ecdsa-rdfc-2019', openBadge(p256.did, holder.did),
    new DataIntegrityProof({signer: p256.key.signer(), date, cryptosuite: ecdsaRdfc2019}), withVc(lib.ecdsaRdfc));
  await diPair('ob3-eddsa-jcs-2022', openBadge(ed.did, holder.did),
    new DataIntegrityProof({signer: ed.key.signer(), date, cryptosuite: eddsaJcs2022()}), withVc(lib.eddsaJcs));

  // CLR 2.0: a ClrCredential carrying the signed Open Badge (CLR 2.0 contexts are bundled).
  const clr = {
    '@context': [VC_V2, CLR_V2, OB_V3],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'ClrCredential'],
    issuer: {id: ed.did, type: ['Profile'], name: 'Third-party corpus issuer'},
    name: 'Data Stewardship transcript',
    validFrom: VALID_FROM,
    validUntil: VALID_UNTIL,
    credentialSubject: {id: holder.did, type: ['ClrSubject'], verifiableCredential: [obEddsa]}
  };
  const signedClr = await vc.issue({credential: clr, suite: edSuite(), documentLoader});
  add('clr2-eddsa-rdfc-2022.json', signedClr, verified(withVc(lib.eddsaRdfc)), diVerdict(signedClr));
  const badClr = structuredClone(signedClr);
  badClr.name = 'Doctor of Everything transcript';
  add('clr2-eddsa-rdfc-2022-tampered.json', badClr, notVerified(withVc(lib.eddsaRdfc),
    'the transcript name was changed after signing, so the proof no longer verifies (VC Data Integrity §4.4)',
    'proof', BAD_SIGNATURE), diVerdict(badClr));

  // A VCDM 2.0 presentation of the Open Badge, proof bound to a challenge and a domain.
  const presentation = {
    '@context': [VC_V2],
    type: ['VerifiablePresentation'],
    holder: holder.did,
    verifiableCredential: [obEddsa]
  };
  const vp = await vc.signPresentation({
    presentation, documentLoader, challenge: CHALLENGE, domain: DOMAIN,
    suite: new DataIntegrityProof({signer: holder.key.signer(), date: '2026-05-31T23:59:00Z', cryptosuite: eddsaRdfc2022})
  });
  const args = ['--challenge', CHALLENGE, '--domain', DOMAIN];
  add('vp2-eddsa-rdfc-2022.json', vp, verified(withVc(lib.eddsaRdfc), {args}), vpVerdict(vp, CHALLENGE, DOMAIN));
  const badVp = tamperedJsonLd(vp);
  add('vp2-eddsa-rdfc-2022-tampered.json', badVp, notVerified(withVc(lib.eddsaRdfc),
    'the presented credential\'s achievement name was changed after signing, so neither its proof nor the ' +
    'presentation\'s verifies (VC Data Integrity §4.4)', 'proof', {args, ...BAD_SIGNATURE}),
  vpVerdict(badVp, CHALLENGE, DOMAIN));
  add('vp2-eddsa-rdfc-2022-wrong-challenge.json', vp, notVerified(withVc(lib.eddsaRdfc),
    'verified with a challenge other than the one the proof was made for (VC Data Integrity §4.4: ' +
    'the proof\'s challenge must equal the expected one)', 'proof',
  {args: ['--challenge', 'another-challenge', '--domain', DOMAIN], reason: 'challenge-mismatch'}),
  vpVerdict(vp, 'another-challenge', DOMAIN));
  return obEddsa;
}

async function legacyEd25519Signature2020(keys) {
  const {ed2020, holder} = keys;
  const signer = `${lib.vc} + ${lib.ed2020}`;
  const suite = () => new Ed25519Signature2020({key: ed2020.key, date: SIGNED_AT});
  const signed = await vc.issue({credential: legacyOpenBadge(ed2020.did, holder.did), suite: suite(), documentLoader});
  add('vcdm11-ed25519-signature-2020.json', signed, verified(signer, {warning: 'legacy'}), diVerdict(signed));
  const bad = tamperedJsonLd(signed);
  add('vcdm11-ed25519-signature-2020-tampered.json', bad, notVerified(signer,
    'the achievement name was changed after signing, so the Ed25519Signature2020 proof no longer verifies ' +
    '(Ed25519Signature2020 §Verify Proof)', 'proof', BAD_SIGNATURE), diVerdict(bad));
  const expired = await vc.issue({
    credential: legacyOpenBadge(ed2020.did, holder.did, {expirationDate: '2026-03-01T00:00:00Z'}),
    suite: suite(), documentLoader
  });
  add('vcdm11-ed25519-signature-2020-expired.json', expired, notVerified(signer,
    'expirationDate (2026-03-01) is before the verification time: a VCDM 1.1 credential is not valid after ' +
    'its expirationDate (VC Data Model 1.1 §4.7 Expiration)', 'validity'), diVerdict(expired));
}

async function selectiveDisclosure(keys) {
  const {p256, holder} = keys;
  const signer = `${lib.vc} + ${lib.ecdsaSd}`;
  // Mandatory: what Open Badges 3.0 requires of an AchievementCredential (its name, issuer,
  // validity, the whole achievement), so every derived credential is still a valid badge; the
  // holder chooses whether to disclose the subject id and the optional description.
  const mandatoryPointers = ['/issuer', '/name', '/validFrom', '/validUntil', '/credentialSubject/type',
    '/credentialSubject/achievement'];
  const base = await vc.issue({
    credential: openBadge(p256.did, holder.did, {description: 'Awarded by the third-party corpus issuer.'}),
    documentLoader,
    suite: new DataIntegrityProof({signer: p256.key.signer(), date: SIGNED_AT,
      cryptosuite: ecdsaSd2023({mandatoryPointers})})
  });
  add('ob3-ecdsa-sd-2023-base.json', base, notVerified(signer,
    'a base proof is the issuer\'s message to the holder, not a proof a verifier accepts: verification ' +
    'parses a derived proof value and must fail on the base header (ecdsa-sd-2023 §3.5.8 parseDerivedProofValue)'),
  diVerdict(base));
  const derived = await vc.derive({
    verifiableCredential: base, documentLoader,
    suite: new DataIntegrityProof({cryptosuite: createDiscloseCryptosuite({
      selectivePointers: ['/credentialSubject/id']
    })})
  });
  add('ob3-ecdsa-sd-2023-derived.json', derived, verified(signer), diVerdict(derived));
  const bad = tamperedJsonLd(derived);
  add('ob3-ecdsa-sd-2023-derived-tampered.json', bad, notVerified(signer,
    'a mandatory claim (the achievement name) was changed after derivation, so the base signature over the ' +
    'mandatory statements no longer verifies (ecdsa-sd-2023 §3.6.7 verify: the mandatory hash is signed by the issuer)',
    'proof', BAD_SIGNATURE), diVerdict(bad));
}

async function vcJwt(keys) {
  const {holder} = keys;
  const signer = lib.jose;
  /** An OB 3.0 VC-JWT (OB 3.0 §8.2): the credential in `vc`, its fields mirrored in the claims. */
  async function sign(joseKey, issuer, header) {
    const credential = openBadge(issuer, holder.did);
    return new jose.SignJWT({vc: credential})
      .setProtectedHeader({alg: joseKey.alg, typ: 'JWT', ...header})
      .setIssuer(issuer).setJti(credential.id).setSubject(holder.did)
      .setNotBefore(epoch(VALID_FROM)).setExpirationTime(epoch(VALID_UNTIL)).setIssuedAt(epoch(SIGNED_AT))
      .sign(joseKey.privateKey);
  }
  const rsa = await joseDidJwk('RS256');
  const rsaHeaderKey = await joseDidJwk('RS256');
  const es = await joseDidJwk('ES256');
  const ed = await joseEdDidKey();
  const cases = [
    ['ob3-vcjwt-rs256-kid-did-jwk', await sign(rsa, rsa.did, {kid: rsa.kid}), rsa],
    // The key travels in the header (OB 3.0 §8.2: a `jwk` header parameter); the issuer is a URL.
    ['ob3-vcjwt-rs256-jwk-header', await sign(rsaHeaderKey, `${HOST}/issuers/tp`, {jwk: rsaHeaderKey.publicJwk}),
      rsaHeaderKey],
    ['ob3-vcjwt-es256-kid-did-jwk', await sign(es, es.did, {kid: es.kid}), es],
    ['ob3-vcjwt-eddsa-kid-did-key', await sign(ed, ed.did, {kid: ed.kid}), ed],
  ];
  for(const [stem, token, key] of cases) {
    add(`${stem}.jwt`, `${token}\n`, verified(signer), jwtVerdict(token, key.publicJwk));
    const bad = tamperedJws(token, claims => {
      claims.vc.credentialSubject.achievement.name = TAMPERED_NAME;
    });
    add(`${stem}-tampered.jwt`, `${bad}\n`, notVerified(signer, TAMPER_JWS, 'proof', BAD_SIGNATURE),
      jwtVerdict(bad, key.publicJwk));
  }
}

async function sdJwtVc(keys) {
  const signer = lib.sdjwt;
  const issuerKey = await joseDidJwk('ES256');
  const holderKey = await joseDidJwk('ES256');
  const issuerPrivate = await jose.exportJWK(issuerKey.privateKey);
  const holderPrivate = await jose.exportJWK(holderKey.privateKey);
  const sdjwt = new SDJwtVcInstance({
    signer: await ES256.getSigner(issuerPrivate), signAlg: 'ES256',
    kbSigner: await ES256.getSigner(holderPrivate), kbSignAlg: 'ES256',
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt
  });
  // The suite's "SD-JWT VC for Open Badges" layout (as ../owf-oid4vci issues it).
  const payload = {
    iss: issuerKey.did, iat: epoch(SIGNED_AT), nbf: epoch(VALID_FROM), exp: epoch(VALID_UNTIL),
    vct: OB_VCT, cnf: {jwk: holderKey.publicJwk},
    name: ACHIEVEMENT.name,
    credentialSubject: {type: ['AchievementSubject'], name: 'Ada Lovelace', achievement: structuredClone(ACHIEVEMENT)}
  };
  const checker = new SDJwtVcInstance({
    verifier: await ES256.getVerifier(issuerKey.publicJwk), kbVerifier: await ES256.getVerifier(holderKey.publicJwk),
    hasher: digest, hashAlg: 'sha-256'
  });
  const sdVerdict = (compact, keyBindingNonce) => async () => {
    try {
      await checker.verify(compact, {currentDate: epoch(NOW), keyBindingNonce});
      return true;
    } catch {
      return false;
    }
  };
  const issued = await sdjwt.issue(payload, {credentialSubject: {_sd: ['name', 'achievement']}},
    {header: {kid: issuerKey.kid}});
  const tamperIssuerJwt = compact => {
    const [jwt, ...rest] = compact.split('~');
    return [tamperedJws(jwt, claims => {
      claims.name = TAMPERED_NAME;
    }), ...rest].join('~');
  };
  const TAMPER_SD = 'the credential name (a clear claim of the issuer-signed JWT) was changed after signing, ' +
    'so the issuer signature no longer verifies (SD-JWT RFC 9901 §7.1 step 3: validate the signature)';
  add('sdjwt-vc-es256.sd-jwt', `${issued}\n`, verified(signer), sdVerdict(issued));
  const bad = tamperIssuerJwt(issued);
  add('sdjwt-vc-es256-tampered.sd-jwt', `${bad}\n`, notVerified(signer, TAMPER_SD, 'proof', BAD_SIGNATURE), sdVerdict(bad));

  const nonce = 'corpus-nonce-91c2';
  const aud = `${HOST}/verifier`;
  const presented = await sdjwt.present(issued, {credentialSubject: {achievement: true}},
    {kb: {payload: {iat: epoch(NOW) - 60, aud, nonce}}});
  const args = ['--challenge', nonce, '--domain', aud];
  add('sdjwt-vc-es256-kb.sd-jwt', `${presented}\n`, verified(signer, {args}), sdVerdict(presented, nonce));
  const badKb = tamperIssuerJwt(presented);
  add('sdjwt-vc-es256-kb-tampered.sd-jwt', `${badKb}\n`, notVerified(signer, TAMPER_SD,
    'proof', {args, ...BAD_SIGNATURE}), sdVerdict(badKb, nonce));
  add('sdjwt-vc-es256-kb-wrong-nonce.sd-jwt', `${presented}\n`, notVerified(signer,
    'verified with a nonce other than the KB-JWT\'s: the KB-JWT nonce must be the verifier\'s ' +
    '(SD-JWT RFC 9901 §7.3 step 5)', 'proof', {args: ['--challenge', 'another-nonce', '--domain', aud], reason: 'holder-binding'}),
  sdVerdict(presented, 'another-nonce'));
}

async function statusList(keys) {
  const {ed, holder} = keys;
  const signer = `${lib.vc} + ${lib.status} + ${lib.eddsaRdfc}`;
  const suite = () => new DataIntegrityProof({signer: ed.key.signer(), date: SIGNED_AT, cryptosuite: eddsaRdfc2022});
  const listUrl = `${HOST}/${FAMILY}/status/revocation-1`;
  const [clearIndex, revokedIndex] = [3, 7];
  // 131,072 entries: the Bitstring Status List minimum (§2.1 "at least 16KB").
  const list = await createList({length: 131072});
  list.setStatus(revokedIndex, true);
  const listCredential = await createStatusListCredential({id: listUrl, list, statusPurpose: 'revocation'});
  Object.assign(listCredential, {issuer: ed.did, validFrom: VALID_FROM, validUntil: VALID_UNTIL});
  resource(listUrl, 'status-list-revocation-1.json', await vc.issue({credential: listCredential, suite: suite(), documentLoader}));
  const withStatus = index => openBadge(ed.did, holder.did, {
    credentialStatus: {
      id: `${listUrl}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation',
      statusListIndex: String(index), statusListCredential: listUrl
    }
  });
  const clear = await vc.issue({credential: withStatus(clearIndex), suite: suite(), documentLoader});
  add('ob3-status-clear.json', clear, verified(signer), diVerdict(clear));
  const revokedCredential = await vc.issue({credential: withStatus(revokedIndex), suite: suite(), documentLoader});
  add('ob3-status-revoked.json', revokedCredential, notVerified(signer,
    `its revocation bit (index ${revokedIndex}) is set in the status list: the credential is revoked ` +
    '(Bitstring Status List §3.2 Validate Algorithm)', 'status'), diVerdict(revokedCredential));
}

// ---------------------------------------------------------------- labels.yaml

// YAML 1.2 reads JSON scalars, so each value is written as JSON: no escaping rules of our own.
const y = value => JSON.stringify(value);
function labelsYaml() {
  const lines = [
    `family: ${FAMILY}`,
    `about: ${y('Credentials signed by third-party libraries (Digital Bazaar vc/Data Integrity, jose, sd-jwt-js); ' +
      'generated by peers/corpus/sign.mjs, keys fresh at each run')}`,
    'resources:'
  ];
  for(const [url, file] of Object.entries(resources)) {
    lines.push(`  ${y(url)}: ${y(file)}`);
  }
  lines.push('entries:');
  for(const {file, ...label} of entries) {
    lines.push(`  - file: ${y(file)}`);
    for(const [key, value] of Object.entries(label)) {
      lines.push(`    ${key}: ${y(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  const keys = {
    ed: await ed25519DidKey(), p256: await p256DidKey(), holder: await ed25519DidKey(), ed2020: await ed2020DidKey()
  };
  await dataIntegrity(keys);
  await legacyEd25519Signature2020(keys);
  await selectiveDisclosure(keys);
  await vcJwt(keys);
  await sdJwtVc(keys);
  await statusList(keys);

  // Nothing is written unless each library's own verifier agrees with each label.
  const disagreements = [];
  for(const {file, want, libraryVerdict} of selfChecks) {
    const got = await libraryVerdict().catch(() => false);
    if(got !== want) {
      disagreements.push(`${file}: label says ${want ? 'verified' : 'not verified'}, the signing library says ${got ? 'verified' : 'not verified'}`);
    }
  }
  if(disagreements.length) {
    throw new Error(`labels and libraries disagree:\n  ${disagreements.join('\n  ')}`);
  }

  mkdirSync(OUT, {recursive: true});
  for(const old of readdirSync(OUT)) {
    rmSync(join(OUT, old));
  }
  for(const [file, content] of files) {
    writeFileSync(join(OUT, file), content);
  }
  writeFileSync(join(OUT, 'labels.yaml'), labelsYaml());
  process.stdout.write(`${FAMILY}: ${entries.length} entries, ${Object.keys(resources).length} resources -> ${OUT}\n`);
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
