// The Action end to end on the docker backend: the committed dist/ entry points run exactly as the
// runner runs them (see action-runner.ts), against the real engine, kubectl and Kubernetes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, engineResources, eventually, kubectl } from './harness.js';
import {
  exportedEnvOf,
  newJob,
  outputsOf,
  runStep,
  startStep,
  type Job,
  type StepRun,
} from './action-runner.js';

/** Every line any step printed, for the secret scan at the end. */
const printed: string[] = [];
/** PKI files (every CA, key and certificate of a cluster), for the secret scan. */
const pkis: string[] = [];
/** Jobs whose clusters must be gone when the file ends, whatever failed. */
const jobs: Job[] = [];

async function step(job: Job, which: 'main' | 'post'): Promise<StepRun> {
  const run = await runStep(job, which);
  printed.push(...run.stdout.split('\n'), ...run.stderr.split('\n'));
  return run;
}

function docker(inputs: Record<string, string>, env: Record<string, string> = {}): Job {
  const job = newJob({ backend: 'docker', ...inputs }, env);
  jobs.push(job);
  return job;
}

const errorLines = (run: StepRun) => run.stdout.split('\n').filter((l) => l.startsWith('::error::'));

async function expectNothingOf(cluster: string) {
  const left = await engineResources(cluster);
  expect(left.containers.map((c) => c.Names[0])).toEqual([]);
  expect(left.volumes.map((v) => v.Name)).toEqual([]);
  expect(left.networks.map((n) => n.Name)).toEqual([]);
}

afterAll(async () => {
  for (const job of jobs) await runStep(job, 'post');
});

