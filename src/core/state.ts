import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClusterPki } from './pki.js';
import { parseClusterSpec, type ClusterSpec } from './spec.js';

export class StateError extends Error {
  override name = 'StateError';
}

/**
 * Where clusters' specs, PKI and (later) etcd snapshots live: the kops "state store".
 * Keys are slash-separated paths inside a cluster, e.g. "spec.json" or "snapshots/…".
 */
export interface StateStore {
  readonly location: string;
  /** Throws a StateError when the store cannot be written. */
  checkWritable(): Promise<void>;
  clusters(): Promise<string[]>;
  get(cluster: string, key: string): Promise<Buffer | undefined>;
  put(cluster: string, key: string, data: string | Buffer): Promise<void>;
  /** Removes the cluster and everything stored for it. */
  remove(cluster: string): Promise<void>;
}

/** The default location: $FRANKENETES_STATE_DIR, else $XDG_STATE_HOME/frankenetes, else ~/.local/state/frankenetes. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FRANKENETES_STATE_DIR) return env.FRANKENETES_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'frankenetes');
}

const SAFE_KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

/** A directory per cluster; folders 0700 and files 0600, written atomically (temp file + rename). */
export class LocalStateStore implements StateStore {
  constructor(readonly location: string = defaultStateDir()) {}

  private path(cluster: string, key?: string): string {
    if (!SAFE_KEY.test(cluster) || cluster.includes('/'))
      throw new StateError(`invalid cluster name "${cluster}"`);
    if (key !== undefined && !SAFE_KEY.test(key)) throw new StateError(`invalid state key "${key}"`);
    return key === undefined ? join(this.location, cluster) : join(this.location, cluster, key);
  }

  async checkWritable(): Promise<void> {
    try {
      await mkdir(this.location, { recursive: true, mode: 0o700 });
      await access(this.location, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new StateError(
        `state directory ${this.location} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)}); set FRANKENETES_STATE_DIR or --state-dir`,
      );
    }
  }

  async clusters(): Promise<string[]> {
    try {
      const entries = await readdir(this.location, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async get(cluster: string, key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(cluster, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(cluster: string, key: string, data: string | Buffer): Promise<void> {
    const file = this.path(cluster, key);
    await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, data, { mode: 0o600 });
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async remove(cluster: string): Promise<void> {
    await rm(this.path(cluster), { recursive: true, force: true });
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
