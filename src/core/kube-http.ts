import { HttpsProxyAgent } from 'hpagent';
import { Agent, request } from 'node:https';
import { parse } from 'yaml';

/**
 * The few API calls `up` and `resume` make while they wait, over plain HTTPS with the admin
 * kubeconfig. Not client-node: loading it costs about 1 s of CPU, taken from the API server that
 * is starting beside us on the same cores.
 */
export interface KubeHttp {
  /** Sends one request; resolves with the parsed JSON body of a 2xx answer, else throws KubeHttpError. */
  call<T = unknown>(
    method: 'GET' | 'POST',
    path: string,
    options?: { body?: unknown; timeoutMs?: number },
  ): Promise<T>;
  /** Closes the kept-alive connections, so the process can exit. */
  close(): void;
}

export class KubeHttpError extends Error {
  override name = 'KubeHttpError';
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: Record<string, string> }[];
  users?: { name: string; user: Record<string, string> }[];
}

const fromBase64 = (value: string | undefined) =>
  value ? Buffer.from(value, 'base64').toString() : undefined;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A client for the current context of a kubeconfig as `renderKubeconfig` writes it: embedded CA,
 * client certificate and key, optional `tls-server-name` and HTTP `proxy-url`.
 */
export function kubeHttp(kubeconfig: string): KubeHttp {
  const config = parse(kubeconfig) as KubeconfigFile;
  const context = config.contexts?.find((c) => c.name === config['current-context'])?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.user)?.user;
  if (!cluster?.server || !user) throw new KubeHttpError('the kubeconfig has no current cluster and user');
  const server = new URL(cluster.server);
  const tls = {
    ca: fromBase64(cluster['certificate-authority-data']),
    cert: fromBase64(user['client-certificate-data']),
    key: fromBase64(user['client-key-data']),
    servername: cluster['tls-server-name'] ?? server.hostname,
    keepAlive: true,
  };
  const agent = cluster['proxy-url']
    ? new HttpsProxyAgent({ ...tls, proxy: cluster['proxy-url'] })
    : new Agent(tls);
  return {
    call: <T>(method: string, path: string, options: { body?: unknown; timeoutMs?: number } = {}) =>
      new Promise<T>((resolve, reject) => {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const req = request(
          new URL(path, server),
          {
            method,
            agent,
            timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            headers: {
              accept: 'application/json',
              ...(body
                ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
                : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString();
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                try {
                  resolve((text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as T);
                } catch (error) {
                  reject(
                    new KubeHttpError(
                      `unreadable answer to ${method} ${path}: ${(error as Error).message}`,
                      status,
                    ),
                  );
                }
                return;
              }
              // A Kubernetes Status says why in its message; other answers in their first line.
              let message = text.split('\n')[0] || `HTTP ${status}`;
              try {
                message = (JSON.parse(text) as { message?: string }).message ?? message;
              } catch {
                // not JSON
              }
              reject(new KubeHttpError(message, status));
            });
          },
        );
        req.on('timeout', () => req.destroy(new KubeHttpError(`${method} ${path} timed out`)));
        req.on('error', (error) =>
          reject(error instanceof KubeHttpError ? error : new KubeHttpError(error.message)),
        );
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
