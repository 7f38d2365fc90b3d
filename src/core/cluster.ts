import type { ContainerGroup } from '@azure/arm-containerinstance';
import type { ContainerGroupBackend } from './backend.js';
import { renderKubeconfig } from './kubeconfig.js';
import { API_SERVER_PORT, TAG, clusterDnsName, controlPlaneGroupName } from './names.js';
import { planCluster, type ClusterPlan, type PlannedGroup } from './plan.js';
import {
  ADMIN_USER,
  certificateExpiry,
  createClusterPki,
  issueAdminCredential,
  type CertKeyPair,
} from './pki.js';
import { credentialSecretForms, pkiSecretForms } from './secrets.js';
import { readLifecycle, snapshotSource, type ClusterLifecycle } from './snapshot.js';
import { parseClusterSpec, type ClusterSpec } from './spec.js';
import {
  describeHolder,
  readPki,
  readSpec,
  withClusterLock,
  writePki,
  writeSpec,
  type LockOptions,
  type StateStore,
} from './state/index.js';

export interface ClusterDeps {
  backend: ContainerGroupBackend;
  store: StateStore;
  /** Progress for people: one short line per step. */
  progress?: (message: string) => void;
  now?: () => Date;
  /**
   * Called with every form of a secret (certificates, keys, their base64 and PEM lines) as soon as
   * this process holds it, before anything could print it: hosts that log publicly mask them.
   */
  onSecrets?: (forms: string[]) => void;
  /** The cluster's lock, held while a verb changes the cluster: who we are, how long to wait for another holder. */
  lock?: { owner?: string; timeoutMs?: number };
}

export class ClusterError extends Error {
  override name = 'ClusterError';
}

/** Control-plane roles this package plans; pod groups (made by the agent) are left alone by apply. */
const PLANNED_ROLES = new Set(['control-plane']);

/**
 * The one path that changes the world: brings the backend to the plan. Creates or updates every
 * planned group and deletes planned-role groups of the cluster that the plan no longer has.
 */
export async function applyPlan(plan: ClusterPlan, deps: ClusterDeps): Promise<ContainerGroup[]> {
  const { backend, progress = () => undefined } = deps;
  const wanted = new Set(plan.groups.map((g) => g.name));
  const existing = await backend.list({ [TAG.cluster]: plan.cluster });
  for (const group of existing) {
    if (group.name && !wanted.has(group.name) && PLANNED_ROLES.has(group.tags?.[TAG.role] ?? '')) {
      progress(`deleting container group ${group.name}`);
      await backend.delete(group.name);
    }
  }
  const applied: ContainerGroup[] = [];
  for (const group of plan.groups) {
    progress(`applying container group ${group.name} (${group.containers.map((c) => c.name).join(', ')})`);
    applied.push(await backend.createOrUpdate(group));
  }
  return applied;
}

/** Two writers (a workflow re-run and a PR comment) never change one cluster at once: the second waits. */
export function lockOptions(deps: ClusterDeps, verb: string): LockOptions {
  return {
    owner: deps.lock?.owner ?? `frankenetes ${verb}`,
    timeoutMs: deps.lock?.timeoutMs,
    onWait: (holder) => deps.progress?.(`waiting for the cluster's lock, held by ${describeHolder(holder)}`),
  };
}

/**
 * Removes everything of a cluster: its container groups (pods included), volumes, network and
 * state. Returns false when there was nothing to remove. Holds the cluster's lock meanwhile.
 */
export async function destroyCluster(name: string, deps: ClusterDeps): Promise<boolean> {
  return withClusterLock(deps.store, name, lockOptions(deps, 'down'), () => destroyClusterLocked(name, deps));
}

async function destroyClusterLocked(name: string, deps: ClusterDeps): Promise<boolean> {
  const known = (await deps.store.clusters()).includes(name);
  deps.progress?.(`removing container groups, volumes and network of ${name}`);
  const removed = await deps.backend.purgeCluster(name);
  await deps.store.remove(name);
  return known || removed > 0;
}

