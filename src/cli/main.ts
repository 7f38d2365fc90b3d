#!/usr/bin/env node
import '../shared/cjs-globals.js';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ContainerGroup } from '@azure/arm-containerinstance';
import { DockerBackend } from '../core/backends/docker.js';
import {
  adminKubeconfig,
  destroyCluster,
  requireSpec,
  upCluster,
  type ClusterDeps,
} from '../core/cluster.js';
import { TAG, nodeName } from '../core/names.js';
import { formatBytes, pauseCluster, resumeCluster } from '../core/pause.js';
import type { PlannedGroup } from '../core/plan.js';
import { listSnapshots, readLifecycle, stampOf, type ClusterLifecycle } from '../core/snapshot.js';
import { LocalStateStore, readSpec, type StateStore } from '../core/state/index.js';

const USAGE = `Usage: frankenetes <command> [options]

Commands:
  up          create or converge a cluster and wait until its API is ready
  kubeconfig  print the admin kubeconfig (short-lived client certificate)
  status      show Running, Paused or Resuming, and each container group and container with its state
  pause       snapshot etcd into the state store, then remove every container group (nothing runs)
  resume      bring a paused cluster back from its snapshot, with its pods, and wait until they are Ready
  down        remove every container, volume and network of a cluster, and its state
  list        list clusters

Options:
  --name NAME                 cluster name (default: $FRANKENETES_CLUSTER or "dev")
  --kubernetes-version V      1.35, 1.36 or 1.37[.patch] (default 1.37.2)          [up]
  --port PORT                 host port for the API server on 127.0.0.1 (default: any free port) [up]
  --admin-credential-hours H  lifetime of admin certificates (default 24)         [up]
  --standby-pool N            sandboxes kept ready for fast pod starts (default 32, 0 = none) [up]
  --timeout SECONDS           how long up or resume waits for readiness (default 180) [up, resume]
  --keep-snapshots N          snapshots kept in the state store (default 3)    [pause]
  --snapshot STAMP            resume from this snapshot instead of the last pause's (see status) [resume]
  --json                      machine-readable output                    [status, list]
  --state-dir DIR             state store (default: $FRANKENETES_STATE_DIR, $XDG_STATE_HOME/frankenetes or ~/.local/state/frankenetes)
`;

class UsageError extends Error {}

