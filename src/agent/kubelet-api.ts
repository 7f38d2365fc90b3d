import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { BackendError, type ContainerGroupBackend } from '../core/backend.js';
import { podGroupName } from '../core/pods.js';
import type { AgentConfig } from './config.js';

/** Channel numbers of Kubernetes' WebSocket streaming protocol (v4/v5.channel.k8s.io). */
const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

interface Route {
  kind: string;
  namespace: string;
  pod: string;
  container: string;
}

function route(url: URL): Route | undefined {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length !== 4) return undefined;
  const [kind = '', namespace = '', pod = '', container = ''] = parts;
  return { kind, namespace, pod, container };
}

/** Only the API server (its kubelet-client certificate, or a cluster admin) may use the kubelet API. */
function authorized(req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return false;
  const subject = socket.getPeerCertificate().subject as unknown as
    Record<string, string | string[]> | undefined;
  const orgs = ([] as string[]).concat(subject?.O ?? []);
  return subject?.CN === 'kube-apiserver-kubelet-client' || orgs.includes('system:masters');
}

function fail(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain' }).end(`${message}\n`);
}

/** The exec result as the API server expects it on the error channel (metav1.Status). */
function exitStatus(code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

/**
 * The kubelet API the API server calls for `kubectl logs` and `kubectl exec`: HTTPS with a serving
 * certificate from the cluster CA, client certificates required. Exec speaks WebSocket directly
 * (the node declares ExtendWebSocketsToKubelet), so no SPDY is involved.
 */
export function startKubeletApi(
  config: AgentConfig,
  backend: ContainerGroupBackend,
  log: (message: string) => void,
): Promise<Server> {
  const groupOf = (r: Route) => podGroupName(config.cluster, r.namespace, r.pod);
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  const server = createServer(
    {
      cert: config.servingCert,
      key: config.servingKey,
      ca: config.caCert,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://kubelet');
      if (url.pathname === '/healthz') return void res.end('ok');
      if (!authorized(req)) return fail(res, 401, 'Unauthorized');
      const r = route(url);
      if (r?.kind === 'containerLogs' && req.method === 'GET') return void serveLogs(r, url, res);
      if (r && ['exec', 'attach', 'portForward'].includes(r.kind)) {
        return fail(res, 400, `${r.kind} needs a WebSocket upgrade (v5.channel.k8s.io)`);
      }
      return fail(res, 404, `${url.pathname} is not served by Frankenetes nodes`);
    },
  );

  async function serveLogs(r: Route, url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const number = (key: string) => (q.has(key) ? Number(q.get(key)) : undefined);
    if (q.get('previous') === 'true') {
      return fail(
        res,
        400,
        `previous terminated container "${r.container}" in pod "${r.pod}" not found: Frankenetes nodes keep only the current instance's logs`,
      );
    }
    try {
      const stream = await backend.logs(groupOf(r), r.container, {
        follow: q.get('follow') === 'true',
        timestamps: q.get('timestamps') === 'true',
        tailLines: number('tailLines'),
        sinceSeconds: number('sinceSeconds'),
      });
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
      const limit = number('limitBytes');
      let sent = 0;
      stream.on('data', (chunk: Buffer) => {
        if (limit !== undefined && sent + chunk.length > limit) {
          res.end(chunk.subarray(0, limit - sent));
          stream.destroy();
          return;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      stream.on('end', () => res.end());
      stream.on('error', () => res.end());
      res.on('close', () => stream.destroy());
    } catch (error) {
      const notFound = error instanceof BackendError && error.reason === 'not-found';
      fail(res, notFound ? 404 : 500, (error as Error).message);
    }
  }

  async function serveExec(ws: WebSocket, r: Route, url: URL) {
    const q = url.searchParams;
    const flag = (key: string) => q.get(key) === '1' || q.get(key) === 'true';
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    };
    // kubectl sends stdin and the terminal size at once: hold them until the session exists.
    const early: Buffer[] = [];
    let handle = (message: Buffer) => void early.push(message);
    let closed = false;
    ws.on('message', (message: Buffer) => handle(message));
    ws.on('close', () => {
      closed = true;
      handle(Buffer.from([CHANNEL.close, CHANNEL.stdin]));
    });
    try {
      const session = await backend.exec(groupOf(r), r.container, {
        command: q.getAll('command'),
        stdin: flag('input'),
        tty: flag('tty'),
      });
      session.stdout.on('data', (d: Buffer) => send(CHANNEL.stdout, d));
      session.stderr?.on('data', (d: Buffer) => send(CHANNEL.stderr, d));
      handle = (message: Buffer) => {
        if (process.env.FRANKENETES_DEBUG) log(`exec frame ${message.toString('hex').slice(0, 40)}`);
        const channel = message[0];
        const data = message.subarray(1);
        if (channel === CHANNEL.stdin) session.stdin?.write(data);
        else if (channel === CHANNEL.resize) {
          const size = JSON.parse(data.toString('utf8')) as { Width: number; Height: number };
          void session.resize(size.Width, size.Height);
        } else if (channel === CHANNEL.close && data[0] === CHANNEL.stdin) session.closeStdin();
      };
      for (const message of early.splice(0)) handle(message);
      if (closed) session.closeStdin();
      const code = await session.exitCode();
      send(CHANNEL.error, exitStatus(code));
      ws.close(1000);
    } catch (error) {
      send(
        CHANNEL.error,
        JSON.stringify({ metadata: {}, status: 'Failure', message: (error as Error).message }),
      );
      ws.close(1000);
    }
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const r = route(url);
    const refuse = (code: number, message: string) => {
      socket.end(
        `HTTP/1.1 ${code} ${message}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`,
      );
    };
    if (!authorized(req)) return refuse(401, 'Unauthorized');
    if (r?.kind === 'attach' || r?.kind === 'portForward') {
      return refuse(400, `${r.kind} is not supported by Frankenetes nodes`);
    }
    if (r?.kind !== 'exec') return refuse(404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveExec(ws, r, url).catch((error) =>
        log(`exec ${r.namespace}/${r.pod}: ${(error as Error).message}`),
      );
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Localhost only: the API server shares this network namespace.
    server.listen(config.kubeletPort, '127.0.0.1', () => resolve(server));
  });
}
