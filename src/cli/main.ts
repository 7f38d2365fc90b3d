#!/usr/bin/env node
import '../shared/cjs-globals.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ContainerGroup } from '@azure/arm-containerinstance';
import {
  adminKubeconfig,
  controlPlaneFailure,
  destroyCluster,
  requireSpec,
  upCluster,
  type ClusterDeps,
} from '../core/cluster.js';
import {
  armEndpointFrom,
  openBackend,
  openStore,
  type BackendTarget,
  type HostSettings,
} from '../core/connect.js';
import {
  ACI_PRICES,
  billedSeconds,
  groupCost,
  groupResources,
  withPriceOverrides,
  type GroupCost,
} from '../core/cost.js';
import { TAG, nodeName } from '../core/names.js';
import { formatBytes, pauseCluster, resumeCluster } from '../core/pause.js';
import type { PlannedGroup } from '../core/plan.js';
import { listSnapshots, readLifecycle, stampOf, type ClusterLifecycle } from '../core/snapshot.js';
import { BACKENDS, type BackendKind, type ClusterSpec } from '../core/spec.js';
import { LocalStateStore, defaultStateDir, readSpec, type StateStore } from '../core/state/index.js';

const USAGE = `Usage: frankenetes <command> [options]

Commands:
  up          create or converge a cluster and wait until its API is ready
  kubeconfig  print the admin kubeconfig (short-lived client certificate)
  status      show Running, Paused or Resuming, each container group and container with its state, and cost so far
  pause       snapshot etcd into the state store, then remove every container group (nothing runs)
  resume      bring a paused cluster back from its snapshot, with its pods, and wait until they are Ready
  down        remove every container group (and, locally, volume and network) of a cluster, and its state
  list        list clusters
  sweep       pause clusters idle past their timeout, remove those past their TTL or cost cap (see README)

Options:
  --name NAME                 cluster name (default: $FRANKENETES_CLUSTER or "dev")
  --backend docker|aci        where the cluster runs (default: the stored spec's, else docker)  [up, down]
  --kubernetes-version V      1.35, 1.36 or 1.37[.patch] (default 1.37.2)          [up]
  --port PORT                 host port for the API server on 127.0.0.1 (default: any free port) [up, docker]
  --admin-credential-hours H  lifetime of admin certificates (default 24)         [up]
  --standby-pool N            sandboxes kept ready for fast pod starts (default 32, 0 = none) [up, docker]
  --timeout SECONDS           how long up or resume waits for readiness (default 180; 600 on aci) [up, resume]
  --keep-snapshots N          snapshots kept in the state store (default 3)    [pause]
  --snapshot STAMP            resume from this snapshot instead of the last pause's (see status) [resume]
  --json                      machine-readable output                    [status, list, sweep]
  --dry-run                   say what would be done, do nothing         [sweep]
  --state DIR|URL             state store: a directory, or a blob container URL
                              (default: $FRANKENETES_STATE, $FRANKENETES_STATE_DIR, $XDG_STATE_HOME/frankenetes or ~/.local/state/frankenetes)

Azure (backend aci; sign-in: GitHub OIDC, managed identity or DefaultAzureCredential, see README):
  --subscription ID           subscription id (default: $AZURE_SUBSCRIPTION_ID)   [up, down]
  --resource-group RG         resource group of the control plane (it must exist) [up, down]
  --pod-resource-group RG     resource group of pod groups (default: --resource-group) [up, down]
  --location REGION           Azure region, e.g. westeurope                        [up]
  --identity RESOURCE_ID      user-assigned managed identity for the control plane (default: system-assigned) [up]
  --agent-image IMAGE         agent image (default: ghcr.io/frankenetes/agent:<version> on aci)  [up]
  --arm-endpoint URL          ARM endpoint, e.g. the offline emulator's (default: $FRANKENETES_ARM_ENDPOINT, else Azure)
  --api-proxy URL             proxy the kubeconfig reaches the API server through (default: $FRANKENETES_API_PROXY)
`;

class UsageError extends Error {}

