import type {
  Container,
  ContainerGroup,
  ContainerGroupIdentity,
  EnvironmentVariable,
  InitContainerDefinition,
  Volume,
  VolumeMount,
} from '@azure/arm-containerinstance';
import { stringify } from 'yaml';
import { renderKubeconfig } from './kubeconfig.js';
import {
  AGENT_DIR,
  POD_FILES_DIR,
  POD_FILES_VOLUME,
  API_SERVER_CONTAINER,
  API_SERVER_PORT,
  SERVICE_CIDR,
  TAG,
  agentImage,
  clusterDnsName,
  controlPlaneGroupName,
  nodeName,
} from './names.js';
import type { ClusterPki } from './pki.js';
import { RESTORE_REVISION_BUMP, type SnapshotRecord, type SnapshotSource } from './snapshot.js';
import { ETCD_VERSION, type ClusterSpec, type Resources } from './spec.js';

/**
 * A container group as planned: ACI's model (the shared vocabulary of every backend) plus the few
 * things only a local engine needs. Backends for ACI ignore `local`.
 */
export type PlannedGroup = ContainerGroup & {
  name: string;
  local?: {
    /** Host port (on 127.0.0.1) for each exposed port; 0 = any free port. */
    hostPorts?: Record<number, number>;
    /** Containers that get the engine's API socket (the agent, which creates pod groups). */
    engineSocket?: string[];
    /**
     * Arguments for containers that keep their image's entrypoint (a pod with `args` but no
     * `command`); ACI's model has only `command`, which replaces the entrypoint.
     */
    args?: Record<string, string[]>;
    /**
     * Mounts served from a host directory instead of a volume of the group (the local state
     * store's snapshot folder, which the restore step reads): mount name → host path.
     */
    hostPaths?: Record<string, string>;
    /** The containers' hostname (the pod's, as a kubelet sets it). */
    hostname?: string;
    /** The kubelet's /etc/hosts for every container; the backend adds the group's address. */
    etcHosts?: EtcHosts;
    /** What a kubelet does per container beyond ACI's model, by container name. */
    containers?: Record<string, LocalContainer>;
    /** File modes where they differ from 0644, per file volume and file. */
    fileModes?: Record<string, Record<string, number>>;
    /** The pod's fsGroup: group of its volumes' files, and a group of every container's processes. */
    fsGroup?: number;
    /** More groups of every container's processes (the pod's supplementalGroups). */
    supplementalGroups?: number[];
    /**
     * Members started only once another one serves TLS on a port: on a machine of two cores their
     * start-up (and the engine's work to start them) would slow that member's own, the API server's
     * in the control plane, which they all wait for anyway.
     */
    startWhenServing?: { container: string; port: number; containers: string[] };
  };
};

/** The kubelet's managed /etc/hosts: the pod's names for its address, then hostAliases. */
export interface EtcHosts {
  /** Written after the group's address: `<fqdn> <hostname>`, or just `<hostname>`. */
  names: string[];
  aliases?: { ip: string; hostnames: string[] }[];
}

export interface LocalContainer {
  /** volumeMounts of a part of their volume: mountPath → the path inside the volume. */
  subPaths?: Record<string, string>;
  /** Where the container may write its termination message (a file the node reads back). */
  terminationMessagePath?: string;
  workingDir?: string;
  /** securityContext.readOnlyRootFilesystem (ACI has no such setting). */
  readOnlyRootFilesystem?: boolean;
}

export interface ClusterPlan {
  cluster: string;
  groups: PlannedGroup[];
}

