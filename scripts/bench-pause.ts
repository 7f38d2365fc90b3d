// npm run bench:pause — pause time and resume-to-ready time of a cluster running N pods (default
// 20, a Deployment of testweb), median of R cycles (default 5); beside the CLI's `up` of a fresh
// cluster measured in the same run, one `up` after each cycle. Pause is timed to its exit (snapshot
// stored and verified, every group removed); resume to its exit, which is once the cluster is
// ready as `up` means it and every pod Ready before the pause is Ready again.
// Last line: `pause median=<s> resume median=<s> up=<s> ratio=<resume/up>`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const PODS = Number(process.env.BENCH_PODS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLUSTER = 'bench-pause';
const ROOT = join(import.meta.dirname, '..');
const KUBECTL =
  process.env.FRANKENETES_KUBECTL ?? join(homedir(), '.cache', 'frankenetes', 'build', 'bin', 'kubectl');
const state = mkdtempSync(join(tmpdir(), 'frankenetes-bench-pause-'));
const env = { ...process.env, FRANKENETES_STATE_DIR: state };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Runs a command to its end and returns its wall time in seconds; throws when it fails. */
function timed(command: string, args: string[], input?: string): number {
  const started = performance.now();
  const run = spawnSync(command, args, { env, input, encoding: 'utf8', timeout: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${args.slice(0, 3).join(' ')} failed: ${run.stderr}`);
  return seconds;
}
const cli = (...args: string[]) => timed(process.execPath, [join(ROOT, 'dist', 'index.js'), ...args]);
const kubectl = (args: string[], input?: string) =>
  timed(KUBECTL, ['--kubeconfig', join(state, CLUSTER, 'kubeconfig'), ...args], input);

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: PODS,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [
          { name: 'web', image: 'localhost/frankenetes/testweb:1', ports: [{ containerPort: 80 }] },
        ],
      },
    },
  },
};

try {
  cli('up', '--name', CLUSTER);
  kubectl(['apply', '-f', '-'], JSON.stringify(deployment));
  kubectl(['rollout', 'status', 'deployment/web', '--timeout=300s']);
  const pauses: number[] = [];
  const resumes: number[] = [];
  const ups: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    pauses.push(cli('pause', '--name', CLUSTER));
    resumes.push(cli('resume', '--name', CLUSTER));
    // resume returned with every pod Ready again: check it, so a fast but empty resume cannot pass.
    kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '--timeout=5s']);
    const fresh = `bench-pause-up-${i}`;
    ups.push(cli('up', '--name', fresh));
    cli('down', '--name', fresh);
    console.log(
      `run ${i + 1}: pause=${pauses[i]?.toFixed(2)}s resume=${resumes[i]?.toFixed(2)}s up=${ups[i]?.toFixed(2)}s`,
    );
  }
  const resume = median(resumes);
  const up = median(ups);
  console.log(
    `pause median=${median(pauses).toFixed(2)} resume median=${resume.toFixed(2)} up=${up.toFixed(2)} ratio=${(resume / up).toFixed(2)}`,
  );
} finally {
  spawnSync(process.execPath, [join(ROOT, 'dist', 'index.js'), 'down', '--name', CLUSTER], { env });
  rmSync(state, { recursive: true, force: true });
}
