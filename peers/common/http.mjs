// Plain node:http plumbing shared by the peers: start on PORT/HOST, print the READY line the
// lab harness waits for, capped bodies, JSON answers. No protocol logic lives here.
import http from 'node:http'

const MAX_BODY = 1 << 20 // hostile input is capped: 1 MiB per request

export class HttpError extends Error {
  constructor(status, body, headers = {}) {
    super(typeof body === 'string' ? body : JSON.stringify(body))
    this.status = status
    this.body = body
    this.headers = headers
  }
}

export async function readBody(req) {
  const chunks = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > MAX_BODY) throw new HttpError(413, { error: 'invalid_request', error_description: 'body too large' })
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function readJson(req) {
  const text = await readBody(req)
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, { error: 'invalid_request', error_description: 'body is not JSON' })
  }
}

export async function readForm(req) {
  return Object.fromEntries(new URLSearchParams(await readBody(req)))
}

export function send(res, status, body, headers = {}) {
  if (body === undefined || body === null) {
    res.writeHead(status, headers)
    return res.end()
  }
  const isText = typeof body === 'string'
  const type = headers['content-type'] ?? (isText ? 'text/plain' : 'application/json')
  res.writeHead(status, { ...headers, 'content-type': type })
  res.end(isText ? body : JSON.stringify(body))
}

/** The library's view of a request (RequestLike of @openid4vc/oauth2). */
export function requestLike(req, base) {
  const headers = new Headers()
  for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : v)
  return { method: req.method, url: new URL(req.url, base).toString(), headers }
}

export const log = (...args) => console.error(new Date().toISOString(), ...args)

/**
 * Serve `handler(req, res, url)` on HOST:PORT (PORT=0 picks one), call `onBase(base)` before
 * the first request, then print exactly `READY <base>` on stdout. Exits on SIGTERM/SIGINT.
 */
export async function serve(handler, onBase) {
  const host = process.env.HOST || '127.0.0.1'
  const port = Number(process.env.PORT ?? 0)
  let base
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, base)
    try {
      await handler(req, res, url)
    } catch (error) {
      if (error instanceof HttpError) {
        const problem = typeof error.body === 'object'
        send(res, error.status, error.body, error.headers)
        if (!problem) log(req.method, url.pathname, error.status, error.message)
      } else {
        log('unexpected', req.method, url.pathname, error?.stack ?? error)
        if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: String(error?.message ?? error) })
      }
    }
  })
  await new Promise((resolve) => server.listen(port, host, resolve))
  const bound = server.address().port
  base = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`
  await onBase(base)
  process.stdout.write(`READY ${base}\n`)
  const stop = () => process.exit(0) // in-memory state only: nothing to flush
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  return { server, base }
}