const K8S_DIR = '/etc/kubernetes';
const ETCD_PKI = `${K8S_DIR}/pki/etcd`;
const API_PKI = `${K8S_DIR}/pki/apiserver`;
const API_CONFIG = `${K8S_DIR}/config`;
const AUDIT_DIR = '/var/log/kubernetes/audit';
const ETCD_DATA = '/var/lib/etcd';
const ETCD_NAME = 'etcd';
const ETCD_PEER_URL = 'https://127.0.0.1:2380';
const ETCD_CLIENT_URL = 'https://127.0.0.1:2379';
/** The agent's container in the control-plane group. */
export const AGENT_CONTAINER = 'frankenetes-agent';
/** Where pause has etcd write its snapshot: the etcd-data emptyDir, gone with the group. */
export const PAUSE_SNAPSHOT_PATH = `${ETCD_DATA}/frankenetes-pause.db`;
/** Where the restore step puts the fetched snapshot before etcdutl restores it. */
const RESTORE_SNAPSHOT_PATH = `${ETCD_DATA}/restore/snapshot.db`;
/** The local state store as the fetch step sees it: only this cluster's snapshot folder is mounted. */
const SNAPSHOT_STORE_DIR = '/var/lib/frankenetes/state';
const SNAPSHOT_STORE_MOUNT = 'snapshot-store';
const LOCAL_API = `https://127.0.0.1:${API_SERVER_PORT}`;

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** An ACI secret volume: file name → base64 content. */
function secretVolume(name: string, files: Record<string, string>): Volume {
  const secret: Record<string, string> = {};
  for (const key of Object.keys(files).sort()) secret[key] = b64(files[key] ?? '');
  return { name, secret };
}

function resources(r: Resources): Container['resources'] {
  return { requests: { cpu: r.cpu, memoryInGB: r.memoryInGB } };
}

function mount(name: string, mountPath: string, readOnly = true): VolumeMount {
  return { name, mountPath, readOnly };
}

/** Turns {flag: value} into sorted `--flag=value` arguments, so plans diff and snapshot cleanly. */
function flags(values: Record<string, string | number | boolean>): string[] {
  return Object.keys(values)
    .sort()
    .map((k) => `--${k}=${String(values[k])}`);
}

/** Only health endpoints are open to anonymous clients. */
const AUTHENTICATION_CONFIG = stringify({
  apiVersion: 'apiserver.config.k8s.io/v1',
  kind: 'AuthenticationConfiguration',
  anonymous: {
    enabled: true,
    conditions: [{ path: '/livez' }, { path: '/readyz' }, { path: '/healthz' }],
  },
});

/** Metadata for every request (never bodies: secrets stay out of the log), minus health and lease noise. */
const AUDIT_POLICY = stringify({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', nonResourceURLs: ['/livez*', '/readyz*', '/healthz*'] },
    {
      level: 'None',
      verbs: ['get', 'update'],
      resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }],
    },
    { level: 'Metadata' },
  ],
});

function componentKubeconfig(spec: ClusterSpec, pki: ClusterPki, user: string, credential: ClusterPki['ca']) {
  return renderKubeconfig({ cluster: spec.name, user, server: LOCAL_API, caCert: pki.ca.cert, credential });
}

function etcdContainer(spec: ClusterSpec): Container {
  const peer = ETCD_PEER_URL;
  const client = ETCD_CLIENT_URL;
  return {
    name: 'etcd',
    image: `registry.k8s.io/etcd:${ETCD_VERSION}-0`,
    command: [
      '/usr/local/bin/etcd',
      ...flags({
        name: ETCD_NAME,
        'data-dir': `${ETCD_DATA}/data`,
        // Client and peer ports listen on localhost only: etcd never faces the network.
        'listen-client-urls': client,
        'advertise-client-urls': client,
        'listen-peer-urls': peer,
        'initial-advertise-peer-urls': peer,
        'initial-cluster': `${ETCD_NAME}=${peer}`,
        'listen-metrics-urls': 'http://127.0.0.1:2381',
        'client-cert-auth': true,
        'trusted-ca-file': `${ETCD_PKI}/ca.crt`,
        'cert-file': `${ETCD_PKI}/server.crt`,
        'key-file': `${ETCD_PKI}/server.key`,
        'peer-client-cert-auth': true,
        'peer-trusted-ca-file': `${ETCD_PKI}/ca.crt`,
        'peer-cert-file': `${ETCD_PKI}/peer.crt`,
        'peer-key-file': `${ETCD_PKI}/peer.key`,
        'snapshot-count': 10000,
        'tls-min-version': 'TLS1.2',
      }),
    ],
    resources: resources(spec.resources.etcd),
    volumeMounts: [mount('etcd-data', ETCD_DATA, false), mount('etcd-pki', ETCD_PKI)],
  };
}