describe('the action on the docker backend', () => {
  let job: Job;
  let main: StepRun;

  it('main brings up a cluster named after the PR, with outputs, KUBECONFIG and a summary', async () => {
    job = docker({});
    main = await step(job, 'main');
    expect(main.code, main.stdout).toBe(0);
    expect(errorLines(main)).toEqual([]);
    const outputs = outputsOf(job);
    // Codertocat/Hello-World, PR 2 in @octokit/webhooks-examples' pull_request.opened.
    expect(outputs['cluster-name']).toBe('codertocat-hello-world-pr-2');
    expect(outputs['api-server-url']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(outputs.cost).toBe('0 USD');
    const kubeconfig = outputs.kubeconfig ?? '';
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(exportedEnvOf(job).KUBECONFIG).toBe(kubeconfig);
    expect((await kubectl(kubeconfig, ['get', '--raw', '/readyz'])).stdout).toBe('ok');

    const summary = readFileSync(job.files.summary, 'utf8');
    expect(summary).toContain('codertocat-hello-world-pr-2');
    expect(summary).toContain('v1.37.2');
    expect(summary).toContain(outputs['api-server-url']);
    expect(summary).toMatch(/waiting until the API answers[^<]*<\/td><td>\d+\.\d s/);
    // Progress comes in groups, each stage with its time.
    expect(main.stdout).toContain('::group::Create cluster codertocat-hello-world-pr-2');
    expect(main.stdout).toContain('::endgroup::');
  });

  it('a pod runs on the cluster in a later step', async () => {
    const kubeconfig = outputsOf(job).kubeconfig ?? '';
    expect(
      (await kubectl(kubeconfig, ['run', 'web', '--image=localhost/frankenetes/testweb:1', '--port=80']))
        .code,
    ).toBe(0);
    const wait = await kubectl(kubeconfig, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=90s']);
    expect(wait.stderr).toBe('');
    expect(wait.code).toBe(0);
  });

  it('post removes everything, and a re-run of post finds nothing and succeeds', async () => {
    const post = await step(job, 'post');
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain('cluster codertocat-hello-world-pr-2 removed');
    await expectNothingOf('codertocat-hello-world-pr-2');
    const again = await step(job, 'post');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already removed');
  });

  it('keep: true leaves the cluster running and records its TTL in the state store', async () => {
    const kept = docker({ name: 'e2e-action-keep', keep: 'true', ttl: '4h' });
    expect((await step(kept, 'main')).code).toBe(0);
    const before = Date.now();
    const post = await step(kept, 'post');
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain('kept until');
    const state = join(kept.env.RUNNER_TEMP ?? '', 'frankenetes', 'state');
    const record = JSON.parse(readFileSync(join(state, 'e2e-action-keep', 'keep.json'), 'utf8'));
    expect(record.ttlHours).toBe(4);
    const expires = new Date(record.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 4 * 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 4 * 3600_000);
    const kubeconfig = outputsOf(kept).kubeconfig ?? '';
    expect((await kubectl(kubeconfig, ['get', '--raw', '/readyz'])).stdout).toBe('ok');
    pkis.push(readFileSync(join(state, 'e2e-action-keep', 'pki.json'), 'utf8'));
    expect((await cli(['down', '--name', 'e2e-action-keep'], { FRANKENETES_STATE_DIR: state })).code).toBe(0);
    await expectNothingOf('e2e-action-keep');
  });

  it('main killed with SIGTERM then SIGKILL part-way through up: post leaves nothing', async () => {
    const killed = docker({ name: 'e2e-action-kill' });
    const child = startStep(killed, 'main');
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise((r) => child.once('exit', r));
    // Part-way: once the engine holds containers of the cluster.
    await eventually(
      async () => {
        expect((await engineResources('e2e-action-kill')).containers.length).toBeGreaterThan(0);
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    printed.push(...out.split('\n'));
    const post = await step(killed, 'post');
    expect(post.code, post.stdout).toBe(0);
    await expectNothingOf('e2e-action-kill');
  });
});

describe('bad inputs: one ::error:: line, a failed step, nothing created', () => {
  it.each([
    [
      'an unknown backend',
      { backend: 'kind', name: 'e2e-action-bad' },
      /input "backend": must be "docker" or "aci", not "kind"/,
    ],
    [
      'a bad version',
      { name: 'e2e-action-bad', 'kubernetes-version': '1.30' },
      /input "kubernetes-version": "1.30": must be one of 1.35, 1.36, 1.37/,
    ],
    ['a bad name', { name: 'Bad_Name' }, /input "name": "Bad_Name": must be 1-40 characters/],
    ['a bad wait', { name: 'e2e-action-bad', wait: 'soon' }, /input "wait": must be a duration/],
  ])('%s', async (_what, inputs, pattern) => {
    const job = newJob({ backend: 'docker', ...inputs });
    const main = await step(job, 'main');
    expect(main.code).not.toBe(0);
    const errors = errorLines(main);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(pattern);
    await expectNothingOf('e2e-action-bad');
    expect(existsSync(join(job.env.RUNNER_TEMP ?? '', 'frankenetes'))).toBe(false);
  });

  it('a missing Azure input for aci', async () => {
    const job = newJob({
      backend: 'aci',
      name: 'e2e-action-bad',
      'azure-client-id': '00000000-0000-0000-0000-000000000001',
      'azure-tenant-id': '00000000-0000-0000-0000-000000000002',
      'resource-group': 'rg',
      location: 'westeurope',
      state: 'https://account.blob.core.windows.net/state',
    });
    const main = await step(job, 'main');
    expect(main.code).not.toBe(0);
    expect(errorLines(main)).toEqual([
      '::error::input "azure-subscription-id": is required with backend "aci"',
    ]);
  });
});

describe('bad inputs on aci', () => {
  const aci = {
    backend: 'aci',
    name: 'e2e-action-bad',
    'azure-client-id': '00000000-0000-0000-0000-000000000001',
    'azure-tenant-id': '00000000-0000-0000-0000-000000000002',
    'azure-subscription-id': '00000000-0000-0000-0000-000000000003',
    'resource-group': 'rg',
    location: 'westeurope',
    state: 'https://account.blob.core.windows.net/state',
  };

  it('no OIDC permission: one line that says so, and nothing saved for post', async () => {
    const job = newJob(aci);
    const main = await step(job, 'main');
    expect(main.code).not.toBe(0);
    expect(errorLines(main)).toEqual([
      expect.stringMatching(
        /^::error::no GitHub OIDC token for Azure: give the job `permissions: id-token: write`/,
      ),
    ]);
    expect(readFileSync(job.files.state, 'utf8')).toBe('');
    const post = await step(job, 'post');
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing to clean up');
  });
});

describe('secrets', () => {
  it('no certificate, key or kubeconfig *-data value appears in clear, and each was masked first', () => {
    // The first job's kubeconfig holds the admin credential and the cluster CA.
    const secrets = new Set<string>();
    for (const job of jobs) {
      const path = outputsOf(job).kubeconfig;
      if (!path || !existsSync(path)) continue;
      const config = parse(readFileSync(path, 'utf8'));
      const values = [
        config.clusters[0].cluster['certificate-authority-data'],
        config.users[0].user['client-certificate-data'],
        config.users[0].user['client-key-data'],
      ] as string[];
      for (const value of values) {
        secrets.add(value);
        for (const line of Buffer.from(value, 'base64').toString().split('\n'))
          if (line && !line.startsWith('-----')) secrets.add(line.trim());
      }
    }
    expect(pkis).toHaveLength(1);
    const pems: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string' && v.includes('-----BEGIN')) pems.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(JSON.parse(pkis[0] ?? '{}'));
    expect(pems.length).toBeGreaterThan(10);
    for (const pem of pems)
      for (const line of pem.split('\n')) if (line && !line.startsWith('-----')) secrets.add(line.trim());
    expect(secrets.size).toBeGreaterThan(100);
    const masks = new Set(printed.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice(12)));
    for (const secret of secrets) {
      expect(masks.has(secret), `masked: ${secret.slice(0, 12)}…`).toBe(true);
      const inClear = printed.filter((l) => !l.startsWith('::add-mask::') && l.includes(secret));
      expect(inClear, 'printed in clear').toEqual([]);
    }
  });
});
