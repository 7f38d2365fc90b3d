// The GitHub App on the real path: webhooks over HTTP to its real server, GitHub stood in (the
// nock stand-in's model, served on loopback as Probot's baseUrl: nock's interceptors break the
// engine's unix socket and the API server's client-certificate TLS; checked against OpenAPI), and the real core verbs on the local engine (docker
// backend) with a directory state store: up → pause → resume → down, then up and PR closed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { coreVerbs, type ClusterVerbs } from '../../src/app/verbs.js';
import { adminKubeconfig, destroyCluster } from '../../src/core/cluster.js';
import { openBackend } from '../../src/core/connect.js';
import { TAG, clusterNameFor } from '../../src/core/names.js';
import { LocalStateStore, readSpec } from '../../src/core/state/index.js';
import { startTestApp, type RunningApp } from '../support/app-harness.js';
import { commentEvent, deliver, example, inRepository } from '../support/github-standin.js';
import { engineResources, kubectl } from './harness.js';

const REPOSITORY = 'e2e-app/demo';
const PR = 1;
const CLUSTER = clusterNameFor({ repository: REPOSITORY, pullRequest: PR });
const SECOND = clusterNameFor({ repository: REPOSITORY, pullRequest: 2 });
const dir = mkdtempSync(join(tmpdir(), 'frankenetes-e2e-app-'));
const store = new LocalStateStore(dir);
const backend = await openBackend({ backend: 'docker' }, {});
let verbs: ClusterVerbs;
let app: RunningApp;
let commentId = 1;

beforeAll(async () => {
  expect(CLUSTER).toBe('e2e-app-demo-pr-1');
  verbs = coreVerbs({ store, backendFor: (target) => openBackend(target, {}), timeoutMs: 240_000 });
  app = await startTestApp({ verbs, repository: REPOSITORY, stateLocation: dir, transport: 'http' });
  app.github.roles.set('writer', 'write');
  app.github.addPull(PR);
  app.github.addPull(2);
  app.github.configFile = 'kubernetesVersion: "1.37"\nidleTimeout: 1h\nttl: 2h\n';
});

