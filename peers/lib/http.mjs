// The glue's HTTP plumbing: a node:http server on the port the lab gives (PORT, HOST), JSON in
// and out with a size cap, and the READY line the lab's harness waits for.
import {createServer} from 'node:http';

const MAX_BODY = 2 << 20;

export function readJson(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', chunk => {
      size += chunk.length;
      if(size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), {status: 413}));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if(!text) {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(Object.assign(new Error('body is not JSON'), {status: 400}));
      }
    });
    request.on('error', reject);
  });
}

export function send(response, status, body, type = 'application/json') {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {'content-type': type, 'cache-control': 'no-store'});
  response.end(text);
}

export function problem(response, status, title, detail) {
  send(response, status, {type: 'about:blank', title, detail}, 'application/problem+json');
}

// routes: {"POST /path": async (request, response, body, url) => {...}}; a thrown error with a
// `status` below 500 becomes that problem, anything else a 500 whose detail is the message.
export async function serve(routes, {name}) {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://peer');
    const handler = routes[`${request.method} ${url.pathname}`] ||
      Object.entries(routes).find(([key]) => key.endsWith('*') &&
        `${request.method} ${url.pathname}`.startsWith(key.slice(0, -1)))?.[1];
    try {
      if(!handler) {
        problem(response, 404, 'Not Found', `${request.method} ${url.pathname}`);
        return;
      }
      const body = request.method === 'POST' ? await readJson(request) : undefined;
      await handler(request, response, body, url);
    } catch(error) {
      const status = error.status && error.status < 500 ? error.status : 500;
      if(!response.headersSent) {
        problem(response, status, status === 500 ? 'Internal Error' : 'Bad Request', String(error.message));
      }
      if(status === 500) {
        console.error(`${name}:`, error);
      }
    }
  });
  server.keepAliveTimeout = 5000;
  const port = Number(process.env.PORT || 0);
  const host = process.env.HOST || '127.0.0.1';
  await new Promise(resolve => server.listen(port, host, resolve));
  const base = `http://${host}:${server.address().port}`;
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => process.exit(0));
  return {server, base, announce: () => console.log(`READY ${base}`)};
}

export function badRequest(message) {
  return Object.assign(new Error(message), {status: 400});
}
