import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { Agent, request, type AgentOptions, type RequestOptions } from 'node:https';

/**
 * A raw JSON request with the agent's credentials. Needed where @kubernetes/client-node would drop
 * fields it does not know yet (node.status.declaredFeatures).
 */
export async function rawRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: string }> {
  const server = new URL(kc.getCurrentCluster()?.server ?? '');
  const options: RequestOptions = {
    method,
    host: server.hostname,
    port: server.port,
    path,
    headers: { 'Content-Type': contentType, Accept: 'application/json' },
  };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * A KubeConfig whose requests share one keep-alive HTTPS agent. client-node makes a new agent for
 * every request, so each API call opened its own connection with a full TLS handshake (client
 * certificate included) on both ends: most of the agent's CPU per pod, and API server CPU too.
 * The credentials are the kubeconfig's, read once (the agent's are fixed for its life).
 */
export class KeepAliveKubeConfig extends KubeConfig {
  private shared: Agent | undefined;

  private sharedAgent(made: unknown): Agent {
    if (!this.shared) {
      const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = (made as Agent).options;
      const options: AgentOptions = { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername };
      this.shared = new Agent({ ...options, keepAlive: true });
    }
    return this.shared;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setAgent(this.sharedAgent(context.getAgent()));
  }

  override async applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    opts.agent = this.sharedAgent(opts.agent);
  }
}

export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KeepAliveKubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** HTTP status of a client-node error, if any. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { code?: number; statusCode?: number; response?: { statusCode?: number } };
  return e.code ?? e.statusCode ?? e.response?.statusCode;
}
