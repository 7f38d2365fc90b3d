import type { ContainerGroup, ContainerProbe } from '@azure/arm-containerinstance';
import type {
  CoreV1Event,
  V1ConfigMap,
  V1LifecycleHandler,
  V1Pod,
  V1PodList,
  V1PodStatus,
  V1Secret,
  AuthenticationV1TokenRequest,
} from '@kubernetes/client-node';
import type { Readable } from 'node:stream';
import { BackendError, type ContainerGroupBackend } from '../core/backend.js';
import { TAG } from '../core/names.js';
import {
  parseQuantity,
  podGroupName,
  podReferences,
  podStatusFromGroup,
  podToContainerGroup,
  terminationMessage,
  terminationMessageNeedsLogs,
  TERMINATION_LOG_LINES,
  type NodeObservations,
  type PodEnvironment,
  type Translation,
} from '../core/pods.js';
import type { AgentConfig } from './config.js';
import { MERGE_PATCH, seg, statusOf, type KubeHttp } from './kube.js';
import { PostStartHooks, runHook } from './lifecycle.js';
import { ProbeManager, applyReadiness, runProbe } from './probes.js';
import { Slots } from './slots.js';
import { PodStartTimings } from './start-timings.js';

// Engine events drive most updates; the resync only catches what they missed (each pass inspects every group).
const RESYNC_MS = 30_000;
// Group creations are CPU-bound on the engine: fewer at once finish the first pods sooner, same
// throughput. Everything else a reconcile does waits on the API server or is cheap, and runs beside
// them, so a pod's token request and status write never hold back another pod's creation.
export const AGENT_MAX_PARALLEL = 4;
const MAX_RECONCILES = 16;

const keyOf = (pod: V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const isTerminal = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const containersOf = (pod: V1Pod) => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];

/**
 * Retries of pods that cannot start yet, as the kubelet's pod workers back off: a missing ConfigMap,
 * Secret or key is looked up again after 1 s, doubling to 10 s (the kubelet's 10 s); an image pull
 * after 10 s, doubling to 5 min (the kubelet's image back-off).
 */
const RETRY = { config: { firstMs: 1000, maxMs: 10_000 }, image: { firstMs: 10_000, maxMs: 300_000 } };
/** What a hook's or a log's output may add to an event or a status. */
const MAX_OUTPUT = 4096;

/** Why a pod has no group yet: a failed translation, or what the backend said. */
type StartFailure = Extract<Translation, { ok: false }> & { image?: string };

/** A pod's own API path. */
const podPath = (pod: V1Pod) =>
  `/api/v1/namespaces/${seg(pod.metadata?.namespace)}/pods/${seg(pod.metadata?.name)}`;

/**
 * The virtual kubelet's pod loop (virtual-kubelet's PodLifecycleHandler, in one class): watches
 * the pods bound to this node and makes the backend's container groups and the pods' status agree.
 * Each pod is reconciled by one worker at a time; events, engine changes and a periodic resync
 * all just mark a pod dirty.
 */
