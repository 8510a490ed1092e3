// A wallet on the OpenWallet Foundation's oid4vc-ts (OpenID4VCI client, OpenID4VP client), dcql
// and sd-jwt-js, behind the suite's wallet backchannel (docs/backchannels.openapi.yaml, tag
// wallet). This file is glue: routing, the in-memory store (each credential exactly as the
// Credential Endpoint returned it, with the holder key it is bound to; imported ones have
// none) and the backchannel's answers.
import crypto from 'node:crypto'
import { HttpError, log, readJson, send, serve } from '../common/http.mjs'
import { checkImported, FORMATS, Rejected, summary } from './credentials.mjs'
import { present } from './present.mjs'
import { receive, WalletError } from './receive.mjs'

const NAME = 'OpenWallet Foundation oid4vc-ts 0.4.6 wallet (peer lab)'
const EXPORT_TYPE = 'LerWalletExport'
const MAX_IMPORT = 1000

class Store {
  items = new Map() // id -> {id, format, credential, holder?, received}

  add(format, credential, holder = null) {
    const item = { id: `urn:uuid:${crypto.randomUUID()}`, format, credential, holder, received: new Date().toISOString() }
    this.items.set(item.id, item)
    return item
  }

  presentable() {
    return [...this.items.values()].filter((item) => item.holder)
  }
}

let store = new Store()
const plain = ({ id, format, credential }) => ({ id, format, credential })

const invalid = (description) => new HttpError(400, { error: 'invalid_request', error_description: description })
const refusal = (error) => new HttpError(422, { error: error.code, error_description: error.message.slice(0, 500) })

async function onReceive(req, res) {
  const body = await readJson(req)
  if (typeof body?.offer !== 'string' || !/^openid-credential-offer:\/\/\?(credential_offer|credential_offer_uri)=/.test(body.offer)) {
    throw invalid('offer must be an openid-credential-offer:// URI')
  }
  if (body.tx_code != null && typeof body.tx_code !== 'string') throw invalid('tx_code must be a string or null')
  let issued
  try {
    issued = await receive(body.offer, body.tx_code)
  } catch (error) {
    if (error instanceof Rejected) throw refusal(new WalletError('credential_rejected', error.message))
    if (error instanceof WalletError) throw refusal(error)
    throw refusal(new WalletError('issuance_failed', String(error?.message ?? error).split('\n')[0]))
  }
  const stored = issued.map(({ format, credential, holder }) => store.add(format, credential, holder))
  log(`received ${stored.map((s) => `${s.format} ${s.id}`).join(', ')}`)
  send(res, 201, { credentials: stored.map(plain) })
}

async function onPresent(req, res) {
  const body = await readJson(req)
  if (typeof body?.request !== 'string' || !body.request.startsWith('openid4vp://?')) throw invalid('request must be an openid4vp:// URL')
  if (!['accept', 'decline'].includes(body.consent)) throw invalid('consent must be accept or decline')
  try {
    const answer = await present(store, body.request, body.consent === 'accept')
    log(`present: ${answer.status}`, answer.warnings?.length ? JSON.stringify(answer.warnings) : '')
    send(res, 200, answer)
  } catch (error) {
    if (error instanceof WalletError) throw refusal(error)
    throw error
  }
}

async function onImport(req, res) {
  const body = await readJson(req)
  const entries = body?.credentials
  if (body?.type !== EXPORT_TYPE || body?.version !== '1' || !Array.isArray(entries) || entries.length > MAX_IMPORT) {
    throw invalid(`not a ${EXPORT_TYPE} version 1 document`)
  }
  const bad = entries.find((e) => !FORMATS.concat('ldp_vc').includes(e?.format) || e?.credential == null ||
    (e.format === 'ldp_vc' ? typeof e.credential !== 'object' : typeof e.credential !== 'string'))
  if (bad) throw invalid('every credential needs a known format and its credential in that format\'s encoding')
  // Contract 1.3.0: one credential whose proof does not verify refuses the whole document, and
  // nothing is stored. Expiry, status and holder binding are not judged here; a credential whose
  // issuer key this wallet cannot obtain (loopback only) is kept unchecked: that proves no tampering.
  for (const [i, e] of entries.entries()) {
    let verdict
    try {
      verdict = await checkImported(e.format, e.credential)
    } catch (error) {
      if (error instanceof Rejected) throw refusal(new WalletError('credential_rejected', `credentials[${i}] (${e.format}): ${error.message}`))
      throw error
    }
    if (!verdict.checked) log(`import: credentials[${i}] (${e.format}) kept unchecked: ${verdict.reason}`)
  }
  // Kept exactly as exported; no holder key travels with an export, so these are never presented.
  const imported = entries.map((e) => store.add(e.format, e.credential))
  send(res, 200, { imported: imported.map(({ id, format }) => ({ id, format })) })
}

async function handle(req, res, url) {
  const route = `${req.method} ${url.pathname}`
  log(route)
  if (route === 'GET /') return send(res, 200, { name: NAME, version: '0.4.6', formats: FORMATS, protocols: ['oid4vci', 'oid4vp'] })
  if (route === 'GET /health') return send(res, 200, { status: 'ok' })
  if (route === 'POST /receive') return onReceive(req, res)
  if (route === 'POST /present') return onPresent(req, res)
  if (route === 'GET /credentials') {
    const credentials = []
    for (const item of store.items.values()) credentials.push({ id: item.id, format: item.format, ...(await summary(item.format, item.credential)) })
    return send(res, 200, { credentials })
  }
  if (url.pathname.startsWith('/credentials/')) {
    const id = decodeURIComponent(url.pathname.slice('/credentials/'.length))
    const item = store.items.get(id)
    if (!item) return send(res, 404, { error: 'not_found' })
    if (req.method === 'GET') return send(res, 200, plain(item))
    if (req.method === 'DELETE') { store.items.delete(id); return send(res, 204) }
  }
  if (route === 'GET /export') {
    const credentials = [...store.items.values()].map((item) => ({ ...plain(item), received: item.received }))
    return send(res, 200, { type: EXPORT_TYPE, version: '1', exported: new Date().toISOString(), credentials })
  }
  if (route === 'POST /import') return onImport(req, res)
  if (route === 'POST /reset') { store = new Store(); return send(res, 204) }
  send(res, 404, { error: 'not_found' })
}

await serve(handle, () => {})
