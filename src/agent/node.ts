import type { V1Lease } from '@kubernetes/client-node';
import { leaseObject, nodeObject, nodeStatus, type NodeIdentity } from '../core/node.js';
import { MERGE_PATCH, seg, statusOf, type KubeHttp } from './kube.js';

const RENEW_MS = 10_000;
/** Node status is refreshed less often than the lease, as the kubelet does. */
const STATUS_EVERY = 6;
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';

/** Registers the node (create, or adopt after a restart) and writes its full status. */
export async function registerNode(api: KubeHttp, id: NodeIdentity): Promise<void> {
  try {
    await api.call('POST', '/api/v1/nodes', { body: nodeObject(id, new Date()) });
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
  await writeNodeStatus(api, id);
}

/** A merge patch of the status subresource (raw JSON, so `declaredFeatures` goes as written). */
async function writeNodeStatus(api: KubeHttp, id: NodeIdentity): Promise<void> {
  await api.call('PATCH', `/api/v1/nodes/${seg(id.name)}/status`, {
    body: { status: nodeStatus(id, new Date()) },
    contentType: MERGE_PATCH,
  });
}

async function renewLease(api: KubeHttp, node: string): Promise<void> {
  const lease = leaseObject(node, new Date());
  try {
    const current = await api.call<V1Lease>('GET', `${LEASES}/${seg(node)}`);
    lease.metadata = { ...lease.metadata, resourceVersion: current.metadata?.resourceVersion };
    await api.call('PUT', `${LEASES}/${seg(node)}`, { body: lease });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    await api.call('POST', LEASES, { body: lease });
  }
}

/** Renews the node's Lease every 10 s and refreshes its status every minute; returns a stopper. */
export function keepNodeAlive(api: KubeHttp, id: NodeIdentity, log: (m: string) => void): () => void {
  let tick = 0;
  const beat = async () => {
    try {
      await renewLease(api, id.name);
      if (++tick % STATUS_EVERY === 0) await writeNodeStatus(api, id);
    } catch (error) {
      log(`heartbeat failed: ${(error as Error).message}`);
    }
  };
  void beat();
  const timer = setInterval(beat, RENEW_MS);
  return () => clearInterval(timer);
}
