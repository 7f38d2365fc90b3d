import { createHash } from 'node:crypto';
import type { ClusterSpec } from './spec.js';

/** Tag (ACI) / label (engine) keys that mark what belongs to which cluster. ACI tag names allow no "/". */
export const TAG = {
  cluster: 'frankenetes.cluster',
  role: 'frankenetes.role',
  node: 'frankenetes.node',
  namespace: 'frankenetes.namespace',
  pod: 'frankenetes.pod',
  uid: 'frankenetes.uid',
} as const;

export const SERVICE_CIDR = '10.96.0.0/12';
/** First address of the service range: the `kubernetes` Service's ClusterIP. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const API_SERVER_PORT = 6443;
/** The API server's container in the control-plane group. */
export const API_SERVER_CONTAINER = 'kube-apiserver';
export const KUBELET_PORT = 10250;
export const CLUSTER_DOMAIN = 'cluster.local';
/** Where the agent's credentials and kubelet serving certificate are mounted. */
export const AGENT_DIR = '/etc/frankenetes/agent';
/** Where the agent writes pods' secret, ConfigMap and token files (a volume of the control-plane group). */
export const POD_FILES_VOLUME = 'pod-files';
export const POD_FILES_DIR = '/var/lib/frankenetes/pod-files';
/** This release: the agent image's tag. */
export const FRANKENETES_VERSION = '0.1.0';
/** The agent (virtual kubelet) image, built from this repository by scripts/build-images.sh. */
export const AGENT_IMAGE = `localhost/frankenetes/agent:${FRANKENETES_VERSION}`;
/** The same image as the release workflow publishes it, for engines that pull (ACI). */
export const PUBLISHED_AGENT_IMAGE = `ghcr.io/frankenetes/agent:${FRANKENETES_VERSION}`;

/** The agent image a cluster runs: the spec's, else the local build (docker) or the published one (aci). */
export function agentImage(spec: Pick<ClusterSpec, 'backend' | 'agentImage'>): string {
  return spec.agentImage ?? (spec.backend === 'aci' ? PUBLISHED_AGENT_IMAGE : AGENT_IMAGE);
}

/** The DNS name clients use for the API server: ACI's FQDN in the cloud, an engine network alias locally. */
export function clusterDnsName(spec: Pick<ClusterSpec, 'name' | 'location'>): string {
  return spec.location === 'local'
    ? `${spec.name}.frankenetes.internal`
    : `${spec.name}.${spec.location}.azurecontainer.io`;
}

export function controlPlaneGroupName(cluster: string): string {
  return `${cluster}-control-plane`;
}

/** The one virtual node of a cluster. */
export function nodeName(cluster: string): string {
  return `${cluster}-node`;
}

/** ACI container group names: 1-63 of [a-z0-9-], no leading/trailing "-". Longer names keep a hash. */
export function shortenName(name: string, max = 63): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean.length <= max) return clean;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${clean.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}

/** What a cluster made for CI is named after: a pull request, or a workflow run outside PRs. */
export interface ClusterOrigin {
  /** "owner/repo" */
  repository: string;
  pullRequest?: number;
  runId?: string;
}

/**
 * The cluster name every host computes for the same origin (`<owner>-<repo>-pr-<n>`, or
 * `-run-<id>`), so the Action, the app and the CLI find the same cluster. When too long, the
 * repository part is cut and a hash of the full name keeps it unique; the PR number stays readable.
 */
export function clusterNameFor(origin: ClusterOrigin, max = 40): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+|-+$/g, '');
  const suffix =
    origin.pullRequest !== undefined ? `pr-${origin.pullRequest}` : `run-${clean(origin.runId ?? '0')}`;
  // Names start with a letter: an owner like "1password" gets a prefix.
  const full = `${clean(origin.repository.replace('/', '-'))}-${suffix}`.replace(/^(?=[^a-z])/, 'x-');
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  const room = max - suffix.length - hash.length - 2;
  const prefix = clean(full.slice(0, Math.max(0, room)));
  return (prefix ? `${prefix}-${hash}-${suffix}` : `x${hash}-${suffix}`).slice(0, max).replace(/-+$/, '');
}