function apiServerContainer(spec: ClusterSpec): Container {
  return {
    name: API_SERVER_CONTAINER,
    image: `registry.k8s.io/kube-apiserver:v${spec.kubernetesVersion}`,
    command: [
      '/usr/local/bin/kube-apiserver',
      ...flags({
        // Required without a default route; the `kubernetes` endpoints are not reconciled (no kube-proxy:
        // pods reach the API by DNS name), so the address is never handed to clients.
        'advertise-address': '127.0.0.1',
        'endpoint-reconciler-type': 'none',
        'bind-address': '0.0.0.0',
        'secure-port': API_SERVER_PORT,
        'tls-cert-file': `${API_PKI}/apiserver.crt`,
        'tls-private-key-file': `${API_PKI}/apiserver.key`,
        'tls-min-version': 'VersionTLS12',
        'client-ca-file': `${API_PKI}/ca.crt`,
        'authentication-config': `${API_CONFIG}/authentication.yaml`,
        'authorization-mode': 'Node,RBAC',
        'enable-admission-plugins': 'NodeRestriction',
        // It taints every new node not-ready until the node controller (in the controller-manager,
        // a second or more later) has seen it Ready. The agent registers its node Ready, with its
        // full status: the controller still taints it should it ever stop being Ready.
        'disable-admission-plugins': 'TaintNodesByCondition',
        'etcd-servers': 'https://127.0.0.1:2379',
        'etcd-cafile': `${API_PKI}/etcd-ca.crt`,
        'etcd-certfile': `${API_PKI}/etcd-client.crt`,
        'etcd-keyfile': `${API_PKI}/etcd-client.key`,
        'kubelet-client-certificate': `${API_PKI}/kubelet-client.crt`,
        'kubelet-client-key': `${API_PKI}/kubelet-client.key`,
        'kubelet-certificate-authority': `${API_PKI}/ca.crt`,
        'kubelet-preferred-address-types': 'InternalIP',
        'requestheader-client-ca-file': `${API_PKI}/front-proxy-ca.crt`,
        'requestheader-allowed-names': 'front-proxy-client',
        'requestheader-username-headers': 'X-Remote-User',
        'requestheader-group-headers': 'X-Remote-Group',
        'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
        'proxy-client-cert-file': `${API_PKI}/front-proxy-client.crt`,
        'proxy-client-key-file': `${API_PKI}/front-proxy-client.key`,
        'service-account-issuer': `https://kubernetes.default.svc.cluster.local`,
        'service-account-key-file': `${API_PKI}/sa.pub`,
        'service-account-signing-key-file': `${API_PKI}/sa.key`,
        'service-cluster-ip-range': SERVICE_CIDR,
        'audit-policy-file': `${API_CONFIG}/audit-policy.yaml`,
        'audit-log-path': `${AUDIT_DIR}/audit.log`,
        'audit-log-maxsize': 50,
        'audit-log-maxbackup': 2,
        profiling: false,
      }),
    ],
    ports: [{ port: API_SERVER_PORT, protocol: 'TCP' }],
    resources: resources(spec.resources.apiserver),
    volumeMounts: [
      mount('apiserver-pki', API_PKI),
      mount('apiserver-config', API_CONFIG),
      mount('audit-log', AUDIT_DIR, false),
    ],
  };
}

