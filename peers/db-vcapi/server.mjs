// VC API issuer and verifier on Digital Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022,
// ecdsa-rdfc-2019 and eddsa-jcs-2022 Data Integrity cryptosuites. Three issuer instances, as VC
// API services configure them: /eddsa (did:key, Ed25519), /ecdsa (did:web on this origin,
// P-256) and /eddsa-jcs (the same did:key, JCS).
// Everything below the routes is the libraries' work; the glue maps HTTP to their calls.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createSignCryptosuite as eddsaJcs2022Sign, createVerifyCryptosuite as eddsaJcs2022Verify}
  from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {HttpError, readJson, send, serve} from '../common/http.mjs';
import {didKeyDriver, documentLoader} from '../common/jsonld-loader.mjs';

const routes = {};
const problem = (status, title, detail) => new HttpError(status, {type: 'about:blank', title, detail},
  {'content-type': 'application/problem+json'});
const badRequest = detail => problem(400, 'Bad Request', detail);

// Issuer keys: Ed25519 under did:key, P-256 under did:web:<this origin>; made before the READY
// line, since the did:web needs the origin.
let issuers, webDidDocument;
async function makeIssuers(origin) {
  const edKey = await Ed25519Multikey.generate();
  const {didDocument: edDid} = await didKeyDriver.fromKeyPair({verificationKeyPair: edKey});
  edKey.controller = edDid.id;
  edKey.id = edDid.assertionMethod[0];

  const webDid = `did:web:${encodeURIComponent(new URL(origin).host)}`;
  const ecKey = await EcdsaMultikey.generate({curve: 'P-256', id: `${webDid}#key-1`, controller: webDid});
  const ecPublic = await ecKey.export({publicKey: true, includeContext: false});
  webDidDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: webDid,
    verificationMethod: [{...ecPublic, type: 'Multikey', id: ecKey.id, controller: webDid}],
    assertionMethod: [ecKey.id],
    authentication: [ecKey.id]
  };

  issuers = {
    eddsa: {did: edDid.id, key: edKey, cryptosuite: eddsaRdfc2022},
    ecdsa: {did: webDid, key: ecKey, cryptosuite: ecdsaRdfc2019},
    'eddsa-jcs': {did: edDid.id, key: edKey, cryptosuite: eddsaJcs2022Sign()}
  };
  addIssueRoutes();
}

routes['GET /.well-known/did.json'] = (request, response) => send(response, 200, webDidDocument);
routes['GET /health'] = (request, response) => send(response, 200, {status: 'ok'});
// The lab fills its manifest's placeholders ({eddsa_did}, {ecdsa_did}) from this.
routes['GET /lab/vars'] = (request, response) => send(response, 200,
  Object.fromEntries(Object.entries(issuers).map(([name, i]) => [`${name}_did`, i.did])));

function addIssueRoutes() {
for(const [name, issuer] of Object.entries(issuers)) {
  routes[`POST /${name}/credentials/issue`] = async (request, response, body) => {
    if(!body || typeof body.credential !== 'object' || Array.isArray(body.credential)) {
      throw badRequest('"credential" (an object) is required');
    }
    const credential = structuredClone(body.credential);
    const declared = typeof credential.issuer === 'object' ? credential.issuer?.id : credential.issuer;
    if(declared === undefined) {
      credential.issuer = issuer.did;
    } else if(declared !== issuer.did) {
      throw badRequest(`issuer ${declared} is not this instance's (${issuer.did})`);
    }
    const suite = new DataIntegrityProof({signer: issuer.key.signer(), cryptosuite: issuer.cryptosuite});
    try {
      const verifiableCredential = await vc.issue({credential, suite, documentLoader});
      send(response, 201, {verifiableCredential});
    } catch(error) {
      throw badRequest(error.message);
    }
  };
}
}

// Verification accepts the three cryptosuites; the verification method comes from the DID document.
const verifySuites = () => [
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
  new DataIntegrityProof({cryptosuite: eddsaJcs2022Verify()})
];

function errorsOf(result) {
  const errors = [];
  const walk = value => {
    if(!value) {
      return;
    }
    if(value instanceof Error || value.message) {
      errors.push(String(value.message || value));
      (value.errors || []).forEach(walk);
    }
  };
  walk(result.error);
  for(const r of result.results || []) {
    walk(r.error);
  }
  for(const r of result.credentialResults || []) {
    walk(r.error);
  }
  return [...new Set(errors)];
}

// The status library reports whether each status list could be read and the bit it found; what
// a set bit means is the caller's policy (its README): a set revocation or suspension bit rejects.
function statusErrors(result) {
  const results = [result.statusResult, ...(result.credentialResults || []).map(r => r.statusResult)]
    .flatMap(s => s?.results || []);
  return results.filter(r => r.status === true)
    .map(r => `credential status: ${r.credentialStatus?.statusPurpose} bit is set`);
}

function verdict(response, result) {
  const status = statusErrors(result);
  if(status.length) {
    send(response, 400, {verified: false, checks: ['proof', 'status'], warnings: [], errors: status});
  } else if(result.verified) {
    send(response, 200, {verified: true, checks: ['proof'], warnings: [], errors: []});
  } else {
    send(response, 400, {verified: false, checks: ['proof'], warnings: [], errors: errorsOf(result)});
  }
}

routes['POST /credentials/verify'] = async (request, response, body) => {
  const credential = body?.verifiableCredential;
  if(!credential || typeof credential !== 'object') {
    throw badRequest('"verifiableCredential" (an object) is required');
  }
  const result = await vc.verifyCredential({credential, suite: verifySuites(), documentLoader, checkStatus});
  verdict(response, result);
};

routes['POST /presentations/verify'] = async (request, response, body) => {
  const presentation = body?.verifiablePresentation;
  if(!presentation || typeof presentation !== 'object') {
    throw badRequest('"verifiablePresentation" (an object) is required');
  }
  const {challenge, domain} = body.options || {};
  const result = await vc.verify({
    presentation, suite: verifySuites(), documentLoader, checkStatus,
    challenge, domain, unsignedPresentation: !presentation.proof
  });
  verdict(response, result);
};

await serve(async (request, response, url) => {
  const handler = routes[`${request.method} ${url.pathname}`];
  if(!handler) {
    throw problem(404, 'Not Found', `${request.method} ${url.pathname}`);
  }
  const body = request.method === 'POST' ? await readJson(request) : undefined;
  await handler(request, response, body);
}, makeIssuers);
