// npm run check:first-pod — does `up` return only once the cluster takes work? In N fresh clusters
// (default 20), right after `up` exits: `kubectl run`, then `kubectl wait --for=condition=Ready`,
// each tried once. Any refusal (no service account yet, an untainted node missing, …) or a pod that
// does not become Ready counts as a failure. Last line: `first-pod ok=<n>/<N>`; exits 1 unless all pass.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.FIRST_POD_RUNS ?? 20);
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'index.js');
const KUBECTL =
  process.env.FRANKENETES_KUBECTL ?? join(homedir(), '.cache', 'frankenetes', 'build', 'bin', 'kubectl');
const state = mkdtempSync(join(tmpdir(), 'frankenetes-first-pod-'));
const env = { ...process.env, FRANKENETES_STATE_DIR: state };

function run(command: string, args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 240_000 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

let ok = 0;
try {
  for (let i = 0; i < RUNS; i++) {
    const name = `first-pod-${i}`;
    const up = run(process.execPath, [CLI, 'up', '--name', name]);
    if (up.code !== 0) {
      console.log(`run ${i + 1}: up failed: ${up.out.split('\n').pop()}`);
      run(process.execPath, [CLI, 'down', '--name', name]);
      continue;
    }
    const kubeconfig = { KUBECONFIG: join(state, name, 'kubeconfig') };
    const started = performance.now();
    const created = run(
      KUBECTL,
      ['run', 'web', '--image=localhost/frankenetes/testweb:1', '--port=80'],
      kubeconfig,
    );
    const ready =
      created.code === 0
        ? run(KUBECTL, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s'], kubeconfig)
        : created;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (ready.code === 0) ok++;
    console.log(
      `run ${i + 1}: ${ready.code === 0 ? `pod Ready ${seconds} s after up` : `FAILED: ${ready.out.split('\n').pop()}`}`,
    );
    run(process.execPath, [CLI, 'down', '--name', name]);
  }
} finally {
  rmSync(state, { recursive: true, force: true });
}
console.log(`first-pod ok=${ok}/${RUNS}`);
process.exit(ok === RUNS ? 0 : 1);
