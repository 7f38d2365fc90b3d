// npm run bench:up — time from `frankenetes up` to ready (median of N runs on warm images), beside
// the floor measured in the same run: the same etcd and kube-apiserver binaries, with the same
// flags, started directly as host processes until /readyz answers. Also the control-plane group's
// peak resident memory (sum of each container's VmHWM).
import Docker from 'dockerode';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { parse } from 'yaml';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEngineSocket } from '../src/core/backends/docker.js';
import { planControlPlane } from '../src/core/plan.js';
import { createClusterPki, issueAdminCredential } from '../src/core/pki.js';
import { parseClusterSpec } from '../src/core/spec.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOT = join(import.meta.dirname, '..');
const BIN = process.env.FRANKENETES_BIN_DIR ?? join(homedir(), '.cache', 'frankenetes', 'build', 'bin');
const docker = new Docker({ socketPath: defaultEngineSocket() });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak RSS of the group's processes: the sum of each container's init process VmHWM, in MiB. */
async function groupPeakRssMiB(cluster: string): Promise<number> {
  const containers = await docker.listContainers({ filters: { label: [`frankenetes.cluster=${cluster}`] } });
  let kib = 0;
  for (const c of containers) {
    const pid = (await docker.getContainer(c.Id).inspect()).State.Pid;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    kib += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return kib / 1024;
}

/**
 * Times one `up` to ready (its exit), and on the side the moment its API server first answers
 * /readyz (the kubeconfig is written before `up` starts waiting), which is what the floor measures.
 */
async function runUp(state: string, name: string): Promise<{ ready: number; api: number }> {
  const started = performance.now();
  const up = spawn(process.execPath, [join(ROOT, 'dist', 'index.js'), 'up', '--name', name], {
    env: { ...process.env, FRANKENETES_STATE_DIR: state },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  up.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => up.once('exit', (code) => resolve(code ?? 1)));
  let api = 0;
  let code: number | undefined;
  void exited.then((c) => (code = c));
  while (code === undefined && !api) {
    try {
      const config = parse(readFileSync(join(state, name, 'kubeconfig'), 'utf8'));
      const cluster = config.clusters[0].cluster;
      const user = config.users[0].user;
      const decode = (v: string) => Buffer.from(v, 'base64').toString();
      const port = Number(new URL(cluster.server).port);
      const ok = await readyz(
        port,
        decode(cluster['certificate-authority-data']),
        decode(user['client-certificate-data']),
        decode(user['client-key-data']),
      );
      if (ok) api = (performance.now() - started) / 1000;
    } catch {
      // no kubeconfig yet
    }
    if (!api) await sleep(100);
  }
  if ((await exited) !== 0) throw new Error(`up failed: ${stderr}`);
  return { ready: (performance.now() - started) / 1000, api };
}

function down(state: string, name: string) {
  spawnSync(process.execPath, [join(ROOT, 'dist', 'index.js'), 'down', '--name', name], {
    env: { ...process.env, FRANKENETES_STATE_DIR: state },
  });
}

function readyz(port: number, ca: string, cert: string, key: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', ca, cert, key, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** etcd + kube-apiserver as host processes, with the plan's own flags and files. */
async function floorOnce(): Promise<number> {
  const spec = parseClusterSpec({ name: 'floor' });
  const pki = await createClusterPki(spec);
  const admin = await issueAdminCredential(pki, spec);
  const group = planControlPlane(spec, pki);
  const dir = mkdtempSync(join(tmpdir(), 'frankenetes-floor-'));
  const mounts = new Map<string, string>();
  for (const container of group.containers.slice(0, 2)) {
    for (const m of container.volumeMounts ?? []) mounts.set(m.mountPath, join(dir, m.name));
  }
  for (const v of group.volumes ?? []) {
    mkdirSync(join(dir, v.name), { recursive: true });
    for (const [file, content] of Object.entries(v.secret ?? {})) {
      writeFileSync(join(dir, v.name, file), Buffer.from(content, 'base64'));
    }
  }
  const port = 16443;
  const localize = (arg: string) => {
    for (const [from, to] of mounts) arg = arg.replace(from, to);
    return arg
      .replace('--secure-port=6443', `--secure-port=${port}`)
      .replace('--bind-address=0.0.0.0', '--bind-address=127.0.0.1');
  };
  const started = process.hrtime.bigint();
  const children: ChildProcess[] = group.containers.slice(0, 2).map((c) => {
    const [binary, ...args] = c.command ?? [];
    return spawn(join(BIN, binary?.split('/').pop() ?? ''), args.map(localize), { stdio: 'ignore' });
  });
  try {
    while (!(await readyz(port, pki.ca.cert, admin.cert, admin.key))) await sleep(100);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(0) : c.once('exit', r)))),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const state = mkdtempSync(join(tmpdir(), 'frankenetes-bench-'));
  const ups: number[] = [];
  const apis: number[] = [];
  const floors: number[] = [];
  const rss: number[] = [];
  // One unmeasured round warms the page cache for both (images, binaries).
  down(state, 'bench-warm');
  await runUp(state, 'bench-warm');
  down(state, 'bench-warm');
  await floorOnce();
  for (let i = 0; i < RUNS; i++) {
    const name = `bench-${i}`;
    const { ready, api } = await runUp(state, name);
    ups.push(ready);
    apis.push(api);
    rss.push(await groupPeakRssMiB(name));
    down(state, name);
    floors.push(await floorOnce());
    console.log(
      `run ${i + 1}: up-ready=${ready.toFixed(2)}s api-ready=${api.toFixed(2)}s floor=${floors[i]?.toFixed(2)}s rss=${rss[i]?.toFixed(0)}MiB`,
    );
  }
  rmSync(state, { recursive: true, force: true });
  const m = median(ups);
  const f = median(floors);
  // The floor stops at /readyz; `up` also waits for the controllers, the default service account
  // and the node. This line compares like with like.
  console.log(
    `api-ready median=${median(apis).toFixed(2)} floor=${f.toFixed(2)} ratio=${(median(apis) / f).toFixed(2)}`,
  );
  console.log(
    `up-ready median=${m.toFixed(2)} floor=${f.toFixed(2)} ratio=${(m / f).toFixed(2)} rss=${Math.max(...rss).toFixed(0)}`,
  );
}

await main();
