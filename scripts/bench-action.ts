// npm run bench:action — the action's main step, run as the runner runs it (dist/action/main.js
// with INPUT_*, GITHUB_* files and a pull_request payload), timed from its start to its exit with
// outputs written, median of N runs (default 5) on the docker backend; beside the CLI's `up` of a
// cluster of the same spec, measured in the same run, alternating. Post removes each cluster.
// Last line: `action-up median=<s> cli-up=<s> ratio=<x>`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newJob, outputsOf, runStep } from '../test/e2e/action-runner.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLI = join(import.meta.dirname, '..', 'dist', 'index.js');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function actionUp(name: string): Promise<number> {
  const job = newJob({ backend: 'docker', name });
  const started = performance.now();
  const main = await runStep(job, 'main');
  const seconds = (performance.now() - started) / 1000;
  const ok = main.code === 0 && outputsOf(job).kubeconfig;
  await runStep(job, 'post');
  rmSync(job.dir, { recursive: true, force: true });
  if (!ok) throw new Error(`action main failed: ${main.stdout.split('\n').slice(-5).join(' | ')}`);
  return seconds;
}

function cliUp(name: string): number {
  const state = mkdtempSync(join(tmpdir(), 'frankenetes-bench-action-'));
  const env = { ...process.env, FRANKENETES_STATE_DIR: state };
  const started = performance.now();
  const up = spawnSync(process.execPath, [CLI, 'up', '--name', name], { env, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  spawnSync(process.execPath, [CLI, 'down', '--name', name], { env });
  rmSync(state, { recursive: true, force: true });
  if (up.status !== 0) throw new Error(`up failed: ${up.stderr}`);
  return seconds;
}

// One unmeasured round of each warms the page cache.
await actionUp('bench-action-warm');
cliUp('bench-cli-warm');
const actions: number[] = [];
const clis: number[] = [];
for (let i = 0; i < RUNS; i++) {
  actions.push(await actionUp(`bench-action-${i}`));
  clis.push(cliUp(`bench-cli-${i}`));
  console.log(`run ${i + 1}: action-up=${actions[i]?.toFixed(2)}s cli-up=${clis[i]?.toFixed(2)}s`);
}
const a = median(actions);
const c = median(clis);
console.log(`action-up median=${a.toFixed(2)} cli-up=${c.toFixed(2)} ratio=${(a / c).toFixed(2)}`);
