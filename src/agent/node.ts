import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { leaseObject, nodeObject, nodeStatus, type NodeIdentity } from '../core/node.js';
import { rawRequest, statusOf } from './kube.js';

const RENEW_MS = 10_000;
/** Node status is refreshed less often than the lease, as the kubelet does. */
const STATUS_EVERY = 6;

/** Registers the node (create, or adopt after a restart) and writes its full status. */
export async function registerNode(kc: KubeConfig, id: NodeIdentity): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.createNode({ body: nodeObject(id, new Date()) });
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
  await writeNodeStatus(kc, id);
}

/** A merge patch of the status subresource, raw so that `declaredFeatures` survives. */
async function writeNodeStatus(kc: KubeConfig, id: NodeIdentity): Promise<void> {
  const res = await rawRequest(
    kc,
    'PATCH',
    `/api/v1/nodes/${id.name}/status`,
    { status: nodeStatus(id, new Date()) },
    'application/merge-patch+json',
  );
  if (res.status >= 300)
    throw new Error(`node status update failed (${res.status}): ${res.body.slice(0, 300)}`);
}

async function renewLease(kc: KubeConfig, node: string): Promise<void> {
  const api = kc.makeApiClient(CoordinationV1Api);
  const lease = leaseObject(node, new Date());
  try {
    const current = await api.readNamespacedLease({ name: node, namespace: 'kube-node-lease' });
    lease.metadata = { ...lease.metadata, resourceVersion: current.metadata?.resourceVersion };
    await api.replaceNamespacedLease({ name: node, namespace: 'kube-node-lease', body: lease });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    await api.createNamespacedLease({ namespace: 'kube-node-lease', body: lease });
  }
}

/** Renews the node's Lease every 10 s and refreshes its status every minute; returns a stopper. */
export function keepNodeAlive(kc: KubeConfig, id: NodeIdentity, log: (m: string) => void): () => void {
  let tick = 0;
  const beat = async () => {
    try {
      await renewLease(kc, id.name);
      if (++tick % STATUS_EVERY === 0) await writeNodeStatus(kc, id);
    } catch (error) {
      log(`heartbeat failed: ${(error as Error).message}`);
    }
  };
  void beat();
  const timer = setInterval(beat, RENEW_MS);
  return () => clearInterval(timer);
}
