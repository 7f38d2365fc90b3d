import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchSettingsFromEnv, fetchSnapshot } from '../../src/agent/fetch-snapshot.js';
import {
  SnapshotError,
  digestOf,
  digestingStream,
  findSnapshot,
  listSnapshots,
  readLifecycle,
  snapshotKey,
  snapshotMismatch,
  snapshotSource,
  snapshotStamp,
  snapshotsToDelete,
  stampOf,
  verifyStoredSnapshot,
  writeSnapshotRecord,
  type SnapshotRecord,
} from '../../src/core/snapshot.js';
import { LocalStateStore } from '../../src/core/state/index.js';

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('snapshot names', () => {
  it('are UTC times to the millisecond that sort by time', () => {
    const a = snapshotStamp(new Date('2026-01-01T09:59:59.999Z'));
    const b = snapshotStamp(new Date('2026-01-01T10:00:00.001Z'));
    expect(a).toBe('20260101T095959.999Z');
    expect([b, a].sort()).toEqual([a, b]);
    expect(snapshotKey(a)).toBe('snapshots/20260101T095959.999Z.db');
    expect(stampOf(snapshotKey(a))).toBe(a);
  });

  it('are found by stamp or key among the recorded snapshots', () => {
    const records = ['20260101T000000.000Z', '20260102T000000.000Z'].map((s) => ({ key: snapshotKey(s) }));
    const all = records as SnapshotRecord[];
    expect(findSnapshot(all, '20260102T000000.000Z')?.key).toBe('snapshots/20260102T000000.000Z.db');
    expect(findSnapshot(all, 'snapshots/20260101T000000.000Z.db')?.key).toBe(records[0]?.key);
    expect(findSnapshot(all, '20260103T000000.000Z')).toBeUndefined();
  });
});

describe('retention', () => {
  const stamps = [
    '20260101T000000.000Z',
    '20260102T000000.000Z',
    '20260103T000000.000Z',
    '20260104T000000.000Z',
  ];
  const recorded = stamps.flatMap((s) => [`snapshots/${s}.db`, `snapshots/${s}.json`]);

  it('keeps the newest N recorded snapshots with their records', () => {
    expect(snapshotsToDelete(recorded, 3)).toEqual([
      'snapshots/20260101T000000.000Z.db',
      'snapshots/20260101T000000.000Z.json',
    ]);
    expect(snapshotsToDelete(recorded, 1)).toHaveLength(6);
    expect(snapshotsToDelete(recorded, 10)).toEqual([]);
  });

  it('never removes a protected snapshot (the one the cluster is paused on)', () => {
    const deleted = snapshotsToDelete(recorded, 1, ['snapshots/20260101T000000.000Z.db']);
    expect(deleted).not.toContain('snapshots/20260101T000000.000Z.db');
    expect(deleted).not.toContain('snapshots/20260101T000000.000Z.json');
    expect(deleted).toContain('snapshots/20260102T000000.000Z.db');
  });

  it('removes uploads that never got a record (a pause killed before verifying them)', () => {
    const keys = [...recorded, 'snapshots/20260105T000000.000Z.db'];
    expect(snapshotsToDelete(keys, 4)).toEqual(['snapshots/20260105T000000.000Z.db']);
  });

  it('leaves keys outside the snapshot folder alone', () => {
    expect(snapshotsToDelete(['spec.json', 'pki.json', ...recorded], 0)).not.toContain('spec.json');
  });
});

describe('integrity', () => {
  const data = Buffer.from('etcd snapshot bytes\n'.repeat(1000));
  const record = { key: 'snapshots/x.db', sha256: sha(data), size: data.length };

  it('a digesting stream passes the bytes through and measures them', async () => {
    const digesting = digestingStream();
    const out: Buffer[] = [];
    for await (const chunk of Readable.from([data.subarray(0, 7), data.subarray(7)]).pipe(digesting))
      out.push(chunk as Buffer);
    expect(Buffer.concat(out)).toEqual(data);
    expect(digesting.digest()).toEqual({ sha256: record.sha256, size: data.length });
    expect(await digestOf(Readable.from([data]))).toEqual(digesting.digest());
  });

  it('names the snapshot and says whether it is missing, truncated or corrupt', () => {
    expect(snapshotMismatch(record, { sha256: record.sha256, size: record.size })).toBeUndefined();
    expect(snapshotMismatch(record, undefined)).toBe(
      'snapshot snapshots/x.db is missing from the state store',
    );
    expect(snapshotMismatch(record, { sha256: sha('x'), size: 10 })).toBe(
      `snapshot snapshots/x.db is truncated or corrupt: 10 bytes, ${data.length} expected`,
    );
    expect(snapshotMismatch(record, { sha256: sha('x'), size: record.size })).toMatch(
      /^snapshot snapshots\/x\.db is corrupt: sha256 [0-9a-f]{12}…, [0-9a-f]{12}… expected$/,
    );
  });
});

