import { CoreV1Api, Health, KubeConfig } from '@kubernetes/client-node';

export interface ReadyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Called while waiting with what is still missing, at most once per change. */
  progress?: (message: string) => void;
  /** Extra condition checked once the control plane is healthy (e.g. the node is Ready). */
  extra?: (kc: KubeConfig) => Promise<string | undefined>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What is not ready yet, or undefined when /readyz is ok, the controller-manager and scheduler are
 * healthy and the controllers have caught up far enough to accept pods.
 */
export async function controlPlaneProblem(kc: KubeConfig): Promise<string | undefined> {
  try {
    if (!(await new Health(kc).readyz({ timeout: 2000 }))) return 'API server /readyz is not ok';
  } catch (error) {
    return `API server not answering (${(error as Error).message})`;
  }
  const core = kc.makeApiClient(CoreV1Api);
  try {
    // The API server probes both on localhost: they share its network namespace.
    const statuses = await core.listComponentStatus();
    const unhealthy = statuses.items
      .filter((s) => !s.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True'))
      .map((s) => s.metadata?.name ?? '?');
    if (unhealthy.length) return `waiting for ${unhealthy.join(', ')}`;
  } catch (error) {
    return `component status not available (${(error as Error).message})`;
  }
  try {
    // Pods cannot be created before the controller-manager has made the default service account.
    await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
  } catch {
    return 'waiting for the default service account';
  }
  return undefined;
}

/** Polls until the control plane (and `extra`) is ready; throws with the last problem on timeout. */
export async function waitForControlPlane(kubeconfig: string, options: ReadyOptions = {}): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  let last: string | undefined = 'not checked';
  while (Date.now() < deadline) {
    const problem = (await controlPlaneProblem(kc)) ?? (await options.extra?.(kc));
    if (!problem) return;
    if (problem !== last) options.progress?.(problem);
    last = problem;
    await sleep(options.intervalMs ?? 150);
  }
  throw new Error(`cluster not ready after ${Math.round((options.timeoutMs ?? 180_000) / 1000)} s: ${last}`);
}

/** Taints the node controller sets while a node is not Ready, and lifts once it is. */
const NODE_CONTROLLER_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

/** What keeps the virtual node from taking pods, or undefined when it is Ready and untainted. */
export async function nodeProblem(kc: KubeConfig, node: string): Promise<string | undefined> {
  try {
    const n = await kc.makeApiClient(CoreV1Api).readNode({ name: node });
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') return `node ${node} not Ready yet`;
    // The node controller lifts its not-ready taint a moment after Ready; until then no pod lands.
    const taint = n.spec?.taints?.find((t) => NODE_CONTROLLER_TAINTS.has(t.key));
    return taint ? `node ${node} still has the ${taint.key} taint` : undefined;
  } catch {
    return `waiting for node ${node} to register`;
  }
}
