// Pause and resume: a paused cluster costs nothing and comes back with its exact state. etcd lives
// on an emptyDir, so its state crosses the pause as a snapshot in the state store (DESIGN §2).
import type { ContainerGroup } from '@azure/arm-containerinstance';
import type { Readable } from 'node:stream';
import type { ContainerGroupBackend } from './backend.js';
import { ClusterError, applyPlan, lockOptions, requireSpec, type ClusterDeps } from './cluster.js';
import { controlPlaneGroupName } from './names.js';
import {
  AGENT_CONTAINER,
  PAUSE_SNAPSHOT_PATH,
  etcdSnapshotSaveCommand,
  etcdSnapshotStreamCommand,
  planCluster,
} from './plan.js';
import { issueCertificate } from './pki.js';
import { snapshotLineDecoder } from './snapshot-lines.js';
import { credentialSecretForms, pkiSecretForms } from './secrets.js';
import {
  DEFAULT_SNAPSHOT_RETENTION,
  SNAPSHOT_PREFIX,
  SnapshotError,
  digestingStream,
  findSnapshot,
  listSnapshots,
  readLifecycle,
  snapshotKey,
  snapshotSource,
  snapshotStamp,
  snapshotsToDelete,
  stampOf,
  verifyStoredSnapshot,
  writeLifecycle,
  writeSnapshotRecord,
  type ClusterLifecycle,
  type SnapshotRecord,
} from './snapshot.js';
import type { ClusterSpec } from './spec.js';
import { readPki, withClusterLock } from './state/index.js';

export interface PauseOptions {
  /** Snapshots to keep, this one included (default 3). */
  keepSnapshots?: number;
  /** The pods Ready now (`namespace/name`), asked just before the snapshot: resume waits for them again. */
  readyPods?: (spec: ClusterSpec) => Promise<string[]>;
}

export interface PauseResult {
  snapshot: SnapshotRecord;
  /** The cluster was paused already: nothing new was snapshotted. */
  alreadyPaused: boolean;
  /** Snapshot keys retention removed. */
  removedSnapshots: string[];
}

export interface ResumeOptions {
  /** Restore this snapshot (its stamp or key) instead of the last pause's. */
  snapshot?: string;
  /** Waits until the cluster takes work again and the snapshot's Ready pods are Ready. */
  waitReady?: (spec: ClusterSpec, groups: ContainerGroup[], snapshot: SnapshotRecord) => Promise<void>;
}

export interface ResumeResult {
  spec: ClusterSpec;
  snapshot: SnapshotRecord;
  groups: ContainerGroup[];
  /** The cluster was running already: nothing was restored. */
  alreadyRunning: boolean;
}

const now = (deps: ClusterDeps) => deps.now?.() ?? new Date();
/** How long the etcd client certificate pause gives the agent lasts: one snapshot's time. */
const PAUSE_CREDENTIAL_LIFETIME_MS = 15 * 60_000;

/**
 * Snapshots etcd from inside the control plane, stores and verifies the snapshot, then removes
 * every group of the cluster and records it Paused. Until the snapshot is verified nothing is
 * removed: a failure leaves the cluster running. Run again after an interruption, it converges.
 */
export async function pauseCluster(
  name: string,
  deps: ClusterDeps,
  options: PauseOptions = {},
): Promise<PauseResult> {
  const keep = options.keepSnapshots ?? DEFAULT_SNAPSHOT_RETENTION;
  if (!Number.isInteger(keep) || keep < 1 || keep > 100)
    throw new ClusterError(`snapshots to keep must be a whole number from 1 to 100, got ${keep}`);
  return withClusterLock(deps.store, name, lockOptions(deps, 'pause'), () =>
    pauseLocked(name, deps, { ...options, keepSnapshots: keep }),
  );
}

