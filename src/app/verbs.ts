// The cluster verbs the app runs, as one interface (tests inject a recording fake), and their real
// implementation: the same core calls as the CLI, on a backend and a state store it is handed.
import type { ContainerGroup } from '@azure/arm-containerinstance';
import type { ContainerGroupBackend } from '../core/backend.js';
import {
  adminKubeconfig,
  apiServerUrl,
  controlPlaneFailure,
  destroyCluster,
  requireSpec,
  upCluster,
  type ClusterDeps,
} from '../core/cluster.js';
import { controlPlaneGroupName, nodeName } from '../core/names.js';
import { pauseCluster, resumeCluster } from '../core/pause.js';
import { podGroupName } from '../core/pods.js';
import { readLifecycle, type ClusterPhase } from '../core/snapshot.js';
import { parseClusterSpec, type BackendKind, type ClusterSpec } from '../core/spec.js';
import { readSpec, type StateStore } from '../core/state/index.js';
import {
  clusterGroups,
  costOf,
  readCandidates,
  readPreviewRecord,
  writePreviewRecord,
  type PreviewRecord,
  type SweepCandidate,
} from '../core/sweeper.js';

/** What a PR asks for when it brings a cluster up. */
export interface UpRequest {
  name: string;
  kubernetesVersion: string;
  backend: BackendKind;
  azure?: {
    subscriptionId: string;
    resourceGroup: string;
    location: string;
    podResourceGroup?: string;
    identity?: string;
  };
  /** The sweeper's policy for it, kept in the state store beside the cluster. */
  record: PreviewRecord;
}

/** A cluster as the status comment and the deployment show it. Never a credential. */
export interface ClusterView {
  name: string;
  phase: ClusterPhase | 'Absent';
  kubernetesVersion?: string;
  apiServerUrl?: string;
  /** The preview's URL: a pod or Service labelled frankenetes.io/preview=true, else the API server's. */
  environmentUrl?: string;
  /** When it was made (ISO). */
  createdAt?: string;
  cost: { soFar: number; perDay: number; currency: string };
}

export interface ClusterVerbs {
  up(request: UpRequest): Promise<ClusterView>;
  pause(name: string): Promise<ClusterView>;
  resume(name: string): Promise<ClusterView>;
  /** False when there was nothing to remove. */
  down(name: string): Promise<boolean>;
  status(name: string): Promise<ClusterView>;
  /** The clusters the sweeper looks after, as they stand now. */
  candidates(now: Date): Promise<SweepCandidate[]>;
}

export const PREVIEW_LABEL = 'frankenetes.io/preview';

export interface CoreVerbOptions {
  store: StateStore;
  /** The backend a cluster runs on (from its spec, or the request before one exists). */
  backendFor(target: { backend: BackendKind; azure?: ClusterSpec['azure'] }): Promise<ContainerGroupBackend>;
  /** How long up and resume wait for readiness. */
  timeoutMs?: number;
  /** Proxy the app reaches API servers through (the emulator's edge offline). */
  apiProxy?: string;
  progress?: (message: string) => void;
  now?: () => Date;
}

