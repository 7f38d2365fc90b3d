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
let kubeconfig: (options?: { proxyUrl?: string; caCert?: string; byAddress?: boolean }) => Promise<string>;
const seen: { method?: string; url?: string; body: string; user?: string; type?: string }[] = [];
let handshakes = 0;
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
        seen.push({ method: req.method, url: req.url, body, user, type: req.headers['content-type'] });
        if (req.url === '/readyz') return void res.end('ok');
        if (req.url?.startsWith('/api/v1/pods?')) {
          // Two events, the second split across writes, then the end of the watch.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI');
          return void setTimeout(() => res.end('FIED","object":{"metadata":{"name":"b"}}}\n'), 20);
        }
        if (req.url?.startsWith('/api/v1/secrets?')) {
          res.writeHead(403, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ kind: 'Status', message: 'secrets is forbidden' }));
        }
        if (req.url?.startsWith('/api/v1/configmaps?')) return void res.writeHead(200).flushHeaders();
        if (req.method === 'PATCH') return void res.end('{}');
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
  api.on('secureConnection', () => handshakes++);
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
      tlsServerName: options.byAddress ? undefined : clusterDnsName(spec),
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

  it('makes its calls over one kept-alive TLS connection, also to a server known by its address', async () => {
    // As the agent's kubeconfig: https://127.0.0.1:6443, no tls-server-name.
    const client = kubeHttp(await kubeconfig({ byAddress: true }));
    const before = handshakes;
    try {
      for (let i = 0; i < 5; i++)
        expect(await client.call('GET', `/api/v1/nodes/n${i}`)).toMatchObject({ kind: 'Node' });
    } finally {
      client.close();
    }
    expect(handshakes - before).toBe(1);
  });

  it('sends a patch with the content type it is given', async () => {
    const client = kubeHttp(await kubeconfig());
    try {
      await client.call('PATCH', '/api/v1/namespaces/d/pods/p/status', {
        body: { status: { phase: 'Running' } },
        contentType: 'application/merge-patch+json',
      });
    } finally {
      client.close();
    }
    expect(seen.at(-1)).toMatchObject({ method: 'PATCH', type: 'application/merge-patch+json' });
  });

  describe('watch', () => {
    it('delivers each event once, whole, then the end of the stream', async () => {
      const client = kubeHttp(await kubeconfig());
      const events: string[] = [];
      try {
        const ended = new Promise<Error | undefined>((resolve) => {
          void client.watch<{ metadata: { name: string } }>(
            '/api/v1/pods?fieldSelector=spec.nodeName%3Dn',
            (type, pod) => events.push(`${type} ${pod.metadata.name}`),
            resolve,
          );
        });
        expect(await ended).toBeUndefined();
      } finally {
        client.close();
      }
      expect(events).toEqual(['ADDED a', 'MODIFIED b']);
      expect(seen.at(-1)?.url).toBe('/api/v1/pods?fieldSelector=spec.nodeName%3Dn&watch=1');
    });

    it('rejects a refused watch with its status, and does not report an end', async () => {
      const client = kubeHttp(await kubeconfig());
      let ends = 0;
      try {
        const error = await client
          .watch(
            '/api/v1/secrets?x=1',
            () => undefined,
            () => ends++,
          )
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 403, message: 'secrets is forbidden' });
      } finally {
        client.close();
      }
      expect(ends).toBe(0);
    });

    it('stops when told, without reporting an end', async () => {
      const client = kubeHttp(await kubeconfig());
      let ends = 0;
      try {
        const stop = await client.watch(
          '/api/v1/configmaps?x=1',
          () => undefined,
          () => ends++,
        );
        stop();
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        client.close();
      }
      expect(ends).toBe(0);
    });
  });

  it('says so when the kubeconfig has no current cluster', () => {
    expect(() => kubeHttp('apiVersion: v1\nkind: Config\n')).toThrow(/no current cluster/);
  });
});
