import { execFileSync } from 'node:child_process';
import { createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KUBERNETES_SERVICE_IP, clusterDnsName, nodeName } from '../../src/core/names.js';
import {
  ADMIN_USER,
  apiServerNames,
  certificateExpiry,
  createClusterPki,
  issueAdminCredential,
  type CertKeyPair,
  type ClusterPki,
} from '../../src/core/pki.js';
import { planCluster } from '../../src/core/plan.js';
import { parseClusterSpec } from '../../src/core/spec.js';

const HOUR = 3600_000;
const YEAR = 365 * 24 * HOUR;
const MINUTE = 60_000;

const spec = parseClusterSpec({ name: 'pkitest' });
const node = nodeName(spec.name);

type CaName = 'ca' | 'etcdCa' | 'frontProxyCa';
type LeafName = Exclude<keyof ClusterPki, CaName | 'serviceAccount'> | 'admin' | 'admin2h';
type Usage = 'server' | 'client' | 'server+client';

/** Every leaf certificate, the CA that must have signed it and what it is for. */
const LEAVES: [LeafName, CaName, Usage][] = [
  ['apiserver', 'ca', 'server'],
  ['apiserverKubeletClient', 'ca', 'client'],
  ['controllerManager', 'ca', 'server+client'],
  ['scheduler', 'ca', 'server+client'],
  ['node', 'ca', 'client'],
  ['nodeServing', 'ca', 'server'],
  ['admin', 'ca', 'client'],
  ['admin2h', 'ca', 'client'],
  ['apiserverEtcdClient', 'etcdCa', 'client'],
  ['etcdServer', 'etcdCa', 'server+client'],
  ['etcdPeer', 'etcdCa', 'server+client'],
  ['frontProxyClient', 'frontProxyCa', 'client'],
];
const CAS: CaName[] = ['ca', 'etcdCa', 'frontProxyCa'];

let dir: string;
let pki: ClusterPki;
let admin: CertKeyPair;
let admin2h: CertKeyPair;
/** Date.now() just before each admin credential was issued. */
let adminIssuedAt: number;
let admin2hIssuedAt: number;
let pairs: Record<CaName | LeafName, CertKeyPair>;

const certFile = (name: string) => join(dir, `${name}.crt`);
const keyFile = (name: string) => join(dir, `${name}.key`);

const cache = new Map<string, string | Error>();

/** Runs openssl; results are cached (every file the tests write keeps its content). */
function openssl(...args: string[]): string {
  const key = args.join('\0');
  let result = cache.get(key);
  if (result === undefined) {
    try {
      result = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      result = error as Error;
    }
    cache.set(key, result);
  }
  if (result instanceof Error) throw result;
  return result;
}

/** Whether `openssl verify` accepts the certificate file against the CA file. */
function verifies(caPath: string, certPath: string, ...options: string[]): boolean {
  try {
    return openssl('verify', ...options, '-CAfile', caPath, certPath)
      .trim()
      .endsWith(': OK');
  } catch {
    return false;
  }
}

interface CertInfo {
  subject: Record<string, string>;
  issuer: Record<string, string>;
  notBefore: number;
  notAfter: number;
  serial: string;
  publicKey: string;
  /** X.509v3 extensions by openssl's name ("Basic Constraints", ...). */
  ext: Record<string, { critical: boolean; value: string }>;
}

function parseDn(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/,(?=[A-Za-z]+=)/)
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]),
  );
}

/** What openssl reads from a certificate file, in one call. */
function certInfo(path: string): CertInfo {
  const out = openssl(
    'x509',
    '-noout',
    '-in',
    path,
    '-subject',
    '-issuer',
    '-nameopt',
    'RFC2253',
    '-startdate',
    '-enddate',
    '-dateopt',
    'iso_8601',
    '-serial',
    '-pubkey',
    '-ext',
    'basicConstraints,keyUsage,extendedKeyUsage,subjectAltName',
  );
  const field = (name: string) => {
    const m = new RegExp(`^${name}=(.*)$`, 'm').exec(out);
    if (!m?.[1]) throw new Error(`no ${name} in ${out}`);
    return m[1];
  };
  const date = (name: string) => Date.parse(field(name).replace(' ', 'T'));
  const pem = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/.exec(out)?.[0] ?? '';
  const ext: CertInfo['ext'] = {};
  let current: { critical: boolean; value: string } | undefined;
  for (const line of out.split('\n')) {
    const header = /^X509v3 (.+?):( critical)?\s*$/.exec(line);
    if (header?.[1]) {
      current = { critical: Boolean(header[2]), value: '' };
      ext[header[1]] = current;
    } else if (current && /^\s+\S/.test(line)) {
      current.value = [current.value, line.trim()].filter(Boolean).join(', ');
    } else {
      current = undefined;
    }
  }
  return {
    subject: parseDn(field('subject')),
    issuer: parseDn(field('issuer')),
    notBefore: date('notBefore'),
    notAfter: date('notAfter'),
    serial: field('serial'),
    publicKey: pem,
    ext,
  };
}

