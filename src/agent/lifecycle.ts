/**
 * Container lifecycle hooks, run by the agent as the kubelet runs them (pkg/kubelet/lifecycle
 * handlers.go, kuberuntime_container.go): `runHook` performs one postStart / preStop handler (exec
 * in the container, an HTTP GET from the node to the pod, or a sleep) and answers with the kubelet's
 * failure message; `PostStartHooks` runs each container's postStart hook once per start of that
 * container and says which ones still run (their containers are not Running yet).
 */
import type { ContainerGroup } from '@azure/arm-containerinstance';
import type { V1Container, V1LifecycleHandler, V1Pod } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { isIPv6 } from 'node:net';

/** What a hook runs against. */
export interface HookTarget {
  /** Runs a command in the container: its exit code and output (stdout, then stderr). */
  exec: (command: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** The pod's address, for httpGet hooks. */
  podIP?: string;
  /** Ends a hook early (a preStop hook outliving its grace period); it then counts as failed. */
  signal?: AbortSignal;
}

/** Go's `%v` of a []string: `[a b c]`. */
const goList = (items: string[]) => `[${items.join(' ')}]`;

/** The kubelet's `format.Pod`: `name_namespace(uid)`. */
export function formatPod(pod: V1Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/** An httpGet hook's port: a number, a numeric string, or the name of one of the container's ports. */
export function resolveHookPort(container: V1Container, port: number | string): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = container.ports?.find((p) => p.name === port);
  if (!found) throw new Error(`couldn't find port: ${port} in container "${container.name}"`);
  return found.containerPort;
}

/** The URL an httpGet hook requests: the pod's IP (a `host` is refused), port, path, scheme (default HTTP). */
export function hookUrl(
  container: V1Container,
  get: NonNullable<V1LifecycleHandler['httpGet']>,
  podIP: string,
): URL {
  const scheme = (get.scheme ?? 'HTTP').toLowerCase();
  const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  const port = resolveHookPort(container, get.port);
  return new URL(`${scheme}://${isIPv6(podIP) ? `[${podIP}]` : podIP}:${port}${path}`);
}

/**
 * Runs one hook handler. Resolves to undefined when it succeeded, else to the kubelet's message
 * (the FailedPostStartHook / FailedPreStopHook event's). As on a kubelet, an exec hook fails on a
 * non-zero exit, an HTTP hook only when no response comes (its status is not checked), a sleep
 * never, and any hook fails when `target.signal` ends it first.
 */
export async function runHook(
  pod: V1Pod,
  container: V1Container,
  handler: V1LifecycleHandler,
  target: HookTarget,
): Promise<string | undefined> {
  const where = `for Container "${container.name}" in Pod "${formatPod(pod)}"`;
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    try {
      const { exitCode, stdout, stderr } = await abortable(target.exec(command), target.signal);
      if (exitCode === 0) return undefined;
      const error = `command '${command.join(' ')}' exited with ${exitCode}: ${stderr}`;
      return `Exec lifecycle hook (${goList(command)}) ${where} failed - error: ${error}, message: ${JSON.stringify(stdout + stderr)}`;
    } catch (error) {
      return `Exec lifecycle hook (${goList(command)}) ${where} failed - error: ${(error as Error).message}, message: ""`;
    }
  }
  if (handler.httpGet) {
    const get = handler.httpGet;
    try {
      if (!target.podIP) throw new Error('the pod has no IP address yet');
      const url = hookUrl(container, get, target.podIP);
      const headers: Record<string, string> = { 'user-agent': 'kube-lifecycle/1', accept: '*/*' };
      for (const h of get.httpHeaders ?? []) if (h.name) headers[h.name.toLowerCase()] = h.value ?? '';
      await httpGet(url, headers, target.signal);
      return undefined;
    } catch (error) {
      return `HTTP lifecycle hook (${get.path ?? ''}) ${where} failed - error: ${(error as Error).message}`;
    }
  }
  if (handler.sleep) {
    const seconds = handler.sleep.seconds;
    try {
      await abortable(new Promise((resolve) => setTimeout(resolve, seconds * 1000).unref()), target.signal);
      return undefined;
    } catch (error) {
      return `Sleep lifecycle hook (${seconds}) ${where} failed - error: ${(error as Error).message}`;
    }
  }
  return `Cannot run handler: invalid handler: ${JSON.stringify(handler)}`;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new Error('the grace period ended'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('the grace period ended'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** One GET; resolves once the response's body was read, whatever its status. Certificates are not verified, as by a kubelet. */
function httpGet(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', reject);
    };
    const options = { method: 'GET', headers, agent: false, signal } as const;
    const request =
      url.protocol === 'https:'
        ? https.request(url, { ...options, rejectUnauthorized: false }, onResponse)
        : http.request(url, options, onResponse);
    request.on('error', reject);
    request.end();
  });
}

export interface PostStartOptions {
  /** Runs a container's postStart hook: undefined on success, else the kubelet's message. */
  run: (podKey: string, container: string, handler: V1LifecycleHandler) => Promise<string | undefined>;
  /** A hook ended: resync the pod; on failure the container must be killed (`message` says why). */
  onDone: (podKey: string, container: string, failure: string | undefined) => void;
  /**
   * Containers that started before this time (ms since the epoch) are taken as having run their
   * hook: a restarted agent does not run it a second time for containers it started before.
   */
  since: number;
}

const startOf = (value: Date | string | undefined) =>
  value === undefined ? undefined : new Date(value).getTime();

/**
 * postStart hooks, one run per start of a container (a container the engine restarts runs it again),
 * as the kubelet runs them right after starting the container.
 */
export class PostStartHooks {
  /** Per pod, per container: the start time its hook ran for, and whether it still runs. */
  private readonly runs = new Map<string, Map<string, { started: number; running: boolean }>>();

  constructor(private readonly options: PostStartOptions) {}

  /** Starts the hooks due for the pod's running containers; returns the containers whose hook still runs. */
  sync(podKey: string, pod: V1Pod, group: ContainerGroup): string[] {
    const runs = this.runs.get(podKey) ?? new Map<string, { started: number; running: boolean }>();
    this.runs.set(podKey, runs);
    const running: string[] = [];
    for (const c of pod.spec?.containers ?? []) {
      const handler = c.lifecycle?.postStart;
      const state = group.containers?.find((x) => x.name === c.name)?.instanceView?.currentState;
      const started = startOf(state?.startTime);
      if (
        !handler ||
        state?.state !== 'Running' ||
        state.detailStatus === 'Restarting' ||
        started === undefined
      )
        continue;
      const run = runs.get(c.name);
      if (run?.started === started) {
        if (run.running) running.push(c.name);
        continue;
      }
      if (!run && started < this.options.since) {
        runs.set(c.name, { started, running: false });
        continue;
      }
      const entry = { started, running: true };
      runs.set(c.name, entry);
      running.push(c.name);
      void this.options
        .run(podKey, c.name, handler)
        .catch((error: unknown) => `Cannot run handler: ${(error as Error).message}`)
        .then((failure) => {
          entry.running = false;
          if (this.runs.get(podKey)?.get(c.name) === entry) this.options.onDone(podKey, c.name, failure);
        });
    }
    return running;
  }

  forget(podKey: string): void {
    this.runs.delete(podKey);
  }
}
