import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeHttpError, kubeHttp } from '../../src/core/kube-http.js';
import { renderKubeconfig } from '../../src/core/kubeconfig.js';
import { clusterDnsName } from '../../src/core/names.js';
import { ADMIN_USER, createClusterPki, issueAdminCredential, type ClusterPki } from '../../src/core/pki.js';
import { parseClusterSpec } from '../../src/core/spec.js';

const spec = parseClusterSpec({ name: 'http' });
let pki: ClusterPki;
let api: HttpsServer;
let proxy: Server;
let kubeconfig: (options?: { proxyUrl?: string; caCert?: string }) => Promise<string>;
const seen: { method?: string; url?: string; body: string; user?: string }[] = [];
const connects: string[] = [];
const port = (s: Server | HttpsServer) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  pki = await createClusterPki(spec);
  const admin = await issueAdminCredential(pki, spec);
  // A stand-in API server that asks for a client certificate signed by the cluster CA.
  api = createServer(
    { key: pki.apiserver.key, cert: pki.apiserver.cert, ca: pki.ca.cert, requestCert: true },
    (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        const user = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN);
        seen.push({ method: req.method, url: req.url, body, user });
        if (req.url === '/readyz') return void res.end('ok');
        if (req.method === 'POST') {
          res.writeHead(409, { 'content-type': 'application/json' });
          return void res.end(
            JSON.stringify({
              kind: 'Status',
              status: 'Failure',
              message: 'serviceaccounts "default" already exists',
            }),
          );
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Node', metadata: { name: 'n' } }));
      });
    },
  );
  // An HTTP proxy that only tunnels (CONNECT), as the ACI emulator's edge does.
  proxy = createHttpServer();
  proxy.on('connect', (req, client: Socket) => {
    connects.push(req.url ?? '');
    const upstream = connect(port(api), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  await Promise.all([
    new Promise<void>((r) => api.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r)),
  ]);
  kubeconfig = async (options = {}) =>
    renderKubeconfig({
      cluster: spec.name,
      user: ADMIN_USER,
      server: `https://127.0.0.1:${port(api)}`,
      caCert: options.caCert ?? pki.ca.cert,
      credential: admin,
      tlsServerName: clusterDnsName(spec),
      proxyUrl: options.proxyUrl,
    });
});

afterAll(() => {
  api?.closeAllConnections();
  api?.close();
  proxy?.close();
});

describe('kubeHttp', () => {
  it('calls the server with the client certificate and verifies it by its tls-server-name', async () => {
    const client = kubeHttp(await kubeconfig());
    try {
      expect(await client.call('GET', '/readyz')).toBe('ok');
      expect(await client.call('GET', '/api/v1/nodes/n')).toEqual({ kind: 'Node', metadata: { name: 'n' } });
    } finally {
      client.close();
    }
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/v1/nodes/n', user: ADMIN_USER });
  });

  it("sends JSON bodies, and throws a refusal with the Status's message and the HTTP status", async () => {
    const client = kubeHttp(await kubeconfig());
    const body = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } };
    try {
      const error = await client
        .call('POST', '/api/v1/namespaces/default/serviceaccounts', { body })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeHttpError);
      expect(error).toMatchObject({ status: 409, message: 'serviceaccounts "default" already exists' });
    } finally {
      client.close();
    }
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual(body);
  });

  it('goes through the proxy-url with CONNECT when the kubeconfig has one', async () => {
    const before = connects.length;
    const client = kubeHttp(await kubeconfig({ proxyUrl: `http://127.0.0.1:${port(proxy)}` }));
    try {
      expect(await client.call('GET', '/readyz')).toBe('ok');
    } finally {
      client.close();
    }
    expect(connects.slice(before)).toEqual([`127.0.0.1:${port(api)}`]);
  });

  it('refuses a server its CA did not sign, without an HTTP status', async () => {
    const other = await createClusterPki(parseClusterSpec({ name: 'other' }));
    const client = kubeHttp(await kubeconfig({ caCert: other.ca.cert }));
    try {
      const error = await client.call('GET', '/readyz').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeHttpError);
      expect((error as KubeHttpError).status).toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('says so when the kubeconfig has no current cluster', () => {
    expect(() => kubeHttp('apiVersion: v1\nkind: Config\n')).toThrow(/no current cluster/);
  });
});