/** The body of one X.509v3 extension ("" when absent). */
const extension = (path: string, name: string) => certInfo(path).ext[name]?.value ?? '';

function sans(path: string): { dns: string[]; ips: string[] } {
  const entries = extension(path, 'Subject Alternative Name').split(', ').filter(Boolean);
  return {
    dns: entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4)),
    ips: entries.filter((e) => e.startsWith('IP Address:')).map((e) => e.slice(11)),
  };
}

const subject = (path: string) => certInfo(path).subject;
const issuer = (path: string) => certInfo(path).issuer;
const validity = (path: string) => ({
  notBefore: certInfo(path).notBefore,
  notAfter: certInfo(path).notAfter,
});
const publicKeyOfCert = (path: string) => certInfo(path).publicKey;
const publicKeyOfKey = (path: string) => openssl('pkey', '-pubout', '-in', path).trim();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frankenetes-pki-'));
  pki = await createClusterPki(spec);
  adminIssuedAt = Date.now();
  admin = await issueAdminCredential(pki, spec);
  admin2hIssuedAt = Date.now();
  admin2h = await issueAdminCredential(pki, { adminCredentialHours: 2 });
  const { serviceAccount, ...certs } = pki;
  pairs = { ...certs, admin, admin2h };
  for (const [name, pair] of Object.entries(pairs)) {
    writeFileSync(certFile(name), pair.cert);
    writeFileSync(keyFile(name), pair.key, { mode: 0o600 });
  }
  writeFileSync(join(dir, 'sa.key'), serviceAccount.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, 'sa.pub'), serviceAccount.publicKey);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('certificate chains', () => {
  it.each(LEAVES)('%s is signed by %s', (leaf, ca) => {
    expect(verifies(certFile(ca), certFile(leaf), '-x509_strict')).toBe(true);
    expect(issuer(certFile(leaf))).toEqual(subject(certFile(ca)));
  });

  it.each(LEAVES)('%s (signed by %s) is rejected by the other CAs', (leaf, ca) => {
    const wrong = CAS.filter((c) => c !== ca);
    expect(wrong).toHaveLength(2);
    for (const other of wrong)
      expect(verifies(certFile(other), certFile(leaf)), `${leaf} vs ${other}`).toBe(false);
  });

  it('a Kubernetes client certificate cannot authenticate to etcd, nor an etcd certificate to Kubernetes', () => {
    expect(verifies(certFile('etcdCa'), certFile('admin'))).toBe(false);
    expect(verifies(certFile('etcdCa'), certFile('apiserverKubeletClient'))).toBe(false);
    expect(verifies(certFile('ca'), certFile('etcdServer'))).toBe(false);
    expect(verifies(certFile('ca'), certFile('apiserverEtcdClient'))).toBe(false);
    expect(verifies(certFile('ca'), certFile('frontProxyClient'))).toBe(false);
  });

  it.each(CAS)('%s is a self-signed CA with CA:TRUE and keyCertSign', (ca) => {
    expect(verifies(certFile(ca), certFile(ca), '-x509_strict')).toBe(true);
    expect(issuer(certFile(ca))).toEqual(subject(certFile(ca)));
    const { ext } = certInfo(certFile(ca));
    expect(ext['Basic Constraints']).toEqual({ critical: true, value: 'CA:TRUE' });
    expect(ext['Key Usage']?.critical).toBe(true);
    expect(ext['Key Usage']?.value.split(', ')).toContain('Certificate Sign');
  });

  it('the three CAs are distinct, with distinct names and keys', () => {
    const subjects = CAS.map((ca) => JSON.stringify(subject(certFile(ca))));
    const keys = CAS.map((ca) => publicKeyOfCert(certFile(ca)));
    expect(new Set(subjects).size).toBe(3);
    expect(new Set(keys).size).toBe(3);
  });

  it.each(LEAVES)('%s is not a CA and cannot sign certificates', (leaf) => {
    const { ext } = certInfo(certFile(leaf));
    expect(ext['Basic Constraints']).toEqual({ critical: true, value: 'CA:FALSE' });
    expect(ext['Key Usage']?.value).not.toContain('Certificate Sign');
    expect(ext['Key Usage']?.value).toContain('Digital Signature');
  });

  it.each([...CAS, ...LEAVES.map(([leaf]) => leaf)])('the key of %s belongs to its certificate', (name) => {
    expect(pairs[name as CaName | LeafName].key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicKeyOfKey(keyFile(name))).toBe(publicKeyOfCert(certFile(name)));
  });

  it('every certificate has its own key and serial number', () => {
    const names = Object.keys(pairs);
    const keys = names.map((n) => publicKeyOfCert(certFile(n)));
    const serials = names.map((n) => certInfo(certFile(n)).serial);
    expect(new Set(keys).size).toBe(names.length);
    expect(new Set(serials).size).toBe(names.length);
  });
});

