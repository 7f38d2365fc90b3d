import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepAliveKubeConfig } from '../../src/agent/kube.js';
import { createCertificateAuthority, issueCertificate, type CertKeyPair } from '../../src/core/pki.js';

// A TLS server that requires a client certificate, as the API server does, and counts handshakes.
let ca: CertKeyPair;
let client: CertKeyPair;
let url = '';
let handshakes = 0;
const server = createServer({ requestCert: true, rejectUnauthorized: true });

beforeAll(async () => {
  const now = new Date();
  ca = await createCertificateAuthority('test-ca', now);
  const serving = await issueCertificate(ca, {
    subject: { cn: 'kube-apiserver' },
    usage: 'server',
    ips: ['127.0.0.1'],
    lifetimeMs: 3_600_000,
    now,
  });
  client = await issueCertificate(ca, {
    subject: { cn: 'system:node:test-node', o: 'system:nodes' },
    usage: 'client',
    lifetimeMs: 3_600_000,
    now,
  });
  server.setSecureContext({ cert: serving.cert, key: serving.key, ca: ca.cert });
  server.on('secureConnection', (socket) => {
    if (socket.authorized) handshakes++;
  });
  server.on('request', (req, res) => {
    res.setHeader('Content-Type', 'application/json');
    const name = req.url?.split('/').pop()?.split('?')[0];
    res.end(
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function load(kc: KubeConfig): CoreV1Api {
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, caData: b64(ca.cert), skipTLSVerify: false }],
    users: [{ name: 'u', certData: b64(client.cert), keyData: b64(client.key) }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc.makeApiClient(CoreV1Api);
}

async function handshakesFor(kc: KubeConfig): Promise<number> {
  const api = load(kc);
  const before = handshakes;
  for (let i = 0; i < 5; i++) {
    const cm = await api.readNamespacedConfigMap({ name: `cm-${i}`, namespace: 'default' });
    expect(cm.metadata?.name).toBe(`cm-${i}`);
  }
  return handshakes - before;
}

describe('the agent’s API client', () => {
  it('makes five calls over one TLS connection, with its client certificate', async () => {
    expect(await handshakesFor(new KeepAliveKubeConfig())).toBe(1);
  });

  it('(the stock client-node KubeConfig makes a handshake per call)', async () => {
    expect(await handshakesFor(new KubeConfig())).toBe(5);
  });
});
