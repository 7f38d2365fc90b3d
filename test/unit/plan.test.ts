import type { Container, Volume } from '@azure/arm-containerinstance';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AGENT_IMAGE,
  API_SERVER_PORT,
  PUBLISHED_AGENT_IMAGE,
  SERVICE_CIDR,
  TAG,
  clusterDnsName,
  controlPlaneGroupName,
} from '../../src/core/names.js';
import {
  PAUSE_SNAPSHOT_PATH,
  etcdSnapshotSaveCommand,
  planCluster,
  planControlPlane,
  type PlannedGroup,
} from '../../src/core/plan.js';
import { ETCD_VERSION, parseClusterSpec, type ClusterSpec, type Component } from '../../src/core/spec.js';
import { apiServerNames } from '../../src/core/pki.js';
import { fakePki } from './fake-pki.js';

const pki = fakePki();
const spec = parseClusterSpec({ name: 'demo' });
const AZURE = { subscriptionId: '00000000-0000-4000-8000-000000000001', resourceGroup: 'frankenetes-rg' };
const IDENTITY =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agent';
const aciSpec = (extra: object = {}) =>
  parseClusterSpec({ name: 'demo', backend: 'aci', location: 'westeurope', azure: AZURE, ...extra });
const envOf = (c: Container) =>
  Object.fromEntries((c.environmentVariables ?? []).map((e) => [e.name, e.value]));

/** Container name → the spec component whose resources it gets. */
const COMPONENT_OF: Record<string, Component> = {
  etcd: 'etcd',
  'kube-apiserver': 'apiserver',
  'kube-controller-manager': 'controllerManager',
  'kube-scheduler': 'scheduler',
  'frankenetes-agent': 'agent',
};

function controlPlane(s: ClusterSpec = spec): PlannedGroup {
  const plan = planCluster(s, pki);
  expect(plan.groups).toHaveLength(1);
  const group = plan.groups[0];
  if (!group) throw new Error('no group');
  return group;
}

