import { HttpsProxyAgent } from 'hpagent';
import type { IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { isIP } from 'node:net';
import { parse } from 'yaml';

/**
 * Kubernetes API calls over plain HTTPS with a kubeconfig: the few that `up` and `resume` make
 * while they wait, and the agent's. Not client-node: loading it costs about 1 s of CPU, taken from
 * the API server that is starting beside us on the same cores, and its (de)serialisation of every
 * object costs the agent CPU per pod.
 */
export interface KubeHttp {
  /** Sends one request; resolves with the parsed JSON body of a 2xx answer, else throws KubeHttpError. */
  call<T = unknown>(method: Method, path: string, options?: CallOptions): Promise<T>;
  /**
   * Watches a collection (`path` with its query, `watch=1` added): `onEvent` gets each event's type
   * and object as the server sent them, `onEnd` the end of the stream (once, with the error if it
   * failed). Resolves once the server accepted the watch, with a function that stops it.
   */
  watch<T = unknown>(
    path: string,
    onEvent: (type: string, object: T) => void,
    onEnd: (error?: Error) => void,
  ): Promise<() => void>;
  /** Closes the kept-alive connections, so the process can exit. */
  close(): void;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CallOptions {
  body?: unknown;
  /** The body's type: JSON unless a patch says otherwise (`application/merge-patch+json`, say). */
  contentType?: string;
  timeoutMs?: number;
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
    // SNI takes a name, never an address (Node warns); the certificate is still checked against the host.
    servername: cluster['tls-server-name'] ?? (isIP(server.hostname) ? undefined : server.hostname),
    keepAlive: true,
  };
  const agent = cluster['proxy-url']
    ? new HttpsProxyAgent({ ...tls, proxy: cluster['proxy-url'] })
    : new Agent(tls);
  const url = (path: string) => new URL(path, server);
  const call = <T>(method: Method, path: string, options: CallOptions = {}) =>
    new Promise<T>((resolve, reject) => {
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = request(
        url(path),
        {
          method,
          agent,
          timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          headers: {
            accept: 'application/json',
            ...(body
              ? {
                  'content-type': options.contentType ?? 'application/json',
                  'content-length': Buffer.byteLength(body),
                }
              : {}),
          },
        },
        (res) => {
          readBody(res).then((text) => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(failure(text, status));
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
          }, reject);
        },
      );
      req.on('timeout', () => req.destroy(new KubeHttpError(`${method} ${path} timed out`)));
      req.on('error', (error) => reject(asKubeHttpError(error)));
      req.end(body);
    });
  const watch = <T>(
    path: string,
    onEvent: (type: string, object: T) => void,
    onEnd: (error?: Error) => void,
  ) =>
    new Promise<() => void>((resolve, reject) => {
      const target = url(path);
      target.searchParams.set('watch', '1');
      let accepted = false;
      let ended = false;
      const end = (error?: Error) => {
        if (ended) return;
        ended = true;
        onEnd(error);
      };
      // No timeout: the server ends a watch itself (after its --min-request-timeout), and the
      // agent's TCP keep-alive notices a dead peer.
      const req = request(
        target,
        { method: 'GET', agent, headers: { accept: 'application/json' } },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            readBody(res).then((text) => reject(failure(text, status)), reject);
            return;
          }
          accepted = true;
          resolve(() => {
            ended = true;
            req.destroy();
          });
          let pending = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            pending += chunk;
            let newline: number;
            while ((newline = pending.indexOf('\n')) >= 0) {
              const line = pending.slice(0, newline).trim();
              pending = pending.slice(newline + 1);
              if (!line || ended) continue;
              let event: { type: string; object: T };
              try {
                event = JSON.parse(line) as typeof event;
              } catch (error) {
                end(new KubeHttpError(`unreadable watch event on ${path}: ${(error as Error).message}`));
                req.destroy();
                return;
              }
              onEvent(event.type, event.object);
            }
          });
          res.on('end', () => end());
          res.on('error', (error) => end(error));
          res.on('close', () => end());
        },
      );
      // Before the server accepted the watch, a failure rejects; after, it ends the watch.
      req.on('error', (error) => (accepted ? end(error) : reject(asKubeHttpError(error))));
      req.end();
    });
  return {
    call,
    watch,
    close: () => agent.destroy(),
  };
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

/** A failed answer: a Kubernetes Status says why in its message, other answers in their first line. */
function failure(text: string, status: number): KubeHttpError {
  let message = text.split('\n')[0] || `HTTP ${status}`;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // not JSON
  }
  return new KubeHttpError(message, status);
}

const asKubeHttpError = (error: Error) =>
  error instanceof KubeHttpError ? error : new KubeHttpError(error.message);
