// The core verbs hold the cluster's lock: two concurrent `up`s of one cluster (a workflow re-run
// and a PR comment) run one after the other, on the filesystem store and on the Blob store
// (Azurite). The backend is an in-memory recorder: what is under test is the ordering.
import type { ContainerGroup } from '@azure/arm-containerinstance';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerGroupBackend } from '../../src/core/backend.js';
import { destroyCluster, upCluster, type ClusterDeps } from '../../src/core/cluster.js';
import { TAG } from '../../src/core/names.js';
import type { PlannedGroup } from '../../src/core/plan.js';
import { BlobStateStore } from '../../src/core/state/blob.js';
import { LocalStateStore } from '../../src/core/state/fs.js';
import { readSpec, type StateStore } from '../../src/core/state/store.js';
import { startAzurite, type Azurite } from '../support/azurite.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Keeps groups in a map and logs every call, with how many verbs were inside the backend at once. */
class RecordingBackend {
  readonly kind = 'docker' as const;
  readonly groups = new Map<string, ContainerGroup>();
  readonly log: string[] = [];
  private waiters: { entry: string; resolve: () => void }[] = [];
  private record(entry: string) {
    this.log.push(entry);
    for (const w of this.waiters.filter((w) => w.entry === entry)) w.resolve();
  }
  /** Resolves once the log has this entry: a verb that got this far holds the lock. */
  reached(entry: string): Promise<void> {
    if (this.log.includes(entry)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ entry, resolve }));
  }
  async ping() {
    this.record('ping');
  }
  async createOrUpdate(group: PlannedGroup) {
    this.record(`create ${group.name}`);
    await sleep(300);
    this.groups.set(group.name!, group);
    return group;
  }
  async get(name: string) {
    return this.groups.get(name);
  }
  async list(tags: Record<string, string>) {
    return [...this.groups.values()].filter((g) => Object.entries(tags).every(([k, v]) => g.tags?.[k] === v));
  }
  async delete(name: string) {
    this.groups.delete(name);
  }
  async purgeCluster(cluster: string) {
    this.record(`purge ${cluster}`);
    await sleep(200);
    const mine = await this.list({ [TAG.cluster]: cluster });
    for (const g of mine) this.groups.delete(g.name!);
    return mine.length;
  }
}

function backendOf(recorder: RecordingBackend): ContainerGroupBackend {
  const unused = () => {
    throw new Error('not used by these verbs');
  };
  return Object.assign(recorder, {
    start: unused,
    stop: unused,
    restartContainer: unused,
    logs: unused,
    exec: unused,
    watchGroups: unused,
  }) as unknown as ContainerGroupBackend;
}

let azurite: Azurite;
let root: string;
beforeAll(async () => {
  azurite = await startAzurite();
  root = mkdtempSync(join(tmpdir(), 'frankenetes-cluster-lock-'));
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(root, { recursive: true, force: true });
});

const stores: { name: string; make: () => StateStore }[] = [
  {
    name: 'LocalStateStore',
    make: () => new LocalStateStore(join(root, String(Math.random())), { lockPollMs: 50 }),
  },
  {
    name: 'BlobStateStore on Azurite',
    make: () =>
      BlobStateStore.fromConnectionString(
        azurite.connectionString,
        `c${String(Math.random()).slice(2, 12)}`,
        {
          lockPollMs: 100,
        },
      ),
  },
];

describe.each(stores)('cluster verbs hold the lock ($name)', ({ make }) => {
  it('two concurrent ups of one cluster run one after the other, and converge on one cluster', async () => {
    const store = make();
    const recorder = new RecordingBackend();
    const progress: string[][] = [[], []];
    const deps = (i: number, owner: string): ClusterDeps => ({
      backend: backendOf(recorder),
      store,
      progress: (m) => progress[i]!.push(m),
      lock: { owner, timeoutMs: 30_000 },
    });
    const ready = (run: string) => async () => {
      recorder.log.push(`ready ${run}`);
      await sleep(200);
    };
    const [one, two] = await Promise.all([
      upCluster({ name: 'pr-7' }, deps(0, 'workflow run'), ready('1')),
      // The second starts once the first holds the lock (it pings the backend only then).
      recorder.reached('ping').then(() => upCluster({ name: 'pr-7' }, deps(1, 'PR comment'), ready('2'))),
    ]);
    // The second up started while the first held the lock: it waited, then converged.
    expect(recorder.log).toEqual([
      'ping',
      'create pr-7-control-plane',
      'ready 1',
      'ping',
      'create pr-7-control-plane',
      'ready 2',
    ]);
    expect(one.created).toBe(true);
    expect(two.created).toBe(false);
    expect(progress[1]![0]).toMatch(
      /^waiting for the cluster's lock, held by workflow run \(pid \d+ on .*, since /,
    );
    expect(progress[0]!.some((m) => m.includes("cluster's lock"))).toBe(false);
    expect([...recorder.groups.keys()]).toEqual(['pr-7-control-plane']);
    expect(await store.clusters()).toEqual(['pr-7']);
    expect((await readSpec(store, 'pr-7'))?.name).toBe('pr-7');
  });

  it('a down started during an up waits for it, and an up that times out on the lock changes nothing', async () => {
    const store = make();
    const recorder = new RecordingBackend();
    const deps: ClusterDeps = { backend: backendOf(recorder), store };
    const up = upCluster({ name: 'pr-8' }, deps, () => sleep(500));
    await recorder.reached('create pr-8-control-plane');
    const down = destroyCluster('pr-8', deps);
    await up;
    expect(await down).toBe(true);
    expect(recorder.log).toEqual(['ping', 'create pr-8-control-plane', 'purge pr-8']);
    expect(await store.clusters()).toEqual([]);

    const holder = await store.lock('pr-8', { owner: 'someone else' });
    await expect(
      upCluster({ name: 'pr-8' }, { ...deps, lock: { timeoutMs: 300 } }, () => sleep(10)),
    ).rejects.toThrow(/^cluster "pr-8" is locked by someone else \(.*\); gave up after 0\.\d s/);
    await holder.release();
    expect(recorder.log).toHaveLength(3);
    expect(await store.clusters()).toEqual([]);
  });
});
