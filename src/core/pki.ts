import 'reflect-metadata'; // @peculiar/x509 needs the Reflect metadata API
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CLUSTER_DOMAIN, KUBERNETES_SERVICE_IP, clusterDnsName, nodeName } from './names.js';
import type { ClusterSpec } from './spec.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** A certificate and its private key, both PEM. */
export interface CertKeyPair {
  cert: string;
  key: string;
}

/** Everything a cluster needs to authenticate its parts to each other; kept in the state store only. */
export interface ClusterPki {
  /** Cluster CA: signs the API server's serving cert and all client certs of the Kubernetes API. */
  ca: CertKeyPair;
  /** Separate CA for etcd, so a Kubernetes client cert can never talk to etcd. */
  etcdCa: CertKeyPair;
  /** Front-proxy CA for the aggregation layer's request-header authentication. */
  frontProxyCa: CertKeyPair;
  apiserver: CertKeyPair;
  apiserverEtcdClient: CertKeyPair;
  apiserverKubeletClient: CertKeyPair;
  frontProxyClient: CertKeyPair;
  etcdServer: CertKeyPair;
  etcdPeer: CertKeyPair;
  /** The controller-manager's and scheduler's client certs, also their serving certs on 127.0.0.1. */
  controllerManager: CertKeyPair;
  scheduler: CertKeyPair;
  /** The virtual node's client cert (system:node:<node>) and its kubelet API serving cert. */
  node: CertKeyPair;
  nodeServing: CertKeyPair;
  /** Signs and verifies service-account tokens. */
  serviceAccount: { publicKey: string; privateKey: string };
}

const ALG: EcKeyGenParams & EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const HOUR = 3600_000;
const YEAR = 365 * 24 * HOUR;
/** Certificates start a little in the past so that small clock skews don't reject them. */
const BACKDATE = 5 * 60_000;

interface Subject {
  cn: string;
  o?: string;
}

interface Issuer {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

function dn(s: Subject): string {
  return [s.o ? `O=${s.o}` : '', `CN=${s.cn}`].filter(Boolean).join(', ');
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function importIssuer(pair: CertKeyPair): Promise<Issuer> {
  const cert = new x509.X509Certificate(pair.cert);
  const der = x509.PemConverter.decode(pair.key)[0];
  if (!der) throw new Error('CA key is not PEM');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const publicKey = await cert.publicKey.export(ALG, ['verify'], webcrypto as unknown as Crypto);
  return { cert, keys: { privateKey, publicKey } };
}

async function createCa(cn: string, now: Date): Promise<Issuer & { pair: CertKeyPair }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn({ cn }),
    notBefore: new Date(now.getTime() - BACKDATE),
    notAfter: new Date(now.getTime() + 10 * YEAR),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys, pair: { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) } };
}

export interface LeafOptions {
  subject: Subject;
  usage: 'server' | 'client' | 'server+client';
  dnsNames?: string[];
  ips?: string[];
  lifetimeMs: number;
  now: Date;
}