export class PodController {
  private readonly pods = new Map<string, V1Pod>();
  /** Last status written per pod UID, so an unchanged status is not patched again. */
  private readonly written = new Map<string, string>();
  private readonly busy = new Set<string>();
  private readonly creations = new Slots(AGENT_MAX_PARALLEL);
  /**
   * The resourceVersion our last status write produced, per pod UID: the watch event that echoes it
   * brings nothing new (everything before it came as its own event), so it schedules no reconcile.
   */
  private readonly ownVersions = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly queue: string[] = [];
  private active = 0;
  private stopped = false;
  private stops: (() => void)[] = [];
  private readonly podIPs = new Map<string, string | undefined>();
  /**
   * Pods that could not start: how many attempts failed, and the timer of the next one. While it
   * runs, other reasons to reconcile (their own status updates, the resync) do not try again.
   */
  private readonly retries = new Map<string, { attempts: number; timer?: NodeJS.Timeout }>();
  /** The last failure reported per pod UID: an unchanged one gets no new event. */
  private readonly reported = new Map<string, string>();
  /** Termination messages read back, per pod and container run (they never change once read). */
  private readonly messages = new Map<string, Map<string, string>>();
  private readonly postStart = new PostStartHooks({
    since: Date.now(),
    run: (key, container, handler) => this.hook(key, container, handler),
    onDone: (key, container, failure) => {
      if (failure) void this.failedPostStart(key, container, failure);
      this.schedule(key);
    },
  });
  private readonly timings = new PodStartTimings((line) => this.log(line));
  /** The engine runs no probes: the agent does, from inside the cluster network. */
  private readonly probes = new ProbeManager({
    run: (key, container, probe) => this.probe(key, container, probe),
    onChange: (key) => this.schedule(key),
    onLivenessFailure: (key, container) => void this.restartContainer(key, container),
    onError: (key, container, error) => this.log(`probe ${key} ${container}: ${(error as Error).message}`),
  });

  constructor(
    private readonly api: KubeHttp,
    private readonly backend: ContainerGroupBackend,
    private readonly config: AgentConfig,
    private readonly log: (message: string) => void,
  ) {}

  /** The pods bound to this node, from `resourceVersion` on when watching. */
  private podsPath(watchFrom?: string): string {
    const query = new URLSearchParams({ fieldSelector: `spec.nodeName=${this.config.node}` });
    if (watchFrom !== undefined) {
      query.set('resourceVersion', watchFrom);
      query.set('allowWatchBookmarks', 'true');
    }
    return `/api/v1/pods?${query}`;
  }

  private listPods(): Promise<V1PodList> {
    return this.api.call<V1PodList>('GET', this.podsPath());
  }