async function pauseLocked(
  name: string,
  deps: ClusterDeps,
  options: PauseOptions & { keepSnapshots: number },
): Promise<PauseResult> {
  const { store, backend, progress = () => undefined } = deps;
  const spec = await requireSpec(store, name);
  await store.checkWritable();
  await backend.ping();
  const lifecycle = await readLifecycle(store, name);
  const controlPlane = await backend.get(controlPlaneGroupName(name));
  let snapshot: SnapshotRecord;
  // A running control plane is always snapshotted afresh, even when an interrupted pause left a
  // verified snapshot: it may have taken writes since.
  if (controlPlane?.instanceView?.state === 'Running') {
    if (spec.backend === 'aci' && snapshotSource(store, name).kind === 'directory')
      throw new ClusterError(
        `cannot pause cluster "${name}" on aci with a local state store: a resumed control plane reads its snapshot from a Blob state store (--state https://…) with its managed identity; nothing was removed`,
      );
    try {
      snapshot = await takeSnapshot(spec, deps, options, lifecycle);
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      const message = (error as Error).message.split('\n')[0];
      throw new ClusterError(
        `pausing failed before the snapshot was verified (${message}); nothing was removed`,
        { cause: error },
      );
    }
    await writeLifecycle(store, name, { phase: 'Pausing', since: now(deps).toISOString(), snapshot });
  } else if ((lifecycle.phase === 'Pausing' || lifecycle.phase === 'Paused') && lifecycle.snapshot) {
    snapshot = lifecycle.snapshot;
  } else if (lifecycle.phase === 'Resuming' && lifecycle.restore) {
    // A resume that never got going: the snapshot it was restoring is still the cluster's state.
    snapshot = lifecycle.restore;
  } else {
    const state = controlPlane
      ? `its control plane is ${controlPlane.instanceView?.state ?? 'not ready'}`
      : 'it has no control plane';
    throw new ClusterError(
      `cannot pause cluster "${name}": ${state}, so there is no etcd to snapshot; nothing was removed (run \`frankenetes up --name ${name}\` first)`,
    );
  }
  progress('removing the pod groups and the control plane');
  await backend.purgeCluster(name, { keepStandby: true });
  const alreadyPaused = lifecycle.phase === 'Paused' && lifecycle.snapshot?.key === snapshot.key;
  await writeLifecycle(store, name, {
    phase: 'Paused',
    since: alreadyPaused ? lifecycle.since : now(deps).toISOString(),
    snapshot,
  });
  const removedSnapshots = snapshotsToDelete(await store.list(name, SNAPSHOT_PREFIX), options.keepSnapshots, [
    snapshot.key,
  ]);
  for (const key of removedSnapshots) await store.delete(name, key);
  return { snapshot, alreadyPaused, removedSnapshots: removedSnapshots.filter((k) => k.endsWith('.db')) };
}

async function takeSnapshot(
  spec: ClusterSpec,
  deps: ClusterDeps,
  options: PauseOptions,
  lifecycle: ClusterLifecycle,
): Promise<SnapshotRecord> {
  const { store, backend, progress = () => undefined } = deps;
  const group = controlPlaneGroupName(spec.name);
  const asked = options.readyPods ? await options.readyPods(spec) : [];
  // A resume that was interrupted: its pods may not be Ready yet, but they were before the pause.
  const readyPods = [...new Set([...asked, ...(lifecycle.restore?.readyPods ?? [])])].sort();
  const takenAt = now(deps);
  const key = snapshotKey(snapshotStamp(takenAt));
  progress(`saving an etcd snapshot inside the control plane as ${key}`);
  const snapshot = backend.readFile
    ? await snapshotWithEtcdctl(backend, group)
    : await snapshotThroughAgent(spec, deps, group, takenAt);
  progress(`storing ${key} in the state store`);
  const digesting = digestingStream();
  snapshot.stream.on('error', (error) => digesting.destroy(error));
  await store.putStream(spec.name, key, snapshot.stream.pipe(digesting));
  await snapshot.finished();
  const uploaded = digesting.digest();
  if (uploaded.size === 0) throw new ClusterError(`etcd wrote an empty snapshot; nothing was removed`);
  progress(`verifying ${key} (${formatBytes(uploaded.size)}) in the state store`);
  try {
    await verifyStoredSnapshot(store, spec.name, { key, ...uploaded });
  } catch (error) {
    if (error instanceof SnapshotError)
      throw new ClusterError(`the stored snapshot does not read back: ${error.message}; nothing was removed`);
    throw error;
  }
  const record: SnapshotRecord = { key, takenAt: takenAt.toISOString(), ...uploaded, readyPods };
  await writeSnapshotRecord(store, spec.name, record);
  return record;
}

interface SnapshotStream {
  stream: Readable;
  /** Resolves once the command that made the snapshot ended well; throws otherwise. */
  finished(): Promise<void>;
}