async function issue(ca: Issuer, o: LeafOptions): Promise<CertKeyPair> {
  const keys = await newKeys();
  const eku = {
    server: [x509.ExtendedKeyUsage.serverAuth],
    client: [x509.ExtendedKeyUsage.clientAuth],
    'server+client': [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
  }[o.usage];
  const names: x509.JsonGeneralName[] = [
    ...(o.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: dn(o.subject),
    issuer: ca.cert.subject,
    notBefore: new Date(o.now.getTime() - BACKDATE),
    notAfter: new Date(o.now.getTime() + o.lifetimeMs),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(eku, false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : []),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

/** SANs of the API server's serving certificate: every name a client may dial it by. */
export function apiServerNames(spec: Pick<ClusterSpec, 'name' | 'location'>): {
  dns: string[];
  ips: string[];
} {
  return {
    dns: [
      clusterDnsName(spec),
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      `kubernetes.default.svc.${CLUSTER_DOMAIN}`,
    ],
    ips: ['127.0.0.1', KUBERNETES_SERVICE_IP],
  };
}

/** Issues a cluster's CAs, serving and client certificates and service-account keys. */
export async function createClusterPki(spec: ClusterSpec, now = new Date()): Promise<ClusterPki> {
  const [ca, etcdCa, frontProxyCa] = await Promise.all([
    createCa('frankenetes-ca', now),
    createCa('frankenetes-etcd-ca', now),
    createCa('frankenetes-front-proxy-ca', now),
  ]);
  const year = { lifetimeMs: YEAR, now };
  const api = apiServerNames(spec);
  const node = nodeName(spec.name);
  const local = { dnsNames: ['localhost'], ips: ['127.0.0.1'] };
  const saKeys = await newKeys();
  const [
    apiserver,
    apiserverEtcdClient,
    apiserverKubeletClient,
    frontProxyClient,
    etcdServer,
    etcdPeer,
    controllerManager,
    scheduler,
    nodeClient,
    nodeServing,
  ] = await Promise.all([
    issue(ca, {
      subject: { cn: 'kube-apiserver' },
      usage: 'server',
      dnsNames: api.dns,
      ips: api.ips,
      ...year,
    }),
    issue(etcdCa, { subject: { cn: 'kube-apiserver-etcd-client' }, usage: 'client', ...year }),
    issue(ca, {
      subject: { cn: 'kube-apiserver-kubelet-client', o: 'system:masters' },
      usage: 'client',
      ...year,
    }),
    issue(frontProxyCa, { subject: { cn: 'front-proxy-client' }, usage: 'client', ...year }),
    issue(etcdCa, { subject: { cn: 'etcd-server' }, usage: 'server+client', ...local, ...year }),
    issue(etcdCa, { subject: { cn: 'etcd-peer' }, usage: 'server+client', ...local, ...year }),
    // Client certificates that are also their serving certificates on 127.0.0.1 (plan.ts:
    // servingCertFlags).
    issue(ca, {
      subject: { cn: 'system:kube-controller-manager' },
      usage: 'server+client',
      ...local,
      ...year,
    }),
    issue(ca, { subject: { cn: 'system:kube-scheduler' }, usage: 'server+client', ...local, ...year }),
    issue(ca, { subject: { cn: `system:node:${node}`, o: 'system:nodes' }, usage: 'client', ...year }),
    issue(ca, {
      subject: { cn: `system:node:${node}` },
      usage: 'server',
      dnsNames: ['localhost', node],
      ips: ['127.0.0.1'],
      ...year,
    }),
  ]);
  return {
    ca: ca.pair,
    etcdCa: etcdCa.pair,
    frontProxyCa: frontProxyCa.pair,
    apiserver,
    apiserverEtcdClient,
    apiserverKubeletClient,
    frontProxyClient,
    etcdServer,
    etcdPeer,
    controllerManager,
    scheduler,
    node: nodeClient,
    nodeServing,
    serviceAccount: {
      publicKey: x509.PemConverter.encode(
        await webcrypto.subtle.exportKey('spki', saKeys.publicKey),
        'PUBLIC KEY',
      ),
      privateKey: await keyPem(saKeys.privateKey),
    },
  };
}

export const ADMIN_USER = 'frankenetes-admin';

/**
 * A short-lived admin client certificate (system:masters). Kubernetes cannot revoke client
 * certificates, so their lifetime is the control: default 24 h (spec.adminCredentialHours).
 */
export async function issueAdminCredential(
  pki: Pick<ClusterPki, 'ca'>,
  spec: Pick<ClusterSpec, 'adminCredentialHours'>,
  now = new Date(),
): Promise<CertKeyPair> {
  const ca = await importIssuer(pki.ca);
  return issue(ca, {
    subject: { cn: ADMIN_USER, o: 'system:masters' },
    usage: 'client',
    lifetimeMs: spec.adminCredentialHours * HOUR,
    now,
  });
}

/** When a PEM certificate stops being valid. */
export function certificateExpiry(pem: string): Date {
  return new x509.X509Certificate(pem).notAfter;
}

/** A self-signed CA on its own, for hosts that serve TLS outside any cluster (the ACI emulator). */
export async function createCertificateAuthority(cn: string, now = new Date()): Promise<CertKeyPair> {
  return (await createCa(cn, now)).pair;
}

/** A leaf certificate signed by a CA given as PEM. */
export async function issueCertificate(ca: CertKeyPair, options: LeafOptions): Promise<CertKeyPair> {
  return issue(await importIssuer(ca), options);
}
