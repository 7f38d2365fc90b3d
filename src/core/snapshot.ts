// etcd snapshots in the state store, and the cluster's lifecycle record (Running, Pausing, Paused,
// Resuming): what pause writes and resume reads.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type { StateStore } from './state/store.js';

export const SNAPSHOT_PREFIX = 'snapshots/';
/** Snapshots kept per cluster unless pause is told otherwise. */
export const DEFAULT_SNAPSHOT_RETENTION = 3;
/**
 * How far a restore moves etcd's revision ahead. Any value above the writes a cluster could have
 * made after the snapshot works (etcd's guidance); a billion also leaves room for thousands of
 * pause/resume cycles in an int64.
 */
export const RESTORE_REVISION_BUMP = 1_000_000_000;

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** A verified snapshot, as pause recorded it beside the snapshot itself (`snapshots/<stamp>.json`). */
export interface SnapshotRecord {
  /** The snapshot's key in the store: `snapshots/<stamp>.db`. */
  key: string;
  /** When etcd was snapshotted (ISO). */
  takenAt: string;
  sha256: string;
  size: number;
  /** Pods that were Ready when the snapshot was taken (`namespace/name`): resume waits for them. */
  readyPods: string[];
}

export type ClusterPhase = 'Running' | 'Pausing' | 'Paused' | 'Resuming';

/**
 * Where a cluster stands between pause and resume (`lifecycle.json`; a cluster without one is
 * Running). Pausing: the snapshot is verified, groups are being removed. Resuming: the control
 * plane is being made from `restore`.
 */
export interface ClusterLifecycle {
  phase: ClusterPhase;
  /** Since when the cluster is in this phase (ISO). */
  since: string;
  /** The last pause's snapshot. */
  snapshot?: SnapshotRecord;
  /**
   * The snapshot the control plane restores when it is created (Resuming, and Running after a
   * resume). It is part of the control plane's definition, so `up` plans the same group.
   */
  restore?: SnapshotRecord;
}

const LIFECYCLE = 'lifecycle.json';

export async function readLifecycle(store: StateStore, cluster: string): Promise<ClusterLifecycle> {
  const data = await store.get(cluster, LIFECYCLE);
  if (!data) return { phase: 'Running', since: new Date(0).toISOString() };
  return JSON.parse(data.toString('utf8')) as ClusterLifecycle;
}

export async function writeLifecycle(
  store: StateStore,
  cluster: string,
  lifecycle: ClusterLifecycle,
): Promise<void> {
  await store.put(cluster, LIFECYCLE, `${JSON.stringify(lifecycle, null, 2)}\n`);
}

/** A snapshot's name: its UTC time to the millisecond, e.g. `20260101T120000.250Z`, which sorts by time. */
export function snapshotStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

export function snapshotKey(stamp: string): string {
  return `${SNAPSHOT_PREFIX}${stamp}.db`;
}

/** The stamp of a snapshot key (`snapshots/<stamp>.db` → `<stamp>`). */
export function stampOf(key: string): string {
  return key.slice(SNAPSHOT_PREFIX.length).replace(/\.(db|json)$/, '');
}

const recordKey = (snapshot: string) => snapshot.replace(/\.db$/, '.json');

export async function writeSnapshotRecord(
  store: StateStore,
  cluster: string,
  record: SnapshotRecord,
): Promise<void> {
  await store.put(cluster, recordKey(record.key), `${JSON.stringify(record, null, 2)}\n`);
}

/** The cluster's recorded snapshots, oldest first. A snapshot without a record never finished its pause. */
export async function listSnapshots(store: StateStore, cluster: string): Promise<SnapshotRecord[]> {
  const keys = (await store.list(cluster, SNAPSHOT_PREFIX)).filter((k) => k.endsWith('.json'));
  const records = await Promise.all(
    keys.map(async (key) => {
      const data = await store.get(cluster, key);
      return data && (JSON.parse(data.toString('utf8')) as SnapshotRecord);
    }),
  );
  return records
    .filter((r): r is SnapshotRecord => Boolean(r))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The keys retention removes: every snapshot (and record) but the newest `keep` recorded ones and
 * the protected ones, plus snapshots that have no record (uploads a killed pause left unverified).
 */
export function snapshotsToDelete(keys: string[], keep: number, protect: string[] = []): string[] {
  const recorded = keys
    .filter((k) => k.endsWith('.json'))
    .map((k) => k.replace(/\.json$/, '.db'))
    .sort();
  const kept = new Set([...recorded.slice(Math.max(0, recorded.length - keep)), ...protect]);
  return keys
    .filter((k) => k.startsWith(SNAPSHOT_PREFIX))
    .filter((k) => !kept.has(k.replace(/\.json$/, '.db')))
    .sort();
}

/** Picks a recorded snapshot by stamp or key (`20260101T120000.250Z`, `snapshots/….db`). */
export function findSnapshot(records: SnapshotRecord[], wanted: string): SnapshotRecord | undefined {
  const stamp = wanted.startsWith(SNAPSHOT_PREFIX) ? stampOf(wanted) : wanted.replace(/\.db$/, '');
  return records.find((r) => stampOf(r.key) === stamp);
}

/** A pass-through stream that measures what flows: its SHA-256 and size once it ended. */
export function digestingStream(): Transform & { digest(): { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  let sha256: string | undefined;
  return Object.assign(stream, {
    digest: () => ({ sha256: (sha256 ??= hash.digest('hex')), size }),
  });
}

export async function digestOf(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Why a stored snapshot does not match its record, or undefined when it does. */
export function snapshotMismatch(
  record: Pick<SnapshotRecord, 'key' | 'sha256' | 'size'>,
  found: { sha256: string; size: number } | undefined,
): string | undefined {
  if (!found) return `snapshot ${record.key} is missing from the state store`;
  if (found.size !== record.size)
    return `snapshot ${record.key} is truncated or corrupt: ${found.size} bytes, ${record.size} expected`;
  if (found.sha256 !== record.sha256)
    return `snapshot ${record.key} is corrupt: sha256 ${found.sha256.slice(0, 12)}…, ${record.sha256.slice(0, 12)}… expected`;
  return undefined;
}

/** Reads a stored snapshot back and throws a SnapshotError naming it when it does not match its record. */
export async function verifyStoredSnapshot(
  store: StateStore,
  cluster: string,
  record: Pick<SnapshotRecord, 'key' | 'sha256' | 'size'>,
): Promise<void> {
  const stream = await store.getStream(cluster, record.key);
  const problem = snapshotMismatch(record, stream && (await digestOf(stream)));
  if (problem) throw new SnapshotError(problem);
}

/**
 * Where the control plane's restore step reads the snapshot from: the state directory's snapshot
 * folder, bind-mounted read-only (local engine), or the Blob container, read with the group's
 * managed identity (ACI; no key in the group's definition).
 */
export type SnapshotSource = { kind: 'directory'; hostPath: string } | { kind: 'blob'; url: string };

export function snapshotSource(store: StateStore, cluster: string): SnapshotSource {
  // As openStateStore tells them apart (not imported: it loads the Azure SDK).
  if (/^https?:\/\//i.test(store.location)) return { kind: 'blob', url: store.location };
  return { kind: 'directory', hostPath: resolve(store.location, cluster, 'snapshots') };
}
