// A JSON-LD document loader for the Data Integrity peers: contexts only from the suite's bundled
// set (never the network), did:key through Digital Bazaar's driver, and did:web or status lists
// over plain http from loopback only (the lab's servers), bounded in time and size.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as DidKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {didWebUrl, loopbackFetch} from './keys.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const CONTEXTS_DIR = join(here, '..', '..', 'src', 'ler_interop', 'contexts');

function bundledContexts() {
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  const map = new Map();
  for(const [url, entry] of Object.entries(index)) {
    map.set(url, JSON.parse(readFileSync(join(CONTEXTS_DIR, entry.file), 'utf8')));
  }
  return map;
}

export const contexts = bundledContexts();

export const didKeyDriver = DidKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
didKeyDriver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});

const MAX_BYTES = 1 << 20;

async function fetchLoopbackJson(url) {
  const response = await loopbackFetch(url);
  if(!response.ok) {
    throw new Error(`${url} answered ${response.status}`);
  }
  const text = await response.text();
  if(text.length > MAX_BYTES) {
    throw new Error(`${url}: body over ${MAX_BYTES} bytes`);
  }
  return JSON.parse(text);
}

export async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const doc = await fetchLoopbackJson(didWebUrl(did));
    if(doc.id !== did) {
      throw new Error(`DID document at ${didWebUrl(did)} has id ${doc.id}, not ${did}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: doc};
    }
    const method = (doc.verificationMethod || []).find(m => m.id === url || m.id === `#${fragment}`);
    if(!method) {
      throw new Error(`${url}: no such verification method`);
    }
    return {contextUrl: null, documentUrl: url,
      document: {'@context': doc['@context'], ...method, id: url}};
  }
  if(url.startsWith('http://')) {
    return {contextUrl: null, documentUrl: url, document: await fetchLoopbackJson(url)};
  }
  throw new Error(`document ${url} is not in the peers' bundled set (no remote loading)`);
}