export interface UpResult {
  spec: ClusterSpec;
  groups: ContainerGroup[];
  created: boolean;
}

/**
 * Creates the cluster, or converges an existing one to the spec. The spec and PKI are saved before
 * any container exists, so an `up` killed part-way is finished by the next one. A new cluster whose
 * first `up` fails is rolled back entirely; an existing one is left for the next `up` to converge.
 * Holds the cluster's lock meanwhile, so a concurrent `up` or `down` waits for this one.
 */
export async function upCluster(
  input: unknown,
  deps: ClusterDeps,
  waitReady: (spec: ClusterSpec, groups: ContainerGroup[]) => Promise<void> = async () => undefined,
): Promise<UpResult> {
  const spec = parseClusterSpec(input);
  return withClusterLock(deps.store, spec.name, lockOptions(deps, 'up'), () =>
    upClusterLocked(spec, deps, waitReady),
  );
}

async function upClusterLocked(
  input: unknown,
  deps: ClusterDeps,
  waitReady: (spec: ClusterSpec, groups: ContainerGroup[]) => Promise<void>,
): Promise<UpResult> {
  const spec = parseClusterSpec(input);
  const { store, backend, progress = () => undefined } = deps;
  await store.checkWritable();
  await backend.ping();
  // A paused cluster's state lives in its snapshot: starting it empty would lose it.
  const lifecycle = await readLifecycle(store, spec.name);
  if (lifecycle.phase !== 'Running') throw new ClusterError(notRunningMessage(spec.name, lifecycle));
  let pki = await readPki(store, spec.name);
  const created = !pki;
  try {
    if (!pki) {
      progress('issuing cluster certificates');
      pki = await createClusterPki(spec, deps.now?.());
      deps.onSecrets?.(pkiSecretForms(pki));
      await writePki(store, spec.name, pki);
    } else {
      deps.onSecrets?.(pkiSecretForms(pki));
    }
    await writeSpec(store, spec);
    // A resumed control plane is defined with its restore step: planning it again must not replace it.
    const restore = lifecycle.restore && {
      snapshot: lifecycle.restore,
      source: snapshotSource(store, spec.name),
    };
    const groups = await applyPlan(planCluster(spec, pki, { restore }), deps);
    progress('waiting for the API server');
    await waitReady(spec, groups);
    return { spec, groups, created };
  } catch (error) {
    if (created) {
      progress('rolling back the new cluster');
      await destroyClusterLocked(spec.name, { ...deps, progress: undefined }).catch(() => undefined);
    }
    throw error;
  }
}

/** What to do with a cluster that is not Running, for verbs that need it running. */
export function notRunningMessage(name: string, lifecycle: ClusterLifecycle): string {
  switch (lifecycle.phase) {
    case 'Paused':
      return `cluster "${name}" is paused (since ${lifecycle.since}); resume it with \`frankenetes resume --name ${name}\``;
    case 'Pausing':
      return `cluster "${name}" was being paused (since ${lifecycle.since}); finish with \`frankenetes pause --name ${name}\` or \`frankenetes resume --name ${name}\``;
    case 'Resuming':
      return `cluster "${name}" is being resumed (since ${lifecycle.since}); finish with \`frankenetes resume --name ${name}\``;
    default:
      return `cluster "${name}" is running`;
  }
}

export async function requireSpec(store: StateStore, name: string): Promise<ClusterSpec> {
  const spec = await readSpec(store, name);
  if (!spec) throw new ClusterError(`no cluster named "${name}" (see \`frankenetes list\`)`);
  return spec;
}