const log = (message: string) => process.stderr.write(`${message}\n`);

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got "${value}"`);
  return n;
}

const money = (amount: number, currency: string) =>
  `${currency === 'USD' ? '$' : `${currency} `}${amount < 0.01 && amount > 0 ? amount.toFixed(5) : amount.toFixed(4)}`;

function summarize(group: ContainerGroup, cost: GroupCost, currency: string): string[] {
  const local = (group as PlannedGroup).local?.hostPorts ?? {};
  const ports = Object.entries(local)
    .map(([p, h]) => `127.0.0.1:${h}->${p}`)
    .join(', ');
  const lines = [
    [
      group.name,
      group.instanceView?.state ?? group.provisioningState ?? 'Unknown',
      group.ipAddress?.fqdn ?? '',
      ports,
      `${money(cost.total, currency)} (${cost.vcpu} vCPU, ${cost.memoryInGB} GB, ${cost.seconds} s)`,
    ]
      .filter(Boolean)
      .join('  '),
  ];
  for (const c of [...(group.initContainers ?? []), ...group.containers]) {
    const s = c.instanceView?.currentState;
    const exit = s?.exitCode !== undefined ? ` exit=${s.exitCode}` : '';
    lines.push(
      `  ${c.name.padEnd(26)} ${(s?.state ?? 'Unknown').padEnd(11)} restarts=${c.instanceView?.restartCount ?? 0}${exit}`,
    );
  }
  return lines;
}

function describePhase(lifecycle: ClusterLifecycle): string {
  const snapshot = lifecycle.snapshot;
  switch (lifecycle.phase) {
    case 'Paused':
    case 'Pausing':
      return `${lifecycle.phase} since ${lifecycle.since}${snapshot ? ` (snapshot ${stampOf(snapshot.key)}, ${formatBytes(snapshot.size)})` : ''}`;
    case 'Resuming':
      return `Resuming since ${lifecycle.since}${lifecycle.restore ? ` (from ${stampOf(lifecycle.restore.key)})` : ''}`;
    default:
      return 'Running';
  }
}

async function phaseOf(store: StateStore, name: string): Promise<string> {
  return (await readLifecycle(store, name).catch(() => undefined))?.phase ?? '?';
}

function backendOf(value: string | undefined): BackendKind | undefined {
  if (value === undefined) return undefined;
  if (!(BACKENDS as readonly string[]).includes(value))
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${value}"`);
  return value as BackendKind;
}

/** Where the kubeconfig file goes: beside the state in a directory store, else in the local state folder. */
function kubeconfigFile(store: StateStore, name: string): string {
  return store instanceof LocalStateStore
    ? join(store.location, name, 'kubeconfig')
    : join(defaultStateDir(), 'kubeconfigs', `${name}.yaml`);
}