/** The engine's way: etcdctl saves the snapshot in etcd's container, and the file is copied out. */
async function snapshotWithEtcdctl(backend: ContainerGroupBackend, group: string): Promise<SnapshotStream> {
  await execChecked(backend, group, 'etcd', etcdSnapshotSaveCommand());
  const stream = await (backend.readFile as NonNullable<ContainerGroupBackend['readFile']>)(
    group,
    'etcd',
    PAUSE_SNAPSHOT_PATH,
  );
  return { stream, finished: async () => undefined };
}

/**
 * ACI's way (no file copy, and no etcdctl arguments in the distroless etcd image): the agent
 * streams the snapshot out as text lines through exec, with an etcd client certificate issued for
 * this pause alone, given on stdin and valid for minutes.
 */
async function snapshotThroughAgent(
  spec: ClusterSpec,
  deps: ClusterDeps,
  group: string,
  now: Date,
): Promise<SnapshotStream> {
  const pki = await readPki(deps.store, spec.name);
  if (!pki)
    throw new ClusterError(`cluster "${spec.name}" has no PKI in the state store; nothing was removed`);
  deps.onSecrets?.(pkiSecretForms(pki));
  const client = await issueCertificate(pki.etcdCa, {
    subject: { cn: 'frankenetes-pause' },
    usage: 'client',
    lifetimeMs: PAUSE_CREDENTIAL_LIFETIME_MS,
    now,
  });
  deps.onSecrets?.(credentialSecretForms(client));
  const session = await deps.backend.exec(group, AGENT_CONTAINER, {
    command: etcdSnapshotStreamCommand(),
    stdin: true,
    tty: false,
  });
  session.stdin?.write(`${pki.etcdCa.cert}${client.cert}${client.key}`);
  session.closeStdin();
  const errors: Buffer[] = [];
  session.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));
  const decoder = snapshotLineDecoder();
  session.stdout.on('error', (error) => decoder.destroy(error));
  return {
    stream: session.stdout.pipe(decoder),
    finished: async () => {
      const code = await session.exitCode();
      if (code !== 0) {
        const last = Buffer.concat(errors).toString('utf8').trim().split('\n').pop() ?? '';
        throw new ClusterError(
          `the agent's etcd-snapshot failed (exit ${code}): ${last}; nothing was removed`,
        );
      }
    },
  };
}

