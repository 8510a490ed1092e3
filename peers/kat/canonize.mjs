// Known-answer canonicaliser: the JSON-LD document on stdin -> RDFC-1.0 canonical N-Quads on
// stdout, computed by jsonld.js exactly as Digital Bazaar's eddsa-rdfc-2022 and ecdsa-rdfc-2019
// cryptosuites call it (rdfDirection 'i18n-datatype', safe mode, base null).
//
//   node canonize.mjs CONTEXTS < doc.json
//
// CONTEXTS is a directory holding an index.json (URL -> {file}) or a JSON file that is either
// such an index or a plain map URL -> context document. Contexts come from there only: any
// other URL is an error, never a download. Exit 0 with the N-Quads; 1 with the error on stderr.
import {readFileSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import jsonld from 'jsonld';

function loadContexts(location) {
  const indexPath = statSync(location).isDirectory() ? join(location, 'index.json') : location;
  const index = JSON.parse(readFileSync(indexPath, 'utf8'));
  const contexts = new Map();
  for(const [url, entry] of Object.entries(index)) {
    const isIndexEntry = entry && typeof entry.file === 'string' && !('@context' in entry);
    contexts.set(url, isIndexEntry ?
      JSON.parse(readFileSync(join(dirname(indexPath), entry.file), 'utf8')) : entry);
  }
  return contexts;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  if(process.argv.length !== 3) {
    throw new Error('usage: node canonize.mjs CONTEXTS_DIR_OR_JSON < document.json');
  }
  const contexts = loadContexts(process.argv[2]);
  const documentLoader = async url => {
    if(!contexts.has(url)) {
      throw new Error(`context not in the local map (never downloaded): ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
  };
  const doc = JSON.parse(await readStdin());
  const nquads = await jsonld.canonize(doc, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    rdfDirection: 'i18n-datatype',
    safe: true,
    base: null,
    documentLoader,
  });
  process.stdout.write(nquads);
}

main().catch(error => {
  process.stderr.write(`${error.name || 'Error'}: ${error.message}\n`);
  process.exit(1);
});
