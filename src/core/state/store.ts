import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import type { ClusterPki } from '../pki.js';
import { parseClusterSpec, type ClusterSpec } from '../spec.js';

export class StateError extends Error {
  override name = 'StateError';
}

/** Who holds a cluster's lock, as its holder recorded it (fields may be missing on a foreign lock). */
export interface LockHolder {
  owner: string;
  host?: string;
  pid?: number;
  /** ISO time the holder took the lock. */
  since?: string;
}

export class LockTimeoutError extends StateError {
  override name = 'LockTimeoutError';
  constructor(
    readonly cluster: string,
    readonly holder: LockHolder | undefined,
    readonly waitedMs: number,
  ) {
    super(
      `cluster "${cluster}" is locked by ${holder ? describeHolder(holder) : 'another writer'}; gave up after ${formatSeconds(waitedMs)} (a crashed holder's lock expires within a minute)`,
    );
  }
}

export interface LockOptions {
  /** Who asks, shown to whoever waits: e.g. "frankenetes up". Host and pid are added by the store. */
  owner: string;
  /** How long to wait for a lock someone else holds; 0 fails at once. Default 10 minutes. */
  timeoutMs?: number;
  /** Called when the lock is held by someone else, once per distinct holder, before waiting. */
  onWait?: (holder: LockHolder) => void;
}

/** A held cluster lock. It is renewed in the background until released. */
export interface ClusterLock {
  release(): Promise<void>;
}

/**
 * Where clusters' specs, PKI and etcd snapshots live: the kops "state store". Keys are
 * slash-separated paths inside a cluster, e.g. "spec.json" or "snapshots/20250101T000000Z.db".
 */
export interface StateStore {
  readonly location: string;
  /** Throws a StateError when the store cannot be written, naming the location and the cause. */
  checkWritable(): Promise<void>;
  clusters(): Promise<string[]>;
  get(cluster: string, key: string): Promise<Buffer | undefined>;
  /** A stream of a stored value (for large snapshots), or undefined when there is none. */
  getStream(cluster: string, key: string): Promise<Readable | undefined>;
  /** Writes a value atomically: readers see the old or the new value, never a part. */
  put(cluster: string, key: string, data: string | Buffer): Promise<void>;
  /** Writes a value from a stream (for large snapshots), atomically like put. */
  putStream(cluster: string, key: string, data: Readable): Promise<void>;
  /** The cluster's keys that start with prefix, sorted. */
  list(cluster: string, prefix?: string): Promise<string[]>;
  /** Deletes one key; absent keys are fine. */
  delete(cluster: string, key: string): Promise<void>;
  /** Removes the cluster and everything stored for it (not its lock, which its holder releases). */
  remove(cluster: string): Promise<void>;
  /**
   * Takes the cluster's lock, waiting up to timeoutMs while another writer holds it. A holder that
   * dies without releasing blocks others only until its lock expires (about a minute).
   */
  lock(cluster: string, options: LockOptions): Promise<ClusterLock>;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

const SAFE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** Cluster names and key segments: no traversal, no hidden names (the stores keep locks and temp files there). */
export function checkClusterName(cluster: string): void {
  if (!SAFE_NAME.test(cluster)) throw new StateError(`invalid cluster name "${cluster}"`);
}

export function checkKey(key: string): void {
  if (!key.split('/').every((segment) => SAFE_NAME.test(segment)))
    throw new StateError(`invalid state key "${key}"`);
}

export function describeHolder(holder: LockHolder): string {
  const where = [holder.pid !== undefined && `pid ${holder.pid}`, holder.host && `on ${holder.host}`]
    .filter(Boolean)
    .join(' ');
  const details = [where, holder.since && `since ${holder.since}`].filter(Boolean).join(', ');
  return details ? `${holder.owner} (${details})` : holder.owner;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** This process, as lock holders record it. */
export function thisHolder(owner: string, now: Date = new Date()): Required<LockHolder> {
  return { owner, host: hostname(), pid: process.pid, since: now.toISOString() };
}

export type LockAttempt = { lock: ClusterLock } | { holder: LockHolder | undefined };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The waiting loop both stores share: tries, reports each new holder through onWait, sleeps and
 * tries again until the lock is taken or the timeout passes.
 */
export async function acquireLock(
  cluster: string,
  options: LockOptions,
  attempt: () => Promise<LockAttempt>,
  pollMs: number,
): Promise<ClusterLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const started = Date.now();
  let reported: string | undefined;
  for (;;) {
    const result = await attempt();
    if ('lock' in result) return result.lock;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new LockTimeoutError(cluster, result.holder, waited);
    const holder = result.holder ?? { owner: 'another writer' };
    const key = JSON.stringify(holder);
    if (key !== reported) {
      reported = key;
      options.onWait?.(holder);
    }
    // A little jitter keeps waiters from retrying in lockstep.
    await sleep(Math.min(pollMs * (0.75 + Math.random() / 2), Math.max(timeoutMs - waited, 1)));
  }
}

/** Runs fn while holding the cluster's lock, and releases it however fn ends. */
export async function withClusterLock<T>(
  store: StateStore,
  cluster: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = await store.lock(cluster, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

const SPEC = 'spec.json';
const PKI = 'pki.json';

export async function readSpec(store: StateStore, cluster: string): Promise<ClusterSpec | undefined> {
  const data = await store.get(cluster, SPEC);
  return data && parseClusterSpec(JSON.parse(data.toString('utf8')));
}

export async function writeSpec(store: StateStore, spec: ClusterSpec): Promise<void> {
  await store.put(spec.name, SPEC, `${JSON.stringify(spec, null, 2)}\n`);
}

export async function readPki(store: StateStore, cluster: string): Promise<ClusterPki | undefined> {
  const data = await store.get(cluster, PKI);
  return data && (JSON.parse(data.toString('utf8')) as ClusterPki);
}

export async function writePki(store: StateStore, cluster: string, pki: ClusterPki): Promise<void> {
  await store.put(cluster, PKI, JSON.stringify(pki));
}
