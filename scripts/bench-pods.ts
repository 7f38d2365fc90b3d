// npm run bench:pods — pod start latency on a warm cluster: a Deployment of N pods (default 50);
// for each pod, the time from its creation (the watch's ADDED event, which also bounds the
// second-granular creationTimestamp) to Ready, observed through the same watch. Several runs; the
// last line gives the median over runs of each run's p50 and p99.
//
// Baseline, measured before each run on the same engine: the engine floor, i.e. the same N
// containers started straight through the engine API (8 at a time, each on the cluster network,
// no Kubernetes and no agent), timed from the burst's start to each container's start; and, for
// reference, the same without any network (the engine's bare container start).
import Docker from 'dockerode';
import { defaultEngineSocket } from '../src/core/backends/docker.js';
import { DEFAULT_STANDBY_POOL } from '../src/core/spec.js';
import { AppsV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PODS = Number(process.env.BENCH_PODS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLUSTER = 'bench-pods';
const ROOT = join(import.meta.dirname, '..');
const state = mkdtempSync(join(tmpdir(), 'frankenetes-bench-pods-'));
const env = { ...process.env, FRANKENETES_STATE_DIR: state };

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
};
const median = (xs: number[]) => quantile(xs, 0.5);

function cli(...args: string[]): string {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'index.js'), ...args], {
    env,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`frankenetes ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim();
}

function deployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'web', image: 'localhost/frankenetes/testweb:1' }],
        },
      },
    },
  };
}

/** Start latencies of N bare containers started through the engine, 8 at a time. */
async function engineFloor(docker: Docker, n: number, network = `frankenetes-${CLUSTER}`): Promise<number[]> {
  const labels = { 'frankenetes.managed': 'true', 'frankenetes.cluster': CLUSTER };
  const begin = performance.now();
  const latencies: number[] = [];
  const made: Docker.Container[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const c = await docker.createContainer({
        name: `${CLUSTER}-floor-${i}`,
        Image: 'localhost/frankenetes/testweb:1',
        Labels: labels,
        HostConfig: { NetworkMode: network },
      });
      made.push(c);
      await c.start();
      latencies.push((performance.now() - begin) / 1000);
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    await Promise.all(made.map((c) => c.remove({ force: true }).catch(() => undefined)));
  }
  return latencies;
}

/** Waits (up to 30 s) until the machine is mostly idle: engine clean-ups of earlier runs done. */
async function settle() {
  const busy = () => {
    const [, ...f] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + (b || 0), 0) };
  };
  for (let i = 0; i < 30; i++) {
    const a = busy();
    await new Promise((r) => setTimeout(r, 1000));
    const b = busy();
    if (1 - (b.idle - a.idle) / (b.total - a.total) < 0.25) return;
  }
}

/** Waits until the agent's standby sandboxes are all back (a warm node), or 120 s. */
async function waitStandby(docker: Docker) {
  const size = Number(process.env.BENCH_STANDBY_POOL ?? DEFAULT_STANDBY_POOL);
  for (let i = 0; i < 240; i++) {
    const sandboxes = await docker.listContainers({ filters: { label: ['frankenetes.kind=standby'] } });
    // Unclaimed ones only: a claimed sandbox keeps its label but is renamed to its group.
    const ready = sandboxes.filter(
      (c) =>
        c.Labels['frankenetes.cluster'] === CLUSTER && c.Names.some((n) => n.includes(`${CLUSTER}-standby-`)),
    );
    if (ready.length >= size) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** Creates the deployment and returns each pod's creation → Ready latency in seconds. */
async function measure(kc: KubeConfig, name: string, replicas: number): Promise<number[]> {
  const created = new Map<string, number>();
  const scheduled = new Map<string, number>();
  const latencies = new Map<string, number>();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const watch = await new Watch(kc).watch(
    '/api/v1/namespaces/default/pods',
    { labelSelector: `app=${name}` },
    (phase, pod: V1Pod) => {
      const uid = pod.metadata?.uid ?? '';
      const now = performance.now();
      if (!created.has(uid)) created.set(uid, now);
      if (pod.spec?.nodeName && !scheduled.has(uid)) scheduled.set(uid, now);
      if (phase !== 'DELETED' && isReady(pod) && !latencies.has(uid)) {
        latencies.set(uid, (now - (created.get(uid) ?? now)) / 1000);
        if (latencies.size === replicas) finish();
      }
    },
    () => undefined,
  );
  const apps = kc.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({ namespace: 'default', body: deployment(name, replicas) });
  const timeout = setTimeout(finish, 600_000);
  await done;
  clearTimeout(timeout);
  watch.abort();
  await apps.deleteNamespacedDeployment({ name, namespace: 'default' });
  if (latencies.size < replicas) throw new Error(`only ${latencies.size}/${replicas} pods became Ready`);
  // Where the time goes: scheduling (API server + scheduler) versus the node (agent + engine).
  const uids = [...latencies.keys()];
  const start = (uid: string) => created.get(uid) ?? 0;
  const bind = uids.map((uid) => ((scheduled.get(uid) ?? start(uid)) - start(uid)) / 1000);
  const node = uids.map((uid, i) => (latencies.get(uid) ?? 0) - (bind[i] ?? 0));
  console.log(
    `  scheduling p50=${quantile(bind, 0.5).toFixed(2)} p99=${quantile(bind, 0.99).toFixed(2)}; ` +
      `node p50=${quantile(node, 0.5).toFixed(2)} p99=${quantile(node, 0.99).toFixed(2)}`,
  );
  return [...latencies.values()];
}

async function waitNoPods(kc: KubeConfig) {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const core = kc.makeApiClient(CoreV1Api);
  while ((await core.listNamespacedPod({ namespace: 'default' })).items.length) {
    await new Promise((r) => setTimeout(r, 500));
  }
}

try {
  spawnSync(process.execPath, [join(ROOT, 'dist', 'index.js'), 'down', '--name', CLUSTER], { env });
  const kc = new KubeConfig();
  const pool = process.env.BENCH_STANDBY_POOL;
  kc.loadFromFile(cli('up', '--name', CLUSTER, ...(pool ? ['--standby-pool', pool] : [])));
  const docker = new Docker({ socketPath: defaultEngineSocket() });
  await measure(kc, 'warmup', 5);
  await waitNoPods(kc);
  const p50s: number[] = [];
  const p99s: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await waitStandby(docker);
    await settle();
    const bare = await engineFloor(docker, PODS, 'none');
    await settle();
    const floor = await engineFloor(docker, PODS);
    floors.push(quantile(floor, 0.5));
    await waitStandby(docker);
    await settle();
    const latencies = await measure(kc, `bench-${i}`, PODS);
    p50s.push(quantile(latencies, 0.5));
    p99s.push(quantile(latencies, 0.99));
    console.log(
      `run ${i + 1}: n=${latencies.length} p50=${p50s[i]?.toFixed(2)}s p99=${p99s[i]?.toFixed(2)}s ` +
        `(engine floor p50=${floors[i]?.toFixed(2)}s p99=${quantile(floor, 0.99).toFixed(2)}s; ` +
        `without network p50=${quantile(bare, 0.5).toFixed(2)}s p99=${quantile(bare, 0.99).toFixed(2)}s)`,
    );
    await waitNoPods(kc);
  }
  const ratio = median(p50s) / median(floors);
  console.log(`engine-floor n=${PODS} p50=${median(floors).toFixed(2)} ratio=${ratio.toFixed(2)}`);
  console.log(`pod-start n=${PODS} p50=${median(p50s).toFixed(2)} p99=${median(p99s).toFixed(2)}`);
} finally {
  const down = spawnSync(process.execPath, [join(ROOT, 'dist', 'index.js'), 'down', '--name', CLUSTER], {
    env,
    encoding: 'utf8',
  });
  if (down.status !== 0) console.error(`cleanup failed: ${down.stderr}`);
  rmSync(state, { recursive: true, force: true });
}