function container(group: PlannedGroup, name: string): Container {
  const found = group.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/** `--name=value` arguments of a container's command as a map (fails on duplicates or other arguments). */
function flagsOf(c: Container): Map<string, string> {
  const [binary, ...args] = c.command ?? [];
  expect(binary).toMatch(/^\/usr\/local\/bin\//);
  const flags = new Map<string, string>();
  for (const arg of args) {
    const m = /^--([a-z0-9-]+)=(.*)$/s.exec(arg);
    expect(m, `argument ${arg} of ${c.name}`).not.toBeNull();
    const [, name = '', value = ''] = m ?? [];
    expect(flags.has(name), `duplicate --${name} in ${c.name}`).toBe(false);
    flags.set(name, value);
  }
  return flags;
}

function flag(c: Container, name: string): string {
  const value = flagsOf(c).get(name);
  if (value === undefined) throw new Error(`${c.name} has no --${name}`);
  return value;
}

function volume(group: PlannedGroup, name: string): Volume {
  const found = group.volumes?.find((v) => v.name === name);
  if (!found) throw new Error(`no volume ${name}`);
  return found;
}

/** The volume and relative path a container sees at an absolute path. */
function resolve(group: PlannedGroup, c: Container, path: string) {
  const mounts = (c.volumeMounts ?? []).filter(
    (m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`),
  );
  expect(mounts, `${c.name}: ${path} is not inside exactly one mount`).toHaveLength(1);
  const mount = mounts[0];
  if (!mount) throw new Error('unreachable');
  return { mount, volume: volume(group, mount.name), relative: path.slice(mount.mountPath.length + 1) };
}

/** The content of a file a container reads from a secret volume, decoded. */
function fileContent(group: PlannedGroup, c: Container, path: string): string {
  const { volume: v, relative } = resolve(group, c, path);
  const encoded = v.secret?.[relative];
  if (encoded === undefined) throw new Error(`${c.name}: ${path} is not a file of secret volume ${v.name}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('planCluster', () => {
  it('matches the snapshot', () => {
    expect(planCluster(spec, pki)).toMatchSnapshot();
  });

  it('generated configuration files match the snapshot', () => {
    const secret = volume(controlPlane(), 'apiserver-config').secret ?? {};
    expect(Object.fromEntries(Object.entries(secret).map(([k, v]) => [k, decode(v)]))).toMatchSnapshot();
  });

  it('is deterministic', () => {
    const a = planCluster(spec, pki);
    const b = planCluster(parseClusterSpec({ name: 'demo' }), fakePki());
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('does not modify the spec or the PKI', () => {
    const s = parseClusterSpec({ name: 'demo' });
    const p = fakePki();
    const [sBefore, pBefore] = [structuredClone(s), structuredClone(p)];
    planCluster(s, p);
    expect(s).toEqual(sBefore);
    expect(p).toEqual(pBefore);
  });

  it('has one control-plane group named and tagged after the cluster', () => {
    const plan = planCluster(spec, pki);
    expect(plan.cluster).toBe('demo');
    const group = controlPlane();
    expect(group.name).toBe(controlPlaneGroupName('demo'));
    expect(group.tags).toEqual({ [TAG.cluster]: 'demo', [TAG.role]: 'control-plane' });
    expect(group.osType).toBe('Linux');
    expect(group.restartPolicy).toBe('Always');
    expect(group.containers.map((c) => c.name).sort()).toEqual(Object.keys(COMPONENT_OF).sort());
    expect(planControlPlane(spec, pki)).toEqual(group);
  });

  it('uses the spec location, and its public DNS name is the cluster DNS name in Azure', () => {
    const azure = parseClusterSpec({ name: 'demo', backend: 'aci', location: 'westeurope', azure: AZURE });
    const group = controlPlane(azure);
    expect(group.location).toBe('westeurope');
    expect(group.ipAddress?.type).toBe('Public');
    expect(`${group.ipAddress?.dnsNameLabel}.${group.location}.azurecontainer.io`).toBe(
      clusterDnsName(azure),
    );
  });
});

describe('API server hardening', () => {
  const group = controlPlane();
  const apiserver = container(group, 'kube-apiserver');
  const flags = flagsOf(apiserver);

  it('authorizes with Node and RBAC only, and admits with NodeRestriction', () => {
    expect(flags.get('authorization-mode')).toBe('Node,RBAC');
    expect(flags.get('enable-admission-plugins')?.split(',')).toContain('NodeRestriction');
    expect(flags.get('disable-admission-plugins') ?? '').not.toContain('NodeRestriction');
  });

  it('does not taint new nodes not-ready: the agent registers its node Ready', () => {
    expect(flags.get('disable-admission-plugins')?.split(',')).toEqual(['TaintNodesByCondition']);
    expect(flags.get('enable-admission-plugins')?.split(',')).not.toContain('TaintNodesByCondition');
  });

  it('never enables anonymous access by flag or insecure serving', () => {
    expect(flags.get('anonymous-auth')).not.toBe('true');
    expect(flags.has('insecure-port')).toBe(false);
    expect(flags.has('insecure-bind-address')).toBe(false);
    expect(flags.get('profiling')).toBe('false');
    expect(flags.has('token-auth-file')).toBe(false);
    expect(flags.has('basic-auth-file')).toBe(false);
  });

  it('allows anonymous requests only to health endpoints (structured authentication config)', () => {
    const config = parse(fileContent(group, apiserver, flag(apiserver, 'authentication-config'))) as {
      apiVersion: string;
      kind: string;
      anonymous: { enabled: boolean; conditions: { path: string }[] };
    };
    expect(config.kind).toBe('AuthenticationConfiguration');
    expect(config.apiVersion).toMatch(/^apiserver\.config\.k8s\.io\//);
    expect(config.anonymous.enabled).toBe(true);
    expect(config.anonymous.conditions.map((c) => c.path).sort()).toEqual(['/healthz', '/livez', '/readyz']);
  });

  it('writes an audit log following a policy that never records request bodies', () => {
    const logPath = flag(apiserver, 'audit-log-path');
    const { mount, volume: logVolume } = resolve(group, apiserver, logPath);
    expect(mount.readOnly).toBe(false);
    expect(logVolume.emptyDir).toBeDefined();
    const policy = parse(fileContent(group, apiserver, flag(apiserver, 'audit-policy-file'))) as {
      kind: string;
      rules: { level: string }[];
    };
    expect(policy.kind).toBe('Policy');
    expect(policy.rules.length).toBeGreaterThan(0);
    for (const rule of policy.rules) expect(['None', 'Metadata']).toContain(rule.level);
    expect(policy.rules.at(-1)?.level).toBe('Metadata');
    expect(Number(flag(apiserver, 'audit-log-maxsize'))).toBeGreaterThan(0);
  });

  it('serves TLS 1.2+ with its own certificate and authenticates clients against the cluster CA', () => {
    expect(flags.get('tls-min-version')).toBe('VersionTLS12');
    expect(flags.get('secure-port')).toBe(String(API_SERVER_PORT));
    expect(flags.get('advertise-address')).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(fileContent(group, apiserver, flag(apiserver, 'tls-cert-file'))).toBe(pki.apiserver.cert);
    expect(fileContent(group, apiserver, flag(apiserver, 'tls-private-key-file'))).toBe(pki.apiserver.key);
    expect(fileContent(group, apiserver, flag(apiserver, 'client-ca-file'))).toBe(pki.ca.cert);
  });

  it('talks to etcd on localhost over mutual TLS with the etcd CA', () => {
    expect(flags.get('etcd-servers')).toBe('https://127.0.0.1:2379');
    expect(fileContent(group, apiserver, flag(apiserver, 'etcd-cafile'))).toBe(pki.etcdCa.cert);
    expect(fileContent(group, apiserver, flag(apiserver, 'etcd-certfile'))).toBe(
      pki.apiserverEtcdClient.cert,
    );
    expect(fileContent(group, apiserver, flag(apiserver, 'etcd-keyfile'))).toBe(pki.apiserverEtcdClient.key);
  });

  it('verifies kubelets and authenticates to them', () => {
    expect(fileContent(group, apiserver, flag(apiserver, 'kubelet-certificate-authority'))).toBe(pki.ca.cert);
    expect(fileContent(group, apiserver, flag(apiserver, 'kubelet-client-certificate'))).toBe(
      pki.apiserverKubeletClient.cert,
    );
    expect(fileContent(group, apiserver, flag(apiserver, 'kubelet-client-key'))).toBe(
      pki.apiserverKubeletClient.key,
    );
  });

  it('uses the front-proxy CA for request-header authentication', () => {
    expect(fileContent(group, apiserver, flag(apiserver, 'requestheader-client-ca-file'))).toBe(
      pki.frontProxyCa.cert,
    );
    expect(fileContent(group, apiserver, flag(apiserver, 'proxy-client-cert-file'))).toBe(
      pki.frontProxyClient.cert,
    );
    expect(fileContent(group, apiserver, flag(apiserver, 'proxy-client-key-file'))).toBe(
      pki.frontProxyClient.key,
    );
    expect(flags.get('requestheader-allowed-names')).toBeTruthy();
    expect(fileContent(group, apiserver, flag(apiserver, 'requestheader-client-ca-file'))).not.toBe(
      pki.ca.cert,
    );
  });

  it('verifies and signs service-account tokens with the service-account keys', () => {
    expect(fileContent(group, apiserver, flag(apiserver, 'service-account-key-file'))).toBe(
      pki.serviceAccount.publicKey,
    );
    expect(fileContent(group, apiserver, flag(apiserver, 'service-account-signing-key-file'))).toBe(
      pki.serviceAccount.privateKey,
    );
    expect(flags.get('service-account-issuer')).toMatch(/^https:\/\//);
    expect(flags.get('service-cluster-ip-range')).toBe(SERVICE_CIDR);
  });

  it('is the only container that exposes a port, and only 6443', () => {
    expect(group.ipAddress?.ports).toEqual([{ port: API_SERVER_PORT, protocol: 'TCP' }]);
    expect(API_SERVER_PORT).toBe(6443);
    const exposed = group.containers.flatMap((c) => (c.ports ?? []).map((p) => `${c.name}:${p.port}`));
    expect(exposed).toEqual([`kube-apiserver:${API_SERVER_PORT}`]);
    expect(Object.keys(group.local?.hostPorts ?? {})).toEqual([String(API_SERVER_PORT)]);
  });

  it('publishes the API server on the host port from the spec', () => {
    expect(controlPlane().local?.hostPorts).toEqual({ [API_SERVER_PORT]: 0 });
    const fixed = controlPlane(parseClusterSpec({ name: 'demo', apiServerPort: 16443 }));
    expect(fixed.local?.hostPorts).toEqual({ [API_SERVER_PORT]: 16443 });
  });
});

describe('etcd', () => {
  const group = controlPlane();
  const etcd = container(group, 'etcd');
  const flags = flagsOf(etcd);

  it('listens on 127.0.0.1 only', () => {
    const urlFlags = [...flags.keys()].filter((k) => k.endsWith('-urls'));
    expect(urlFlags).toEqual(expect.arrayContaining(['listen-client-urls', 'listen-peer-urls']));
    for (const name of urlFlags) {
      for (const url of (flags.get(name) ?? '').split(','))
        expect(new URL(url).hostname, name).toBe('127.0.0.1');
    }
    const initial = (flags.get('initial-cluster') ?? '').split(',').map((m) => m.slice(m.indexOf('=') + 1));
    for (const url of initial) expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  it('serves clients and peers over https with client-certificate authentication', () => {
    for (const name of [
      'listen-client-urls',
      'advertise-client-urls',
      'listen-peer-urls',
      'initial-advertise-peer-urls',
    ]) {
      for (const url of (flags.get(name) ?? '').split(','))
        expect(new URL(url).protocol, name).toBe('https:');
    }
    expect(flags.get('client-cert-auth')).toBe('true');
    expect(flags.get('peer-client-cert-auth')).toBe('true');
    expect(fileContent(group, etcd, flag(etcd, 'trusted-ca-file'))).toBe(pki.etcdCa.cert);
    expect(fileContent(group, etcd, flag(etcd, 'peer-trusted-ca-file'))).toBe(pki.etcdCa.cert);
    expect(fileContent(group, etcd, flag(etcd, 'cert-file'))).toBe(pki.etcdServer.cert);
    expect(fileContent(group, etcd, flag(etcd, 'key-file'))).toBe(pki.etcdServer.key);
    expect(fileContent(group, etcd, flag(etcd, 'peer-cert-file'))).toBe(pki.etcdPeer.cert);
    expect(fileContent(group, etcd, flag(etcd, 'peer-key-file'))).toBe(pki.etcdPeer.key);
  });

  it('the API server reaches etcd at the URL etcd advertises', () => {
    const apiserver = container(group, 'kube-apiserver');
    expect(flag(apiserver, 'etcd-servers')).toBe(flags.get('advertise-client-urls'));
  });

  it('keeps its data on a writable emptyDir volume', () => {
    const { mount, volume: data } = resolve(group, etcd, flag(etcd, 'data-dir'));
    expect(data.emptyDir).toBeDefined();
    expect(data.secret).toBeUndefined();
    expect(mount.readOnly).toBe(false);
  });
});

describe('controller-manager and scheduler', () => {
  const group = controlPlane();
  const cm = container(group, 'kube-controller-manager');
  const scheduler = container(group, 'kube-scheduler');

  it.each(['kube-controller-manager', 'kube-scheduler'])(
    '%s binds to 127.0.0.1 without profiling',
    (name) => {
      const flags = flagsOf(container(group, name));
      expect(flags.get('bind-address')).toBe('127.0.0.1');
      expect(flags.get('profiling')).toBe('false');
    },
  );

  it.each([
    ['kube-controller-manager', 'system:kube-controller-manager', pki.controllerManager],
    ['kube-scheduler', 'system:kube-scheduler', pki.scheduler],
  ])('%s uses a kubeconfig for %s pointing at the local API server', (name, user, credential) => {
    const c = container(group, name);
    const flags = flagsOf(c);
    for (const f of ['kubeconfig', 'authentication-kubeconfig', 'authorization-kubeconfig']) {
      expect(flags.get(f), f).toBe(flags.get('kubeconfig'));
    }
    const config = parse(fileContent(group, c, flag(c, 'kubeconfig'))) as {
      clusters: { cluster: Record<string, string> }[];
      users: { name: string; user: Record<string, string> }[];
    };
    expect(config.clusters[0]?.cluster.server).toBe(`https://127.0.0.1:${API_SERVER_PORT}`);
    expect(decode(config.clusters[0]?.cluster['certificate-authority-data'] ?? '')).toBe(pki.ca.cert);
    expect(config.users[0]?.name).toBe(user);
    expect(decode(config.users[0]?.user['client-certificate-data'] ?? '')).toBe(credential.cert);
    expect(decode(config.users[0]?.user['client-key-data'] ?? '')).toBe(credential.key);
  });

  it('the controller-manager is not throttled below what its start-up needs', () => {
    // Per-controller credentials cost a ServiceAccount and a token each before a controller
    // starts; at the client's default 20 requests/s that alone took about 5 s.
    const flags = flagsOf(cm);
    expect(flags.get('use-service-account-credentials')).toBe('true');
    expect(Number(flags.get('kube-api-qps'))).toBeGreaterThanOrEqual(100);
    expect(Number(flags.get('kube-api-burst'))).toBeGreaterThanOrEqual(Number(flags.get('kube-api-qps')));
  });

  it('the controller-manager signs with the cluster CA and service-account key', () => {
    expect(fileContent(group, cm, flag(cm, 'cluster-signing-cert-file'))).toBe(pki.ca.cert);
    expect(fileContent(group, cm, flag(cm, 'cluster-signing-key-file'))).toBe(pki.ca.key);
    expect(fileContent(group, cm, flag(cm, 'root-ca-file'))).toBe(pki.ca.cert);
    expect(fileContent(group, cm, flag(cm, 'service-account-private-key-file'))).toBe(
      pki.serviceAccount.privateKey,
    );
    expect(flag(cm, 'use-service-account-credentials')).toBe('true');
    expect(flag(cm, 'cluster-name')).toBe(spec.name);
  });

  it('the scheduler gets no CA key nor service-account key', () => {
    const secret = Object.values(
      volume(group, resolve(group, scheduler, flag(scheduler, 'kubeconfig')).volume.name).secret ?? {},
    )
      .map(decode)
      .join('\n');
    expect(secret).not.toContain(pki.ca.key);
    expect(secret).not.toContain(pki.serviceAccount.privateKey);
  });
});

describe('containers and volumes', () => {
  const group = controlPlane();

  it('every secret volume value is valid base64', () => {
    const secrets = (group.volumes ?? []).filter((v) => v.secret);
    expect(secrets.length).toBeGreaterThan(0);
    for (const v of secrets) {
      for (const [file, value] of Object.entries(v.secret ?? {})) {
        expect(value, `${v.name}/${file}`).toMatch(
          /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
        );
        expect(value.length, `${v.name}/${file}`).toBeGreaterThan(0);
        expect(Buffer.from(value, 'base64').toString('base64')).toBe(value);
      }
    }
  });

  it('every volume is either a secret or an emptyDir, with a unique name', () => {
    const names = (group.volumes ?? []).map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of group.volumes ?? []) {
      const kinds = [v.secret, v.emptyDir, v.azureFile, v.gitRepo].filter((k) => k !== undefined);
      expect(kinds, v.name).toHaveLength(1);
    }
  });

  it('every volumeMount refers to a declared volume, and secrets are mounted read-only', () => {
    const declared = new Map((group.volumes ?? []).map((v) => [v.name, v]));
    const used = new Set<string>();
    for (const c of group.containers) {
      const paths = (c.volumeMounts ?? []).map((m) => m.mountPath);
      expect(new Set(paths).size, c.name).toBe(paths.length);
      for (const m of c.volumeMounts ?? []) {
        const v = declared.get(m.name);
        expect(v, `${c.name} mounts ${m.name}`).toBeDefined();
        if (v?.secret) expect(m.readOnly, `${c.name} mounts ${m.name}`).toBe(true);
        used.add(m.name);
      }
    }
    // And no volume is declared without being used.
    expect([...declared.keys()].filter((n) => !used.has(n))).toEqual([]);
  });

  it('every file a flag names exists in a mounted volume', () => {
    let checked = 0;
    // The agent takes no flags (its settings are environment variables); the Kubernetes parts do.
    for (const c of group.containers.filter((x) => x.name !== 'frankenetes-agent')) {
      for (const [name, value] of flagsOf(c)) {
        if (!value.startsWith('/')) continue;
        const { volume: v, relative, mount } = resolve(group, c, value);
        if (v.secret) {
          expect(Object.keys(v.secret), `${c.name} --${name}`).toContain(relative);
        } else {
          expect(mount.readOnly, `${c.name} --${name} writes to ${v.name}`).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('images come from registry.k8s.io with the spec version', () => {
    for (const version of ['1.35', '1.36.1', 'v1.37.2']) {
      const s = parseClusterSpec({ name: 'demo', kubernetesVersion: version });
      const g = controlPlane(s);
      for (const c of g.containers.filter((x) => x.name !== 'frankenetes-agent'))
        expect(c.image, c.name).toMatch(/^registry\.k8s\.io\/[a-z0-9-]+:[\w.-]+$/);
      expect(container(g, 'frankenetes-agent').image).toBe(AGENT_IMAGE);
      for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
        expect(container(g, name).image).toBe(`registry.k8s.io/${name}:v${s.kubernetesVersion}`);
      }
      expect(container(g, 'etcd').image).toMatch(
        new RegExp(`^registry\\.k8s\\.io/etcd:${ETCD_VERSION.replace(/\./g, '\\.')}-\\d+$`),
      );
    }
  });

  it('takes per-component resources from the spec', () => {
    const custom = parseClusterSpec({
      name: 'demo',
      resources: {
        etcd: { cpu: 0.3, memoryInGB: 0.4 },
        apiserver: { cpu: 1.1, memoryInGB: 2.2 },
        controllerManager: { cpu: 0.6, memoryInGB: 0.7 },
        scheduler: { cpu: 0.2, memoryInGB: 0.3 },
      },
    });
    for (const s of [spec, custom]) {
      for (const c of controlPlane(s).containers) {
        const component = COMPONENT_OF[c.name];
        if (!component) throw new Error(`unexpected container ${c.name}`);
        expect(c.resources.requests, c.name).toEqual(s.resources[component]);
      }
    }
  });

  it('fits the default group within the ACI limits of 4 CPU and 16 GB', () => {
    const sum = (g: PlannedGroup, key: 'cpu' | 'memoryInGB') =>
      g.containers.reduce((total, c) => total + c.resources.requests[key], 0);
    const g = controlPlane();
    expect(sum(g, 'cpu')).toBeLessThanOrEqual(4);
    expect(sum(g, 'memoryInGB')).toBeLessThanOrEqual(16);
    expect(sum(g, 'cpu')).toBeGreaterThan(0);
  });

  it('keeps secrets out of commands and environment variables', () => {
    const secretTexts = [
      pki.ca.key,
      pki.etcdCa.key,
      pki.apiserver.key,
      pki.serviceAccount.privateKey,
      'PRIVATE KEY',
      Buffer.from(pki.ca.key).toString('base64'),
    ];
    for (const c of group.containers) {
      const visible = JSON.stringify({ command: c.command, env: c.environmentVariables ?? [] });
      for (const text of secretTexts) expect(visible, c.name).not.toContain(text);
    }
  });

  it('gives the CA key only to the controller-manager', () => {
    const caKey = Buffer.from(pki.ca.key).toString('base64');
    const holders = (group.volumes ?? [])
      .filter((v) => Object.values(v.secret ?? {}).includes(caKey))
      .map((v) => v.name);
    const readers = group.containers
      .filter((c) => (c.volumeMounts ?? []).some((m) => holders.includes(m.name)))
      .map((c) => c.name);
    expect(readers).toEqual(['kube-controller-manager']);
  });
});

describe('restore on resume', () => {
  const snapshot = { key: 'snapshots/20260101T120000.250Z.db', sha256: 'ab'.repeat(32), size: 368672 };
  const directory = { kind: 'directory' as const, hostPath: '/state/demo/snapshots' };
  const blob = { kind: 'blob' as const, url: 'https://acct.blob.core.windows.net/frankenetes' };
  const restored = (source: typeof directory | typeof blob = directory) => {
    const group = planCluster(spec, pki, { restore: { snapshot, source } }).groups[0];
    if (!group) throw new Error('no group');
    return group;
  };
  const init = (group: PlannedGroup, name: string) => {
    const found = group.initContainers?.find((c) => c.name === name);
    if (!found) throw new Error(`no init container ${name}`);
    return found;
  };
  const env = (c: { environmentVariables?: { name: string; value?: string }[] }) =>
    Object.fromEntries((c.environmentVariables ?? []).map((e) => [e.name, e.value]));

  it('matches the snapshot (state directory and Blob sources)', () => {
    expect(restored(directory).initContainers).toMatchSnapshot();
    expect(restored(directory).local).toMatchSnapshot();
    expect(restored(blob).initContainers).toMatchSnapshot();
  });

  it('has no init containers without a snapshot to restore', () => {
    expect(controlPlane().initContainers).toBeUndefined();
    expect(controlPlane().local?.hostPaths).toBeUndefined();
  });

  it('fetches and checks the snapshot, then restores it with etcd’s own etcdutl, in that order', () => {
    const group = restored();
    expect(group.initContainers?.map((c) => c.name)).toEqual(['fetch-snapshot', 'restore-etcd']);
    const fetch = init(group, 'fetch-snapshot');
    expect(fetch.image).toBe(AGENT_IMAGE);
    expect(fetch.command).toEqual(['/usr/local/bin/node', '/app/index.js', 'fetch-snapshot']);
    expect(env(fetch)).toMatchObject({
      FRANKENETES_CLUSTER: 'demo',
      FRANKENETES_SNAPSHOT_KEY: snapshot.key,
      FRANKENETES_SNAPSHOT_SHA256: snapshot.sha256,
      FRANKENETES_SNAPSHOT_SIZE: String(snapshot.size),
    });
    const restore = init(group, 'restore-etcd');
    expect(restore.image).toBe(container(group, 'etcd').image);
    expect(restore.command?.slice(0, 4)).toEqual([
      '/usr/local/bin/etcdutl',
      'snapshot',
      'restore',
      env(fetch).FRANKENETES_SNAPSHOT_OUT,
    ]);
  });

  it('restores into the data directory etcd starts from, as the same member, revision bumped and compacted', () => {
    const group = restored();
    const restore = init(group, 'restore-etcd');
    const etcd = flagsOf(container(group, 'etcd'));
    const args = new Map(
      (restore.command ?? []).slice(4).map((a) => {
        const m = /^--([a-z-]+)=(.*)$/.exec(a);
        expect(m, a).not.toBeNull();
        return [m?.[1] ?? '', m?.[2] ?? ''];
      }),
    );
    for (const name of ['name', 'data-dir', 'initial-cluster', 'initial-advertise-peer-urls'])
      expect(args.get(name), name).toBe(etcd.get(name));
    expect(Number(args.get('bump-revision'))).toBeGreaterThanOrEqual(1_000_000);
    expect(args.get('mark-compacted')).toBe('true');
    // Both steps write to etcd's own emptyDir, where the snapshot file and the data live.
    for (const c of group.initContainers ?? []) {
      const data = c.volumeMounts?.find((m) => m.name === 'etcd-data');
      expect(data, c.name).toMatchObject({ mountPath: '/var/lib/etcd', readOnly: false });
    }
    expect(env(init(group, 'fetch-snapshot')).FRANKENETES_SNAPSHOT_OUT).toMatch(/^\/var\/lib\/etcd\//);
  });

  it('reads a state directory through a read-only mount of the cluster’s snapshot folder only', () => {
    const group = restored(directory);
    const fetch = init(group, 'fetch-snapshot');
    const store = fetch.volumeMounts?.find((m) => m.name === 'snapshot-store');
    expect(store?.readOnly).toBe(true);
    expect(group.local?.hostPaths).toEqual({ 'snapshot-store': '/state/demo/snapshots' });
    // The store seen inside: <dir>/<cluster>/snapshots is the mount, so the snapshot key resolves in it.
    expect(store?.mountPath).toBe(`${env(fetch).FRANKENETES_SNAPSHOT_STORE}/demo/snapshots`);
    expect(group.volumes?.some((v) => v.name === 'snapshot-store')).toBe(false);
  });

  it('reads a Blob store by its URL, with no key or mount in the definition', () => {
    const group = restored(blob);
    const fetch = init(group, 'fetch-snapshot');
    expect(env(fetch).FRANKENETES_SNAPSHOT_STORE).toBe(blob.url);
    expect(fetch.volumeMounts?.map((m) => m.name)).toEqual(['etcd-data']);
    expect(group.local?.hostPaths).toBeUndefined();
    expect(JSON.stringify(fetch)).not.toMatch(/AccountKey|sig=|PRIVATE KEY/);
  });

  it('keeps the rest of the control plane as up plans it', () => {
    const { initContainers, local, ...rest } = restored();
    const { local: plainLocal, ...plain } = controlPlane();
    expect(initContainers).toHaveLength(2);
    expect(rest).toEqual(plain);
    expect({ ...local, hostPaths: undefined }).toEqual({ ...plainLocal, hostPaths: undefined });
  });
});

describe('etcdSnapshotSaveCommand', () => {
  const group = controlPlane();
  const etcd = container(group, 'etcd');

  it('saves over TLS on localhost with the member’s certificate and the etcd CA', () => {
    const command = etcdSnapshotSaveCommand('/var/lib/etcd/x.db');
    expect(command.slice(0, 1)).toEqual(['/usr/local/bin/etcdctl']);
    expect(command.slice(-3)).toEqual(['snapshot', 'save', '/var/lib/etcd/x.db']);
    const flags = new Map(
      command
        .slice(1, -3)
        .map((a) => /^--([a-z]+)=(.*)$/.exec(a) ?? [])
        .map(([, k = '', v = '']) => [k, v]),
    );
    expect(flags.get('endpoints')).toBe(flag(etcd, 'advertise-client-urls'));
    expect(fileContent(group, etcd, flags.get('cacert') ?? '')).toBe(pki.etcdCa.cert);
    expect(fileContent(group, etcd, flags.get('cert') ?? '')).toBe(pki.etcdServer.cert);
    expect(fileContent(group, etcd, flags.get('key') ?? '')).toBe(pki.etcdServer.key);
  });

  it('writes the snapshot to etcd’s writable emptyDir by default', () => {
    const { volume: v, mount } = resolve(group, etcd, PAUSE_SNAPSHOT_PATH);
    expect(etcdSnapshotSaveCommand().at(-1)).toBe(PAUSE_SNAPSHOT_PATH);
    expect(v.emptyDir).toBeDefined();
    expect(mount.readOnly).toBe(false);
  });
});

describe('the control plane on ACI', () => {
  const group = controlPlane(aciSpec());
  const agent = container(group, 'frankenetes-agent');

  it('matches the snapshot', () => {
    expect(planCluster(aciSpec({ azure: { ...AZURE, podResourceGroup: 'pods' } }), pki)).toMatchSnapshot();
  });

  it('serves the API on a public IP with the cluster name as DNS label; its FQDN is in the serving certificate', () => {
    expect(group.location).toBe('westeurope');
    expect(group.ipAddress).toEqual({
      type: 'Public',
      dnsNameLabel: 'demo',
      ports: [{ port: API_SERVER_PORT, protocol: 'TCP' }],
    });
    const fqdn = `${group.ipAddress?.dnsNameLabel}.${group.location}.azurecontainer.io`;
    expect(clusterDnsName(aciSpec())).toBe(fqdn);
    expect(apiServerNames(aciSpec()).dns).toContain(fqdn);
    // Pods reach the API server by that name, so the agent tells them.
    expect(envOf(agent).FRANKENETES_API_SERVER_HOST).toBe(fqdn);
  });

  it('has no local-engine parts: no host ports, engine socket, standby pool or pod-files volume', () => {
    expect(group.local).toBeUndefined();
    expect(envOf(agent).FRANKENETES_STANDBY_POOL).toBeUndefined();
    expect((group.volumes ?? []).map((v) => v.name)).not.toContain('pod-files');
    expect((agent.volumeMounts ?? []).map((m) => m.name)).toEqual(['agent']);
  });

  it('gets a system-assigned identity by default, which the agent signs in with', () => {
    expect(group.identity).toEqual({ type: 'SystemAssigned' });
    expect(envOf(agent)).toMatchObject({
      FRANKENETES_BACKEND: 'aci',
      FRANKENETES_AZURE_SUBSCRIPTION_ID: AZURE.subscriptionId,
      FRANKENETES_AZURE_RESOURCE_GROUP: AZURE.resourceGroup,
      FRANKENETES_AZURE_POD_RESOURCE_GROUP: AZURE.resourceGroup,
      FRANKENETES_LOCATION: 'westeurope',
      FRANKENETES_MANAGED_IDENTITY: 'system',
    });
    // The ARM endpoint is Azure's unless the group's environment says otherwise (the emulator's).
    expect(envOf(agent).FRANKENETES_ARM_ENDPOINT).toBeUndefined();
  });

  it("gets the user-assigned identity the spec names, and registries' identities besides", () => {
    const registry = IDENTITY.replace(/agent$/, 'pull');
    const g = controlPlane(
      aciSpec({
        azure: { ...AZURE, identity: IDENTITY, podResourceGroup: 'pods' },
        imageRegistryCredentials: [{ server: 'r.azurecr.io', identity: registry }],
        agentImage: 'r.azurecr.io/agent:1',
      }),
    );
    expect(g.identity).toEqual({
      type: 'UserAssigned',
      userAssignedIdentities: { [IDENTITY]: {}, [registry]: {} },
    });
    expect(g.imageRegistryCredentials).toEqual([{ server: 'r.azurecr.io', identity: registry }]);
    const a = container(g, 'frankenetes-agent');
    expect(a.image).toBe('r.azurecr.io/agent:1');
    expect(envOf(a).FRANKENETES_MANAGED_IDENTITY).toBe(IDENTITY);
    expect(envOf(a).FRANKENETES_AZURE_POD_RESOURCE_GROUP).toBe('pods');
    const both = controlPlane(
      aciSpec({ imageRegistryCredentials: [{ server: 'r.azurecr.io', identity: registry }] }),
    );
    expect(both.identity).toEqual({
      type: 'SystemAssigned, UserAssigned',
      userAssignedIdentities: { [registry]: {} },
    });
  });

  it('pulls the published agent image by default; the local engine runs the local build', () => {
    expect(agent.image).toBe(PUBLISHED_AGENT_IMAGE);
    expect(PUBLISHED_AGENT_IMAGE).toMatch(/^ghcr\.io\/frankenetes\/agent:\d+\.\d+\.\d+$/);
    expect(container(controlPlane(), 'frankenetes-agent').image).toBe(AGENT_IMAGE);
    expect(PUBLISHED_AGENT_IMAGE.split(':')[1]).toBe(AGENT_IMAGE.split(':')[1]);
  });

  it('plans the same containers and volumes as locally, apart from the local-engine parts', () => {
    const local = controlPlane();
    expect(group.containers.map((c) => c.name)).toEqual(local.containers.map((c) => c.name));
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'])
      expect(container(group, name).command).toEqual(container(local, name).command);
    expect((group.volumes ?? []).map((v) => v.name)).toEqual(
      (local.volumes ?? []).map((v) => v.name).filter((n) => n !== 'pod-files'),
    );
  });
});