const log = (message: string) => process.stderr.write(`${message}\n`);

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got "${value}"`);
  return n;
}

function summarize(group: ContainerGroup): string[] {
  const local = (group as PlannedGroup).local?.hostPorts ?? {};
  const ports = Object.entries(local)
    .map(([p, h]) => `127.0.0.1:${h}->${p}`)
    .join(', ');
  const lines = [
    `${group.name}  ${group.instanceView?.state ?? 'Unknown'}  ${group.ipAddress?.fqdn ?? ''}  ${ports}`,
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

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'kubernetes-version': { type: 'string' },
      port: { type: 'string' },
      'admin-credential-hours': { type: 'string' },
      timeout: { type: 'string' },
      'standby-pool': { type: 'string' },
      'keep-snapshots': { type: 'string' },
      snapshot: { type: 'string' },
      json: { type: 'boolean', default: false },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  // The agent runs from the same bundle, inside the control-plane group (hidden command).
  // Modules that load the Kubernetes client (about 0.2 s) are imported where they are used, so
  // `up` loads it only while the API server boots.
  if (command === 'agent') return (await import('../agent/run.js')).runAgent();
  // The restore step of a resumed control plane (an init container of the agent image).
  if (command === 'fetch-snapshot') return (await import('../agent/fetch-snapshot.js')).runFetchSnapshot();
  if (values.help || !command || command === 'help') {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const name = values.name ?? process.env.FRANKENETES_CLUSTER ?? 'dev';
  const store = new LocalStateStore(values['state-dir']);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const deps: ClusterDeps = {
    backend: new DockerBackend(),
    store,
    progress: (m) => log(`• ${m} (${elapsed()})`),
  };

  switch (command) {
    case 'up': {
      const input = {
        ...((await readSpec(store, name).catch(() => undefined)) ?? {}),
        name,
        ...(values['kubernetes-version'] ? { kubernetesVersion: values['kubernetes-version'] } : {}),
        ...(values.port !== undefined ? { apiServerPort: number('port', values.port) } : {}),
        ...(values['admin-credential-hours'] !== undefined
          ? { adminCredentialHours: number('admin-credential-hours', values['admin-credential-hours']) }
          : {}),
        ...(values['standby-pool'] !== undefined
          ? { standbyPool: number('standby-pool', values['standby-pool']) }
          : {}),
      };
      const timeoutMs = (number('timeout', values.timeout) ?? 180) * 1000;
      const kubeconfigPath = join(store.location, name, 'kubeconfig');
      const result = await upCluster(input, deps, async (spec) => {
        const { waitForCluster } = await import('../core/readiness.js');
        const kubeconfig = await adminKubeconfig(spec, deps);
        await store.put(spec.name, 'kubeconfig', kubeconfig);
        await waitForCluster(kubeconfig, {
          node: nodeName(spec.name),
          timeoutMs,
          progress: (m) => log(`  … ${m} (${elapsed()})`),
        });
      });
      log(`✓ cluster "${name}" (Kubernetes v${result.spec.kubernetesVersion}) ready in ${elapsed()}`);
      log(`  export KUBECONFIG=${kubeconfigPath}`);
      process.stdout.write(`${kubeconfigPath}\n`);
      return 0;
    }
    case 'kubeconfig': {
      const spec = await requireSpec(store, name);
      process.stdout.write(await adminKubeconfig(spec, deps));
      return 0;
    }
    case 'pause': {
      const keepSnapshots = number('keep-snapshots', values['keep-snapshots']);
      const result = await pauseCluster(name, deps, {
        keepSnapshots,
        readyPods: async (spec) => {
          const { readyPods } = await import('../core/readiness.js');
          return readyPods(await adminKubeconfig(spec, deps));
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
      const deadline = Date.now() + (number('timeout', values.timeout) ?? 180) * 1000;
      const result = await resumeCluster(name, deps, {
        snapshot: values.snapshot,
        waitReady: async (spec, _groups, snapshot) => {
          const { waitForCluster, waitForPods } = await import('../core/readiness.js');
          const kubeconfig = await adminKubeconfig(spec, deps);
          await store.put(spec.name, 'kubeconfig', kubeconfig);
          const progress = (m: string) => log(`  … ${m} (${elapsed()})`);
          // The restored node and pods still show the status saved with the snapshot.
          const freshSince = new Date(snapshot.takenAt);
          await waitForCluster(kubeconfig, {
            node: nodeName(spec.name),
            timeoutMs: deadline - Date.now(),
            progress,
            freshSince,
          });
          await waitForPods(kubeconfig, snapshot.readyPods, {
            timeoutMs: deadline - Date.now(),
            progress,
            freshSince,
          });
        },
      });
      const kubeconfigPath = join(store.location, name, 'kubeconfig');
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
      const [groups, lifecycle, snapshots] = await Promise.all([
        deps.backend.list({ [TAG.cluster]: spec.name }),
        readLifecycle(store, spec.name),
        listSnapshots(store, spec.name),
      ]);
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify({ cluster: spec.name, phase: lifecycle.phase, lifecycle, snapshots, spec, groups }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(
          `cluster ${spec.name}  Kubernetes v${spec.kubernetesVersion}  ${spec.location}  ${describePhase(lifecycle)}\n`,
        );
        if (snapshots.length)
          process.stdout.write(
            `snapshots: ${snapshots.map((r) => `${stampOf(r.key)} (${formatBytes(r.size)})`).join(', ')}\n`,
          );
        for (const g of groups) process.stdout.write(`${summarize(g).join('\n')}\n`);
        if (!groups.length)
          process.stdout.write(
            lifecycle.phase === 'Running'
              ? 'no container groups (run `frankenetes up`)\n'
              : 'no container groups\n',
          );
      }
      return 0;
    }
    case 'down': {
      await deps.backend.ping();
      if (!(await destroyCluster(name, { ...deps, progress: undefined }))) {
        throw new UsageError(`no cluster named "${name}"`);
      }
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
          `${JSON.stringify(rows.map((r) => ({ name: r.name, kubernetesVersion: r.spec?.kubernetesVersion, location: r.spec?.location, phase: r.phase })))}\n`,
        );
      } else {
        for (const r of rows)
          process.stdout.write(
            `${r.name}\tv${r.spec?.kubernetesVersion ?? '?'}\t${r.spec?.location ?? '?'}\t${r.phase}\n`,
          );
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (try \`frankenetes help\`)`);
  }
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
