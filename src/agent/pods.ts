import type { ContainerGroup, ContainerProbe } from '@azure/arm-containerinstance';
import {
  CoreV1Api,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type CoreV1Event,
  type KubeConfig,
  type V1ConfigMap,
  type V1Pod,
  type V1PodStatus,
  type V1Secret,
} from '@kubernetes/client-node';
import type { ContainerGroupBackend } from '../core/backend.js';
import { TAG } from '../core/names.js';
import {
  podGroupName,
  podReferences,
  podStatusFromGroup,
  podToContainerGroup,
  type PodEnvironment,
} from '../core/pods.js';
import type { AgentConfig } from './config.js';
import { statusOf } from './kube.js';
import { ProbeManager, applyReadiness, runProbe } from './probes.js';

// Engine events drive most updates; the resync only catches what they missed (each pass inspects every group).
const RESYNC_MS = 30_000;
// Pod starts are CPU-bound on the engine: fewer at once finish the first pods sooner, same throughput.
const MAX_PARALLEL = 4;

const keyOf = (pod: V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const isTerminal = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * The virtual kubelet's pod loop (virtual-kubelet's PodLifecycleHandler, in one class): watches
 * the pods bound to this node and makes the backend's container groups and the pods' status agree.
 * Each pod is reconciled by one worker at a time; events, engine changes and a periodic resync
 * all just mark a pod dirty.
 */
export class PodController {
  private readonly core: CoreV1Api;
  private readonly pods = new Map<string, V1Pod>();
  /** Last status written per pod UID, so an unchanged status is not patched again. */
  private readonly written = new Map<string, string>();
  private readonly busy = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly queue: string[] = [];
  private active = 0;
  private stopped = false;
  private stops: (() => void)[] = [];
  private readonly podIPs = new Map<string, string | undefined>();
  /** The engine runs no probes: the agent does, from inside the cluster network. */
  private readonly probes = new ProbeManager({
    run: (key, container, probe) => this.probe(key, container, probe),
    onChange: (key) => this.schedule(key),
    onLivenessFailure: (key, container) => void this.restartContainer(key, container),
    onError: (key, container, error) => this.log(`probe ${key} ${container}: ${(error as Error).message}`),
  });