/**
 * Without a serving certificate, the controller-manager and the scheduler each generate a
 * self-signed one as they start, with two RSA-2048 keys: about 0.1 s of CPU each (the scheduler's
 * CPU when `up` returns went from 0.36 to 0.25 s), taken from the API server's start on the same
 * cores. They serve with their own certificate from the cluster CA instead (pki.ts).
 */
function servingCertFlags(dir: string) {
  return { 'tls-cert-file': `${dir}/serving.crt`, 'tls-private-key-file': `${dir}/serving.key` };
}

function controllerManagerContainer(spec: ClusterSpec): Container {
  const dir = `${K8S_DIR}/controller-manager`;
  return {
    name: 'kube-controller-manager',
    image: `registry.k8s.io/kube-controller-manager:v${spec.kubernetesVersion}`,
    command: [
      '/usr/local/bin/kube-controller-manager',
      ...flags({
        kubeconfig: `${dir}/kubeconfig`,
        'authentication-kubeconfig': `${dir}/kubeconfig`,
        'authorization-kubeconfig': `${dir}/kubeconfig`,
        'bind-address': '127.0.0.1',
        ...servingCertFlags(dir),
        // Both CA files given: no start-up lookup of the extension-apiserver-authentication
        // ConfigMap, which fails (and crash-loops) until RBAC is bootstrapped.
        'client-ca-file': `${dir}/ca.crt`,
        'requestheader-client-ca-file': `${dir}/front-proxy-ca.crt`,
        'cluster-name': spec.name,
        'cluster-signing-cert-file': `${dir}/ca.crt`,
        'cluster-signing-key-file': `${dir}/ca.key`,
        'root-ca-file': `${dir}/ca.crt`,
        'service-account-private-key-file': `${dir}/sa.key`,
        'use-service-account-credentials': true,
        controllers: '*,bootstrapsigner,tokencleaner',
        // Its client is throttled to 20 requests/s by default, and with per-controller credentials
        // each controller costs a ServiceAccount and a token request before it starts: on a
        // cluster of one user that throttle only delays start-up (about 5 s).
        'kube-api-qps': 200,
        'kube-api-burst': 400,
        // One instance per cluster: no election, so a restart takes over at once.
        'leader-elect': false,
        profiling: false,
      }),
    ],
    resources: resources(spec.resources.controllerManager),
    volumeMounts: [mount('controller-manager', dir)],
  };
}

function schedulerContainer(spec: ClusterSpec): Container {
  const dir = `${K8S_DIR}/scheduler`;
  return {
    name: 'kube-scheduler',
    image: `registry.k8s.io/kube-scheduler:v${spec.kubernetesVersion}`,
    command: [
      '/usr/local/bin/kube-scheduler',
      ...flags({
        kubeconfig: `${dir}/kubeconfig`,
        'authentication-kubeconfig': `${dir}/kubeconfig`,
        'authorization-kubeconfig': `${dir}/kubeconfig`,
        'client-ca-file': `${dir}/ca.crt`,
        'requestheader-client-ca-file': `${dir}/front-proxy-ca.crt`,
        'bind-address': '127.0.0.1',
        ...servingCertFlags(dir),
        'leader-elect': false,
        profiling: false,
      }),
    ],
    resources: resources(spec.resources.scheduler),
    volumeMounts: [mount('scheduler', dir)],
  };
}

