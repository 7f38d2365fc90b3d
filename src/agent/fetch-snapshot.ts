// The control plane's first init container on resume (hidden command `fetch-snapshot`): copies the
// snapshot from the state store into etcd's emptyDir and checks it against pause's record, so
// etcdutl never restores a corrupt or truncated file.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { digestingStream, snapshotMismatch } from '../core/snapshot.js';
import { LocalStateStore } from '../core/state/fs.js';
import type { StateStore } from '../core/state/store.js';

export interface FetchSnapshotSettings {
  cluster: string;
  /** A state directory (the local store's snapshot folder mounted read-only) or a blob container URL. */
  store: string;
  key: string;
  sha256: string;
  size: number;
  /** Where etcdutl expects the snapshot. */
  out: string;
}

export function fetchSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): FetchSnapshotSettings {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`fetch-snapshot needs ${name} in its environment`);
    return value;
  };
  const size = Number(required('FRANKENETES_SNAPSHOT_SIZE'));
  if (!Number.isInteger(size) || size < 0) throw new Error('FRANKENETES_SNAPSHOT_SIZE must be a byte count');
  return {
    cluster: required('FRANKENETES_CLUSTER'),
    store: required('FRANKENETES_SNAPSHOT_STORE'),
    key: required('FRANKENETES_SNAPSHOT_KEY'),
    sha256: required('FRANKENETES_SNAPSHOT_SHA256'),
    size,
    out: required('FRANKENETES_SNAPSHOT_OUT'),
  };
}

async function openStore(location: string): Promise<StateStore> {
  if (!/^https?:\/\//i.test(location)) return new LocalStateStore(location);
  // Inside ACI: the group's managed identity (FRANKENETES_MANAGED_IDENTITY); no key in the group.
  const [{ openStateStore }, { createAzureCredential }] = await Promise.all([
    import('../core/state/open.js'),
    import('../core/credentials.js'),
  ]);
  return openStateStore(location, createAzureCredential({}));
}

/** Copies and checks the snapshot; throws one line naming the snapshot when it is missing or does not match. */
export async function fetchSnapshot(settings: FetchSnapshotSettings, store?: StateStore): Promise<void> {
  const source = store ?? (await openStore(settings.store));
  const stream = await source.getStream(settings.cluster, settings.key);
  const expected = { key: settings.key, sha256: settings.sha256, size: settings.size };
  if (!stream) throw new Error(snapshotMismatch(expected, undefined));
  await mkdir(dirname(settings.out), { recursive: true, mode: 0o700 });
  const part = `${settings.out}.part`;
  const digesting = digestingStream();
  try {
    await pipeline(stream, digesting, createWriteStream(part, { mode: 0o600 }));
    const problem = snapshotMismatch(expected, digesting.digest());
    if (problem) throw new Error(problem);
    await rename(part, settings.out);
  } finally {
    await rm(part, { force: true });
  }
}

export async function runFetchSnapshot(): Promise<number> {
  const settings = fetchSettingsFromEnv();
  await fetchSnapshot(settings);
  process.stderr.write(`fetch-snapshot: ${settings.key} (${settings.size} bytes) matches its SHA-256\n`);
  return 0;
}