async function main(argv: string[]): Promise<number> {
  // The offline ACI emulator has its own options (hidden command, see src/emulator/cli.ts).
  if (argv[0] === 'emulator') {
    const { EmulatorUsageError, runEmulatorCli } = await import('../emulator/cli.js');
    return runEmulatorCli(argv.slice(1)).catch((e: unknown) => {
      throw e instanceof EmulatorUsageError ? new UsageError(e.message) : e;
    });
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      backend: { type: 'string' },
      'kubernetes-version': { type: 'string' },
      port: { type: 'string' },
      'admin-credential-hours': { type: 'string' },
      timeout: { type: 'string' },
      'standby-pool': { type: 'string' },
      'keep-snapshots': { type: 'string' },
      snapshot: { type: 'string' },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      state: { type: 'string' },
      'state-dir': { type: 'string' },
      subscription: { type: 'string' },
      'resource-group': { type: 'string' },
      'pod-resource-group': { type: 'string' },
      location: { type: 'string' },
      identity: { type: 'string' },
      'agent-image': { type: 'string' },
      'arm-endpoint': { type: 'string' },
      'api-proxy': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  // The agent runs from the same bundle, inside the control-plane group (hidden command). Its
  // modules load only once the API server listens, so they do not take CPU from its start.
  if (command === 'agent') {
    await (await import('../agent/wait-for-api.js')).waitForApiServerPort();
    return (await import('../agent/run.js')).runAgent();
  }
  // The restore step of a resumed control plane (an init container of the agent image).
  if (command === 'fetch-snapshot') return (await import('../agent/fetch-snapshot.js')).runFetchSnapshot();
  // Pause on ACI: the snapshot streamed out through exec in the agent container.
  if (command === 'etcd-snapshot')
    return (await import('../agent/etcd-snapshot.js')).runEtcdSnapshot(rest[0]);
  if (values.help || !command || command === 'help') {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const name = values.name ?? process.env.FRANKENETES_CLUSTER ?? 'dev';
  const host: HostSettings = {
    armEndpoint: values['arm-endpoint'] ?? armEndpointFrom(),
  };
  const apiProxy = values['api-proxy'] ?? (process.env.FRANKENETES_API_PROXY || undefined);
  const store = await openStore(
    values.state ?? values['state-dir'] ?? (process.env.FRANKENETES_STATE || undefined),
    host,
  );
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const progress = (m: string) => log(`• ${m} (${elapsed()})`);
  const flagBackend = backendOf(values.backend);
  const flagAzure: Partial<NonNullable<ClusterSpec['azure']>> = {
    ...(values.subscription ? { subscriptionId: values.subscription } : {}),
    ...(values['resource-group'] ? { resourceGroup: values['resource-group'] } : {}),
    ...(values['pod-resource-group'] ? { podResourceGroup: values['pod-resource-group'] } : {}),
    ...(values.identity ? { identity: values.identity } : {}),
  };
  /** The Azure target: the stored spec's, the flags over it, the environment's subscription last. */
  const azureFor = (stored: ClusterSpec | undefined) => {
    const azure = { ...stored?.azure, ...flagAzure };
    if (!azure.subscriptionId && process.env.AZURE_SUBSCRIPTION_ID)
      azure.subscriptionId = process.env.AZURE_SUBSCRIPTION_ID;
    return azure;
  };
  /** The backend of a cluster that has a spec; flags name it for one that does not (yet). */
  const depsFor = async (target: BackendTarget): Promise<ClusterDeps> => ({
    backend: await openBackend(target, host),
    store,
    progress,
  });
  const flagTarget = (stored: ClusterSpec | undefined): BackendTarget => ({
    backend: flagBackend ?? stored?.backend ?? 'docker',
    azure: azureFor(stored) as ClusterSpec['azure'],
  });

  switch (command) {
    case 'up': {
      const stored = await readSpec(store, name).catch(() => undefined);
      const backend = flagBackend ?? stored?.backend ?? 'docker';
      const switched = stored && backend !== stored.backend;
      if (switched)
        throw new UsageError(
          `cluster "${name}" runs on the ${stored.backend} backend; remove it first (\`frankenetes down --name ${name}\`)`,
        );
      // Azure settings belong to aci clusters; on docker, given ones are refused by the spec.
      const azure = backend === 'aci' ? azureFor(stored) : flagAzure;
      const input = {
        ...(stored ?? {}),
        name,
        backend,
        ...(values.location ? { location: values.location } : {}),
        ...(Object.keys(azure).length ? { azure } : {}),
        ...(values['agent-image'] ? { agentImage: values['agent-image'] } : {}),
        ...(values['kubernetes-version'] ? { kubernetesVersion: values['kubernetes-version'] } : {}),
        ...(values.port !== undefined ? { apiServerPort: number('port', values.port) } : {}),
        ...(values['admin-credential-hours'] !== undefined
          ? { adminCredentialHours: number('admin-credential-hours', values['admin-credential-hours']) }
          : {}),
        ...(values['standby-pool'] !== undefined
          ? { standbyPool: number('standby-pool', values['standby-pool']) }
          : {}),
      };
      const timeoutMs = (number('timeout', values.timeout) ?? (backend === 'aci' ? 600 : 180)) * 1000;
      const kubeconfigPath = kubeconfigFile(store, name);
      const { parseClusterSpec } = await import('../core/spec.js');
      const spec = parseClusterSpec(input);
      const deps = await depsFor(spec);
      const result = await upCluster(spec, deps, async (ready) => {
        const { waitForCluster } = await import('../core/readiness.js');
        const kubeconfig = await adminKubeconfig(ready, deps, { proxyUrl: apiProxy });
        await store.put(ready.name, 'kubeconfig', kubeconfig);
        await writeKubeconfig(store, kubeconfigPath, kubeconfig);
        await waitForCluster(kubeconfig, {
          node: nodeName(ready.name),
          timeoutMs,
          progress: (m) => log(`  … ${m} (${elapsed()})`),
          fatal: () => controlPlaneFailure(ready, deps.backend),
        });
      });
      log(
        `✓ cluster "${name}" (Kubernetes v${result.spec.kubernetesVersion}, ${result.spec.backend}) ready in ${elapsed()}`,
      );
      log(`  export KUBECONFIG=${kubeconfigPath}`);
      process.stdout.write(`${kubeconfigPath}\n`);
      return 0;
    }
    case 'kubeconfig': {
      const spec = await requireSpec(store, name);
      process.stdout.write(await adminKubeconfig(spec, await depsFor(spec), { proxyUrl: apiProxy }));
      return 0;
    }
    case 'pause': {
      const keepSnapshots = number('keep-snapshots', values['keep-snapshots']);
      const deps = await depsFor(await requireSpec(store, name));
      const result = await pauseCluster(name, deps, {
        keepSnapshots,
        readyPods: async (spec) => {
          const { readyPods } = await import('../core/readiness.js');
          return readyPods(await adminKubeconfig(spec, deps, { proxyUrl: apiProxy }));
        },
      });
      const { snapshot } = result;
      log(
        result.alreadyPaused
          ? `✓ cluster "${name}" was paused already (snapshot ${stampOf(snapshot.key)})`
          : `✓ cluster "${name}" paused in ${elapsed()}: snapshot ${stampOf(snapshot.key)} (${formatBytes(snapshot.size)}, ${snapshot.readyPods.length} Ready pods); nothing runs`,
      );
      return 0;
    }
    case 'resume': {
      const stored = await requireSpec(store, name);
      const deps = await depsFor(stored);
      const timeoutS = number('timeout', values.timeout) ?? (stored.backend === 'aci' ? 600 : 180);
      const deadline = Date.now() + timeoutS * 1000;
      const kubeconfigPath = kubeconfigFile(store, name);
      const result = await resumeCluster(name, deps, {
        snapshot: values.snapshot,
        waitReady: async (spec, _groups, snapshot) => {
          const { waitForCluster, waitForPods } = await import('../core/readiness.js');
          const kubeconfig = await adminKubeconfig(spec, deps, { proxyUrl: apiProxy });
          await store.put(spec.name, 'kubeconfig', kubeconfig);
          await writeKubeconfig(store, kubeconfigPath, kubeconfig);
          const progress = (m: string) => log(`  … ${m} (${elapsed()})`);
          // The restored node and pods still show the status saved with the snapshot.
          const freshSince = new Date(snapshot.takenAt);
          await waitForCluster(kubeconfig, {
            node: nodeName(spec.name),
            timeoutMs: deadline - Date.now(),
            progress,
            fatal: () => controlPlaneFailure(spec, deps.backend),
            freshSince,
          });
          await waitForPods(kubeconfig, snapshot.readyPods, {
            timeoutMs: deadline - Date.now(),
            progress,
            freshSince,
          });
        },
      });
      log(
        result.alreadyRunning
          ? `✓ cluster "${name}" is running already`
          : `✓ cluster "${name}" resumed from ${stampOf(result.snapshot.key)} in ${elapsed()} (${result.snapshot.readyPods.length} pods Ready again)`,
      );
      log(`  export KUBECONFIG=${kubeconfigPath}`);
      process.stdout.write(`${kubeconfigPath}\n`);
      return 0;
    }
    case 'status': {
      const spec = await requireSpec(store, name);
      const deps = await depsFor(spec);
      const [groups, lifecycle, snapshots] = await Promise.all([
        deps.backend.list({ [TAG.cluster]: spec.name }),
        readLifecycle(store, spec.name),
        listSnapshots(store, spec.name),
      ]);
      const prices = withPriceOverrides(process.env.FRANKENETES_ACI_PRICES, ACI_PRICES);
      const now = new Date();
      // Local groups are priced as ACI would bill them, at the default region's rates.
      const costs = groups.map((g) => groupCost(groupResources(g), billedSeconds(g, now), prices));
      const total = costs.reduce((sum, c) => sum + c.total, 0);
      if (values.json) {
        const cost = {
          currency: prices.currency,
          total,
          groups: groups.map((g, i) => ({ name: g.name, ...costs[i] })),
        };
        process.stdout.write(
          `${JSON.stringify({ cluster: spec.name, phase: lifecycle.phase, lifecycle, snapshots, spec, groups, cost }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(
          `cluster ${spec.name}  Kubernetes v${spec.kubernetesVersion}  ${spec.backend}  ${spec.location}  ${describePhase(lifecycle)}\n`,
        );
        if (snapshots.length)
          process.stdout.write(
            `snapshots: ${snapshots.map((r) => `${stampOf(r.key)} (${formatBytes(r.size)})`).join(', ')}\n`,
          );
        groups.forEach((g, i) =>
          process.stdout.write(`${summarize(g, costs[i] as GroupCost, prices.currency).join('\n')}\n`),
        );
        if (!groups.length)
          process.stdout.write(
            lifecycle.phase === 'Running'
              ? 'no container groups (run `frankenetes up`)\n'
              : 'no container groups\n',
          );
        const basis =
          spec.backend === 'aci' ? 'ACI pay-as-you-go rates' : 'what ACI would bill, default rates';
        process.stdout.write(`cost so far: ${money(total, prices.currency)} (${basis}; see README)\n`);
      }
      return 0;
    }
    case 'down': {
      const stored = await readSpec(store, name).catch(() => undefined);
      const deps = await depsFor(flagBackend || !stored ? flagTarget(stored) : stored);
      await deps.backend.ping();
      if (!(await destroyCluster(name, { ...deps, progress: undefined }))) {
        throw new UsageError(`no cluster named "${name}"`);
      }
      if (!(store instanceof LocalStateStore)) await rmKubeconfig(kubeconfigFile(store, name));
      log(`✓ cluster "${name}" removed`);
      return 0;
    }
    case 'list': {
      const names = await store.clusters();
      const rows = await Promise.all(
        names.map(async (n) => ({
          name: n,
          spec: await readSpec(store, n).catch(() => undefined),
          phase: await phaseOf(store, n),
        })),
      );
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify(rows.map((r) => ({ name: r.name, backend: r.spec?.backend, kubernetesVersion: r.spec?.kubernetesVersion, location: r.spec?.location, phase: r.phase })))}\n`,
        );
      } else {
        for (const r of rows)
          process.stdout.write(
            `${r.name}\t${r.spec?.backend ?? '?'}\tv${r.spec?.kubernetesVersion ?? '?'}\t${r.spec?.location ?? '?'}\t${r.phase}\n`,
          );
      }
      return 0;
    }
    case 'sweep': {
      // The same sweeper as the GitHub App's timer, over clusters that carry a record of their
      // policy (made by the app, or kept by the Action); it cannot comment on pull requests.
      const { sweep, sweepDecision } = await import('../core/sweeper.js');
      const { coreVerbs } = await import('../app/verbs.js');
      const verbs = coreVerbs({
        store,
        backendFor: (target) => openBackend(target, host),
        apiProxy,
        progress,
      });
      const now = new Date();
      const candidates = await verbs.candidates(now);
      const outcomes = values['dry-run']
        ? candidates.flatMap((c) => {
            const decision = sweepDecision(c, now);
            return decision.action === 'none'
              ? []
              : [{ cluster: c.name, action: decision.action, reason: decision.reason, error: undefined }];
          })
        : await sweep(candidates, verbs, now);
      if (values.json)
        process.stdout.write(
          `${JSON.stringify(outcomes.map(({ cluster, action, reason, error }) => ({ cluster, action, reason, error })))}\n`,
        );
      else {
        for (const o of outcomes)
          process.stdout.write(
            `${o.cluster}\t${values['dry-run'] ? `would ${o.action}` : o.error ? `${o.action} failed: ${o.error}` : o.action === 'pause' ? 'paused' : 'removed'}\t${o.reason}\n`,
          );
        if (!outcomes.length) log(`nothing to do (${candidates.length} clusters looked at)`);
      }
      return outcomes.some((o) => o.error) ? 1 : 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (try \`frankenetes help\`)`);
  }
}

/** A directory store holds the kubeconfig already; for a blob store it is written here, 0600. */
async function writeKubeconfig(store: StateStore, path: string, kubeconfig: string): Promise<void> {
  if (store instanceof LocalStateStore) return;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, kubeconfig, { mode: 0o600 });
}

async function rmKubeconfig(path: string): Promise<void> {
  const { rm } = await import('node:fs/promises');
  await rm(path, { force: true });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`frankenetes: error: ${message.split('\n')[0]}\n`);
    process.exit(
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1,
    );
  },
);
