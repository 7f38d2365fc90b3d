// npm run bench:pods — pod start latency on a warm cluster: a Deployment of N pods (default 50);
// for each pod, the time from its creation (the watch's ADDED event, which also bounds the
// second-granular creationTimestamp) to Ready, observed through the same watch. Several runs; the
// last line gives the median over runs of each run's p50 and p99.
//
// Where the time goes: each pod's start split into phases, from this watch (created, scheduled)
// and the agent's own `pod-start` log line (seen, create call, containers running, Ready written;
// see src/agent/start-timings.ts), with the median and p99 of each; and the agent's CPU time per
// pod (its process's user + system time over the burst, divided by the pods).
//
// Baseline, measured before each run on the same engine: the engine floor, i.e. the same N
// containers started straight through the engine API (as many at a time as the agent creates
// groups, each on the cluster network, no Kubernetes and no agent), timed from the burst's start
// to each container's start; and, for reference, the same without any network (the engine's bare
// container start).
import Docker from 'dockerode';
import { parseStartTimings, type StartStep } from '../src/agent/start-timings.js';
import { AGENT_MAX_PARALLEL } from '../src/agent/pods.js';
import { defaultEngineSocket } from '../src/core/backends/docker.js';
import { controlPlaneGroupName } from '../src/core/names.js';
import { AGENT_CONTAINER } from '../src/core/plan.js';
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

/** Start latencies of N bare containers started through the engine, as many at a time as the agent. */
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
    await Promise.all(Array.from({ length: AGENT_MAX_PARALLEL }, worker));
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

/** The phases of a pod's start, each between two of its marks (epoch ms). */
const PHASES: [label: string, from: Mark, to: Mark][] = [
  ['created → scheduled', 'created', 'scheduled'],
  ['scheduled → seen by the agent', 'scheduled', 'seen'],
  ['agent → group create call', 'seen', 'create'],
  ['create call → containers running', 'create', 'running'],
  ['running → Ready written', 'running', 'ready'],
];
type Mark = 'created' | 'scheduled' | StartStep;

const AGENT = `${controlPlaneGroupName(CLUSTER)}_${AGENT_CONTAINER}`;

/** The agent process's CPU time so far (user + system), in seconds, from /proc. */
async function agentCpuSeconds(docker: Docker): Promise<number> {
  const pid = (await docker.getContainer(AGENT).inspect()).State.Pid;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime (fields 14 and 15)
  return ticks / 100; // USER_HZ, 100 on Linux
}

type Measured = { latencies: number[]; phases: Map<string, [p50: number, p99: number]>; cpuPerPod: number };

/**
 * Creates the deployment; returns each pod's creation → Ready latency in seconds, each phase's p50
 * and p99, and the agent's CPU time per pod.
 */