/** Runs a command in a container and throws with its last output line when it fails. */
async function execChecked(
  backend: ContainerGroupBackend,
  group: string,
  container: string,
  command: string[],
): Promise<void> {
  const session = await backend.exec(group, container, { command, stdin: false, tty: false });
  const output: Buffer[] = [];
  session.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  session.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  const code = await session.exitCode();
  if (code !== 0) {
    const last = Buffer.concat(output).toString('utf8').trim().split('\n').pop() ?? '';
    throw new ClusterError(
      `${command.slice(0, 3).join(' ')} … failed in ${group}/${container} (exit ${code}): ${last}; nothing was removed`,
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * Brings a paused cluster back: checks the snapshot against its record, then recreates the
 * control plane, whose init containers fetch the snapshot and restore etcd from it before etcd
 * starts; the agent then recreates every pod's group. A corrupt or missing snapshot is refused
 * before anything is made. Run again after an interruption, it converges.
 */
export async function resumeCluster(
  name: string,
  deps: ClusterDeps,
  options: ResumeOptions = {},
): Promise<ResumeResult> {
  return withClusterLock(deps.store, name, lockOptions(deps, 'resume'), () =>
    resumeLocked(name, deps, options),
  );
}

async function resumeLocked(name: string, deps: ClusterDeps, options: ResumeOptions): Promise<ResumeResult> {
  const { store, backend, progress = () => undefined } = deps;
  const spec = await requireSpec(store, name);
  await store.checkWritable();
  await backend.ping();
  const lifecycle = await readLifecycle(store, name);
  const records = await listSnapshots(store, name);
  if (lifecycle.phase === 'Running') {
    if (options.snapshot)
      throw new ClusterError(
        `cluster "${name}" is running; pause it before resuming from snapshot ${options.snapshot}`,
      );
    const last = lifecycle.restore ?? records.at(-1);
    if (!last) throw new ClusterError(`cluster "${name}" is running and was never paused`);
    return { spec, snapshot: last, groups: [], alreadyRunning: true };
  }
  const pki = await readPki(store, name);
  if (!pki) throw new ClusterError(`cluster "${name}" has no PKI in the state store`);
  deps.onSecrets?.(pkiSecretForms(pki));

  let chosen: SnapshotRecord | undefined;
  if (options.snapshot) {
    chosen = findSnapshot(records, options.snapshot);
    if (!chosen)
      throw new ClusterError(
        `cluster "${name}" has no snapshot "${options.snapshot}"; kept: ${records.map((r) => stampOf(r.key)).join(', ') || 'none'}`,
      );
  } else {
    chosen = lifecycle.phase === 'Resuming' ? lifecycle.restore : lifecycle.snapshot;
    if (!chosen) throw new ClusterError(`cluster "${name}" has no snapshot to resume from`);
  }
  const source = snapshotSource(store, name);
  if (source.kind === 'blob' && backend.kind === 'docker')
    throw new ClusterError(
      'the docker backend restores snapshots from a state directory; a Blob state store needs the aci backend',
    );

  progress(`checking ${chosen.key} (${formatBytes(chosen.size)})`);
  try {
    await verifyStoredSnapshot(store, name, chosen);
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw error;
    throw new ClusterError(`${error.message}; nothing was changed. ${fallbackHint(name, records, chosen)}`);
  }

  // Groups an interrupted pause left, or that an attempt at another snapshot made, must not be
  // adopted by the restored cluster.
  if (lifecycle.phase === 'Pausing' || (lifecycle.restore && lifecycle.restore.key !== chosen.key)) {
    progress('removing groups left by an interrupted pause or resume');
    await backend.purgeCluster(name, { keepStandby: true });
  }
  const resuming =
    lifecycle.phase === 'Resuming' && lifecycle.restore?.key === chosen.key
      ? lifecycle
      : {
          phase: 'Resuming' as const,
          since: now(deps).toISOString(),
          snapshot: lifecycle.snapshot,
          restore: chosen,
        };
  await writeLifecycle(store, name, resuming);

  progress(`restoring etcd from ${chosen.key}`);
  const plan = planCluster(spec, pki, { restore: { snapshot: chosen, source } });
  const groups = await applyPlan(plan, deps);
  const failure = await restoreFailure(backend, groups);
  if (failure) {
    // Nothing half-restored stays up (or billed); the cluster is paused on its snapshots as before.
    await backend.purgeCluster(name, { keepStandby: true });
    await writeLifecycle(store, name, {
      phase: 'Paused',
      since: lifecycle.phase === 'Paused' ? lifecycle.since : now(deps).toISOString(),
      snapshot: lifecycle.snapshot ?? chosen,
    });
    throw new ClusterError(
      `restoring ${chosen.key} failed: ${failure}. ${fallbackHint(name, records, chosen)}`,
    );
  }
  progress('waiting for the API server and the pods that were Ready');
  try {
    await options.waitReady?.(spec, groups, chosen);
  } catch (error) {
    throw new ClusterError(
      `${(error as Error).message}; the cluster stays Resuming: run \`frankenetes resume --name ${name}\` again`,
      { cause: error },
    );
  }
  await writeLifecycle(store, name, { phase: 'Running', since: now(deps).toISOString(), restore: chosen });
  return { spec, snapshot: chosen, groups, alreadyRunning: false };
}

/** The failed restore step of a control plane, with its last log line, or undefined. */
async function restoreFailure(
  backend: ContainerGroupBackend,
  groups: ContainerGroup[],
): Promise<string | undefined> {
  for (const group of groups) {
    for (const init of group.initContainers ?? []) {
      const state = init.instanceView?.currentState;
      if (state?.state !== 'Terminated' || state.exitCode === 0) continue;
      let last = '';
      try {
        const logs = await backend.logs(group.name ?? '', init.name, { tailLines: 5 });
        const chunks: Buffer[] = [];
        for await (const chunk of logs) chunks.push(chunk as Buffer);
        last = Buffer.concat(chunks).toString('utf8').trim().split('\n').pop() ?? '';
      } catch {
        // the message below still names the step and its exit code
      }
      return `${init.name} exited with ${state.exitCode}${last ? `: ${last}` : ''}`;
    }
  }
  return undefined;
}

/** How to resume from the snapshot before a bad one. */
function fallbackHint(name: string, records: SnapshotRecord[], bad: SnapshotRecord): string {
  const older = records.filter((r) => r.key < bad.key).at(-1);
  return older
    ? `Resume from the previous snapshot with \`frankenetes resume --name ${name} --snapshot ${stampOf(older.key)}\` (taken ${older.takenAt})`
    : 'No older snapshot is kept';
}
