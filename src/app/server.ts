// The app's HTTP server: Probot's webhook middleware (it verifies X-Hub-Signature-256 and answers
// 401/400 itself) plus a health endpoint for the container group's probe.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, type ApplicationFunction, type Probot } from 'probot';

export const WEBHOOK_PATH = '/api/github/webhooks';

export interface AppServer {
  server: Server;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

/** GitHub's largest webhook payload. */
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/** Whether the body carries GitHub's HMAC-SHA256 signature made with the secret. */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function startAppServer(options: {
  probot: Probot;
  app: ApplicationFunction;
  /** The webhook secret: a delivery without its signature is answered 401 before any handler. */
  secret: string;
  port?: number;
  host?: string;
}): Promise<AppServer> {
  const middleware = await createNodeMiddleware(options.app, {
    probot: options.probot,
    webhooksPath: WEBHOOK_PATH,
  });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const next = () => void res.writeHead(404).end();
    if (req.method !== 'POST' || req.url?.split('?')[0] !== WEBHOOK_PATH)
      return void middleware(req, res, next);
    // Probot checks the signature too, but answers a bad one 400; an unauthenticated request is a 401.
    void readBody(req).then((body) => {
      if (!body) return void res.writeHead(413).end();
      if (!signatureMatches(options.secret, body, req.headers['x-hub-signature-256'] as string | undefined))
        return void res.writeHead(401, { 'content-type': 'text/plain' }).end('signature does not match\n');
      req.body = body.toString('utf8');
      return middleware(req, res, next);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