/** The virtual kubelet: registers the node and runs its pods as container groups of the same backend. */
function agentContainer(spec: ClusterSpec): Container {
  const env: Record<string, string> = {
    FRANKENETES_BACKEND: spec.backend,
    FRANKENETES_CLUSTER: spec.name,
    FRANKENETES_NODE_NAME: nodeName(spec.name),
    FRANKENETES_LOCATION: spec.location,
    FRANKENETES_KUBERNETES_VERSION: spec.kubernetesVersion,
    FRANKENETES_API_SERVER_HOST: clusterDnsName(spec),
    FRANKENETES_API_SERVER_PORT: String(API_SERVER_PORT),
    FRANKENETES_AGENT_DIR: AGENT_DIR,
  };
  if (spec.azure) {
    // The agent signs in with the group's managed identity (see groupIdentity). The ARM endpoint is
    // Azure's unless its environment says otherwise (the offline emulator injects its own).
    env.FRANKENETES_AZURE_SUBSCRIPTION_ID = spec.azure.subscriptionId;
    env.FRANKENETES_AZURE_RESOURCE_GROUP = spec.azure.resourceGroup;
    env.FRANKENETES_AZURE_POD_RESOURCE_GROUP = spec.azure.podResourceGroup ?? spec.azure.resourceGroup;
    env.FRANKENETES_MANAGED_IDENTITY = spec.azure.identity ?? 'system';
  } else {
    env.FRANKENETES_STANDBY_POOL = String(spec.standbyPool);
  }
  const environmentVariables: EnvironmentVariable[] = Object.entries(env).map(([name, value]) => ({
    name,
    value,
  }));
  const volumeMounts = [mount('agent', AGENT_DIR)];
  // Pods' secret files are a docker-only shortcut (bind mounts); ACI takes secret volumes itself.
  if (spec.backend === 'docker') volumeMounts.push(mount(POD_FILES_VOLUME, POD_FILES_DIR, false));
  return {
    name: AGENT_CONTAINER,
    image: agentImage(spec),
    command: ['/usr/local/bin/node', '/app/index.js', 'agent'],
    environmentVariables,
    resources: resources(spec.resources.agent),
    volumeMounts,
  };
}

/**
 * The control-plane group's managed identity on ACI: the user-assigned one the spec names (it
 * outlives the group, which ACI recreates on resource changes, and holds its role assignment), or
 * a system-assigned one; plus the registries' identities, which ACI needs assigned to the group.
 */
function groupIdentity(spec: ClusterSpec): ContainerGroupIdentity | undefined {
  if (!spec.azure) return undefined;
  const assigned = [spec.azure.identity, ...(spec.imageRegistryCredentials ?? []).map((c) => c.identity)];
  const users = [...new Set(assigned.filter((id): id is string => Boolean(id)))].sort();
  const system = !spec.azure.identity;
  const type = system ? (users.length ? 'SystemAssigned, UserAssigned' : 'SystemAssigned') : 'UserAssigned';
  return users.length
    ? { type, userAssignedIdentities: Object.fromEntries(users.map((id) => [id, {}])) }
    : { type };
}

function controlPlaneVolumes(spec: ClusterSpec, pki: ClusterPki): Volume[] {
  return [
    { name: 'etcd-data', emptyDir: {} },
    { name: 'audit-log', emptyDir: {} },
    ...(spec.backend === 'docker' ? [{ name: POD_FILES_VOLUME, emptyDir: {} }] : []),
    secretVolume('etcd-pki', {
      'ca.crt': pki.etcdCa.cert,
      'server.crt': pki.etcdServer.cert,
      'server.key': pki.etcdServer.key,
      'peer.crt': pki.etcdPeer.cert,
      'peer.key': pki.etcdPeer.key,
    }),
    secretVolume('apiserver-pki', {
      'ca.crt': pki.ca.cert,
      'apiserver.crt': pki.apiserver.cert,
      'apiserver.key': pki.apiserver.key,
      'etcd-ca.crt': pki.etcdCa.cert,
      'etcd-client.crt': pki.apiserverEtcdClient.cert,
      'etcd-client.key': pki.apiserverEtcdClient.key,
      'kubelet-client.crt': pki.apiserverKubeletClient.cert,
      'kubelet-client.key': pki.apiserverKubeletClient.key,
      'front-proxy-ca.crt': pki.frontProxyCa.cert,
      'front-proxy-client.crt': pki.frontProxyClient.cert,
      'front-proxy-client.key': pki.frontProxyClient.key,
      'sa.pub': pki.serviceAccount.publicKey,
      'sa.key': pki.serviceAccount.privateKey,
    }),
    secretVolume('apiserver-config', {
      'authentication.yaml': AUTHENTICATION_CONFIG,
      'audit-policy.yaml': AUDIT_POLICY,
    }),
    secretVolume('controller-manager', {
      kubeconfig: componentKubeconfig(spec, pki, 'system:kube-controller-manager', pki.controllerManager),
      'ca.crt': pki.ca.cert,
      'ca.key': pki.ca.key,
      'front-proxy-ca.crt': pki.frontProxyCa.cert,
      'sa.key': pki.serviceAccount.privateKey,
      'serving.crt': pki.controllerManager.cert,
      'serving.key': pki.controllerManager.key,
    }),
    secretVolume('agent', {
      kubeconfig: componentKubeconfig(spec, pki, `system:node:${nodeName(spec.name)}`, pki.node),
      'ca.crt': pki.ca.cert,
      'kubelet.crt': pki.nodeServing.cert,
      'kubelet.key': pki.nodeServing.key,
    }),
    secretVolume('scheduler', {
      kubeconfig: componentKubeconfig(spec, pki, 'system:kube-scheduler', pki.scheduler),
      'ca.crt': pki.ca.cert,
      'front-proxy-ca.crt': pki.frontProxyCa.cert,
      'serving.crt': pki.scheduler.cert,
      'serving.key': pki.scheduler.key,
    }),
  ];
}