/** The real verbs: core's upCluster, pauseCluster, resumeCluster and destroyCluster. */
export function coreVerbs(options: CoreVerbOptions): ClusterVerbs {
  const { store } = options;
  const now = () => options.now?.() ?? new Date();
  const lock = { owner: 'frankenetes app' };
  const depsFor = async (spec: Pick<ClusterSpec, 'backend' | 'azure'>): Promise<ClusterDeps> => ({
    backend: await options.backendFor(spec),
    store,
    progress: options.progress,
    lock,
  });
  const timeout = (spec: ClusterSpec) => options.timeoutMs ?? (spec.backend === 'aci' ? 600_000 : 180_000);
  const kubeconfigOf = (spec: ClusterSpec, deps: ClusterDeps) =>
    adminKubeconfig(spec, deps, { proxyUrl: options.apiProxy });

  async function view(name: string): Promise<ClusterView> {
    const spec = await readSpec(store, name);
    if (!spec) return { name, phase: 'Absent', cost: { soFar: 0, perDay: 0, currency: 'USD' } };
    const deps = await depsFor(spec);
    const [lifecycle, groups, record] = await Promise.all([
      readLifecycle(store, name),
      clusterGroups(deps.backend, name),
      readPreviewRecord(store, name),
    ]);
    const controlPlane = groups.find((g) => g.name === controlPlaneGroupName(name));
    let url: string | undefined;
    try {
      url = controlPlane && apiServerUrl(spec, controlPlane);
    } catch {
      url = undefined;
    }
    const running = lifecycle.phase === 'Running' && controlPlane !== undefined;
    return {
      name,
      phase: lifecycle.phase,
      kubernetesVersion: spec.kubernetesVersion,
      apiServerUrl: url,
      environmentUrl: running
        ? ((await previewUrl(spec, deps, groups).catch(() => undefined)) ?? url)
        : undefined,
      createdAt: record?.createdAt,
      cost: costOf(groups, record?.spentBefore ?? 0, now()),
    };
  }

  async function previewUrl(
    spec: ClusterSpec,
    deps: ClusterDeps,
    groups: ContainerGroup[],
  ): Promise<string | undefined> {
    const { CoreV1Api, KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromString(await kubeconfigOf(spec, deps));
    const api = kc.makeApiClient(CoreV1Api);
    const labelSelector = `${PREVIEW_LABEL}=true`;
    const pods = (await api.listPodForAllNamespaces({ labelSelector })).items;
    for (const service of (await api.listServiceForAllNamespaces({ labelSelector })).items) {
      const selector = service.spec?.selector;
      if (!selector || !Object.keys(selector).length) continue;
      const selected = await api.listNamespacedPod({
        namespace: service.metadata?.namespace ?? 'default',
        labelSelector: Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      });
      pods.push(...selected.items);
    }
    for (const pod of pods) {
      const group = groups.find(
        (g) =>
          g.name === podGroupName(spec.name, pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? ''),
      );
      const port = group?.ipAddress?.ports?.[0]?.port;
      if (group?.ipAddress?.fqdn) return `http://${group.ipAddress.fqdn}${port ? `:${port}` : ''}`;
      const local = Object.values(
        (group as { local?: { hostPorts?: Record<number, number> } })?.local?.hostPorts ?? {},
      );
      if (local[0]) return `http://127.0.0.1:${local[0]}`;
    }
    return undefined;
  }

  async function waitUp(spec: ClusterSpec, deps: ClusterDeps, freshSince?: Date, readyPods: string[] = []) {
    const { waitForCluster, waitForPods } = await import('../core/readiness.js');
    const deadline = Date.now() + timeout(spec);
    const kubeconfig = await kubeconfigOf(spec, deps);
    await waitForCluster(kubeconfig, {
      node: nodeName(spec.name),
      timeoutMs: deadline - Date.now(),
      fatal: () => controlPlaneFailure(spec, deps.backend),
      freshSince,
    });
    if (readyPods.length)
      await waitForPods(kubeconfig, readyPods, { timeoutMs: deadline - Date.now(), freshSince });
  }

  return {
    async up(request) {
      const stored = await readSpec(store, request.name).catch(() => undefined);
      const spec = parseClusterSpec({
        ...(stored ?? {}),
        name: request.name,
        backend: request.backend,
        kubernetesVersion: request.kubernetesVersion,
        ...(request.backend === 'aci' && request.azure
          ? {
              location: request.azure.location,
              azure: {
                subscriptionId: request.azure.subscriptionId,
                resourceGroup: request.azure.resourceGroup,
                ...(request.azure.podResourceGroup
                  ? { podResourceGroup: request.azure.podResourceGroup }
                  : {}),
                ...(request.azure.identity ? { identity: request.azure.identity } : {}),
              },
            }
          : {}),
      });
      const deps = await depsFor(spec);
      await upCluster(spec, deps, (ready) => waitUp(ready, deps));
      const previous = await readPreviewRecord(store, spec.name);
      await writePreviewRecord(store, spec.name, {
        ...request.record,
        createdAt: previous?.repository ? previous.createdAt : request.record.createdAt,
        spentBefore: previous?.spentBefore,
      });
      return view(spec.name);
    },
    async pause(name) {
      const spec = await requireSpec(store, name);
      const deps = await depsFor(spec);
      // What this run cost is gone from the backend once its groups are: keep it in the record.
      const before = await view(name);
      const result = await pauseCluster(name, deps, {
        readyPods: async (s) => (await import('../core/readiness.js')).readyPods(await kubeconfigOf(s, deps)),
      });
      const record = await readPreviewRecord(store, name);
      if (record?.repository && !result.alreadyPaused)
        await writePreviewRecord(store, name, { ...record, spentBefore: before.cost.soFar });
      return view(name);
    },
    async resume(name) {
      const spec = await requireSpec(store, name);
      const deps = await depsFor(spec);
      await resumeCluster(name, deps, {
        waitReady: (s, _groups, snapshot) => waitUp(s, deps, new Date(snapshot.takenAt), snapshot.readyPods),
      });
      return view(name);
    },
    async down(name) {
      const spec = await readSpec(store, name).catch(() => undefined);
      if (!spec) return false;
      return destroyCluster(name, await depsFor(spec));
    },
    status: view,
    candidates: (at) =>
      readCandidates(
        store,
        async (name) => (await depsFor((await readSpec(store, name)) ?? { backend: 'docker' })).backend,
        at,
      ),
  };
}
