import type { V1Lease, V1LeaseSpec, V1Node, V1NodeCondition } from '@kubernetes/client-node';
import { KUBELET_PORT } from './names.js';

/** What the virtual node offers the scheduler. Configurable through the agent's environment. */
export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
}

/** Defaults for a local engine; on ACI the regional quota (100 cores, 100 groups) is the real bound. */
export const DEFAULT_NODE_CAPACITY: NodeCapacity = { cpu: '16', memory: '64Gi', pods: '110' };

export interface NodeIdentity {
  name: string;
  cluster: string;
  kubernetesVersion: string;
  capacity: NodeCapacity;
  agentVersion: string;
}

/** Lets the API server hand kubectl's WebSocket exec straight to our kubelet API (no SPDY). */
export const DECLARED_FEATURES = ['ExtendWebSocketsToKubelet'];

const LEASE_SECONDS = 40;

function conditions(now: Date): V1NodeCondition[] {
  const at = now;
  const condition = (type: string, status: string, reason: string, message: string): V1NodeCondition => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
  });
  return [
    condition('Ready', 'True', 'KubeletReady', 'Frankenetes agent is ready'),
    condition(
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'no memory pressure on a virtual node',
    ),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'no disk pressure on a virtual node'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'no PID pressure on a virtual node'),
    condition('NetworkUnavailable', 'False', 'RouteCreated', 'pods get addresses from the engine'),
  ];
}

/**
 * The Node object the agent registers. It is the cluster's only node, so it carries no taint:
 * plain `kubectl run` lands on it.
 */
export function nodeObject(id: NodeIdentity, now: Date): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: {
        'kubernetes.io/hostname': id.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'virtual-kubelet',
        'frankenetes.io/cluster': id.cluster,
      },
    },
    spec: {},
    status: nodeStatus(id, now),
  };
}

export function nodeStatus(
  id: NodeIdentity,
  now: Date,
): NonNullable<V1Node['status']> & { declaredFeatures: string[] } {
  const resources = { cpu: id.capacity.cpu, memory: id.capacity.memory, pods: id.capacity.pods };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: conditions(now),
    // The agent shares the API server's network namespace: its kubelet API is on localhost.
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: id.name,
      systemUUID: id.name,
      bootID: '',
      kernelVersion: '',
      osImage: 'Frankenetes virtual node',
      containerRuntimeVersion: `frankenetes://${id.agentVersion}`,
      kubeletVersion: `v${id.kubernetesVersion}`,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
    declaredFeatures: DECLARED_FEATURES,
  };
}

/** A Lease as sent: its renewTime is a MicroTime string. */
export type LeaseObject = Omit<V1Lease, 'spec'> & {
  spec: Omit<V1LeaseSpec, 'renewTime'> & { renewTime: string };
};

/** A MicroTime on the wire: RFC 3339 with exactly six fractional digits, which the API server requires. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z'); // toISOString gives milliseconds: three digits
}

export function leaseObject(node: string, now: Date): LeaseObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: node, namespace: 'kube-node-lease' },
    spec: {
      holderIdentity: node,
      leaseDurationSeconds: LEASE_SECONDS,
      renewTime: microTime(now),
    },
  };
}
