import { generateKeyPairSync } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKubeconfig, secretForms, type KubeconfigInput } from '../../src/core/kubeconfig.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
});
const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
});

const input: KubeconfigInput = {
  cluster: 'demo',
  user: 'frankenetes-admin',
  server: 'https://demo.westeurope.azurecontainer.io:6443',
  caCert: '-----BEGIN CERTIFICATE-----\nY2EgY2VydA==\n-----END CERTIFICATE-----\n',
  credential: {
    cert: '-----BEGIN CERTIFICATE-----\nY2xpZW50\n-----END CERTIFICATE-----\n',
    key: String(key),
  },
};

const fromB64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

interface Kubeconfig {
  apiVersion: string;
  kind: string;
  clusters: { name: string; cluster: Record<string, string> }[];
  users: { name: string; user: Record<string, string> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

describe('renderKubeconfig', () => {
  it('has one cluster, one user and one current context tying them together', () => {
    const config = parse(renderKubeconfig(input)) as Kubeconfig;
    expect(config.apiVersion).toBe('v1');
    expect(config.kind).toBe('Config');
    expect(config.clusters).toHaveLength(1);
    expect(config.users).toHaveLength(1);
    expect(config.contexts).toHaveLength(1);
    const [cluster, user, context] = [config.clusters[0], config.users[0], config.contexts[0]];
    expect(cluster?.name).toBe(input.cluster);
    expect(user?.name).toBe(input.user);
    expect(context?.context).toEqual({ cluster: input.cluster, user: input.user });
    expect(config['current-context']).toBe(context?.name);
    expect(config['current-context']).toBeTruthy();
    expect(cluster?.cluster.server).toBe(input.server);
  });

  it('embeds the CA, client certificate and key as base64 that decodes back to the inputs', () => {
    const config = parse(renderKubeconfig(input)) as Kubeconfig;
    const cluster = config.clusters[0]?.cluster ?? {};
    const user = config.users[0]?.user ?? {};
    expect(fromB64(cluster['certificate-authority-data'] ?? '')).toBe(input.caCert);
    expect(fromB64(user['client-certificate-data'] ?? '')).toBe(input.credential.cert);
    expect(fromB64(user['client-key-data'] ?? '')).toBe(input.credential.key);
    // Data only: nothing refers to files that would not exist where the kubeconfig is used.
    expect(Object.keys(cluster).sort()).toEqual(['certificate-authority-data', 'server']);
    expect(Object.keys(user).sort()).toEqual(['client-certificate-data', 'client-key-data']);
  });

  it('sets tls-server-name only when given', () => {
    const without = parse(renderKubeconfig(input)) as Kubeconfig;
    expect(without.clusters[0]?.cluster).not.toHaveProperty('tls-server-name');
    expect(renderKubeconfig(input)).not.toContain('tls-server-name');

    const local = { ...input, server: 'https://127.0.0.1:41234', tlsServerName: 'demo.frankenetes.internal' };
    const withName = parse(renderKubeconfig(local)) as Kubeconfig;
    expect(withName.clusters[0]?.cluster['tls-server-name']).toBe('demo.frankenetes.internal');
    expect(withName.clusters[0]?.cluster.server).toBe('https://127.0.0.1:41234');
  });

  it('keeps names with ":" (component users) intact', () => {
    const config = parse(
      renderKubeconfig({ ...input, user: 'system:kube-scheduler', server: 'https://127.0.0.1:6443' }),
    ) as Kubeconfig;
    expect(config.users[0]?.name).toBe('system:kube-scheduler');
    expect(config.contexts[0]?.context.user).toBe('system:kube-scheduler');
  });

  it('is deterministic', () => {
    expect(renderKubeconfig(input)).toBe(renderKubeconfig({ ...input }));
  });

  it('loads in @kubernetes/client-node', () => {
    const kc = new KubeConfig();
    kc.loadFromString(renderKubeconfig(input));
    expect(kc.getCurrentContext()).toBe(`${input.user}@${input.cluster}`);
    const cluster = kc.getCurrentCluster();
    expect(cluster?.name).toBe(input.cluster);
    expect(cluster?.server).toBe(input.server);
    expect(cluster?.tlsServerName).toBeUndefined();
    expect(fromB64(cluster?.caData ?? '')).toBe(input.caCert);
    const user = kc.getCurrentUser();
    expect(user?.name).toBe(input.user);
    expect(fromB64(user?.certData ?? '')).toBe(input.credential.cert);
    expect(fromB64(user?.keyData ?? '')).toBe(input.credential.key);
  });

  it('passes tls-server-name to @kubernetes/client-node', () => {
    const kc = new KubeConfig();
    kc.loadFromString(
      renderKubeconfig({
        ...input,
        server: 'https://127.0.0.1:41234',
        tlsServerName: 'demo.frankenetes.internal',
      }),
    );
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:41234');
    expect(kc.getCurrentCluster()?.tlsServerName).toBe('demo.frankenetes.internal');
  });
});

describe('secretForms', () => {
  const bodyLines = (pem: string) =>
    pem
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('-----'));

  it.each([
    ['EC', String(key)],
    ['RSA', String(rsaKey)],
  ])('masks the %s key, its base64 and every body line of its PEM', (_kind, pem) => {
    const forms = secretForms({ cert: input.credential.cert, key: pem });
    expect(forms).toContain(Buffer.from(pem).toString('base64'));
    expect(forms).toContain(pem);
    const lines = bodyLines(pem);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(forms).toContain(line);
  });

  it('masks the base64 of the client certificate (as embedded in a kubeconfig)', () => {
    const forms = secretForms(input.credential);
    expect(forms).toContain(Buffer.from(input.credential.cert).toString('base64'));
  });

  it('never contains an empty string or a PEM boundary line (which would mask far too much)', () => {
    const forms = secretForms({ cert: input.credential.cert, key: String(rsaKey) });
    for (const form of forms) {
      expect(form.trim()).not.toBe('');
      expect(form).not.toMatch(/^-----(BEGIN|END) [A-Z ]+-----$/);
    }
  });

  it('the masked base64 key is exactly what a rendered kubeconfig embeds', () => {
    const yamlText = renderKubeconfig(input);
    const forms = secretForms(input.credential);
    const b64Key = Buffer.from(input.credential.key).toString('base64');
    expect(forms).toContain(b64Key);
    expect(yamlText).toContain(b64Key);
  });
});
