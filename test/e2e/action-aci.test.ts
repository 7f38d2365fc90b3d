// The Action end to end on the aci backend, offline: the committed dist/ entry points run as the
// runner runs them (action-runner.ts), signed in to Azure with GitHub OIDC (a stand-in for the
// Actions ID-token endpoint; the ACI emulator's Entra stand-in takes the assertion), the cluster
// made through ARM on the ACI emulator, its state in a real Azurite. No client secret is given.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openStateStore } from '../../src/core/state/open.js';
import { readSpec, type StateStore } from '../../src/core/state/index.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startGitHubOidc, type GitHubOidc } from '../support/github-oidc.js';
import { eventually, kubectl } from './harness.js';
import {
  exportedEnvOf,
  newJob,
  outputsOf,
  runStep,
  startStep,
  type Job,
  type StepRun,
} from './action-runner.js';
import { LOCATION, SUBSCRIPTION, startTarget, type Emulator, type Target } from './target.js';

let t: Target;
let e: Emulator;
let azurite: Azurite;
let oidc: GitHubOidc;
let stateUrl = '';
let store: StateStore;
const jobs: Job[] = [];
const printed: string[] = [];

beforeAll(async () => {
  t = await startTarget('action', 'aci');
  e = t.emulator as Emulator;
  azurite = await startAzurite();
  stateUrl = `${azurite.accountUrl}/frankenetes-state`;
  store = await openStateStore(stateUrl);
  oidc = await startGitHubOidc('repo:Codertocat/Hello-World:pull_request');
});

afterAll(async () => {
  try {
    for (const job of jobs) await runStep(job, 'post');
    expect(await e.violations()).toEqual({ responses: [], requests: [] });
  } finally {
    await oidc?.close();
    await azurite?.stop();
    await t?.stop();
  }
});

/** A job on aci: the emulator's ARM endpoint, authority and CA, and OIDC instead of a secret. */
function aciJob(inputs: Record<string, string>): Job {
  const emulatorEnv = Object.fromEntries(
    Object.entries(t.env).filter(([k]) => k !== 'AZURE_CLIENT_SECRET' && k !== 'FRANKENETES_STATE_DIR'),
  );
  const job = newJob(
    {
      backend: 'aci',
      'azure-client-id': t.env.AZURE_CLIENT_ID ?? '',
      'azure-tenant-id': t.env.AZURE_TENANT_ID ?? '',
      'azure-subscription-id': SUBSCRIPTION,
      'resource-group': e.resourceGroup,
      location: LOCATION,
      state: stateUrl,
      ...inputs,
    },
    { ...emulatorEnv, ...oidc.env },
  );
  jobs.push(job);
  return job;
}

async function step(job: Job, which: 'main' | 'post'): Promise<StepRun> {
  const run = await runStep(job, which);
  printed.push(...run.stdout.split('\n'), ...run.stderr.split('\n'));
  return run;
}

const errorLines = (run: StepRun) => run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
/** Nothing of the cluster is left: no group in the emulator, no engine container or volume it made for one. */
async function expectNothingOf(cluster: string) {
  const mine = (ids: string[]) => ids.filter((id) => id.split('/').pop()?.startsWith(`${cluster}-`));
  expect(await groupsOf(cluster)).toEqual([]);
  expect(mine((await e.engineContainers()).map((c) => c.Labels['frankenetes.emulator.id'] ?? ''))).toEqual(
    [],
  );
  expect(mine((await e.engineVolumes()).map((v) => v.Labels['frankenetes.emulator.id'] ?? ''))).toEqual([]);
}

const groupsOf = async (cluster: string) => (await e.groupNames()).filter((n) => n.startsWith(`${cluster}-`));

