/**
 * Liveness and readiness probes, run by the agent because the local engine does not run ACI's
 * probes: `runProbe` performs one probe the way the kubelet's prober does, `ProbeManager` keeps a
 * probe loop per running container (pkg/kubelet/prober/worker.go semantics), and `applyReadiness`
 * folds the probes' verdicts into a pod status computed by `podStatusFromGroup`.
 */
import type { ContainerGroup, ContainerHttpGet, ContainerProbe } from '@azure/arm-containerinstance';
import type { V1ContainerStatus, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { isIPv6 } from 'node:net';

/** Kubernetes' API defaults for probe fields left unset. */
export const PROBE_DEFAULTS = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  failureThreshold: 3,
  successThreshold: 1,
} as const;

/** What a probe runs against. */
export interface ProbeTarget {
  /** Runs a command in the container and resolves to its exit code; rejects when it cannot run it at all. */
  exec: (command: string[]) => Promise<number>;
  /** The pod's address, for httpGet probes; without one an httpGet probe fails. */
  podIP?: string;
  /** Timeout when the probe has no `timeoutSeconds` (pods from the API server always have it: default 1 s). */
  timeoutMs: number;
  /** The kubelet sends `kube-probe/<major>.<minor>`; default `kube-probe`. */
  userAgent?: string;
}

/** The kubelet reads at most this much of a probe's response body. */
const MAX_BODY = 10 * 1024;
/** Go's http client (and so the kubelet's prober) gives up after this many redirects. */
const MAX_REDIRECTS = 10;
const FOLLOWED = new Set([301, 302, 303, 307, 308]);

const positive = (value: number | undefined, fallback: number) =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;

/** The time a probe may take, in ms: `timeoutSeconds` when set, else the given default. */
export function probeTimeoutMs(
  probe: ContainerProbe,
  fallbackMs = PROBE_DEFAULTS.timeoutSeconds * 1000,
): number {
  return probe.timeoutSeconds !== undefined && probe.timeoutSeconds > 0
    ? probe.timeoutSeconds * 1000
    : fallbackMs;
}

/**
 * Runs one probe. exec: success when the command exits 0, failure on another code or when it takes
 * longer than the timeout (the command itself is not killed: backends cannot). httpGet: GET
 * http(s)://podIP:port/path, success for a final status 200–399; failure on a timeout, a
 * connection error or another status. Like the kubelet, HTTPS certificates are not verified,
 * redirects to the same host are followed (at most 10) and one to another host counts as its 3xx.
 *
 * Rejects (rather than resolving false) only when the probe could not be run at all: no exec or
 * httpGet, or `target.exec` rejecting. The kubelet discards such results instead of counting them.
 */
export async function runProbe(probe: ContainerProbe, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = probeTimeoutMs(probe, target.timeoutMs);
  if (probe.exec) return execProbe(probe.exec.command ?? [], target.exec, timeoutMs);
  if (probe.httpGet) return httpProbe(probe.httpGet, target, timeoutMs);
  throw new Error('probe has neither exec nor httpGet');
}

async function execProbe(command: string[], exec: ProbeTarget['exec'], timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // A late rejection of exec() is absorbed by race's own handler.
    const code = await Promise.race([exec(command), timeout]);
    return code === 0;
  } finally {
    clearTimeout(timer);
  }
}