async function measure(kc: KubeConfig, docker: Docker, name: string, replicas: number): Promise<Measured> {
  const marks = new Map<string, Partial<Record<Mark, number>>>();
  const latencies = new Map<string, number>();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const watch = await new Watch(kc).watch(
    '/api/v1/namespaces/default/pods',
    { labelSelector: `app=${name}` },
    (phase, pod: V1Pod) => {
      const uid = pod.metadata?.uid ?? '';
      const now = Date.now();
      const m = marks.get(uid) ?? { created: now };
      marks.set(uid, m);
      if (pod.spec?.nodeName) m.scheduled ??= now;
      if (phase !== 'DELETED' && isReady(pod) && !latencies.has(uid)) {
        latencies.set(uid, (now - (m.created ?? now)) / 1000);
        if (latencies.size === replicas) finish();
      }
    },
    () => undefined,
  );
  const since = Math.floor(Date.now() / 1000) - 1;
  const cpuBefore = await agentCpuSeconds(docker);
  const apps = kc.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({ namespace: 'default', body: deployment(name, replicas) });
  const timeout = setTimeout(finish, 600_000);
  await done;
  clearTimeout(timeout);
  const cpu = (await agentCpuSeconds(docker)) - cpuBefore;
  watch.abort();
  await apps.deleteNamespacedDeployment({ name, namespace: 'default' });
  if (latencies.size < replicas) throw new Error(`only ${latencies.size}/${replicas} pods became Ready`);

  // The agent writes a pod's line once its Ready status is written: the last one may still be on its way.
  let agent = new Map<string, Partial<Record<StartStep, number>>>();
  for (let attempt = 0; attempt < 20; attempt++) {
    const logs = await docker.getContainer(AGENT).logs({ stdout: true, stderr: true, since, follow: false });
    agent = parseStartTimings(logs.toString('utf8'));
    if ([...latencies.keys()].every((uid) => agent.has(uid))) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const [uid, m] of marks) Object.assign(m, agent.get(uid));
  const untimed = [...latencies.keys()].filter((uid) => !agent.has(uid));
  if (untimed.length) console.log(`  no pod-start line for uid ${untimed.join(', ')}`);
  const phases = new Map<string, [number, number]>();
  for (const [label, from, to] of PHASES) {
    const spans = [...latencies.keys()].flatMap((uid) => {
      const m = marks.get(uid);
      return m?.[from] !== undefined && m[to] !== undefined ? [(m[to] - m[from]) / 1000] : [];
    });
    phases.set(label, [quantile(spans, 0.5), quantile(spans, 0.99)]);
    // A pod the agent wrote no line for is left out, and said so.
    const timed = spans.length < replicas ? ` (${spans.length} of ${replicas} pods timed)` : '';
    console.log(
      `  ${label}: p50=${quantile(spans, 0.5).toFixed(2)} p99=${quantile(spans, 0.99).toFixed(2)}${timed}`,
    );
  }
  const cpuPerPod = cpu / replicas;
  console.log(`  agent cpu per pod=${(cpuPerPod * 1000).toFixed(0)} ms (${cpu.toFixed(2)} s over the burst)`);
  return { latencies: [...latencies.values()], phases, cpuPerPod };
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
  await measure(kc, docker, 'warmup', 5);
  await waitNoPods(kc);
  const p50s: number[] = [];
  const p99s: number[] = [];
  const floors: number[] = [];
  const floors99: number[] = [];
  const runs: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    await waitStandby(docker);
    await settle();
    const bare = await engineFloor(docker, PODS, 'none');
    await settle();
    const floor = await engineFloor(docker, PODS);
    floors.push(quantile(floor, 0.5));
    floors99.push(quantile(floor, 0.99));
    await waitStandby(docker);
    await settle();
    const run = await measure(kc, docker, `bench-${i}`, PODS);
    runs.push(run);
    const { latencies } = run;
    p50s.push(quantile(latencies, 0.5));
    p99s.push(quantile(latencies, 0.99));
    console.log(
      `run ${i + 1}: n=${latencies.length} p50=${p50s[i]?.toFixed(2)}s p99=${p99s[i]?.toFixed(2)}s ` +
        `(engine floor p50=${floors[i]?.toFixed(2)}s p99=${floors99[i]?.toFixed(2)}s; ` +
        `without network p50=${quantile(bare, 0.5).toFixed(2)}s p99=${quantile(bare, 0.99).toFixed(2)}s)`,
    );
    await waitNoPods(kc);
  }
  // Medians over runs: one line per phase, the agent's CPU, then the floor and the pods.
  for (const [label] of PHASES) {
    const p50 = median(runs.map((r) => r.phases.get(label)?.[0] ?? NaN));
    const p99 = median(runs.map((r) => r.phases.get(label)?.[1] ?? NaN));
    console.log(`phase ${label}: p50=${p50.toFixed(2)} p99=${p99.toFixed(2)}`);
  }
  console.log(`agent-cpu per-pod=${(median(runs.map((r) => r.cpuPerPod)) * 1000).toFixed(0)}ms`);
  const ratio = median(p50s) / median(floors);
  const ratio99 = median(p99s) / median(floors99);
  console.log(
    `engine-floor n=${PODS} p50=${median(floors).toFixed(2)} ratio=${ratio.toFixed(2)} ` +
      `p99=${median(floors99).toFixed(2)} ratio99=${ratio99.toFixed(2)}`,
  );
  console.log(`pod-start n=${PODS} p50=${median(p50s).toFixed(2)} p99=${median(p99s).toFixed(2)}`);
} finally {
  const down = spawnSync(process.execPath, [join(ROOT, 'dist', 'index.js'), 'down', '--name', CLUSTER], {
    env,
    encoding: 'utf8',
  });
  if (down.status !== 0) console.error(`cleanup failed: ${down.stderr}`);
  rmSync(state, { recursive: true, force: true });
}
