// The StateStore contract, run against both stores: the filesystem one and the Blob one on a real
// Azurite. Then what only one of them has (modes, container privacy, error messages).
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BlobStateStore } from '../../src/core/state/blob.js';
import { LocalStateStore } from '../../src/core/state/fs.js';
import {
  LockTimeoutError,
  StateError,
  withClusterLock,
  type LockHolder,
  type StateStore,
} from '../../src/core/state/store.js';
import { startAzurite, type Azurite } from '../support/azurite.js';

let azurite: Azurite;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Kind {
  name: string;
  /** A fresh, empty store. */
  make(): StateStore;
  /** Arguments for test/support/hold-lock.ts to take a lock on the same store in another process. */
  holderArgs(store: StateStore): string[];
  /** How long a killed holder can block others at most, in this test set-up. */
  staleAfterMs: number;
}

const fsKind: Kind = {
  name: 'LocalStateStore',
  make() {
    const root = mkdtempSync(join(tmpdir(), 'frankenetes-store-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    return new LocalStateStore(join(root, 'state'), { lockPollMs: 50 });
  },
  holderArgs: (store) => ['fs', store.location],
  // A dead holder on this host is seen at once (its pid is gone).
  staleAfterMs: 2_000,
};

const containers = new Map<StateStore, string>();
const blobKind: Kind = {
  name: 'BlobStateStore on Azurite',
  make() {
    const container = `test-${randomUUID().slice(0, 8)}`;
    const store = BlobStateStore.fromConnectionString(azurite.connectionString, container, {
      leaseSeconds: 15,
      lockPollMs: 200,
    });
    containers.set(store, container);
    return store;
  },
  holderArgs: (store) => ['blob', azurite.connectionString, containers.get(store)!],
  // The lease (15 s here) runs out.
  staleAfterMs: 20_000,
};

/** Starts hold-lock.ts in its own process; resolves once it holds the lock. */
async function holdInAnotherProcess(kind: Kind, store: StateStore, cluster: string, owner: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '..', 'support', 'hold-lock.ts'),
      ...kind.holderArgs(store),
      cluster,
      owner,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('locked')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${output}`)));
  });
  return child;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([fsKind, blobKind])('StateStore contract: $name', (kind) => {
  it('stores strings and binary data, overwrites, and returns undefined for what is missing', async () => {
    const store = kind.make();
    await store.checkWritable();
    expect(await store.get('demo', 'spec.json')).toBeUndefined();
    await store.put('demo', 'spec.json', '{"name":"demo"}');
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
    await store.put('demo', 'snapshots/etcd.db', binary);
    expect((await store.get('demo', 'spec.json'))?.toString('utf8')).toBe('{"name":"demo"}');
    expect(await store.get('demo', 'snapshots/etcd.db')).toEqual(binary);
    await store.put('demo', 'spec.json', 'second, longer than the first');
    expect((await store.get('demo', 'spec.json'))?.toString()).toBe('second, longer than the first');
    expect(await store.get('demo', 'pki.json')).toBeUndefined();
    expect(await store.get('other', 'spec.json')).toBeUndefined();
    expect(await store.getStream('demo', 'pki.json')).toBeUndefined();
  });

  it('works before checkWritable: reads of an empty store, then a first write', async () => {
    const store = kind.make();
    expect(await store.clusters()).toEqual([]);
    expect(await store.list('demo')).toEqual([]);
    expect(await store.get('demo', 'spec.json')).toBeUndefined();
    await store.put('demo', 'spec.json', 'x');
    expect(await store.clusters()).toEqual(['demo']);
  });

  it('streams a large binary snapshot in and out unchanged', async () => {
    const store = kind.make();
    await store.checkWritable();
    // Larger than the Blob store's 4 MiB upload block, so it goes up in several blocks.
    const snapshot = randomBytes(9 * 1024 * 1024 + 17);
    await store.putStream(
      'demo',
      'snapshots/20250101T000000Z.db',
      Readable.from([snapshot.subarray(0, 1000), snapshot.subarray(1000)]),
    );
    const stream = await store.getStream('demo', 'snapshots/20250101T000000Z.db');
    expect(stream).toBeDefined();
    const back = await buffer(stream!);
    expect(back.length).toBe(snapshot.length);
    expect(back.equals(snapshot)).toBe(true);
    expect((await store.get('demo', 'snapshots/20250101T000000Z.db'))?.equals(snapshot)).toBe(true);
  });

  it('lists clusters (sorted) and keys by prefix, and deletes one key', async () => {
    const store = kind.make();
    await store.checkWritable();
    await store.put('zeta', 'spec.json', 'z');
    await store.put('alpha', 'spec.json', 'a');
    await store.put('alpha', 'snapshots/2.db', '2');
    await store.put('alpha', 'snapshots/1.db', '1');
    await store.put('alpha', 'pki.json', 'p');
    // Locks and probes are the store's own business: no cluster appears for them.
    const lock = await store.lock('locked-only', { owner: 'test' });
    expect(await store.clusters()).toEqual(['alpha', 'zeta']);
    await lock.release();
    expect(await store.list('alpha')).toEqual(['pki.json', 'snapshots/1.db', 'snapshots/2.db', 'spec.json']);
    expect(await store.list('alpha', 'snapshots/')).toEqual(['snapshots/1.db', 'snapshots/2.db']);
    expect(await store.list('nothing')).toEqual([]);
    await store.delete('alpha', 'snapshots/1.db');
    await store.delete('alpha', 'snapshots/1.db');
    expect(await store.list('alpha', 'snapshots/')).toEqual(['snapshots/2.db']);
  });

  it('removes every key of a cluster and nothing of another', async () => {
    const store = kind.make();
    await store.checkWritable();
    await store.put('demo', 'spec.json', 'x');
    await store.put('demo', 'snapshots/a/b.db', 'y');
    await store.put('demo-2', 'spec.json', 'k');
    await store.remove('demo');
    expect(await store.list('demo')).toEqual([]);
    expect(await store.get('demo', 'snapshots/a/b.db')).toBeUndefined();
    expect(await store.clusters()).toEqual(['demo-2']);
    expect((await store.get('demo-2', 'spec.json'))?.toString()).toBe('k');
    await expect(store.remove('demo')).resolves.toBeUndefined();
  });

  it.each(['../x', 'a/b', '.hidden', ''])('rejects the cluster name %j', async (cluster) => {
    const store = kind.make();
    await expect(store.put(cluster, 'spec.json', 'x')).rejects.toThrow(`invalid cluster name "${cluster}"`);
    await expect(store.lock(cluster, { owner: 't' })).rejects.toBeInstanceOf(StateError);
    await expect(store.remove(cluster)).rejects.toBeInstanceOf(StateError);
  });

  it.each(['../x', 'a//b', '.lock', 'a/../b'])('rejects the key %j', async (key) => {
    const store = kind.make();
    await expect(store.put('demo', key, 'x')).rejects.toThrow(`invalid state key "${key}"`);
    await expect(store.get('demo', key)).rejects.toBeInstanceOf(StateError);
  });

  it('lets one holder at a time have a cluster lock; a second fails at once with timeout 0, naming the holder', async () => {
    const store = kind.make();
    await store.checkWritable();
    const first = await store.lock('demo', { owner: 'first writer' });
    const error = await store.lock('demo', { owner: 'second writer', timeoutMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect(error).toBeInstanceOf(StateError);
    const message = (error as Error).message;
    expect(message).toContain('cluster "demo" is locked by first writer');
    expect(message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect(message).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect(message).toContain('gave up after 0 s');
    // Other clusters are not affected.
    const other = await store.lock('other', { owner: 'third writer', timeoutMs: 0 });
    await other.release();
    await first.release();
    const again = await store.lock('demo', { owner: 'second writer', timeoutMs: 0 });
    await again.release();
  });

  it('a waiter reports who holds the lock, then takes it once released', async () => {
    const store = kind.make();
    await store.checkWritable();
    const first = await store.lock('demo', { owner: 'frankenetes up (run 1)' });
    const seen: LockHolder[] = [];
    const events: string[] = [];
    const second = store
      .lock('demo', { owner: 'frankenetes up (run 2)', timeoutMs: 15_000, onWait: (h) => seen.push(h) })
      .then((lock) => {
        events.push('second acquired');
        return lock;
      });
    await sleep(1_000);
    expect(events).toEqual([]);
    events.push('first released');
    await first.release();
    const lock = await second;
    expect(events).toEqual(['first released', 'second acquired']);
    expect(seen).toEqual([
      { owner: 'frankenetes up (run 1)', host: hostname(), pid: process.pid, since: expect.any(String) },
    ]);
    await lock.release();
  });

  it('gives up after the timeout with a clear message', async () => {
    const store = kind.make();
    await store.checkWritable();
    const first = await store.lock('demo', { owner: 'frankenetes down' });
    const started = Date.now();
    const error = await store
      .lock('demo', { owner: 'frankenetes up', timeoutMs: 1_500 })
      .catch((e: unknown) => e);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_500);
    expect(waited).toBeLessThan(6_000);
    expect((error as Error).message).toMatch(
      /^cluster "demo" is locked by frankenetes down \(pid \d+ on .*, since .*\); gave up after 1\.\d s/,
    );
    await first.release();
  });

  it('serialises two critical sections on one cluster, and runs sections on different clusters side by side', async () => {
    const store = kind.make();
    await store.checkWritable();
    const log: string[] = [];
    const section = (cluster: string, name: string) =>
      withClusterLock(store, cluster, { owner: name, timeoutMs: 20_000 }, async () => {
        log.push(`${name} enter ${cluster}`);
        await sleep(400);
        log.push(`${name} exit ${cluster}`);
        return name;
      });
    const results = await Promise.all([section('demo', 'a'), section('demo', 'b')]);
    expect(results).toEqual(['a', 'b']);
    // Either order, never interleaved.
    expect([
      ['a enter demo', 'a exit demo', 'b enter demo', 'b exit demo'],
      ['b enter demo', 'b exit demo', 'a enter demo', 'a exit demo'],
    ]).toContainEqual(log);
    log.length = 0;
    await Promise.all([section('one', 'a'), section('two', 'b')]);
    expect(log.slice(0, 2).sort()).toEqual(['a enter one', 'b enter two']);
  });

  it('releases the lock when the critical section throws', async () => {
    const store = kind.make();
    await store.checkWritable();
    await expect(
      withClusterLock(store, 'demo', { owner: 'failing' }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const lock = await store.lock('demo', { owner: 'next', timeoutMs: 0 });
    await lock.release();
  });

  it('keeps a cluster locked while its holder removes the cluster', async () => {
    const store = kind.make();
    await store.checkWritable();
    await store.put('demo', 'spec.json', 'x');
    const lock = await store.lock('demo', { owner: 'frankenetes down' });
    await store.remove('demo');
    await expect(store.lock('demo', { owner: 'frankenetes up', timeoutMs: 0 })).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    await lock.release();
    expect(await store.clusters()).toEqual([]);
  });

  it('takes over the lock of a holder killed with SIGKILL', async () => {
    const store = kind.make();
    await store.checkWritable();
    const holder = await holdInAnotherProcess(kind, store, 'demo', 'crashing writer');
    const seen: LockHolder[] = [];
    await expect(store.lock('demo', { owner: 'survivor', timeoutMs: 0 })).rejects.toThrow(
      `locked by crashing writer (pid ${holder.pid} on ${hostname()}`,
    );
    const killed = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await killed;
    const started = Date.now();
    const lock = await store.lock('demo', {
      owner: 'survivor',
      timeoutMs: kind.staleAfterMs,
      onWait: (h) => seen.push(h),
    });
    expect(Date.now() - started).toBeLessThan(kind.staleAfterMs);
    for (const h of seen) expect(h.owner).toBe('crashing writer');
    // And it is really ours now: nobody else gets it.
    await expect(store.lock('demo', { owner: 'third', timeoutMs: 0 })).rejects.toThrow('locked by survivor');
    await lock.release();
  }, 60_000);
});

describe('LocalStateStore lock files', () => {
  it('lives in .locks/<cluster>.lock (0600 in a 0700 folder), holds the holder, and is gone after release', async () => {
    const store = fsKind.make();
    const lock = await store.lock('demo', { owner: 'frankenetes up' });
    const dir = join(store.location, '.locks');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['demo.lock']);
    expect(statSync(join(dir, 'demo.lock')).mode & 0o777).toBe(0o600);
    await lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is renewed while held: a holder that outlives the lock TTL keeps it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'frankenetes-store-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const store = new LocalStateStore(root, { lockTtlMs: 600, lockPollMs: 50 });
    const lock = await store.lock('demo', { owner: 'long up' });
    await sleep(2_000);
    await expect(store.lock('demo', { owner: 'other', timeoutMs: 0 })).rejects.toThrow('locked by long up');
    await lock.release();
  });

  it('takes over an expired lock of a holder on another host', async () => {
    const store = fsKind.make();
    await store.checkWritable();
    const dir = join(store.location, '.locks');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { mode: 0o700 });
    const record = (expiresAt: Date) =>
      JSON.stringify({
        owner: 'remote up',
        host: 'some-other-host',
        pid: 1,
        since: new Date(0).toISOString(),
        token: randomUUID(),
        expiresAt: expiresAt.toISOString(),
      });
    // Not expired: a pid on another host cannot be checked, so it counts as held.
    writeFileSync(join(dir, 'demo.lock'), record(new Date(Date.now() + 60_000)));
    await expect(store.lock('demo', { owner: 'local', timeoutMs: 0 })).rejects.toThrow(
      'locked by remote up (pid 1 on some-other-host',
    );
    writeFileSync(join(dir, 'demo.lock'), record(new Date(Date.now() - 1_000)));
    const lock = await store.lock('demo', { owner: 'local', timeoutMs: 1_000 });
    await expect(store.lock('demo', { owner: 'x', timeoutMs: 0 })).rejects.toThrow('locked by local');
    await lock.release();
  });

  it('names the directory when the lock cannot be taken', async () => {
    const root = mkdtempSync(join(tmpdir(), 'frankenetes-store-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    writeFileSync(join(root, 'a-file'), '');
    const store = new LocalStateStore(join(root, 'a-file', 'state'));
    await expect(store.lock('demo', { owner: 'x' })).rejects.toThrow(
      `state directory ${join(root, 'a-file', 'state')} is not writable`,
    );
  });
});

describe('BlobStateStore on Azurite', () => {
  it('creates a missing container as private, and lays out keys as <cluster>/<key>', async () => {
    const store = blobKind.make();
    await store.checkWritable();
    const container = new ContainerClient(azurite.connectionString, containers.get(store)!);
    const properties = await container.getProperties();
    expect(properties.blobPublicAccess).toBeUndefined();
    await store.put('demo', 'spec.json', 'x');
    await store.put('demo', 'snapshots/1.db', 'y');
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    // The checkWritable probe is gone.
    expect(names.sort()).toEqual(['demo/snapshots/1.db', 'demo/spec.json']);
    expect(store.location).toBe(`${azurite.accountUrl}/${containers.get(store)}`);
  });

  it('holds a lock as a lease on .locks/<cluster>, with the holder in its metadata, deleted on release', async () => {
    const store = blobKind.make();
    const lock = await store.lock('demo', { owner: 'frankenetes up ☃' });
    const blob = new ContainerClient(azurite.connectionString, containers.get(store)!).getBlobClient(
      '.locks/demo',
    );
    const properties = await blob.getProperties();
    expect(properties.leaseState).toBe('leased');
    expect(properties.leaseDuration).toBe('fixed');
    expect(decodeURIComponent(properties.metadata!.owner!)).toBe('frankenetes up ☃');
    expect(properties.metadata!.pid).toBe(String(process.pid));
    await lock.release();
    expect(await blob.exists()).toBe(false);
  });

  it('renews its lease while held: a holder that outlives the lease keeps the lock', async () => {
    const store = blobKind.make();
    const lock = await store.lock('demo', { owner: 'long up' });
    await sleep(17_000);
    await expect(store.lock('demo', { owner: 'other', timeoutMs: 0 })).rejects.toThrow('locked by long up');
    await lock.release();
  }, 40_000);

  it('refuses a container that allows public access', async () => {
    const name = `public-${randomUUID().slice(0, 8)}`;
    await new ContainerClient(azurite.connectionString, name).create({ access: 'blob' });
    const store = BlobStateStore.fromConnectionString(azurite.connectionString, name);
    await expect(store.checkWritable()).rejects.toThrow(
      `Blob state store ${azurite.accountUrl}/${name} is not writable: opening the container failed: it allows public access (blob)`,
    );
    await expect(store.put('demo', 'pki.json', 'secret')).rejects.toThrow('allows public access');
  });

  it('opens Azurite by its URL alone (the well-known development key)', async () => {
    const url = `${azurite.accountUrl}/by-url-${randomUUID().slice(0, 8)}`;
    const store = BlobStateStore.fromUrl(url);
    await store.checkWritable();
    await store.put('demo', 'spec.json', 'x');
    expect((await store.get('demo', 'spec.json'))?.toString()).toBe('x');
    expect(store.location).toBe(url);
  });

  it('says the key is wrong, naming the URL and not the key', async () => {
    const wrongKey = Buffer.from('not the key').toString('base64');
    const url = `${azurite.accountUrl}/wrong-key`;
    const store = BlobStateStore.fromUrl(url, new StorageSharedKeyCredential('devstoreaccount1', wrongKey), {
      retryOptions: { maxTries: 1 },
    });
    const error = (await store.checkWritable().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toBe(
      `Blob state store ${url} is not writable: opening the container failed: not authorized (403 AuthorizationFailure): a wrong account key, the account's network rules, or key access disabled on it`,
    );
    expect(error.message).not.toContain(wrongKey);
  });

  it('says nothing listens when the endpoint is down', async () => {
    const down = await startAzurite();
    const url = `${down.accountUrl}/gone`;
    await down.stop();
    const store = BlobStateStore.fromUrl(url, undefined, { retryOptions: { maxTries: 1 } });
    await expect(store.checkWritable()).rejects.toThrow(
      `Blob state store ${url} is not writable: opening the container failed: nothing listens at 127.0.0.1:${down.port} (for a local store, is Azurite running?)`,
    );
  });

  it('says which account is missing', async () => {
    const url = `http://127.0.0.1:${azurite.port}/nosuchaccount/state`;
    const store = BlobStateStore.fromUrl(url, new StorageSharedKeyCredential('nosuchaccount', 'a2V5'), {
      retryOptions: { maxTries: 1 },
    });
    await expect(store.checkWritable()).rejects.toThrow(
      `Blob state store ${url} is not writable: opening the container failed: no such storage account at 127.0.0.1:${azurite.port} (404 ResourceNotFound)`,
    );
  });
});