describe('snapshots in a state directory', () => {
  let root: string;
  let store: LocalStateStore;
  const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
  const record: SnapshotRecord = {
    key: 'snapshots/20260101T000000.000Z.db',
    takenAt: '2026-01-01T00:00:00.000Z',
    sha256: sha(data),
    size: data.length,
    readyPods: ['default/web-1'],
  };

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'frankenetes-snapshot-'));
    store = new LocalStateStore(join(root, 'state'));
    await store.put('demo', record.key, data);
    await writeSnapshotRecord(store, 'demo', record);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists recorded snapshots oldest first, ignoring uploads without a record', async () => {
    const newer = { ...record, key: 'snapshots/20260102T000000.000Z.db' };
    await writeSnapshotRecord(store, 'demo', newer);
    await store.put('demo', 'snapshots/20260103T000000.000Z.db', data);
    expect((await listSnapshots(store, 'demo')).map((r) => r.key)).toEqual([record.key, newer.key]);
  });

  it('verifies a stored snapshot, and refuses a truncated or changed one by name', async () => {
    await expect(verifyStoredSnapshot(store, 'demo', record)).resolves.toBeUndefined();
    await store.put('demo', record.key, data.subarray(0, 1000));
    await expect(verifyStoredSnapshot(store, 'demo', record)).rejects.toThrow(
      new SnapshotError(
        `snapshot ${record.key} is truncated or corrupt: 1000 bytes, ${data.length} expected`,
      ),
    );
    await store.delete('demo', record.key);
    await expect(verifyStoredSnapshot(store, 'demo', record)).rejects.toThrow(/is missing/);
  });

  it('a cluster without a lifecycle record is Running', async () => {
    expect((await readLifecycle(store, 'demo')).phase).toBe('Running');
  });

  it('its restore source is the cluster’s snapshot folder, absolute', () => {
    expect(snapshotSource(new LocalStateStore('rel/state'), 'demo')).toEqual({
      kind: 'directory',
      hostPath: join(process.cwd(), 'rel/state/demo/snapshots'),
    });
    expect(
      snapshotSource({ location: 'http://127.0.0.1:10000/devstoreaccount1/c' } as never, 'demo'),
    ).toEqual({
      kind: 'blob',
      url: 'http://127.0.0.1:10000/devstoreaccount1/c',
    });
  });

  describe('fetch-snapshot (the restore step’s first init container)', () => {
    const settings = () => ({
      cluster: 'demo',
      store: join(root, 'state'),
      key: record.key,
      sha256: record.sha256,
      size: record.size,
      out: join(root, 'etcd', 'restore', 'snapshot.db'),
    });

    it('copies a snapshot that matches its record to where etcdutl reads it', async () => {
      await fetchSnapshot(settings());
      expect(readFileSync(settings().out)).toEqual(data);
      expect(readdirSync(join(root, 'etcd', 'restore'))).toEqual(['snapshot.db']);
    });

    it('leaves nothing for etcdutl when the snapshot is corrupt, truncated or missing', async () => {
      const corrupt = Buffer.from(data);
      corrupt[100] = (corrupt[100] ?? 0) ^ 0xff;
      await store.put('demo', record.key, corrupt);
      await expect(fetchSnapshot(settings())).rejects.toThrow(`snapshot ${record.key} is corrupt`);
      await store.put('demo', record.key, data.subarray(0, 10));
      await expect(fetchSnapshot(settings())).rejects.toThrow(`snapshot ${record.key} is truncated`);
      await store.delete('demo', record.key);
      await expect(fetchSnapshot(settings())).rejects.toThrow(`snapshot ${record.key} is missing`);
      expect(existsSync(settings().out)).toBe(false);
      expect(readdirSync(join(root, 'etcd', 'restore'))).toEqual([]);
    });

    it('reads its settings from the environment the plan gives it', () => {
      expect(
        fetchSettingsFromEnv({
          FRANKENETES_CLUSTER: 'demo',
          FRANKENETES_SNAPSHOT_STORE: '/var/lib/frankenetes/state',
          FRANKENETES_SNAPSHOT_KEY: record.key,
          FRANKENETES_SNAPSHOT_SHA256: record.sha256,
          FRANKENETES_SNAPSHOT_SIZE: String(record.size),
          FRANKENETES_SNAPSHOT_OUT: '/var/lib/etcd/restore/snapshot.db',
        }),
      ).toEqual({
        ...settings(),
        store: '/var/lib/frankenetes/state',
        out: '/var/lib/etcd/restore/snapshot.db',
      });
      expect(() => fetchSettingsFromEnv({ FRANKENETES_CLUSTER: 'demo' })).toThrow(
        'fetch-snapshot needs FRANKENETES_SNAPSHOT_SIZE in its environment',
      );
    });
  });
});
