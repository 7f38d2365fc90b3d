// Shared helpers for end-to-end tests: the real CLI bundle, real kubectl, the real engine.
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEngineSocket } from '../../src/core/backends/docker.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'index.js');
export const KUBECTL =
  process.env.FRANKENETES_KUBECTL ?? join(homedir(), '.cache', 'frankenetes', 'build', 'bin', 'kubectl');

export const docker = new Docker({ socketPath: defaultEngineSocket() });

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh state directory per test file. */
export function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'frankenetes-e2e-'));
}

/**
 * Runs a command to its end without blocking the event loop: a spawnSync that lasts over a minute
 * starves vitest's worker RPC and fails the run with "Timeout calling onTaskUpdate".
 */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

export function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeoutMs: 240_000 });
}

/** Starts the CLI without waiting (for kill tests). */
export function cliProcess(args: string[], env: Record<string, string>) {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
}

export function kubectl(kubeconfig: string, args: string[], input?: string): Promise<Run> {
  return run(KUBECTL, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, input, timeoutMs: 120_000 });
}

/** Everything the engine holds that is labelled for the cluster. */
export async function engineResources(cluster: string) {
  const label = [`frankenetes.cluster=${cluster}`];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const { Volumes } = await docker.listVolumes({ filters: { label } });
  const networks = await docker.listNetworks({ filters: { label } });
  return { containers, volumes: Volumes ?? [], networks };
}

export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 60_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw lastError;
}