  async start(): Promise<void> {
    const list = await this.listPods();
    for (const pod of list.items) this.see(pod);
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
    for (const retry of this.retries.values()) clearTimeout(retry.timer);
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
          const list = await this.listPods();
          const seen = new Set(list.items.map(keyOf));
          const gone = [...this.pods.keys()].filter((key) => !seen.has(key));
          for (const key of gone) this.pods.delete(key);
          for (const pod of list.items) this.see(pod);
          for (const key of [...gone, ...seen]) this.schedule(key);
          this.watch(list.metadata?.resourceVersion);
        } catch (error) {
          this.log(`pod list failed: ${(error as Error).message}`);
          restart();
        }
      }, 1000);
    };
    this.api
      .watch<V1Pod>(
        this.podsPath(resourceVersion ?? ''),
        (phase, pod) => {
          if (phase === 'BOOKMARK' || phase === 'ERROR') return;
          const key = keyOf(pod);
          if (phase === 'DELETED') this.pods.delete(key);
          else this.see(pod);
          const uid = pod.metadata?.uid ?? '';
          const echo = phase === 'MODIFIED' && this.ownVersions.get(uid) === pod.metadata?.resourceVersion;
          if (!echo) this.schedule(key);
        },
        () => restart(),
      )
      .then((stop) => this.stops.push(stop))
      .catch(() => restart());
  }

  /** Keeps the pod's latest version; one not yet started by any agent starts its timings. */
  private see(pod: V1Pod): void {
    const key = keyOf(pod);
    this.pods.set(key, pod);
    if (!pod.status?.startTime && !pod.metadata?.deletionTimestamp)
      this.timings.mark(pod.metadata?.uid ?? '', key, 'seen');
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
    while (this.active < MAX_RECONCILES && this.queue.length) {
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
    if (!pod || pod.metadata?.deletionTimestamp) {
      this.probes.forget(key);
      this.postStart.forget(key);
      this.messages.delete(key);
      this.timings.forget(key);
      clearTimeout(this.retries.get(key)?.timer);
      this.retries.delete(key);
    }
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
      if (this.retries.get(key)?.timer) return; // backing off; its status says why it waits
      group = await this.create(pod);
      if (!group) return;
    }
    let node: NodeObservations = {};
    if (group) {
      this.podIPs.set(key, group.ipAddress?.ip || undefined);
      this.probes.sync(key, group);
      node = {
        postStartRunning: this.postStart.sync(key, pod, group),
        terminationMessages: await this.terminationMessages(key, pod, group),
      };
    } else {
      this.probes.forget(key);
      this.podIPs.delete(key);
      // A finished pod whose group is gone (pause removes every group): its final status stands.
      if (isTerminal(pod)) return;
    }
    const now = new Date();
    const status = applyReadiness(
      podStatusFromGroup(pod, group, now, node),
      (c) => this.probes.readiness(key, c),
      now,
      pod.status,
    );
    const uid = pod.metadata?.uid ?? '';
    if (status.containerStatuses?.every((c) => c.state?.running)) this.timings.mark(uid, key, 'running');
    await this.writeStatus(pod, status);
    if (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      this.timings.mark(uid, key, 'ready');
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
    await this.killContainer(pod, container);
    this.schedule(key);
  }

  /**
   * Kills a container as the kubelet's killContainer does: its preStop hook first, within the grace
   * period, then SIGTERM with what is left of it (at least 2 s), then SIGKILL; the backend starts it
   * again unless the pod's restartPolicy is Never.
   */
  private async killContainer(pod: V1Pod, container: string): Promise<void> {
    const name = this.groupName(pod);
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    const group = await this.backend.get(name);
    const left = group ? await this.preStop(pod, group, grace, [container]) : grace;
    await this.backend
      .restartContainer(name, container, { gracePeriodSeconds: left })
      .catch((error) => this.log(`restart ${keyOf(pod)} ${container}: ${(error as Error).message}`));
  }

  /**
   * Runs the preStop hooks of the given running containers (all by default) at once, for at most
   * `grace` seconds, and returns the grace left for SIGTERM: `grace` when no hook ran, else what the
   * hooks left of it and at least 2 s (the kubelet's minimumGracePeriodInSeconds).
   */
  private async preStop(pod: V1Pod, group: ContainerGroup, grace: number, only?: string[]): Promise<number> {
    const hooks = (pod.spec?.containers ?? []).filter((c) => {
      if (!c.lifecycle?.preStop || (only && !only.includes(c.name))) return false;
      const state = group.containers?.find((x) => x.name === c.name)?.instanceView?.currentState;
      return state?.state === 'Running';
    });
    if (!hooks.length || grace <= 0) return grace;
    const started = Date.now();
    const deadline = AbortSignal.timeout(grace * 1000);
    await Promise.all(
      hooks.map(async (c) => {
        const failure = await runHook(pod, c, c.lifecycle?.preStop ?? {}, {
          exec: (command) => this.execOutput(group.name ?? '', c.name, command),
          podIP: group.ipAddress?.ip,
          signal: deadline,
        });
        if (failure) await this.event(pod, 'Warning', 'FailedPreStopHook', failure, c.name);
      }),
    );
    return Math.max(2, grace - Math.floor((Date.now() - started) / 1000));
  }

  /** A container's postStart hook, run against its container. */
  private async hook(
    key: string,
    container: string,
    handler: V1LifecycleHandler,
  ): Promise<string | undefined> {
    const pod = this.pods.get(key);
    const spec = pod?.spec?.containers.find((c) => c.name === container);
    if (!pod || !spec) return undefined;
    const group = this.groupName(pod);
    return runHook(pod, spec, handler, {
      exec: (command) => this.execOutput(group, container, command),
      podIP: this.podIPs.get(key),
    });
  }

  /** A failed postStart hook kills its container, as on a kubelet (which then restarts it per restartPolicy). */
  private async failedPostStart(key: string, container: string, message: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata?.deletionTimestamp) return;
    await this.event(pod, 'Warning', 'FailedPostStartHook', message, container);
    await this.event(pod, 'Normal', 'Killing', 'FailedPostStartHook', container);
    await this.killContainer(pod, container);
    this.schedule(key);
  }

  /** Runs a command in a container and collects its exit code and (the start of) its output. */
  private async execOutput(
    group: string,
    container: string,
    command: string[],
  ): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const session = await this.backend.exec(group, container, { command, stdin: false, tty: false });
    const [stdout, stderr] = await Promise.all([readText(session.stdout), readText(session.stderr)]);
    return { exitCode: await session.exitCode(), stdout, stderr };
  }

  /**
   * The termination messages of the group's terminated containers, read once per run: the file at
   * terminationMessagePath, or the end of the log (FallbackToLogsOnError), as the kubelet reads them.
   */
  private async terminationMessages(
    key: string,
    pod: V1Pod,
    group: ContainerGroup,
  ): Promise<Record<string, string>> {
    const cache = this.messages.get(key) ?? new Map<string, string>();
    this.messages.set(key, cache);
    const out: Record<string, string> = {};
    for (const c of [...(group.initContainers ?? []), ...(group.containers ?? [])]) {
      const state = c.instanceView?.currentState;
      if (state?.state !== 'Terminated') continue;
      const run = `${c.name}/${String(state.finishTime)}`;
      let message = cache.get(run);
      if (message === undefined) {
        const spec = containersOf(pod).find((x) => x.name === c.name);
        const policy = spec?.terminationMessagePolicy;
        const exitCode = state.exitCode ?? 0;
        const file = await this.backend.terminationMessage?.(group.name ?? '', c.name).catch(() => undefined);
        let logs: string | undefined;
        if (terminationMessageNeedsLogs(file, policy, exitCode)) {
          logs = await this.backend
            .logs(group.name ?? '', c.name, { tailLines: TERMINATION_LOG_LINES })
            .then((stream) => readText(stream, Infinity))
            .catch(() => undefined);
        }
        message = terminationMessage(file, policy, exitCode, logs);
        cache.set(run, message);
      }
      if (message) out[c.name] = message;
    }
    return out;
  }

  private async create(pod: V1Pod): Promise<ContainerGroup | undefined> {
    const key = keyOf(pod);
    const started = performance.now();
    let env: PodEnvironment | StartFailure;
    try {
      env = await this.environment(pod);
    } catch (error) {
      // The API server may refuse the node for a moment (the node authorizer learns of a pod's
      // references asynchronously): try again soon.
      this.log(`objects of ${key} not readable yet: ${(error as Error).message}`);
      this.retryLater(key, 'config');
      return undefined;
    }
    const fetched = performance.now();
    const translation = 'ok' in env ? env : podToContainerGroup(pod, env);
    if (!translation.ok) {
      await this.cannotStart(pod, translation);
      return undefined;
    }
    try {
      const group = await this.creations.run(() => {
        this.timings.mark(pod.metadata?.uid ?? '', key, 'create');
        return this.backend.createOrUpdate(translation.group);
      });
      clearTimeout(this.retries.get(key)?.timer);
      this.retries.delete(key);
      this.reported.delete(pod.metadata?.uid ?? '');
      const ms = (from: number, to = performance.now()) => `${Math.round(to - from)} ms`;
      this.log(`started ${key}: API ${ms(started, fetched)}, engine ${ms(fetched)}`);
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
      const image =
        error instanceof BackendError && error.reason === 'image-missing' ? error.image : undefined;
      await this.cannotStart(
        pod,
        image
          ? { ok: false, reason: 'ErrImagePull', message, image }
          : { ok: false, reason: 'Failed', message },
      );
      return undefined;
    }
  }

  /**
   * A pod that cannot have its group: UnsupportedPodSpec fails it; anything else leaves it Pending
   * with the kubelet's reason on the containers concerned and its events (once per distinct
   * failure), and tries again later.
   */
  private async cannotStart(pod: V1Pod, failure: StartFailure): Promise<void> {
    const key = keyOf(pod);
    const uid = pod.metadata?.uid ?? '';
    const now = new Date();
    if (failure.reason === 'UnsupportedPodSpec') {
      this.timings.forget(key);
      await this.event(pod, 'Warning', 'FailedCreate', failure.message);
      const base = podStatusFromGroup(pod, undefined, now);
      const waiting = { waiting: { reason: failure.reason, message: failure.message } };
      await this.writeStatus(pod, {
        ...base,
        phase: 'Failed',
        reason: failure.reason,
        message: failure.message,
        containerStatuses: base.containerStatuses?.map((c) => ({ ...c, state: waiting })),
      });
      return;
    }
    const attempts = this.retries.get(key)?.attempts ?? 0;
    const waiting: Record<string, { reason: string; message?: string }> = {};
    const events: [type: string, reason: string, message: string, container?: string][] = [];
    const image = failure.image;
    if (image) {
      // The first failed pull shows ErrImagePull; while it waits to try again, ImagePullBackOff.
      const backOff = attempts > 0;
      const reason = backOff ? 'ImagePullBackOff' : 'ErrImagePull';
      const message = backOff ? `Back-off pulling image "${image}"` : failure.message;
      for (const c of containersOf(pod)) {
        if (c.image !== image) continue;
        waiting[c.name] = { reason, message };
        if (backOff) events.push(['Normal', 'BackOff', message, c.name]);
        else
          events.push(['Warning', 'Failed', `Failed to pull image "${image}": ${failure.message}`, c.name]);
        events.push(['Warning', 'Failed', `Error: ${reason}`, c.name]);
      }
    } else if (failure.container) {
      waiting[failure.container] = { reason: failure.reason, message: failure.message };
      const event = failure.reason === 'InvalidImageName' ? 'InspectFailed' : 'Failed';
      events.push(['Warning', event, `Error: ${failure.message}`, failure.container]);
    } else if (failure.reason === 'Failed') {
      // The backend could not make the group (a port in use, an engine error): containers wait.
      for (const c of containersOf(pod))
        waiting[c.name] = { reason: 'ContainerCreating', message: failure.message };
      events.push(['Warning', 'Failed', failure.message]);
    } else {
      events.push(['Warning', failure.reason, failure.message]); // FailedMount, FailedCreatePodSandBox
    }
    const signature = `${failure.reason}\u0000${image ? String(attempts > 0) : ''}\u0000${failure.message}`;
    if (this.reported.get(uid) !== signature) {
      this.reported.set(uid, signature);
      for (const [type, reason, message, container] of events)
        await this.event(pod, type, reason, message, container);
    }
    await this.writeStatus(pod, podStatusFromGroup(pod, undefined, now, { waiting }));
    this.retryLater(key, image ? 'image' : 'config');
  }

  /** Reconciles the pod again after the kubelet-like back-off for its kind of failure. */
  private retryLater(key: string, kind: keyof typeof RETRY): void {
    if (this.stopped) return;
    const retry = this.retries.get(key) ?? { attempts: 0 };
    clearTimeout(retry.timer);
    const delay = Math.min(RETRY[kind].maxMs, RETRY[kind].firstMs * 2 ** retry.attempts);
    retry.attempts++;
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      this.schedule(key);
    }, delay);
    retry.timer.unref();
    this.retries.set(key, retry);
  }

  /**
   * The objects a pod refers to, fetched with the node's (NodeRestriction-limited) rights, or why the
   * pod cannot have them (no token for its service account). Throws when the API server cannot answer.
   */
  private async environment(pod: V1Pod): Promise<PodEnvironment | StartFailure> {
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
      const cm = await fetchOptional(() =>
        this.api.call<V1ConfigMap>('GET', `/api/v1/namespaces/${seg(namespace)}/configmaps/${seg(name)}`),
      );
      if (cm) configMaps[name] = cm;
    }
    for (const name of refs.secrets) {
      const secret = await fetchOptional(() =>
        this.api.call<V1Secret>('GET', `/api/v1/namespaces/${seg(namespace)}/secrets/${seg(name)}`),
      );
      if (secret) secrets[name] = secret;
    }
    let serviceAccountToken: string | undefined;
    if (refs.serviceAccountToken) {
      const account = pod.spec?.serviceAccountName ?? 'default';
      const expirationSeconds = projectedTokenExpiry(pod);
      try {
        const token = await this.api.call<AuthenticationV1TokenRequest>(
          'POST',
          `/api/v1/namespaces/${seg(namespace)}/serviceaccounts/${seg(account)}/token`,
          {
            body: {
              apiVersion: 'authentication.k8s.io/v1',
              kind: 'TokenRequest',
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
          },
        );
        serviceAccountToken = token.status?.token;
      } catch (error) {
        const volume = tokenVolume(pod);
        const reason = (error as Error).message; // the API's Status message
        return {
          ok: false,
          reason: 'FailedMount',
          volume,
          message: `MountVolume.SetUp failed for volume "${volume}" : failed to fetch token: ${reason}`,
        };
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
      allocatable: {
        cpu: parseQuantity(this.config.capacity.cpu),
        memory: parseQuantity(this.config.capacity.memory),
      },
      backend: this.backend.kind,
    };
  }

  private async terminate(pod: V1Pod, group: string): Promise<void> {
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const found = await this.backend.get(group);
    if (found) {
      await this.event(
        pod,
        'Normal',
        'Killing',
        `Stopping container group ${group} (grace period ${grace} s)`,
      );
      // preStop hooks run first, inside the grace period; SIGTERM gets what they leave of it.
      const left = await this.preStop(pod, found, grace);
      await this.backend.delete(group, { gracePeriodSeconds: left });
    }
    try {
      // Grace 0 with a UID precondition: finishes this pod's deletion, never a newer pod of the same name.
      await this.api.call('DELETE', `${podPath(pod)}?gracePeriodSeconds=0`, {
        body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } },
      });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
    }
    if (pod.metadata?.uid) {
      this.written.delete(pod.metadata.uid);
      this.ownVersions.delete(pod.metadata.uid);
      this.reported.delete(pod.metadata.uid);
    }
  }

  private async writeStatus(pod: V1Pod, status: V1PodStatus): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const text = JSON.stringify(status);
    if (this.written.get(uid) === text) return;
    const patched = await this.api.call<V1Pod>('PATCH', `${podPath(pod)}/status`, {
      body: { status },
      contentType: MERGE_PATCH,
    });
    this.written.set(uid, text);
    if (patched.metadata?.resourceVersion) this.ownVersions.set(uid, patched.metadata.resourceVersion);
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
    await this.api.call('POST', `/api/v1/namespaces/${seg(namespace)}/events`, { body }).catch((error) => {
      this.log(
        `event ${reason} for ${namespace}/${pod.metadata?.name} not recorded: ${(error as Error).message}`,
      );
    });
  }
}

/** The projected volume that holds the service-account token (kube-api-access-…). */
function tokenVolume(pod: V1Pod): string {
  const found = pod.spec?.volumes?.find((v) => v.projected?.sources?.some((s) => s.serviceAccountToken));
  return found?.name ?? '';
}

/** A stream's text, up to `max` characters (the rest is drained and dropped). */
function readText(stream: Readable | undefined, max = MAX_OUTPUT): Promise<string> {
  return new Promise((resolve) => {
    if (!stream) return resolve('');
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      if (text.length < max) text += chunk.slice(0, max - text.length);
    });
    stream.on('end', () => resolve(text));
    stream.on('close', () => resolve(text));
    stream.on('error', () => resolve(text));
  });
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