/**
 * `etcdctl snapshot save` as pause runs it in the etcd container, with the member's own
 * certificate (issued for server and client use by the etcd CA) over TLS on localhost.
 */
export function etcdSnapshotSaveCommand(file = PAUSE_SNAPSHOT_PATH): string[] {
  return [
    '/usr/local/bin/etcdctl',
    `--endpoints=${ETCD_CLIENT_URL}`,
    `--cacert=${ETCD_PKI}/ca.crt`,
    `--cert=${ETCD_PKI}/server.crt`,
    `--key=${ETCD_PKI}/server.key`,
    'snapshot',
    'save',
    file,
  ];
}

/**
 * Where ACI can't run etcdctl (exec takes no arguments in the distroless etcd image), pause runs
 * this in the agent container instead: it streams etcd's snapshot from the member's gateway on
 * localhost, with a short-lived client certificate pause gives it on stdin.
 */
export function etcdSnapshotStreamCommand(): string[] {
  return ['/usr/local/bin/node', '/app/index.js', 'etcd-snapshot', ETCD_CLIENT_URL];
}

/** The snapshot a resumed control plane starts from, and where its restore step reads it. */
export interface RestorePlan {
  snapshot: Pick<SnapshotRecord, 'key' | 'sha256' | 'size'>;
  source: SnapshotSource;
}

export interface PlanOptions {
  /** Restore etcd from this snapshot before it starts (resume, and `up` of a resumed cluster). */
  restore?: RestorePlan;
}

/**
 * Init containers that rebuild etcd's data from a snapshot before etcd starts: the agent image
 * fetches the snapshot from the state store and checks its size and SHA-256, then etcd's own
 * etcdutl (the server's version) restores it with the revision bumped and marked compacted, so
 * clients' watches start over instead of seeing revisions go backwards.
 */