describe('extended key usage', () => {
  const SERVER = 'TLS Web Server Authentication';
  const CLIENT = 'TLS Web Client Authentication';

  it.each(LEAVES)('%s (%s CA) allows exactly %s', (leaf, _ca, usage) => {
    const ekus = extension(certFile(leaf), 'Extended Key Usage').split(', ').sort();
    const expected = { server: [SERVER], client: [CLIENT], 'server+client': [CLIENT, SERVER] }[usage];
    expect(ekus).toEqual(expected);
  });

  it.each(LEAVES)('openssl accepts %s only for its purposes', (leaf, ca, usage) => {
    const asServer = verifies(certFile(ca), certFile(leaf), '-purpose', 'sslserver');
    const asClient = verifies(certFile(ca), certFile(leaf), '-purpose', 'sslclient');
    expect(asServer).toBe(usage !== 'client');
    expect(asClient).toBe(usage !== 'server');
  });

  it('etcd peer certificates are both server and client certificates', () => {
    const ekus = extension(certFile('etcdPeer'), 'Extended Key Usage');
    expect(ekus).toContain(SERVER);
    expect(ekus).toContain(CLIENT);
  });
});

describe('names in certificates', () => {
  it('the API server certificate has exactly the names clients dial it by', () => {
    const names = sans(certFile('apiserver'));
    for (const dns of [
      clusterDnsName(spec),
      'localhost',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ]) {
      expect(names.dns).toContain(dns);
    }
    expect(names.ips).toContain('127.0.0.1');
    expect(names.ips).toContain(KUBERNETES_SERVICE_IP);
    expect(names.ips).toContain('10.96.0.1');
    const expected = apiServerNames(spec);
    expect([...names.dns].sort()).toEqual([...expected.dns].sort());
    expect([...names.ips].sort()).toEqual([...expected.ips].sort());
  });

  it('apiServerNames uses the ACI FQDN for Azure clusters', () => {
    const azure = parseClusterSpec({
      name: 'pkitest',
      backend: 'aci',
      location: 'westeurope',
      azure: { subscriptionId: '00000000-0000-4000-8000-000000000001', resourceGroup: 'rg' },
    });
    const names = apiServerNames(azure);
    expect(names.dns).toContain('pkitest.westeurope.azurecontainer.io');
    expect(names.dns).not.toContain(clusterDnsName(spec));
    expect(names.ips).toEqual(apiServerNames(spec).ips);
  });

  it.each(['etcdServer', 'etcdPeer', 'controllerManager', 'scheduler'])(
    '%s is valid for 127.0.0.1 and localhost, where it listens',
    (leaf) => {
      const names = sans(certFile(leaf));
      expect(names.dns).toEqual(['localhost']);
      expect(names.ips).toEqual(['127.0.0.1']);
      expect(openssl('x509', '-noout', '-checkip', '127.0.0.1', '-in', certFile(leaf))).toMatch(/does match/);
    },
  );

  it('the kubelet serving certificate names the node', () => {
    const names = sans(certFile('nodeServing'));
    expect(names.dns).toContain(node);
    expect(names.dns).toContain('localhost');
    expect(names.ips).toContain('127.0.0.1');
    expect(subject(certFile('nodeServing')).CN).toBe(`system:node:${node}`);
  });

  it.each(LEAVES.filter(([, , usage]) => usage === 'client'))('client certificate %s has no SANs', (leaf) => {
    expect(sans(certFile(leaf))).toEqual({ dns: [], ips: [] });
  });

  it('the node client certificate is system:node:<node> in system:nodes (for the Node authorizer)', () => {
    expect(subject(certFile('node'))).toEqual({ CN: `system:node:${node}`, O: 'system:nodes' });
  });

  it('controller-manager and scheduler use their built-in RBAC user names', () => {
    expect(subject(certFile('controllerManager'))).toEqual({
      CN: 'system:kube-controller-manager',
    });
    expect(subject(certFile('scheduler'))).toEqual({ CN: 'system:kube-scheduler' });
  });

  it.each(['admin', 'admin2h'])('%s is the admin user in system:masters', (leaf) => {
    expect(subject(certFile(leaf))).toEqual({ CN: ADMIN_USER, O: 'system:masters' });
  });

  it('no certificate but the admin ones and the kubelet client is in system:masters', () => {
    for (const [leaf] of LEAVES) {
      if (subject(certFile(leaf)).O === 'system:masters')
        expect(['admin', 'admin2h', 'apiserverKubeletClient']).toContain(leaf);
    }
  });

  it('certificate profiles', () => {
    const profile = Object.fromEntries(
      [...CAS, ...LEAVES.map(([leaf]) => leaf)].map((name) => [
        name,
        {
          subject: subject(certFile(name)),
          issuer: issuer(certFile(name)),
          extensions: certInfo(certFile(name)).ext,
        },
      ]),
    );
    expect(profile).toMatchSnapshot();
  });
});

