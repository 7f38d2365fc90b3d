// The GitHub runner's contract for a node action, as the runner keeps it: INPUT_* variables, the
// GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV / GITHUB_STEP_SUMMARY files, the event payload, and
// STATE_* variables for the post step from what main saved. Runs the committed dist/ entry points.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, run } from './harness.js';

const require = createRequire(import.meta.url);

/** A real `pull_request` payload (opened) from @octokit/webhooks-examples. */
export function pullRequestPayload(): { number: number; repository: { full_name: string } } {
  const all = require('@octokit/webhooks-examples') as {
    name: string;
    examples: { action?: string; number: number; repository: { full_name: string } }[];
  }[];
  const example = all.find((e) => e.name === 'pull_request')?.examples.find((e) => e.action === 'opened');
  if (!example) throw new Error('no pull_request.opened example in @octokit/webhooks-examples');
  return example;
}

/** Parses a file command file: `name=value` lines and `name<<DELIMITER` heredocs. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export interface Job {
  dir: string;
  env: Record<string, string>;
  files: { output: string; state: string; env: string; summary: string };
}

/** One job's runner environment: a workspace, the file commands' files and the event. */
export function newJob(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Job {
  const dir = mkdtempSync(join(tmpdir(), 'frankenetes-action-'));
  mkdirSync(join(dir, 'temp'));
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    env: join(dir, 'env'),
    summary: join(dir, 'summary.md'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const payload = pullRequestPayload();
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify(payload));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: payload.repository.full_name,
    GITHUB_RUN_ID: '1234567890',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: join(dir, 'temp'),
    ...(process.env.FRANKENETES_ENGINE_SOCKET
      ? { FRANKENETES_ENGINE_SOCKET: process.env.FRANKENETES_ENGINE_SOCKET }
      : {}),
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return { dir, env, files };
}

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
}

const entry = (step: 'main' | 'post') => join(ROOT, 'dist', 'action', `${step}.js`);

/** The post step's environment: the job's, plus STATE_<name> for everything main saved. */
function stepEnv(job: Job, step: 'main' | 'post'): Record<string, string> {
  if (step === 'main') return job.env;
  const saved = parseFileCommand(readFileSync(job.files.state, 'utf8'));
  return { ...job.env, ...Object.fromEntries(Object.entries(saved).map(([k, v]) => [`STATE_${k}`, v])) };
}

export function runStep(job: Job, step: 'main' | 'post'): Promise<StepRun> {
  return run(process.execPath, [entry(step)], { env: stepEnv(job, step), cwd: job.dir, timeoutMs: 300_000 });
}

/** Starts a step without waiting (to kill it part-way). */
export function startStep(job: Job, step: 'main' | 'post') {
  return spawn(process.execPath, [entry(step)], { env: stepEnv(job, step), cwd: job.dir, stdio: 'pipe' });
}

export const outputsOf = (job: Job) => parseFileCommand(readFileSync(job.files.output, 'utf8'));
export const exportedEnvOf = (job: Job) => parseFileCommand(readFileSync(job.files.env, 'utf8'));
