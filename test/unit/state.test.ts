import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpecError, parseClusterSpec } from '../../src/core/spec.js';
import {
  LocalStateStore,
  StateError,
  defaultStateDir,
  readPki,
  readSpec,
  writePki,
  writeSpec,
} from '../../src/core/state/index.js';
import { fakePki } from './fake-pki.js';

const mode = (path: string) => statSync(path).mode & 0o777;

let root: string;
let location: string;
let store: LocalStateStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'frankenetes-state-'));
  location = join(root, 'state');
  store = new LocalStateStore(location);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('LocalStateStore', () => {
  it('stores and returns strings and binary data', async () => {
    await store.put('demo', 'spec.json', '{"name":"demo"}');
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
    await store.put('demo', 'snapshots/etcd.db', binary);
    expect((await store.get('demo', 'spec.json'))?.toString('utf8')).toBe('{"name":"demo"}');
    expect(await store.get('demo', 'snapshots/etcd.db')).toEqual(binary);
  });

  it('overwrites a key and leaves no temporary files behind', async () => {
    await store.put('demo', 'pki.json', 'first');
    await store.put('demo', 'pki.json', 'second, longer than the first');
    expect((await store.get('demo', 'pki.json'))?.toString()).toBe('second, longer than the first');
    expect(readdirSync(join(location, 'demo'))).toEqual(['pki.json']);
  });

  it('keeps clusters apart', async () => {
    await store.put('one', 'spec.json', '1');
    await store.put('two', 'spec.json', '2');
    expect((await store.get('one', 'spec.json'))?.toString()).toBe('1');
    expect((await store.get('two', 'spec.json'))?.toString()).toBe('2');
  });

  it('writes files 0600 and directories 0700', async () => {
    await store.put('demo', 'spec.json', 'x');
    await store.put('demo', 'snapshots/2024/etcd.db', 'y');
    expect(mode(location)).toBe(0o700);
    expect(mode(join(location, 'demo'))).toBe(0o700);
    expect(mode(join(location, 'demo', 'snapshots'))).toBe(0o700);
    expect(mode(join(location, 'demo', 'snapshots', '2024'))).toBe(0o700);
    expect(mode(join(location, 'demo', 'spec.json'))).toBe(0o600);
    expect(mode(join(location, 'demo', 'snapshots', '2024', 'etcd.db'))).toBe(0o600);
  });

  it('keeps mode 0600 when overwriting a file', async () => {
    await store.put('demo', 'pki.json', 'a');
    await store.put('demo', 'pki.json', 'b');
    expect(mode(join(location, 'demo', 'pki.json'))).toBe(0o600);
  });

  it('returns undefined for a missing key, cluster or store', async () => {
    expect(await store.get('demo', 'spec.json')).toBeUndefined();
    await store.put('demo', 'spec.json', 'x');
    expect(await store.get('demo', 'pki.json')).toBeUndefined();
    expect(await store.get('other', 'spec.json')).toBeUndefined();
  });

  it('lists clusters, sorted, ignoring stray files', async () => {
    expect(await store.clusters()).toEqual([]);
    await store.put('zeta', 'spec.json', 'z');
    await store.put('alpha', 'spec.json', 'a');
    await store.put('mid', 'spec.json', 'm');
    writeFileSync(join(location, 'README'), 'not a cluster');
    expect(await store.clusters()).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('removes a cluster and everything stored for it', async () => {
    await store.put('demo', 'spec.json', 'x');
    await store.put('demo', 'snapshots/etcd.db', 'y');
    await store.put('keep', 'spec.json', 'k');
    await store.remove('demo');
    expect(await store.get('demo', 'spec.json')).toBeUndefined();
    expect(await store.get('demo', 'snapshots/etcd.db')).toBeUndefined();
    expect(await store.clusters()).toEqual(['keep']);
    expect((await store.get('keep', 'spec.json'))?.toString()).toBe('k');
    // Removing what is not there is fine.
    await expect(store.remove('demo')).resolves.toBeUndefined();
  });

  const badKeys = [
    '../x',
    'a/../b',
    '..',
    '.',
    '/etc/passwd',
    '',
    '.hidden',
    'a//b',
    'a/',
    'a/./b',
    'a\\..\\b',
  ];
  it.each(badKeys)('rejects the key %j', async (key) => {
    await expect(store.put('demo', key, 'x')).rejects.toBeInstanceOf(StateError);
    await expect(store.get('demo', key)).rejects.toBeInstanceOf(StateError);
    await expect(store.put('demo', key, 'x')).rejects.toThrow(`invalid state key "${key}"`);
  });

  const badClusters = ['../x', 'a/../b', 'a/b', '..', '.', '', '/tmp', '.hidden'];
  it.each(badClusters)('rejects the cluster name %j', async (cluster) => {
    await expect(store.put(cluster, 'spec.json', 'x')).rejects.toBeInstanceOf(StateError);
    await expect(store.get(cluster, 'spec.json')).rejects.toBeInstanceOf(StateError);
    await expect(store.remove(cluster)).rejects.toBeInstanceOf(StateError);
    await expect(store.remove(cluster)).rejects.toThrow(`invalid cluster name "${cluster}"`);
  });

  it('writes nothing outside its location when given traversal attempts', async () => {
    writeFileSync(join(root, 'victim'), 'precious');
    for (const [cluster, key] of [
      ['..', 'victim'],
      ['demo', '../../victim'],
      ['../state', 'victim'],
    ] as const) {
      await expect(store.put(cluster, key, 'overwritten')).rejects.toBeInstanceOf(StateError);
    }
    for (const cluster of ['..', '../state', '../victim']) {
      await expect(store.remove(cluster)).rejects.toBeInstanceOf(StateError);
    }
    expect(readFileSync(join(root, 'victim'), 'utf8')).toBe('precious');
    expect(readdirSync(root)).toEqual(['victim']);
  });

  it('checkWritable creates a missing location with mode 0700', async () => {
    await store.checkWritable();
    expect(statSync(location).isDirectory()).toBe(true);
    expect(mode(location)).toBe(0o700);
    // And succeeds again once it exists.
    await expect(store.checkWritable()).resolves.toBeUndefined();
  });

  it('checkWritable throws a StateError naming the directory when it cannot be created', async () => {
    // Tests may run as root, which ignores permission bits: use a path below a regular file.
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const blocked = new LocalStateStore(join(file, 'state'));
    const error = await blocked.checkWritable().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).name).toBe('StateError');
    expect((error as Error).message).toContain(join(file, 'state'));
    expect((error as Error).message).toContain('not writable');
    expect((error as Error).message).toContain('FRANKENETES_STATE_DIR');
  });

  it('checkWritable fails when the location is a regular file', async () => {
    writeFileSync(location, '');
    await expect(store.checkWritable()).rejects.toBeInstanceOf(StateError);
    await expect(store.checkWritable()).rejects.toThrow(location);
  });
});

