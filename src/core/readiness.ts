import type { V1ComponentStatusList, V1Node, V1Pod, V1PodList } from '@kubernetes/client-node';
import { kubeHttp, type KubeHttp, type KubeHttpError } from './kube-http.js';

export interface ReadyOptions {
  /** The virtual node that must be Ready and schedulable. */
  node: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Called while waiting with what is still missing, at most once per change. */
  progress?: (message: string) => void;
  /** Checked between polls: a reason here ends the wait at once, with that reason. */
  fatal?: () => Promise<string | undefined>;
  /**
   * Status older than this does not count (resume: the snapshot's time). A restored cluster
   * starts with the node and pod status saved in its snapshot; only what the agent reported
   * since shows the cluster as it is.
   */
  freshSince?: Date;
}

/** Whether an API timestamp (whole seconds) is later than `since`. */
function isAfter(time: Date | string | undefined, since: Date | undefined): boolean {
  if (!since) return true;
  if (!time) return false;
  return new Date(time).getTime() > Math.floor(since.getTime() / 1000) * 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The fatal check asks the backend (an ARM read on ACI): not on every poll. */
const FATAL_CHECK_MS = 2000;

/**
 * The namespaces the API server creates itself. Each gets its `default` ServiceAccount from the
 * controller-manager only once all its controllers are built (about 8 s after the API answers on
 * 2 cores); until then no pod is admitted there. `up` creates them at once instead: the
 * controller accepts a ServiceAccount that already exists.
 */
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const statusOf = (error: unknown) => (error as KubeHttpError).status;

/** Creates the `default` ServiceAccount in every initial namespace that lacks one. */
export async function ensureDefaultServiceAccounts(api: KubeHttp): Promise<string | undefined> {
  const missing = await Promise.all(
    INITIAL_NAMESPACES.map(async (namespace) => {
      try {
        await api.call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
          body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
        });
      } catch (error) {
        if (statusOf(error) === 409) return undefined; // made by the controller, or by an earlier up
        return `${namespace} (${statusOf(error) ?? (error as Error).message})`;
      }
      return undefined;
    }),
  );
  const failed = missing.filter(Boolean);
  return failed.length ? `creating default service accounts in ${failed.join(', ')}` : undefined;
}

async function apiProblem(api: KubeHttp): Promise<string | undefined> {
  try {
    await api.call('GET', '/readyz', { timeoutMs: 2000 });
    return undefined;
  } catch (error) {
    if (statusOf(error)) return 'API server /readyz is not ok';
    return `API server not answering (${(error as Error).message})`;
  }
}

/** The controller-manager and scheduler, as the API server sees them (it probes both on localhost). */
async function componentsProblem(api: KubeHttp): Promise<string | undefined> {
  try {
    const statuses = await api.call<V1ComponentStatusList>('GET', '/api/v1/componentstatuses');
    const unhealthy = statuses.items
      .filter((s) => !s.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True'))
      .map((s) => s.metadata?.name ?? '?');
    return unhealthy.length ? `waiting for ${unhealthy.join(', ')}` : undefined;
  } catch (error) {
    return `component status not available (${(error as Error).message})`;
  }
}

/** Taints the node controller sets while a node is not Ready, and lifts once it is. */
const NODE_CONTROLLER_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

/** What keeps the virtual node from taking pods, or undefined when it is Ready and untainted. */
export async function nodeProblem(
  api: KubeHttp,
  node: string,
  freshSince?: Date,
): Promise<string | undefined> {
  try {
    const n = await api.call<V1Node>('GET', `/api/v1/nodes/${encodeURIComponent(node)}`);
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') return `node ${node} not Ready yet`;
    if (!isAfter(ready.lastHeartbeatTime, freshSince)) return `waiting for node ${node} to register again`;
    const taint = n.spec?.taints?.find((t) => NODE_CONTROLLER_TAINTS.has(t.key));
    return taint ? `node ${node} still has the ${taint.key} taint` : undefined;
  } catch {
    return `waiting for node ${node} to register`;
  }
}

/** A pod as a user's first `kubectl run` makes it, for a server-side dry run. */
const PROBE_POD: V1Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'frankenetes-admission-check' },
  spec: { containers: [{ name: 'check', image: 'localhost/frankenetes/pause:1' }] },
};

/**
 * Whether a pod created now would be admitted: a server-side dry run through every admission
 * plugin (the ServiceAccount plugin refuses pods until `default` exists), persisting nothing.
 */