  constructor(
    private readonly kc: KubeConfig,
    private readonly backend: ContainerGroupBackend,
    private readonly config: AgentConfig,
    private readonly log: (message: string) => void,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  private get fieldSelector() {
    return `spec.nodeName=${this.config.node}`;
  }

  async start(): Promise<void> {
    const list = await this.core.listPodForAllNamespaces({ fieldSelector: this.fieldSelector });
    for (const pod of list.items) this.pods.set(keyOf(pod), pod);
    const groups = await this.removeOrphans();
    await this.reportNotStarted(groups);
    for (const key of this.pods.keys()) this.schedule(key);
    this.watch(list.metadata?.resourceVersion);
    this.stops.push(
      await this.backend.watchGroups({ [TAG.cluster]: this.config.cluster, [TAG.role]: 'pod' }, (group) => {
        for (const [key, pod] of this.pods) if (this.groupName(pod) === group) this.schedule(key);
      }),
    );
    const timer = setInterval(() => {
      for (const key of this.pods.keys()) this.schedule(key);
    }, RESYNC_MS);
    this.stops.push(() => clearInterval(timer));
  }

  stop(): void {
    this.stopped = true;
    this.probes.stop();
    for (const stop of this.stops) stop();
  }

  /** Removes groups of this node whose pod no longer exists (deleted while the agent was down); returns the others. */
  private async removeOrphans(): Promise<Set<string>> {
    const uids = new Set([...this.pods.values()].map((p) => p.metadata?.uid));
    const groups = await this.backend.list({
      [TAG.cluster]: this.config.cluster,
      [TAG.node]: this.config.node,
    });
    for (const group of groups) {
      if (group.name && !uids.has(group.tags?.[TAG.uid])) {
        this.log(`removing orphaned container group ${group.name}`);
        await this.backend.delete(group.name, { gracePeriodSeconds: 0 });
      }
    }
    return new Set(groups.filter((g) => g.name && uids.has(g.tags?.[TAG.uid])).map((g) => g.name ?? ''));
  }

  /**
   * Pods whose group is gone (a resumed cluster: pause removed every group) still carry the status
   * they had: they are reported not started, without their old address, before any group is made
   * again, so no pod shows Running or Ready before its containers are.
   */
  private async reportNotStarted(groups: Set<string>): Promise<void> {
    const stale = [...this.pods.values()].filter(
      (pod) => !isTerminal(pod) && pod.status?.startTime && !groups.has(this.groupName(pod)),
    );
    await Promise.all(
      stale.map((pod) =>
        this.writeStatus(pod, {
          ...podStatusFromGroup(pod, undefined, new Date()),
          // null clears them in a merge patch; the new group's address comes with its status.
          podIP: null,
          podIPs: null,
        } as unknown as V1PodStatus).catch((error) =>
          this.log(`status of ${keyOf(pod)} not reset: ${(error as Error).message}`),
        ),
      ),
    );
  }

  private watch(resourceVersion: string | undefined): void {
    if (this.stopped) return;
    const restart = () => {
      // Relist: events may have been missed while the watch was down.
      setTimeout(async () => {
        try {
          const list = await this.core.listPodForAllNamespaces({ fieldSelector: this.fieldSelector });
          const seen = new Set(list.items.map(keyOf));
          const gone = [...this.pods.keys()].filter((key) => !seen.has(key));
          for (const key of gone) this.pods.delete(key);
          for (const pod of list.items) this.pods.set(keyOf(pod), pod);
          for (const key of [...gone, ...seen]) this.schedule(key);
          this.watch(list.metadata?.resourceVersion);
        } catch (error) {
          this.log(`pod list failed: ${(error as Error).message}`);
          restart();
        }
      }, 1000);
    };
    new Watch(this.kc)
      .watch(
        '/api/v1/pods',
        { fieldSelector: this.fieldSelector, resourceVersion, allowWatchBookmarks: true },
        (phase, pod: V1Pod) => {
          if (phase === 'BOOKMARK' || phase === 'ERROR') return;
          const key = keyOf(pod);
          if (phase === 'DELETED') this.pods.delete(key);
          else this.pods.set(key, pod);
          this.schedule(key);
        },
        () => restart(),
      )
      .then((controller) => this.stops.push(() => controller.abort()))
      .catch(() => restart());
  }

  private schedule(key: string): void {
    if (this.stopped) return;
    if (this.busy.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (!this.queue.includes(key)) this.queue.push(key);
    this.drain();
  }

  private drain(): void {
    while (this.active < MAX_PARALLEL && this.queue.length) {
      const key = this.queue.shift() as string;
      this.busy.add(key);
      this.active++;
      this.reconcile(key)
        .catch((error) => this.log(`reconcile ${key}: ${(error as Error).message}`))
        .finally(() => {
          this.active--;
          this.busy.delete(key);
          if (this.dirty.delete(key)) this.schedule(key);
          this.drain();
        });
    }
  }

  private groupName(pod: V1Pod): string {
    return podGroupName(this.config.cluster, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
  }

  private async reconcile(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata?.deletionTimestamp) this.probes.forget(key);
    if (!pod) {
      const [namespace = '', name = ''] = key.split('/');
      await this.backend.delete(podGroupName(this.config.cluster, namespace, name), {
        gracePeriodSeconds: 0,
      });
      return;
    }
    const name = this.groupName(pod);
    if (pod.metadata?.deletionTimestamp) return this.terminate(pod, name);

    let group = await this.backend.get(name);
    if (group && group.tags?.[TAG.uid] !== pod.metadata?.uid) {
      // A previous pod of the same name: its group must not be mistaken for this pod's.
      await this.backend.delete(name, { gracePeriodSeconds: 0 });
      group = undefined;
    }
    if (!group && !isTerminal(pod)) {
      group = await this.create(pod);
      if (!group) return;
    }
    if (group) {
      this.podIPs.set(key, group.ipAddress?.ip || undefined);
      this.probes.sync(key, group);
    } else {
      this.probes.forget(key);
      this.podIPs.delete(key);
      // A finished pod whose group is gone (pause removes every group): its final status stands.
      if (isTerminal(pod)) return;
    }
    const now = new Date();
    const status = podStatusFromGroup(pod, group, now);
    await this.writeStatus(
      pod,
      applyReadiness(status, (c) => this.probes.readiness(key, c), now, pod.status),
    );
  }

  private async probe(key: string, container: string, probe: ContainerProbe): Promise<boolean> {
    const pod = this.pods.get(key);
    if (!pod) throw new Error('pod gone');
    const group = this.groupName(pod);
    return runProbe(probe, {
      podIP: this.podIPs.get(key),
      timeoutMs: 1000,
      userAgent: `kube-probe/${this.config.kubernetesVersion.split('.').slice(0, 2).join('.')}`,
      exec: async (command) => {
        const session = await this.backend.exec(group, container, { command, stdin: false, tty: false });
        session.stdout.resume();
        session.stderr?.resume();
        return session.exitCode();
      },
    });
  }

  /** A failed liveness probe: the container is restarted, as the kubelet does. */
  private async restartContainer(key: string, container: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod) return;
    await this.event(pod, 'Warning', 'Unhealthy', 'Liveness probe failed', container);
    await this.event(
      pod,
      'Normal',
      'Killing',
      `Container ${container} failed liveness probe, will be restarted`,
      container,
    );
    await this.backend
      .restartContainer(this.groupName(pod), container, {
        gracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds ?? 30,
      })
      .catch((error) => this.log(`restart ${key} ${container}: ${(error as Error).message}`));
    this.schedule(key);
  }

  private async create(pod: V1Pod): Promise<ContainerGroup | undefined> {
    const started = performance.now();
    const env = await this.environment(pod);
    const fetched = performance.now();
    const translation =
      typeof env === 'string'
        ? { ok: false as const, reason: 'CreateContainerConfigError', message: env }
        : podToContainerGroup(pod, env);
    if (!translation.ok) {
      await this.event(
        pod,
        'Warning',
        translation.reason === 'UnsupportedPodSpec' ? 'FailedCreate' : translation.reason,
        translation.message,
      );
      await this.writeStatus(pod, this.failedStatus(pod, translation.reason, translation.message));
      return undefined;
    }
    try {
      const group = await this.backend.createOrUpdate(translation.group);
      const ms = (from: number, to = performance.now()) => `${Math.round(to - from)} ms`;
      this.log(`started ${keyOf(pod)}: API ${ms(started, fetched)}, engine ${ms(fetched)}`);
      // Recorded in the background, in order: the pod's status need not wait for its events.
      void (async () => {
        for (const c of translation.group.containers) {
          const image = `Container image "${c.image}" already present on machine`;
          await this.event(pod, 'Normal', 'Pulled', image, c.name);
          await this.event(pod, 'Normal', 'Created', `Created container ${c.name}`, c.name);
          await this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
        }
      })();
      return group;
    } catch (error) {
      const message = (error as Error).message;
      await this.event(pod, 'Warning', 'Failed', message);
      await this.writeStatus(pod, this.failedStatus(pod, 'ContainerCreating', message, false));
      return undefined;
    }
  }

  /** Status for a pod that cannot run: Failed for what will never work, Pending (with the reason) otherwise. */
  private failedStatus(
    pod: V1Pod,
    reason: string,
    message: string,
    permanent = reason === 'UnsupportedPodSpec',
  ): V1PodStatus {
    const base = podStatusFromGroup(pod, undefined, new Date());
    const waiting = { waiting: { reason, message } };
    return {
      ...base,
      phase: permanent ? 'Failed' : 'Pending',
      reason: permanent ? reason : undefined,
      message,
      containerStatuses: base.containerStatuses?.map((s) => ({ ...s, state: waiting })),
    };
  }

  /** The objects a pod refers to, fetched with the node's (NodeRestriction-limited) rights; or what is missing. */
  private async environment(pod: V1Pod): Promise<PodEnvironment | string> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const refs = podReferences(pod);
    const configMaps: Record<string, V1ConfigMap> = {};
    const secrets: Record<string, V1Secret> = {};
    const fetchOptional = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    };
    for (const name of refs.configMaps) {
      const cm = await fetchOptional(() => this.core.readNamespacedConfigMap({ name, namespace }));
      if (cm) configMaps[name] = cm;
    }
    for (const name of refs.secrets) {
      const secret = await fetchOptional(() => this.core.readNamespacedSecret({ name, namespace }));
      if (secret) secrets[name] = secret;
    }
    let serviceAccountToken: string | undefined;
    if (refs.serviceAccountToken) {
      const account = pod.spec?.serviceAccountName ?? 'default';
      const expirationSeconds = projectedTokenExpiry(pod);
      try {
        const token = await this.core.createNamespacedServiceAccountToken({
          name: account,
          namespace,
          body: {
            spec: {
              audiences: [],
              expirationSeconds,
              boundObjectRef: {
                kind: 'Pod',
                apiVersion: 'v1',
                name: pod.metadata?.name,
                uid: pod.metadata?.uid,
              },
            },
          },
        });
        serviceAccountToken = token.status?.token;
      } catch (error) {
        return `pod ${namespace}/${pod.metadata?.name}: cannot get a token for service account "${account}" (${(error as Error).message})`;
      }
    }
    return {
      cluster: this.config.cluster,
      node: this.config.node,
      location: this.config.location,
      apiServerHost: this.config.apiServerHost,
      apiServerPort: this.config.apiServerPort,
      configMaps,
      secrets,
      serviceAccountToken,
      caCert: this.config.caCert,
      defaults: this.config.defaults,
    };
  }

  private async terminate(pod: V1Pod, group: string): Promise<void> {
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (await this.backend.get(group)) {
      await this.event(
        pod,
        'Normal',
        'Killing',
        `Stopping container group ${group} (grace period ${grace} s)`,
      );
      await this.backend.delete(group, { gracePeriodSeconds: grace });
    }
    try {
      // Grace 0 with a UID precondition: finishes this pod's deletion, never a newer pod of the same name.
      await this.core.deleteNamespacedPod({
        name: pod.metadata?.name ?? '',
        namespace: pod.metadata?.namespace ?? '',
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } },
      });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
    }
    if (pod.metadata?.uid) this.written.delete(pod.metadata.uid);
  }

  private async writeStatus(pod: V1Pod, status: V1PodStatus): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const text = JSON.stringify(status);
    if (this.written.get(uid) === text) return;
    await this.core.patchNamespacedPodStatus(
      { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    this.written.set(uid, text);
  }

  private async event(
    pod: V1Pod,
    type: string,
    reason: string,
    message: string,
    container?: string,
  ): Promise<void> {
    const now = new Date();
    const namespace = pod.metadata?.namespace ?? 'default';
    const body: CoreV1Event = {
      metadata: { generateName: `${pod.metadata?.name}.`, namespace },
      involvedObject: {
        kind: 'Pod',
        apiVersion: 'v1',
        namespace,
        name: pod.metadata?.name,
        uid: pod.metadata?.uid,
        ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
      },
      type,
      reason,
      message,
      source: { component: 'kubelet', host: this.config.node },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await this.core.createNamespacedEvent({ namespace, body }).catch((error) => {
      this.log(
        `event ${reason} for ${namespace}/${pod.metadata?.name} not recorded: ${(error as Error).message}`,
      );
    });
  }
}

/** The projected token's requested lifetime (the API server extends the kubelet default of 3607 s). */
function projectedTokenExpiry(pod: V1Pod): number {
  for (const volume of pod.spec?.volumes ?? []) {
    for (const source of volume.projected?.sources ?? []) {
      if (source.serviceAccountToken?.expirationSeconds) return source.serviceAccountToken.expirationSeconds;
    }
  }
  return 3607;
}