describe('spec and PKI helpers', () => {
  it('writeSpec/readSpec round-trip a spec, keyed by its name', async () => {
    const spec = parseClusterSpec({
      name: 'pr-42',
      kubernetesVersion: '1.36',
      backend: 'aci',
      location: 'westeurope',
      azure: { subscriptionId: '00000000-0000-4000-8000-000000000001', resourceGroup: 'rg' },
      apiServerPort: 16443,
      adminCredentialHours: 3,
      resources: { apiserver: { cpu: 1, memoryInGB: 2 } },
    });
    await writeSpec(store, spec);
    expect(await store.clusters()).toEqual(['pr-42']);
    expect(await readSpec(store, 'pr-42')).toEqual(spec);
    expect(JSON.parse(readFileSync(join(location, 'pr-42', 'spec.json'), 'utf8'))).toEqual(spec);
    expect(mode(join(location, 'pr-42', 'spec.json'))).toBe(0o600);
  });

  it('readSpec returns undefined for an unknown cluster', async () => {
    expect(await readSpec(store, 'nothing-here')).toBeUndefined();
  });

  it('readSpec validates what it reads', async () => {
    await store.put('demo', 'spec.json', JSON.stringify({ name: 'demo', apiServerPort: 80 }));
    await expect(readSpec(store, 'demo')).rejects.toBeInstanceOf(SpecError);
  });

  it('writePki/readPki round-trip the PKI with mode 0600', async () => {
    const pki = fakePki();
    await writePki(store, 'demo', pki);
    expect(await readPki(store, 'demo')).toEqual(pki);
    expect(mode(join(location, 'demo', 'pki.json'))).toBe(0o600);
    expect(mode(join(location, 'demo'))).toBe(0o700);
  });

  it('readPki returns undefined for an unknown cluster', async () => {
    expect(await readPki(store, 'demo')).toBeUndefined();
  });

  it('spec and PKI of one cluster live side by side', async () => {
    const spec = parseClusterSpec({ name: 'demo' });
    const pki = fakePki();
    await writeSpec(store, spec);
    await writePki(store, spec.name, pki);
    expect(readdirSync(join(location, 'demo')).sort()).toEqual(['pki.json', 'spec.json']);
    expect(await readSpec(store, 'demo')).toEqual(spec);
    expect(await readPki(store, 'demo')).toEqual(pki);
  });
});

describe('defaultStateDir', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('prefers FRANKENETES_STATE_DIR', () => {
    expect(defaultStateDir({ FRANKENETES_STATE_DIR: '/srv/state' })).toBe('/srv/state');
    expect(defaultStateDir({ FRANKENETES_STATE_DIR: '/srv/state', XDG_STATE_HOME: '/xdg' })).toBe(
      '/srv/state',
    );
  });

  it('uses $XDG_STATE_HOME/frankenetes next', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/home/u/.state' })).toBe(join('/home/u/.state', 'frankenetes'));
  });

  it('falls back to ~/.local/state/frankenetes, also for empty variables', () => {
    const fallback = join(homedir(), '.local', 'state', 'frankenetes');
    expect(defaultStateDir({})).toBe(fallback);
    expect(defaultStateDir({ FRANKENETES_STATE_DIR: '', XDG_STATE_HOME: '' })).toBe(fallback);
  });

  it('reads process.env by default, as does a LocalStateStore without a location', () => {
    const dir = join(tmpdir(), 'frankenetes-env-state');
    vi.stubEnv('FRANKENETES_STATE_DIR', dir);
    expect(defaultStateDir()).toBe(dir);
    expect(new LocalStateStore().location).toBe(dir);
    vi.stubEnv('FRANKENETES_STATE_DIR', '');
    vi.stubEnv('XDG_STATE_HOME', '/xdg-test');
    expect(new LocalStateStore().location).toBe(join('/xdg-test', 'frankenetes'));
  });
});

describe('LocalStateStore with an existing location', () => {
  it('works in a directory created by someone else', async () => {
    mkdirSync(location, { mode: 0o755 });
    await store.put('demo', 'spec.json', 'x');
    expect((await store.get('demo', 'spec.json'))?.toString()).toBe('x');
    expect(mode(join(location, 'demo'))).toBe(0o700);
  });
});