describe('lifetimes', () => {
  it('the admin credential lives spec.adminCredentialHours (24 h by default)', () => {
    expect(spec.adminCredentialHours).toBe(24);
    const { notBefore, notAfter } = validity(certFile('admin'));
    expect(Math.abs(notAfter - adminIssuedAt - 24 * HOUR)).toBeLessThan(MINUTE);
    expect(notBefore).toBeLessThanOrEqual(Date.now());
  });

  it('a 2 h admin credential lives 2 h', () => {
    const { notAfter } = validity(certFile('admin2h'));
    expect(Math.abs(notAfter - admin2hIssuedAt - 2 * HOUR)).toBeLessThan(MINUTE);
  });

  it('issueAdminCredential counts from the given time, backdated by a few minutes only', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const cred = await issueAdminCredential(pki, { adminCredentialHours: 5 }, now);
    expect(certificateExpiry(cred.cert).toISOString()).toBe('2030-01-01T05:00:00.000Z');
    const file = join(dir, 'admin-2030.crt');
    writeFileSync(file, cred.cert);
    const { notBefore, notAfter } = validity(file);
    expect(notAfter).toBe(now.getTime() + 5 * HOUR);
    expect(notBefore).toBeLessThanOrEqual(now.getTime());
    expect(notBefore).toBeGreaterThanOrEqual(now.getTime() - 15 * MINUTE);
    // Not valid yet today.
    expect(verifies(certFile('ca'), file)).toBe(false);
    expect(verifies(certFile('ca'), file, '-attime', String(now.getTime() / 1000 + 60))).toBe(true);
  });

  it('certificateExpiry agrees with openssl', () => {
    for (const name of ['ca', 'apiserver', 'admin', 'admin2h']) {
      expect(
        Math.abs(
          certificateExpiry(pairs[name as LeafName].cert).getTime() - validity(certFile(name)).notAfter,
        ),
      ).toBeLessThan(1000);
    }
  });

  it.each(CAS)('%s lives for years', (ca) => {
    const { notBefore, notAfter } = validity(certFile(ca));
    expect(notAfter - Date.now()).toBeGreaterThan(5 * YEAR);
    expect(notBefore).toBeLessThanOrEqual(Date.now());
  });

  it.each(LEAVES)('%s expires before its CA %s', (leaf, ca) => {
    expect(validity(certFile(leaf)).notAfter).toBeLessThan(validity(certFile(ca)).notAfter);
    expect(validity(certFile(leaf)).notBefore).toBeLessThanOrEqual(Date.now());
  });

  it('component certificates last long enough for a cluster (months, not hours)', () => {
    for (const leaf of ['apiserver', 'etcdServer', 'controllerManager', 'node'] as const) {
      expect(validity(certFile(leaf)).notAfter - Date.now(), leaf).toBeGreaterThan(300 * 24 * HOUR);
    }
  });

  it('createClusterPki counts from the given time', async () => {
    const now = new Date('2031-06-01T12:00:00Z');
    const other = await createClusterPki(spec, now);
    const caExpiry = certificateExpiry(other.ca.cert).getTime();
    expect(caExpiry - now.getTime()).toBeGreaterThan(5 * YEAR);
    expect(caExpiry - now.getTime()).toBeLessThan(20 * YEAR);
    expect(certificateExpiry(other.apiserver.cert).getTime()).toBeGreaterThan(now.getTime());
    expect(certificateExpiry(other.apiserver.cert).getTime()).toBeLessThan(caExpiry);
    // A fresh PKI: nothing is shared with the first one.
    expect(other.ca.key).not.toBe(pki.ca.key);
    expect(other.serviceAccount.privateKey).not.toBe(pki.serviceAccount.privateKey);
  });
});