describe('the action on the aci backend (the emulator, Azurite, GitHub OIDC)', () => {
  const C = 'e2e-act-aci';
  let job: Job;
  let main: StepRun;

  it('main brings up the cluster through ARM, with outputs, KUBECONFIG and a summary', async () => {
    job = aciJob({ name: C });
    main = await step(job, 'main');
    expect(main.code, main.stdout).toBe(0);
    expect(errorLines(main)).toEqual([]);
    const outputs = outputsOf(job);
    expect(outputs['cluster-name']).toBe(C);
    expect(outputs['api-server-url']).toBe(`https://${C}.${LOCATION}.azurecontainer.io:6443`);
    // ACI bills by the second: the estimate is a real figure, not the local engine's zero.
    expect(outputs.cost).toMatch(/^\d+\.\d{4} USD$/);
    expect(exportedEnvOf(job).KUBECONFIG).toBe(outputs.kubeconfig);
    const summary = readFileSync(job.files.summary, 'utf8');
    expect(summary).toContain(`Kubernetes cluster ${C}`);
    expect(summary).toContain(`<td>aci</td>`);
    expect(summary).toContain(outputs['api-server-url']);
    expect(await groupsOf(C)).toEqual([`${C}-control-plane`]);
  });

  it('signed in with GitHub OIDC: ID tokens for api://AzureADTokenExchange, each masked', () => {
    expect(oidc.issued.length).toBeGreaterThan(0);
    expect(new Set(oidc.issued)).toEqual(new Set(['api://AzureADTokenExchange']));
    const masks = new Set(printed.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice(12)));
    for (const token of oidc.tokens) {
      expect(masks.has(token)).toBe(true);
      expect(printed.filter((l) => !l.startsWith('::add-mask::') && l.includes(token))).toEqual([]);
    }
    // The job had no client secret: the assertion was its only way in.
    expect(Object.keys(job.env)).not.toContain('AZURE_CLIENT_SECRET');
  });

  it('keeps the spec and PKI in the Blob store, not on the runner', async () => {
    expect((await readSpec(store, C))?.backend).toBe('aci');
    expect(await store.get(C, 'pki.json')).toBeDefined();
  });

  it('a later step reaches the API and runs a pod as a container group', async () => {
    const kc = outputsOf(job).kubeconfig as string;
    expect((await kubectl(kc, ['get', '--raw', '/readyz'])).stdout).toBe('ok');
    expect((await kubectl(kc, ['run', 'hello', '--image=localhost/frankenetes/testweb:1'])).code).toBe(0);
    await eventually(
      async () =>
        expect(
          JSON.parse((await kubectl(kc, ['get', 'pod', 'hello', '-o', 'json'])).stdout).status.phase,
        ).toBe('Running'),
      { timeoutMs: 90_000 },
    );
    expect((await groupsOf(C)).length).toBe(2);
  });

  it('no certificate or key of the kubeconfig appears in clear, and each was masked first', () => {
    const config = parse(readFileSync(outputsOf(job).kubeconfig as string, 'utf8'));
    const values = [
      config.clusters[0].cluster['certificate-authority-data'],
      config.users[0].user['client-certificate-data'],
      config.users[0].user['client-key-data'],
    ] as string[];
    const secrets = new Set(values);
    for (const value of values)
      for (const line of Buffer.from(value, 'base64').toString().split('\n'))
        if (line && !line.startsWith('-----')) secrets.add(line.trim());
    const masks = new Set(printed.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice(12)));
    for (const secret of secrets) {
      expect(masks.has(secret), `masked: ${secret.slice(0, 12)}…`).toBe(true);
      expect(printed.filter((l) => !l.startsWith('::add-mask::') && l.includes(secret))).toEqual([]);
    }
  });

  it('post removes every group and the state, and a re-run of post finds nothing', async () => {
    const post = await step(job, 'post');
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain(`cluster ${C} removed`);
    expect(outputsOf(job).cost).toMatch(/^\d+\.\d{4} USD$/);
    await expectNothingOf(C);
    expect(await readSpec(store, C)).toBeUndefined();
    const again = await step(job, 'post');
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain(`nothing left of cluster ${C}`);
  });
});

describe('a cancelled job on the aci backend', () => {
  it('main killed with SIGTERM then SIGKILL part-way through up: post leaves nothing', async () => {
    const C = 'e2e-act-aci-kill';
    const killed = aciJob({ name: C });
    const child = startStep(killed, 'main');
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise((r) => child.once('exit', r));
    // Part-way: once ARM holds the control-plane group.
    await eventually(async () => expect((await groupsOf(C)).length).toBeGreaterThan(0), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    printed.push(...out.split('\n'));
    const post = await step(killed, 'post');
    expect(post.code, post.stdout).toBe(0);
    await expectNothingOf(C);
    expect(await readSpec(store, C)).toBeUndefined();
  });
});

describe('keep on the aci backend', () => {
  const C = 'e2e-act-aci-keep';

  it('keep: true leaves the cluster running and records its TTL in the Blob store', async () => {
    const job = aciJob({ name: C, keep: 'true', ttl: '4h' });
    const main = await step(job, 'main');
    expect(main.code, main.stdout).toBe(0);
    const before = Date.now();
    const post = await step(job, 'post');
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toMatch(
      new RegExp(`cluster ${C} kept until \\S+ \\(cost so far \\d+\\.\\d{4} USD\\)`),
    );
    expect(await groupsOf(C)).toEqual([`${C}-control-plane`]);
    const keep = JSON.parse((await store.get(C, 'keep.json'))?.toString('utf8') ?? '{}') as {
      keptBy: string;
      ttlHours: number;
      expiresAt: string;
    };
    expect(keep.keptBy).toBe('github-action');
    expect(keep.ttlHours).toBe(4);
    const expires = Date.parse(keep.expiresAt) - before;
    expect(expires).toBeGreaterThan(4 * 3600_000 - 60_000);
    expect(expires).toBeLessThan(4 * 3600_000 + 60_000);

    // The preview's owner takes it down later, with the same state store.
    const down = await t.cli(['down', '--name', C, '--state', stateUrl]);
    expect(down.code, down.stderr).toBe(0);
    expect(await groupsOf(C)).toEqual([]);
    expect(await readSpec(store, C)).toBeUndefined();
  });
});