function restoreInitContainers(spec: ClusterSpec, restore: RestorePlan): InitContainerDefinition[] {
  const { source } = restore;
  const local = source.kind === 'directory';
  const etcdData = mount('etcd-data', ETCD_DATA, false);
  const env = {
    FRANKENETES_CLUSTER: spec.name,
    FRANKENETES_SNAPSHOT_STORE: source.kind === 'directory' ? SNAPSHOT_STORE_DIR : source.url,
    FRANKENETES_SNAPSHOT_KEY: restore.snapshot.key,
    FRANKENETES_SNAPSHOT_SHA256: restore.snapshot.sha256,
    FRANKENETES_SNAPSHOT_SIZE: String(restore.snapshot.size),
    FRANKENETES_SNAPSHOT_OUT: RESTORE_SNAPSHOT_PATH,
    // The Blob store is read with the group's managed identity, as the agent signs in.
    ...(spec.azure ? { FRANKENETES_MANAGED_IDENTITY: spec.azure.identity ?? 'system' } : {}),
  };
  return [
    {
      name: 'fetch-snapshot',
      image: agentImage(spec), // the same image as the agent (the published one on ACI)
      command: ['/usr/local/bin/node', '/app/index.js', 'fetch-snapshot'],
      environmentVariables: Object.entries(env).map(([name, value]) => ({ name, value })),
      volumeMounts: local
        ? [etcdData, mount(SNAPSHOT_STORE_MOUNT, `${SNAPSHOT_STORE_DIR}/${spec.name}/snapshots`)]
        : [etcdData],
    },
    {
      name: 'restore-etcd',
      image: `registry.k8s.io/etcd:${ETCD_VERSION}-0`,
      command: [
        '/usr/local/bin/etcdutl',
        'snapshot',
        'restore',
        RESTORE_SNAPSHOT_PATH,
        ...flags({
          name: ETCD_NAME,
          'data-dir': `${ETCD_DATA}/data`,
          'initial-cluster': `${ETCD_NAME}=${ETCD_PEER_URL}`,
          'initial-advertise-peer-urls': ETCD_PEER_URL,
          'bump-revision': RESTORE_REVISION_BUMP,
          'mark-compacted': true,
        }),
      ],
      volumeMounts: [etcdData],
    },
  ];
}

/** The control-plane group: etcd, API server, controller-manager, scheduler and agent in one network namespace. */
export function planControlPlane(
  spec: ClusterSpec,
  pki: ClusterPki,
  options: PlanOptions = {},
): PlannedGroup {
  const containers = [
    etcdContainer(spec),
    apiServerContainer(spec),
    controllerManagerContainer(spec),
    schedulerContainer(spec),
    agentContainer(spec),
  ];
  const group: PlannedGroup = {
    name: controlPlaneGroupName(spec.name),
    location: spec.location,
    tags: { [TAG.cluster]: spec.name, [TAG.role]: 'control-plane' },
    osType: 'Linux',
    restartPolicy: 'Always',
    // The API server's public address: clusterDnsName(spec) is this label's FQDN, and the serving
    // certificate covers it (pki.apiServerNames).
    ipAddress: {
      type: 'Public',
      dnsNameLabel: spec.name,
      ports: [{ port: API_SERVER_PORT, protocol: 'TCP' }],
    },
    ...(options.restore ? { initContainers: restoreInitContainers(spec, options.restore) } : {}),
    containers,
    volumes: controlPlaneVolumes(spec, pki),
  };
  if (spec.backend === 'aci') {
    group.identity = groupIdentity(spec);
    if (spec.imageRegistryCredentials?.length)
      group.imageRegistryCredentials = spec.imageRegistryCredentials.map((c) => ({ ...c }));
  } else {
    group.local = {
      hostPorts: { [API_SERVER_PORT]: spec.apiServerPort },
      engineSocket: [AGENT_CONTAINER],
      startWhenServing: {
        container: API_SERVER_CONTAINER,
        port: API_SERVER_PORT,
        containers: containers.slice(2).map((c) => c.name),
      },
      ...(options.restore?.source.kind === 'directory'
        ? { hostPaths: { [SNAPSHOT_STORE_MOUNT]: options.restore.source.hostPath } }
        : {}),
    };
  }
  return group;
}

/** Desired state of a cluster, as data: pure and deterministic for a given spec, PKI and options. */
export function planCluster(spec: ClusterSpec, pki: ClusterPki, options: PlanOptions = {}): ClusterPlan {
  return { cluster: spec.name, groups: [planControlPlane(spec, pki, options)] };
}