async function admissionProblem(api: KubeHttp): Promise<string | undefined> {
  try {
    await api.call('POST', '/api/v1/namespaces/default/pods?dryRun=All', { body: PROBE_POD });
    return undefined;
  } catch (error) {
    return `a new pod would not be admitted yet (${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Polls until the cluster takes work; throws with the last problem on timeout. Ready means: /readyz
 * is ok, the controller-manager and scheduler are healthy, the node is Ready and schedulable, and a
 * pod created now is admitted. Once the API answers, `up` creates the default ServiceAccounts
 * itself (see INITIAL_NAMESPACES), and the remaining checks run side by side.
 */
export async function waitForCluster(kubeconfig: string, options: ReadyOptions): Promise<void> {
  const api = kubeHttp(kubeconfig);
  try {
    await pollUntilReady(api, options);
  } finally {
    api.close();
  }
}

async function pollUntilReady(api: KubeHttp, options: ReadyOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let accountsMade = false;
  let fatalCheckedAt = 0;
  let last: string | undefined = 'not checked';
  while (Date.now() < deadline) {
    let problem = await apiProblem(api);
    if (!problem && !accountsMade) {
      problem = await ensureDefaultServiceAccounts(api);
      accountsMade = !problem;
    }
    if (!problem) {
      const found = await Promise.all([
        componentsProblem(api),
        nodeProblem(api, options.node, options.freshSince),
      ]);
      problem = found.find(Boolean) ?? (await admissionProblem(api));
    }
    if (!problem) return;
    if (options.fatal && Date.now() - fatalCheckedAt >= FATAL_CHECK_MS) {
      fatalCheckedAt = Date.now();
      const fatal = await options.fatal();
      if (fatal) throw new Error(`cluster cannot become ready: ${fatal}`);
    }
    if (problem !== last) options.progress?.(problem);
    last = problem;
    await sleep(options.intervalMs ?? 100);
  }
  throw new Error(`cluster not ready after ${Math.round(timeoutMs / 1000)} s: ${last}`);
}

/** Ready, and (with freshSince) with every container started since: ready again, not as restored. */
const isReady = (pod: V1Pod, freshSince?: Date) =>
  (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false) &&
  (!freshSince ||
    (pod.status?.containerStatuses ?? []).every((c) => isAfter(c.state?.running?.startedAt, freshSince)));
const podKey = (pod: V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** The pods that are Ready now, as `namespace/name`, sorted (pause records them with its snapshot). */
export async function readyPods(kubeconfig: string): Promise<string[]> {
  const api = kubeHttp(kubeconfig);
  try {
    const list = await api.call<V1PodList>('GET', '/api/v1/pods');
    return list.items
      .filter((pod) => isReady(pod))
      .map(podKey)
      .sort();
  } finally {
    api.close();
  }
}

/**
 * Polls until every listed pod (`namespace/name`) exists and is Ready (since `freshSince`);
 * throws naming those that are not on timeout. Resume waits so for the pods that were Ready
 * before the pause.
 */
export async function waitForPods(
  kubeconfig: string,
  pods: string[],
  options: Omit<ReadyOptions, 'node'>,
): Promise<void> {
  if (!pods.length) return;
  const api = kubeHttp(kubeconfig);
  try {
    await pollUntilPodsReady(api, pods, options);
  } finally {
    api.close();
  }
}

async function pollUntilPodsReady(api: KubeHttp, pods: string[], options: Omit<ReadyOptions, 'node'>) {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let waiting = pods;
  while (Date.now() < deadline) {
    try {
      const items = (await api.call<V1PodList>('GET', '/api/v1/pods')).items;
      const ready = new Set(items.filter((pod) => isReady(pod, options.freshSince)).map(podKey));
      waiting = pods.filter((p) => !ready.has(p));
    } catch (error) {
      waiting = pods;
      last = `pods not listed (${(error as Error).message})`;
    }
    if (!waiting.length) return;
    const problem = `${waiting.length} of ${pods.length} pods not Ready again (${waiting.slice(0, 3).join(', ')}${waiting.length > 3 ? ', …' : ''})`;
    if (problem !== last) options.progress?.(problem);
    last = problem;
    await sleep(options.intervalMs ?? 250);
  }
  throw new Error(`pods not Ready again after ${Math.round(timeoutMs / 1000)} s: ${waiting.join(', ')}`);
}
