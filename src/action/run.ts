import * as core from '@actions/core';
import { context } from '@actions/github';
import type { ContainerGroup } from '@azure/arm-containerinstance';
import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultEngineSocket } from '../core/backends/docker.js';
import type { ContainerGroupBackend } from '../core/backend.js';
import {
  adminKubeconfig,
  apiServerUrl,
  destroyCluster,
  upCluster,
  type ClusterDeps,
} from '../core/cluster.js';
import { billedSeconds, clusterCost, groupResources } from '../core/cost.js';
import { TAG, agentImage, controlPlaneGroupName, nodeName } from '../core/names.js';
import { armEndpointFrom, openBackend, openStore, type HostSettings } from '../core/connect.js';
import { GITHUB_OIDC_AUDIENCE } from '../core/credentials.js';
import type { StateStore } from '../core/state/index.js';
import { ensureAgentImage } from './agent-image.js';
import { InputErrors, readSettings, savedState, type ActionSettings, type SavedState } from './settings.js';

const STATE_KEY = 'frankenetes';
/** What a kept cluster records in the state store, for the sweeper and for people. */
export const KEEP_KEY = 'keep.json';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Masks every form of every secret this process comes to hold, once each, before any use. */
function masker(): (forms: string[]) => void {
  const masked = new Set<string>();
  return (forms) => {
    for (const form of forms) {
      if (masked.has(form)) continue;
      masked.add(form);
      core.setSecret(form);
    }
  };
}

/** dist/ beside the running bundle (dist/action/index.js), or the repository's when run from source. */
function distDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, '..');
  return existsSync(join(beside, 'index.js')) ? beside : join(here, '..', '..', 'dist');
}

/** The backend and store main made the cluster on, signed in to Azure with GitHub OIDC for aci. */
async function openTarget(saved: Pick<SavedState, 'backend' | 'state' | 'azure'>): Promise<{
  backend: ContainerGroupBackend;
  store: StateStore;
}> {
  const host: HostSettings = { armEndpoint: armEndpointFrom() };
  if (saved.backend === 'aci' && saved.azure) {
    if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new Error(
        'no GitHub OIDC token for Azure: give the job `permissions: id-token: write` (backend "aci" signs in with OIDC)',
      );
    }
    host.azure = {
      tenantId: saved.azure.tenantId,
      clientId: saved.azure.clientId,
      // Fetched on every refresh: GitHub's ID tokens live minutes, a cluster's job may not.
      getAssertion: () => core.getIDToken(GITHUB_OIDC_AUDIENCE),
    };
  }
  const target = {
    backend: saved.backend,
    azure: saved.azure && {
      subscriptionId: saved.azure.subscriptionId,
      resourceGroup: saved.azure.resourceGroup,
    },
  };
  return { backend: await openBackend(target, host), store: await openStore(saved.state, host) };
}

/** Records how long each stage took: a stage lasts until the next one starts. */
class StageTimer {
  readonly done: { name: string; ms: number }[] = [];
  private current: { name: string; at: number } | undefined;
  start(name: string) {
    this.end();
    this.current = { name, at: Date.now() };
    core.info(`• ${name}`);
  }
  end() {
    if (this.current) this.done.push({ name: this.current.name, ms: Date.now() - this.current.at });
    this.current = undefined;
  }
}

/** The cost so far of the cluster's groups: ACI bills by the second; the local engine costs nothing. */
function costOf(backend: string, groups: ContainerGroup[]): string {
  if (backend !== 'aci') return '0 USD';
  const now = new Date();
  const cost = clusterCost(
    groups.map((g) => ({ name: g.name ?? '', resources: groupResources(g), seconds: billedSeconds(g, now) })),
  );
  return `${cost.total.toFixed(4)} ${cost.currency}`;
}