/** Where the API server answers: the published 127.0.0.1 port locally, the group's FQDN on ACI. */
export function apiServerUrl(spec: ClusterSpec, controlPlane: ContainerGroup | undefined): string {
  if (!controlPlane)
    throw new ClusterError(
      `cluster "${spec.name}" has no control plane; run \`frankenetes up --name ${spec.name}\``,
    );
  const local = (controlPlane as PlannedGroup).local?.hostPorts?.[API_SERVER_PORT];
  if (local) return `https://127.0.0.1:${local}`;
  if (controlPlane.ipAddress?.fqdn) return `https://${controlPlane.ipAddress.fqdn}:${API_SERVER_PORT}`;
  throw new ClusterError(`cluster "${spec.name}" has no published API server address yet`);
}

const ADMIN = 'admin.json';
/** Re-issue the stored admin certificate when less than this much of its life is left. */
const MIN_REMAINING_MS = 3600_000;

/** The admin credential, re-issued when it expires within the hour. */
export async function adminCredential(spec: ClusterSpec, deps: ClusterDeps): Promise<CertKeyPair> {
  const now = deps.now?.() ?? new Date();
  const stored = await deps.store.get(spec.name, ADMIN);
  if (stored) {
    const credential = JSON.parse(stored.toString('utf8')) as CertKeyPair;
    deps.onSecrets?.(credentialSecretForms(credential));
    if (certificateExpiry(credential.cert).getTime() - now.getTime() > MIN_REMAINING_MS) return credential;
  }
  const pki = await readPki(deps.store, spec.name);
  if (!pki) throw new ClusterError(`cluster "${spec.name}" has no PKI in the state store`);
  deps.onSecrets?.(pkiSecretForms(pki));
  const credential = await issueAdminCredential(pki, spec, now);
  deps.onSecrets?.(credentialSecretForms(credential));
  await deps.store.put(spec.name, ADMIN, JSON.stringify(credential));
  return credential;
}

/** The admin kubeconfig for a cluster, with a short-lived client certificate. */
export async function adminKubeconfig(
  spec: ClusterSpec,
  deps: ClusterDeps,
  options: { proxyUrl?: string } = {},
): Promise<string> {
  const controlPlane = await deps.backend.get(controlPlaneGroupName(spec.name));
  if (!controlPlane) {
    const lifecycle = await readLifecycle(deps.store, spec.name);
    if (lifecycle.phase !== 'Running') throw new ClusterError(notRunningMessage(spec.name, lifecycle));
  }
  const pki = await readPki(deps.store, spec.name);
  if (!pki) throw new ClusterError(`cluster "${spec.name}" has no PKI in the state store`);
  deps.onSecrets?.(pkiSecretForms(pki));
  return renderKubeconfig({
    cluster: spec.name,
    user: ADMIN_USER,
    server: apiServerUrl(spec, controlPlane),
    caCert: pki.ca.cert,
    credential: await adminCredential(spec, deps),
    tlsServerName: clusterDnsName(spec),
    proxyUrl: options.proxyUrl,
  });
}

/**
 * Why the control-plane group can no longer come up (ACI stopped or failed it), or undefined while
 * it may: `up` stops waiting for readiness at once instead of timing out.
 */
export async function controlPlaneFailure(
  spec: ClusterSpec,
  backend: ContainerGroupBackend,
): Promise<string | undefined> {
  const group = await backend.get(controlPlaneGroupName(spec.name)).catch(() => 'unknown' as const);
  if (group === 'unknown') return undefined;
  const name = controlPlaneGroupName(spec.name);
  if (!group) return `the control-plane group ${name} is gone`;
  const state = group.provisioningState === 'Failed' ? 'Failed' : group.instanceView?.state;
  if (state !== 'Stopped' && state !== 'Failed') return undefined;
  const events = [
    ...(group.instanceView?.events ?? []),
    ...group.containers.flatMap((c) => c.instanceView?.events ?? []),
  ]
    .filter((e) => e.type === 'Warning' && e.message)
    .map((e) => e.message as string);
  return `the control-plane group ${name} is ${state}${events.length ? ` (${events.at(-1)})` : ''}`;
}