afterAll(async () => {
  await app?.close();
  for (const name of [CLUSTER, SECOND]) await destroyCluster(name, { backend, store }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function command(body: string, pull = PR) {
  const id = commentId++;
  const delivery = await deliver(
    app.url,
    'issue_comment',
    commentEvent({ pull, body, login: 'writer', commentId: id, standIn: app.github }),
  );
  expect(delivery.status).toBe(200);
  expect(delivery.ms).toBeLessThan(1000);
  await app.frankenetes.queue.idle();
  return id;
}

const groups = (name = CLUSTER) => backend.list({ [TAG.cluster]: name });
const sticky = (pull = PR) => app.github.sticky(pull)?.body ?? '';

async function kubeconfigFile(): Promise<string> {
  const spec = await readSpec(store, CLUSTER);
  if (!spec) throw new Error('no spec');
  const path = join(dir, 'test-kubeconfig');
  writeFileSync(path, await adminKubeconfig(spec, { backend, store }), { mode: 0o600 });
  return path;
}

const objects = async (kubeconfig: string) => {
  const result = await kubectl(kubeconfig, [
    'get',
    'configmaps,secrets,serviceaccounts',
    '-n',
    'e2e-app',
    '-o',
    'jsonpath={range .items[*]}{.kind}/{.metadata.name} {.metadata.uid} {.data}{"\\n"}{end}',
  ]);
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean).sort();
};

test('up → pause → resume → down through the app, on the local engine', async () => {
  // up: a Ready cluster, a sticky comment with its URL and cost, a successful deployment.
  const up = await command('/frankenetes up');
  expect(app.github.reactionsOn(up)).toEqual(['eyes', 'rocket']);
  const view = await verbs.status(CLUSTER);
  expect(view).toMatchObject({ phase: 'Running', kubernetesVersion: '1.37.2' });
  expect(view.apiServerUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(sticky()).toContain('| State | **Running** |');
  expect(sticky()).toContain(`| API server | ${view.apiServerUrl} |`);
  expect(sticky()).toMatch(/\| Cost so far \| \$0\.\d+ /);
  expect(sticky()).toMatch(/\| Projected per day \| \$\d+\.\d{4} \|/);
  expect(sticky()).not.toMatch(/BEGIN|PRIVATE KEY|client-key-data|certificate-authority-data/);
  const deployment = app.github.deployments[0];
  expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  expect(deployment?.statuses[1]?.environment_url).toBe(view.apiServerUrl);
  expect((await groups()).length).toBeGreaterThan(0);

  // Objects to carry across the pause; the admin's requests count as activity (audit log).
  const kubeconfig = await kubeconfigFile();
  for (const args of [
    ['create', 'namespace', 'e2e-app'],
    ['create', 'configmap', 'marker', '-n', 'e2e-app', '--from-literal=answer=42'],
    ['create', 'secret', 'generic', 'hush', '-n', 'e2e-app', '--from-literal=k=v'],
    ['create', 'serviceaccount', 'robot', '-n', 'e2e-app'],
  ])
    expect((await kubectl(kubeconfig, args)).stderr).toBe('');
  // The controllers add kube-root-ca.crt and the default ServiceAccount to a new namespace a moment
  // later: wait for them, so that the snapshot compared after resume is the namespace's whole content.
  let before = await objects(kubeconfig);
  for (
    let i = 0;
    i < 60 &&
    before.filter((o) => /^(ConfigMap\/kube-root-ca\.crt|ServiceAccount\/default) /.test(o)).length < 2;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 500));
    before = await objects(kubeconfig);
  }
  expect(before.join('\n')).toContain('ConfigMap/marker');
  expect(before.join('\n')).toContain('ServiceAccount/default');
  const [candidate] = await verbs.candidates(new Date());
  expect(candidate?.name).toBe(CLUSTER);
  expect(Date.now() - (candidate?.lastActivity?.getTime() ?? 0)).toBeLessThan(120_000);

  // pause: zero groups, the comment says Paused, the deployment is inactive.
  const pause = await command('/frankenetes pause');
  expect(app.github.reactionsOn(pause)).toEqual(['eyes', 'rocket']);
  expect(await groups()).toEqual([]);
  expect((await engineResources(CLUSTER)).containers).toEqual([]);
  expect(sticky()).toContain('| State | **Paused** |');
  expect(deployment?.statuses.at(-1)?.state).toBe('inactive');

  // resume: the same objects (names, UIDs, data) are back.
  const resume = await command('/frankenetes resume');
  expect(app.github.reactionsOn(resume)).toEqual(['eyes', 'rocket']);
  expect(sticky()).toContain('| State | **Running** |');
  expect(await objects(await kubeconfigFile())).toEqual(before);
  expect(app.github.deployments.at(-1)?.statuses.at(-1)?.state).toBe('success');

  // down: zero groups, no state, the deployment is inactive.
  const down = await command('/frankenetes down');
  expect(app.github.reactionsOn(down)).toEqual(['eyes', 'rocket']);
  expect(await groups()).toEqual([]);
  expect(await engineResources(CLUSTER)).toEqual({ containers: [], volumes: [], networks: [] });
  expect(await store.clusters()).not.toContain(CLUSTER);
  expect(sticky()).toContain('| State | **No cluster** |');
  expect(app.github.deployments.at(-1)?.statuses.at(-1)?.state).toBe('inactive');
  expect(app.github.violations).toEqual([]);
}, 900_000);

test('pull request closed → down', async () => {
  await command('/frankenetes up', 2);
  expect((await groups(SECOND)).length).toBeGreaterThan(0);
  const closed = inRepository(example('pull_request', 'closed'), REPOSITORY);
  (closed.pull_request as { number: number }).number = 2;
  closed.number = 2;
  expect((await deliver(app.url, 'pull_request', closed)).status).toBe(200);
  await app.frankenetes.queue.idle();
  expect(await groups(SECOND)).toEqual([]);
  expect(await store.clusters()).not.toContain(SECOND);
  expect(sticky(2)).toContain('removed because the pull request was closed');
  expect(app.github.violations).toEqual([]);
}, 600_000);
