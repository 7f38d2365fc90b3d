// The app's HTTP server: Probot's webhook middleware (it verifies X-Hub-Signature-256 and answers
// 401/400 itself) plus a health endpoint for the container group's probe.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, type ApplicationFunction, type Probot } from 'probot';

export const WEBHOOK_PATH = '/api/github/webhooks';

export interface AppServer {
  server: Server;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

export async function startAppServer(options: {
  probot: Probot;
  app: ApplicationFunction;
  port?: number;
  host?: string;
}): Promise<AppServer> {
  const middleware = await createNodeMiddleware(options.app, { probot: options.probot, webhooksPath: WEBHOOK_PATH });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    void middleware(req, res, () => {
      res.writeHead(404).end();
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