function failWith(error: unknown): void {
  if (error instanceof InputErrors) {
    // One ::error:: line per bad input, and nothing more (setFailed would add another).
    for (const e of error.errors) core.error(e.message);
    process.exitCode = core.ExitCode.Failure;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  core.setFailed(message.split('\n')[0] ?? message);
}

/** The main step: validates the inputs, brings the cluster up, and hands the job a kubeconfig. */
export async function runMain(): Promise<void> {
  const started = Date.now();
  const mask = masker();
  let settings: ActionSettings;
  try {
    settings = readSettings((name) => core.getInput(name), {
      origin: {
        repository: `${context.repo.owner}/${context.repo.repo}`,
        pullRequest: context.payload.pull_request?.number,
        runId: String(context.runId),
      },
      runnerTemp: process.env.RUNNER_TEMP || '/tmp',
    });
  } catch (error) {
    failWith(error);
    return;
  }
  const { spec } = settings;
  // Saved before anything is made: a post step after a cancelled or killed main still finds it.
  const saved: SavedState = {
    cluster: spec.name,
    backend: settings.backend,
    state: settings.state,
    keep: settings.keep,
    ttlHours: settings.ttlHours,
    azure: settings.azure,
  };
  let target: Awaited<ReturnType<typeof openTarget>>;
  try {
    target = await openTarget(saved);
  } catch (error) {
    failWith(error);
    return;
  }
  core.saveState(STATE_KEY, JSON.stringify(saved));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      core.warning(
        `cancelled (${signal}) while bringing up ${spec.name}; the post step removes what was made`,
      );
      process.exit(1);
    });
  }

  const timer = new StageTimer();
  try {
    const { backend, store } = target;
    if (settings.backend === 'docker') {
      const image = agentImage(spec);
      timer.start(`making sure the agent image ${image} is there`);
      const engine = new Docker({ socketPath: defaultEngineSocket() });
      const how = await ensureAgentImage(engine, image, {
        distDir: distDir(),
        log: (m) => core.info(m),
      });
      core.info(`  agent image ${image}: ${how}`);
    }
    const deps: ClusterDeps = { backend, store, onSecrets: mask, progress: (m) => timer.start(m) };
    core.startGroup(
      `Create cluster ${spec.name} (Kubernetes v${spec.kubernetesVersion}, ${settings.backend})`,
    );
    let kubeconfig = '';
    try {
      await upCluster(spec, deps, async (readySpec) => {
        const { waitForCluster } = await import('../core/readiness.js');
        // The offline emulator's edge proxy, as for the CLI; unset on GitHub's runners.
        kubeconfig = await adminKubeconfig(readySpec, deps, {
          proxyUrl: process.env.FRANKENETES_API_PROXY || undefined,
        });
        core.endGroup();
        core.startGroup('Wait until the cluster takes work');
        timer.start('waiting until the API answers, the node is Ready and pods are admitted');
        await waitForCluster(kubeconfig, {
          node: nodeName(readySpec.name),
          timeoutMs: settings.waitSeconds * 1000,
          progress: (m) => core.info(`  … ${m}`),
        });
      });
    } finally {
      timer.end();
      core.endGroup();
    }

    const dir = join(process.env.RUNNER_TEMP || '/tmp', 'frankenetes', spec.name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, 'kubeconfig');
    await writeFile(path, kubeconfig, { mode: 0o600 });
    await chmod(path, 0o600);
    const groups = await backend.list({ [TAG.cluster]: spec.name });
    const controlPlane = groups.find((g) => g.name === controlPlaneGroupName(spec.name));
    const url = apiServerUrl(spec, controlPlane);
    const cost = costOf(settings.backend, groups);

    core.setOutput('kubeconfig', path);
    core.setOutput('cluster-name', spec.name);
    core.setOutput('api-server-url', url);
    core.setOutput('cost', cost);
    core.exportVariable('KUBECONFIG', path);
    core.info(`✓ cluster ${spec.name} ready in ${seconds(Date.now() - started)}; KUBECONFIG=${path}`);

    await writeSummary(() =>
      core.summary
        .addHeading(`Kubernetes cluster ${spec.name}`, 3)
        .addTable([
          [
            { data: 'Cluster', header: true },
            { data: 'Kubernetes', header: true },
            { data: 'Backend', header: true },
            { data: 'API server', header: true },
            { data: 'Cost so far', header: true },
          ],
          [spec.name, `v${spec.kubernetesVersion}`, settings.backend, url, cost],
        ])
        .addHeading('Stages', 4)
        .addTable([
          [
            { data: 'Stage', header: true },
            { data: 'Time', header: true },
          ],
          ...timer.done.map((s) => [s.name, seconds(s.ms)]),
          ['total', seconds(Date.now() - started)],
        ])
        .addRaw(
          settings.keep
            ? `Kept after the job as a preview environment, for ${settings.ttlHours} h.\n`
            : 'Removed by the post step when the job ends.\n',
        ),
    );
  } catch (error) {
    failWith(error);
  }
}

/**
 * The post step: removes everything main made, unless it is kept (then records its TTL). Runs
 * after failed and cancelled jobs too, and finds nothing to do when run again.
 */
export async function runPost(): Promise<void> {
  const text = core.getState(STATE_KEY);
  if (!text) {
    core.info('nothing to clean up: the main step made no cluster');
    return;
  }
  try {
    const saved = savedState.parse(JSON.parse(text));
    const { backend, store } = await openTarget(saved);
    const deps: ClusterDeps = { backend, store, onSecrets: masker() };
    const groups = await backend.list({ [TAG.cluster]: saved.cluster });
    const cost = costOf(saved.backend, groups);
    core.setOutput('cost', cost);
    if (saved.keep && groups.length) {
      const expiresAt = new Date(Date.now() + saved.ttlHours * 3600_000).toISOString();
      await store.put(
        saved.cluster,
        KEEP_KEY,
        `${JSON.stringify({ keptBy: 'github-action', ttlHours: saved.ttlHours, expiresAt, run: runUrl() }, null, 2)}\n`,
      );
      core.info(`✓ cluster ${saved.cluster} kept until ${expiresAt} (cost so far ${cost})`);
      await writeSummary(() =>
        core.summary.addRaw(`Cluster ${saved.cluster} kept until ${expiresAt}; cost so far ${cost}.\n`),
      );
      return;
    }
    const removed = await destroyCluster(saved.cluster, deps);
    // Something main started just before it was killed may land after the first pass.
    const left = await backend.list({ [TAG.cluster]: saved.cluster });
    if (left.length) await destroyCluster(saved.cluster, deps);
    core.info(
      removed
        ? `✓ cluster ${saved.cluster} removed (cost ${cost})`
        : `nothing left of cluster ${saved.cluster}: already removed`,
    );
    await writeSummary(() =>
      core.summary.addRaw(`Cluster ${saved.cluster} removed; estimated cost ${cost}.\n`),
    );
  } catch (error) {
    failWith(error);
  }
}

/** The job summary is for people: a runner (or local tool) without one does not fail the step. */
async function writeSummary(build: () => typeof core.summary): Promise<void> {
  try {
    await build().write();
  } catch (error) {
    core.warning(`job summary not written: ${(error as Error).message}`);
  }
}

function runUrl(): string {
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}