describe('service-account keys', () => {
  it('the public key matches the private key', () => {
    expect(publicKeyOfKey(join(dir, 'sa.key'))).toBe(pki.serviceAccount.publicKey.trim());
  });

  it('sign with the private key, verify with the public key', () => {
    const data = Buffer.from('header.payload');
    const signature = sign('sha256', data, pki.serviceAccount.privateKey);
    expect(verify('sha256', data, pki.serviceAccount.publicKey, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('header.tampered'), pki.serviceAccount.publicKey, signature)).toBe(
      false,
    );
  });

  it('is a P-256 key (ES256 tokens), separate from every certificate key', () => {
    const key = createPublicKey(pki.serviceAccount.publicKey);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const certKeys = Object.keys(pairs).map((n) => publicKeyOfCert(certFile(n)));
    expect(certKeys).not.toContain(pki.serviceAccount.publicKey.trim());
  });
});

describe('PKI wired into the plan', () => {
  type Secret = Record<string, string>;
  let secrets: Record<string, Secret>;
  let apiserverFlags: Map<string, string>;

  /** Writes a file of a planned secret volume to the temp dir and returns its path. */
  function secretFile(volume: string, file: string): string {
    const value = secrets[volume]?.[file];
    if (value === undefined) throw new Error(`no ${file} in volume ${volume}`);
    const path = join(dir, `plan-${volume}-${file.replace(/\//g, '_')}`);
    writeFileSync(path, Buffer.from(value, 'base64'));
    return path;
  }

  /** Writes the CA and client cert/key embedded in a planned kubeconfig; returns their paths. */
  function kubeconfigFiles(volume: string) {
    const config = parse(Buffer.from(secrets[volume]?.kubeconfig ?? '', 'base64').toString('utf8')) as {
      clusters: { cluster: Record<string, string> }[];
      users: { name: string; user: Record<string, string> }[];
    };
    const write = (name: string, b64: string | undefined) => {
      const path = join(dir, `plan-${volume}-kubeconfig-${name}`);
      writeFileSync(path, Buffer.from(b64 ?? '', 'base64'));
      return path;
    };
    return {
      user: config.users[0]?.name,
      ca: write('ca.crt', config.clusters[0]?.cluster['certificate-authority-data']),
      cert: write('client.crt', config.users[0]?.user['client-certificate-data']),
      key: write('client.key', config.users[0]?.user['client-key-data']),
    };
  }

  beforeAll(() => {
    const group = planCluster(spec, pki).groups[0];
    secrets = Object.fromEntries(
      (group?.volumes ?? []).filter((v) => v.secret).map((v) => [v.name, v.secret as Secret]),
    );
    const apiserver = group?.containers.find((c) => c.name === 'kube-apiserver');
    apiserverFlags = new Map(
      (apiserver?.command ?? [])
        .filter((a) => a.startsWith('--'))
        .map((a) => [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
    );
  });

  it.each([
    ['controller-manager', 'system:kube-controller-manager'],
    ['scheduler', 'system:kube-scheduler'],
  ])('the %s kubeconfig holds a valid client certificate for %s', (volume, user) => {
    const files = kubeconfigFiles(volume);
    expect(files.user).toBe(user);
    expect(verifies(files.ca, files.cert, '-purpose', 'sslclient')).toBe(true);
    expect(subject(files.cert).CN).toBe(user);
    expect(publicKeyOfKey(files.key)).toBe(publicKeyOfCert(files.cert));
    // The kubeconfig's CA is the one that signed the API server's serving certificate.
    expect(verifies(files.ca, secretFile('apiserver-pki', 'apiserver.crt'), '-purpose', 'sslserver')).toBe(
      true,
    );
  });

  it('the API server can authenticate to etcd, and etcd trusts it', () => {
    const etcdTrusts = secretFile('etcd-pki', 'ca.crt');
    const apiserverTrusts = secretFile('apiserver-pki', 'etcd-ca.crt');
    const client = secretFile('apiserver-pki', 'etcd-client.crt');
    expect(verifies(etcdTrusts, client, '-purpose', 'sslclient')).toBe(true);
    expect(verifies(apiserverTrusts, secretFile('etcd-pki', 'server.crt'), '-purpose', 'sslserver')).toBe(
      true,
    );
    expect(publicKeyOfKey(secretFile('apiserver-pki', 'etcd-client.key'))).toBe(publicKeyOfCert(client));
    // etcd must not accept ordinary Kubernetes clients.
    expect(verifies(etcdTrusts, secretFile('apiserver-pki', 'kubelet-client.crt'))).toBe(false);
  });

  it('etcd peers authenticate each other with the peer certificate', () => {
    const ca = secretFile('etcd-pki', 'ca.crt');
    const peer = secretFile('etcd-pki', 'peer.crt');
    expect(verifies(ca, peer, '-purpose', 'sslserver')).toBe(true);
    expect(verifies(ca, peer, '-purpose', 'sslclient')).toBe(true);
    expect(publicKeyOfKey(secretFile('etcd-pki', 'peer.key'))).toBe(publicKeyOfCert(peer));
    expect(publicKeyOfKey(secretFile('etcd-pki', 'server.key'))).toBe(
      publicKeyOfCert(secretFile('etcd-pki', 'server.crt')),
    );
  });

  it('the front-proxy client is signed by the request-header CA and its name is allowed', () => {
    const proxy = secretFile('apiserver-pki', 'front-proxy-client.crt');
    expect(verifies(secretFile('apiserver-pki', 'front-proxy-ca.crt'), proxy, '-purpose', 'sslclient')).toBe(
      true,
    );
    const allowed = (apiserverFlags.get('requestheader-allowed-names') ?? '').split(',');
    expect(allowed).toContain(subject(proxy).CN);
  });

  it('the kubelet client certificate is trusted by the kubelet CA the API server checks', () => {
    const ca = secretFile('apiserver-pki', 'ca.crt');
    expect(verifies(ca, secretFile('apiserver-pki', 'kubelet-client.crt'), '-purpose', 'sslclient')).toBe(
      true,
    );
    // --kubelet-certificate-authority must accept the node's serving certificate.
    expect(verifies(ca, certFile('nodeServing'), '-purpose', 'sslserver')).toBe(true);
  });

  it('the API server serves with a key that matches its certificate', () => {
    expect(publicKeyOfKey(secretFile('apiserver-pki', 'apiserver.key'))).toBe(
      publicKeyOfCert(secretFile('apiserver-pki', 'apiserver.crt')),
    );
  });

  it('the controller-manager signs with the cluster CA and the service-account key the API server verifies', () => {
    expect(publicKeyOfKey(secretFile('controller-manager', 'ca.key'))).toBe(
      publicKeyOfCert(secretFile('controller-manager', 'ca.crt')),
    );
    expect(publicKeyOfCert(secretFile('controller-manager', 'ca.crt'))).toBe(
      publicKeyOfCert(secretFile('apiserver-pki', 'ca.crt')),
    );
    const saPublic = openssl('pkey', '-pubin', '-in', secretFile('apiserver-pki', 'sa.pub')).trim();
    expect(publicKeyOfKey(secretFile('controller-manager', 'sa.key'))).toBe(saPublic);
    expect(publicKeyOfKey(secretFile('apiserver-pki', 'sa.key'))).toBe(saPublic);
  });
});
