import { readFileSync } from 'node:fs';
import { AGENT_DIR, API_SERVER_PORT, KUBELET_PORT } from '../core/names.js';
import { DEFAULT_NODE_CAPACITY, type NodeCapacity } from '../core/node.js';
import { DEFAULT_STANDBY_POOL } from '../core/spec.js';

/** Everything the agent needs, from its environment (set by the plan) and its secret volume. */
export interface AgentConfig {
  cluster: string;
  node: string;
  location: string;
  kubernetesVersion: string;
  /** What pods use to reach the API server: the cluster's DNS name and port. */
  apiServerHost: string;
  apiServerPort: number;
  kubeconfigPath: string;
  caCert: string;
  servingCert: string;
  servingKey: string;
  kubeletPort: number;
  capacity: NodeCapacity;
  /** Container request when a pod gives none. */
  defaults: { cpu: number; memoryInGB: number };
  /** Where pods' groups are made: the local engine, or ACI (the control plane's own backend). */
  backend: 'docker' | 'aci';
  engineSocket: string;
  /** Started sandboxes the engine keeps ready for pods (the spec's standbyPool; 0: none; docker only). */
  standbyPool: number;
  /** aci: the subscription and resource group of pod groups, and ARM's endpoint when not Azure's. */
  azure?: { subscriptionId: string; podResourceGroup: string; armEndpoint?: string };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const required = (key: string): string => {
    const value = env[key];
    if (!value) throw new ConfigError(`the agent needs ${key} in its environment`);
    return value;
  };
  const backend = env.FRANKENETES_BACKEND ?? 'docker';
  if (backend !== 'docker' && backend !== 'aci')
    throw new ConfigError(`FRANKENETES_BACKEND must be docker or aci, not "${backend}"`);
  const dir = env.FRANKENETES_AGENT_DIR ?? AGENT_DIR;
  const read = (file: string) => readFileSync(`${dir}/${file}`, 'utf8');
  return {
    cluster: required('FRANKENETES_CLUSTER'),
    node: required('FRANKENETES_NODE_NAME'),
    location: env.FRANKENETES_LOCATION ?? 'local',
    kubernetesVersion: required('FRANKENETES_KUBERNETES_VERSION'),
    apiServerHost: required('FRANKENETES_API_SERVER_HOST'),
    apiServerPort: Number(env.FRANKENETES_API_SERVER_PORT ?? API_SERVER_PORT),
    kubeconfigPath: `${dir}/kubeconfig`,
    caCert: read('ca.crt'),
    servingCert: read('kubelet.crt'),
    servingKey: read('kubelet.key'),
    kubeletPort: Number(env.FRANKENETES_KUBELET_PORT ?? KUBELET_PORT),
    capacity: {
      cpu: env.FRANKENETES_NODE_CPU ?? DEFAULT_NODE_CAPACITY.cpu,
      memory: env.FRANKENETES_NODE_MEMORY ?? DEFAULT_NODE_CAPACITY.memory,
      pods: env.FRANKENETES_NODE_PODS ?? DEFAULT_NODE_CAPACITY.pods,
    },
    defaults: {
      cpu: Number(env.FRANKENETES_POD_DEFAULT_CPU ?? 0.1),
      memoryInGB: Number(env.FRANKENETES_POD_DEFAULT_MEMORY_GB ?? 0.1),
    },
    backend,
    engineSocket: env.FRANKENETES_ENGINE_SOCKET ?? '/var/run/docker.sock',
    standbyPool: Number(env.FRANKENETES_STANDBY_POOL ?? DEFAULT_STANDBY_POOL),
    azure:
      backend === 'aci'
        ? {
            subscriptionId: required('FRANKENETES_AZURE_SUBSCRIPTION_ID'),
            podResourceGroup:
              env.FRANKENETES_AZURE_POD_RESOURCE_GROUP || required('FRANKENETES_AZURE_RESOURCE_GROUP'),
            // Set by the offline emulator in the groups it runs; Azure's endpoint otherwise.
            armEndpoint: env.FRANKENETES_ARM_ENDPOINT || undefined,
          }
        : undefined,
  };
}
