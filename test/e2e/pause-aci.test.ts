// Pause and resume on the aci backend, offline: the ACI emulator (ARM, exec, managed identities)
// and a real Azurite as the Blob state store, on the emulator's network under a production-style
// account name. Pause streams etcd's snapshot out through exec in the agent container; resume's
// init container reads it back from Blob storage with the group's managed identity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzuriteAccount, type AzuriteAccount } from '../support/azurite-container.js';
import { docker, eventually, kubectl } from './harness.js';
import { ofGroup, startTarget, type Emulator, type Target } from './target.js';

let t: Target;
let e: Emulator;
let account: AzuriteAccount;
let state = '';

const C = 'sleepy';
const NS = 'keep';
const TESTWEB = 'localhost/frankenetes/testweb:1';

beforeAll(async () => {
  t = await startTarget('pause', 'aci');
  e = t.emulator as Emulator;
  account = await startAzuriteAccount({
    instance: e.instance,
    dataDir: e.dataDir,
    edgeUrl: e.edgeUrl,
    account: 'frankenetespause',
  });
  state = `${account.accountUrl}/state`;
});

afterAll(async () => {
  try {
    await cli(['down', '--name', C]);
    expect(await e.violations()).toEqual({ responses: [], requests: [] });
  } finally {
    await account?.stop();
    await t?.stop();
  }
});

const cli = (args: string[]) => t.cli([...args, '--state', state], account.clientEnv);

async function ok(args: string[]) {
  const run = await cli(args);
  expect(run.code, `${args[0]}: ${run.stderr}`).toBe(0);
  return run;
}

const groupsOf = async () => (await e.groupNames()).filter((n) => n.startsWith(`${C}-`));

describe('pause and resume on ACI (the emulator, Azurite as Blob storage)', () => {
  let kc = '';
  const k = (...args: string[]) => kubectl(kc, args);

  beforeAll(async () => {
    kc = (await ok(['up', '--name', C, ...t.upArgs])).stdout.trim();
    expect((await k('create', 'namespace', NS)).code).toBe(0);
    expect((await k('-n', NS, 'create', 'configmap', 'settings', '--from-literal=colour=teal')).code).toBe(0);
    expect(
      (await k('-n', NS, 'create', 'secret', 'generic', 'token', '--from-literal=value=s3cr3t')).code,
    ).toBe(0);
    expect((await k('-n', NS, 'create', 'deployment', 'web', `--image=${TESTWEB}`)).code).toBe(0);
    await eventually(
      async () =>
        expect(
          (await k('-n', NS, 'get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}')).stdout,
        ).toBe('1'),
      { timeoutMs: 120_000 },
    );
  });

  it('pause streams the snapshot out through the agent into Blob storage, and removes every group', async () => {
    expect((await groupsOf()).length).toBe(2);
    const run = await ok(['pause', '--name', C]);
    expect(run.stderr).toMatch(
      /paused in [\d.]+ s: snapshot \d{8}T\d{6}\.\d{3}Z \([\d.]+ (KiB|MiB), 1 Ready pods?\)/,
    );
    expect(await groupsOf()).toEqual([]);
    const status = JSON.parse((await ok(['status', '--name', C, '--json'])).stdout);
    expect(status.phase).toBe('Paused');
    expect(status.lifecycle.snapshot.size).toBeGreaterThan(0);
    expect(status.lifecycle.snapshot.readyPods).toEqual([expect.stringMatching(new RegExp(`^${NS}/web-`))]);
    // The short-lived etcd client certificate went in on stdin: never printed.
    expect(run.stderr).not.toContain('BEGIN');
  });

  it('resume restores every object from the blob, read with the managed identity, and the pod is Ready again', async () => {
    const run = await ok(['resume', '--name', C]);
    expect(run.stderr).toMatch(/resumed/);
    expect((await k('get', '--raw', '/readyz')).stdout).toBe('ok');
    expect((await k('-n', NS, 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.colour}')).stdout).toBe(
      'teal',
    );
    const secret = (await k('-n', NS, 'get', 'secret', 'token', '-o', 'jsonpath={.data.value}')).stdout;
    expect(Buffer.from(secret, 'base64').toString()).toBe('s3cr3t');
    expect(
      (await k('-n', NS, 'get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}')).stdout,
    ).toBe('1');
    expect(JSON.parse((await ok(['status', '--name', C, '--json'])).stdout).phase).toBe('Running');

    // The restore step read the blob with the group's managed identity: no storage key in the group.
    const containers = ofGroup(await e.engineContainers(), `${C}-control-plane`);
    const fetch = containers.find((c) => c.Labels['frankenetes.container'] === 'fetch-snapshot');
    expect(fetch).toBeDefined();
    const logs = (await docker.getContainer(fetch?.Id ?? '').logs({ stdout: true, stderr: true })).toString();
    expect(logs).toMatch(/fetch-snapshot: \S+ \(\d+ bytes\) matches its SHA-256/);
    const env = (await docker.getContainer(fetch?.Id ?? '').inspect()).Config.Env;
    expect(env).toEqual(
      expect.arrayContaining([`FRANKENETES_SNAPSHOT_STORE=${state}`, 'FRANKENETES_MANAGED_IDENTITY=system']),
    );
    expect(env.some((v) => /AccountKey|SharedKey|AZURE_CLIENT_SECRET|sig=/.test(v))).toBe(false);
  });

  it('down removes the resumed cluster and its state', async () => {
    const run = await ok(['down', '--name', C]);
    expect(run.stderr).toContain(`cluster "${C}" removed`);
    expect(await groupsOf()).toEqual([]);
    expect((await cli(['status', '--name', C])).code).not.toBe(0);
  });
});