async function httpProbe(get: ContainerHttpGet, target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  if (!target.podIP) return false;
  const scheme = (get.scheme ?? 'http').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return false;
  const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  const host = isIPv6(target.podIP) ? `[${target.podIP}]` : target.podIP;
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}:${get.port}${path}`);
  } catch {
    return false;
  }
  const headers = probeHeaders(get, target.userAgent ?? 'kube-probe');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const origin = url.hostname;
  try {
    for (let redirects = 0; ; redirects++) {
      const { status, location } = await getOnce(url, headers, abort.signal);
      if (FOLLOWED.has(status) && location !== undefined) {
        const next = new URL(location, url); // unparsable: a failure, as in Go
        if (next.hostname !== origin) return true; // another host: not followed, the 3xx counts
        if (next.protocol !== 'http:' && next.protocol !== 'https:') return false;
        if (redirects + 1 >= MAX_REDIRECTS) return false;
        url = next;
        continue;
      }
      return status >= 200 && status < 400;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** The kubelet's probe request headers: User-Agent, Accept, then the probe's own (which win). */
function probeHeaders(get: ContainerHttpGet, userAgent: string): Record<string, string | string[]> {
  const defaults: Record<string, string> = { 'user-agent': userAgent, accept: '*/*', connection: 'close' };
  const custom: Record<string, string[]> = {};
  for (const h of get.httpHeaders ?? []) {
    if (!h.name) continue;
    (custom[h.name.toLowerCase()] ??= []).push(h.value ?? '');
  }
  const headers: Record<string, string | string[]> = { ...defaults };
  for (const [name, values] of Object.entries(custom))
    headers[name] = values.length === 1 ? (values[0] as string) : values;
  return headers;
}

/** One GET: the status and Location once the body was read (up to MAX_BODY). */
function getOnce(
  url: URL,
  headers: Record<string, string | string[]>,
  signal: AbortSignal,
): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      // resolve/reject settle the promise once: a close after the end changes nothing.
      let size = 0;
      const done = () => {
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size >= MAX_BODY) done();
      });
      res.on('end', done);
      res.on('error', reject);
      res.on('close', () => reject(new Error('response closed before its end')));
    };
    const request =
      url.protocol === 'https:'
        ? https.request(
            url,
            { method: 'GET', headers, agent: false, signal, rejectUnauthorized: false },
            onResponse,
          )
        : http.request(url, { method: 'GET', headers, agent: false, signal }, onResponse);
    request.on('error', reject);
    request.end();
  });
}

export type ProbeKind = 'readiness' | 'liveness';

export interface ProbeManagerOptions {
  /** Runs one probe of a pod's container (normally `runProbe` against that container). */
  run: (podKey: string, container: string, probe: ContainerProbe) => Promise<boolean>;
  /** A container's readiness flipped (from a probe result, not from `sync`): resync the pod. */
  onChange: (podKey: string) => void;
  /** A liveness probe failed failureThreshold times in a row: restart the container. Called once per start. */
  onLivenessFailure: (podKey: string, container: string) => void;
  /** A probe could not be run (`run` rejected) or a callback threw; the result is discarded, as the kubelet does. */
  onError?: (podKey: string, container: string, error: unknown) => void;
  /** Milliseconds since the epoch (default Date.now), compared with the containers' start times. */
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

interface Loop {
  podKey: string;
  container: string;
  kind: ProbeKind;
  probe: ContainerProbe;
  /** Start time + probe definition: a loop belongs to one run of one container. */
  identity: string;
  timer?: unknown;
  inFlight: boolean;
  stopped: boolean;
  lastResult?: boolean;
  resultRun: number;
  /** Readiness loops: the current verdict (false until successThreshold successes). */
  ready: boolean;
}

const LOOP_SEPARATOR = '\u0000';

function startTimeMs(value: Date | string | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Probe loops per (pod, container, kind), as the kubelet's prober workers: the first probe runs
 * initialDelaySeconds after the container started, then every periodSeconds (counted from the start
 * of the previous probe, never two at once). Readiness starts false, becomes true after
 * successThreshold consecutive successes and false after failureThreshold consecutive failures.
 * Liveness reports failureThreshold consecutive failures once, then stops until the container
 * comes back with a new start time.
 */
export class ProbeManager {
  private readonly pods = new Map<string, Map<string, Loop>>();
  /** Per pod, the containers that have a readiness probe (as of the last sync). */
  private readonly readinessProbed = new Map<string, Set<string>>();
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private stopped = false;

  constructor(private readonly options: ProbeManagerOptions) {
    this.now = options.now ?? (() => Date.now());
    this.setTimer =
      options.setTimer ??
      ((callback, ms) => {
        const timer = setTimeout(callback, ms);
        timer.unref?.();
        return timer;
      });
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
  }

  /**
   * Brings the pod's loops in line with its group: a loop for each probe of each running container
   * (a container the engine is restarting does not count), a fresh one when the container started
   * again; loops of containers that no longer run are stopped.
   */
  sync(podKey: string, group: ContainerGroup): void {
    if (this.stopped) return;
    const loops = this.pods.get(podKey) ?? new Map<string, Loop>();
    const wanted = new Set<string>();
    const probed = new Set<string>();
    for (const c of group.containers ?? []) {
      if (c.readinessProbe) probed.add(c.name);
      const state = c.instanceView?.currentState;
      if (state?.state !== 'Running' || state.detailStatus === 'Restarting') continue;
      const started = startTimeMs(state.startTime);
      const probes: [ProbeKind, ContainerProbe | undefined][] = [
        ['readiness', c.readinessProbe],
        ['liveness', c.livenessProbe],
      ];
      for (const [kind, probe] of probes) {
        if (!probe) continue;
        const key = `${c.name}${LOOP_SEPARATOR}${kind}`;
        const identity = `${started ?? ''}${LOOP_SEPARATOR}${JSON.stringify(probe)}`;
        wanted.add(key);
        const existing = loops.get(key);
        if (existing?.identity === identity) continue; // also a liveness loop that already fired
        if (existing) this.halt(existing);
        const loop: Loop = {
          podKey,
          container: c.name,
          kind,
          probe,
          identity,
          inFlight: false,
          stopped: false,
          resultRun: 0,
          ready: false,
        };
        loops.set(key, loop);
        const initialDelay = positive(probe.initialDelaySeconds, PROBE_DEFAULTS.initialDelaySeconds) * 1000;
        const first = (started ?? this.now()) + initialDelay;
        this.schedule(loop, Math.max(0, first - this.now()));
      }
    }
    for (const [key, loop] of loops) {
      if (!wanted.has(key)) {
        this.halt(loop);
        loops.delete(key);
      }
    }
    if (loops.size) this.pods.set(podKey, loops);
    else this.pods.delete(podKey);
    if (probed.size) this.readinessProbed.set(podKey, probed);
    else this.readinessProbed.delete(podKey);
  }

  /** Stops every loop of a pod and forgets it (pod deleted, or its group gone). */
  forget(podKey: string): void {
    for (const loop of this.pods.get(podKey)?.values() ?? []) this.halt(loop);
    this.pods.delete(podKey);
    this.readinessProbed.delete(podKey);
  }

  /**
   * The readiness probe's verdict for a container: undefined when it has no readiness probe (ready
   * follows running), false while its probe has not succeeded yet or when it does not run.
   */
  readiness(podKey: string, container: string): boolean | undefined {
    const loop = this.pods.get(podKey)?.get(`${container}${LOOP_SEPARATOR}readiness`);
    if (loop) return loop.ready;
    return this.readinessProbed.get(podKey)?.has(container) ? false : undefined;
  }

  /** How many loops have a probe scheduled or running (for tests and diagnostics). */
  get activeLoops(): number {
    let count = 0;
    for (const loops of this.pods.values()) for (const loop of loops.values()) if (!loop.stopped) count++;
    return count;
  }

  /** Stops everything; later syncs do nothing. */
  stop(): void {
    this.stopped = true;
    for (const podKey of [...this.pods.keys()]) this.forget(podKey);
  }

  private schedule(loop: Loop, ms: number): void {
    if (loop.stopped) return;
    loop.timer = this.setTimer(() => {
      loop.timer = undefined;
      void this.tick(loop);
    }, ms);
  }

  private halt(loop: Loop): void {
    loop.stopped = true;
    if (loop.timer !== undefined) this.clearTimer(loop.timer);
    loop.timer = undefined;
  }

  private async tick(loop: Loop): Promise<void> {
    if (loop.stopped || loop.inFlight) return;
    loop.inFlight = true;
    const startedAt = this.now();
    let result: boolean | undefined;
    try {
      result = await this.options.run(loop.podKey, loop.container, loop.probe);
    } catch (error) {
      this.report(loop, error);
    } finally {
      loop.inFlight = false;
    }
    if (loop.stopped) return;
    if (result !== undefined) this.record(loop, result);
    if (loop.stopped) return;
    const period = positive(loop.probe.periodSeconds, PROBE_DEFAULTS.periodSeconds) * 1000;
    this.schedule(loop, Math.max(0, startedAt + period - this.now()));
  }

  /** The kubelet worker's bookkeeping: act once a result repeated its threshold's number of times. */
  private record(loop: Loop, result: boolean): void {
    if (loop.lastResult === result) loop.resultRun++;
    else {
      loop.lastResult = result;
      loop.resultRun = 1;
    }
    const threshold = result
      ? positive(loop.probe.successThreshold, PROBE_DEFAULTS.successThreshold)
      : positive(loop.probe.failureThreshold, PROBE_DEFAULTS.failureThreshold);
    if (loop.resultRun < threshold) return;
    if (loop.kind === 'readiness') {
      if (loop.ready === result) return;
      loop.ready = result;
      this.call(loop, () => this.options.onChange(loop.podKey));
    } else if (!result) {
      // Kept (stopped) under the same identity, so that syncs before the restart do not rearm it.
      this.halt(loop);
      this.call(loop, () => this.options.onLivenessFailure(loop.podKey, loop.container));
    }
  }

  private call(loop: Loop, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.report(loop, error);
    }
  }

  private report(loop: Loop, error: unknown): void {
    try {
      this.options.onError?.(loop.podKey, loop.container, error);
    } catch {
      // A failing logger must not stop the probes.
    }
  }
}

/** Go's `%s` of a []string, as in the kubelet's condition messages: `[a b]`. */
const goList = (names: string[]) => `[${names.join(' ')}]`;

function asDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * A pod status with the readiness probes' verdicts applied (pure): a container is ready when the
 * status says so and its readiness probe, if any, does not say otherwise. When a container ends up
 * unready, ContainersReady and Ready become False with the kubelet's reason and message
 * (`ContainersNotReady`, `containers with unready status: [a b]`, after any `containers with
 * unknown status: […]` part already there); terminal pods' conditions are left alone.
 *
 * `previous` is the status the pod has now (pod.status): a condition that turns False keeps the
 * previous lastTransitionTime when it was already False there, else becomes `now`; a condition
 * True again is dated `now` if the time it was given precedes its previous transition (a container
 * that started before its probe succeeded), so minReadySeconds counts from the probe's success.
 */
export function applyReadiness(
  status: V1PodStatus,
  readiness: (container: string) => boolean | undefined,
  now: Date,
  previous?: V1PodStatus,
): V1PodStatus {
  const containerStatuses = status.containerStatuses?.map((s): V1ContainerStatus =>
    s.ready && readiness(s.name) === false ? { ...s, ready: false } : { ...s },
  );
  let conditions = status.conditions?.map((c) => ({ ...c }));
  const before = (type: string) => previous?.conditions?.find((c) => c.type === type);
  const containersReady = conditions?.find((c) => c.type === 'ContainersReady');

  if (
    conditions &&
    containersReady &&
    containersReady.reason !== 'PodCompleted' &&
    containersReady.reason !== 'PodFailed'
  ) {
    const unknownPart = /containers with unknown status: \[([^\]]*)\]/.exec(containersReady.message ?? '');
    const unknown = unknownPart?.[1] ? unknownPart[1].split(' ').filter(Boolean) : [];
    const unready = (containerStatuses ?? [])
      .filter((s) => !s.ready && !unknown.includes(s.name))
      .map((s) => s.name);
    if (unknown.length || unready.length) {
      const message = [
        unknown.length ? `containers with unknown status: ${goList(unknown)}` : '',
        unready.length ? `containers with unready status: ${goList(unready)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      conditions = conditions.map((c): V1PodCondition => {
        if (c.type !== 'ContainersReady' && c.type !== 'Ready') return c;
        const prior = before(c.type);
        const lastTransitionTime =
          c.status === 'False'
            ? c.lastTransitionTime
            : prior?.status === 'False'
              ? (asDate(prior.lastTransitionTime) ?? now)
              : now;
        return { ...c, status: 'False', reason: 'ContainersNotReady', message, lastTransitionTime };
      });
    }
  }

  if (conditions && previous) {
    conditions = conditions.map((c): V1PodCondition => {
      if ((c.type !== 'ContainersReady' && c.type !== 'Ready') || c.status !== 'True') return c;
      const prior = before(c.type);
      const priorTime = asDate(prior?.lastTransitionTime);
      if (!prior || prior.status === 'True' || !priorTime) return c;
      const given = asDate(c.lastTransitionTime);
      return given && given >= priorTime ? c : { ...c, lastTransitionTime: now };
    });
  }

  const result: V1PodStatus = { ...status };
  if (containerStatuses) result.containerStatuses = containerStatuses;
  if (conditions) result.conditions = conditions;
  return result;
}
