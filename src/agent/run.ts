import type { ContainerGroupBackend } from '../core/backend.js';
import { DockerBackend } from '../core/backends/docker.js';
import {
  FRANKENETES_VERSION,
  POD_FILES_DIR,
  POD_FILES_VOLUME,
  controlPlaneGroupName,
} from '../core/names.js';
import type { NodeIdentity } from '../core/node.js';
import { configFromEnv, type AgentConfig } from './config.js';
import { loadKubeApi } from './kube.js';
import { startKubeletApi } from './kubelet-api.js';
import { keepNodeAlive, registerNode } from './node.js';
import { PodController } from './pods.js';

export const AGENT_VERSION = FRANKENETES_VERSION;

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} agent: ${message}\n`);

/** The Frankenetes agent: a virtual kubelet that runs this node's pods as container groups. */
export async function runAgent(): Promise<number> {
  const config = configFromEnv();
  const api = loadKubeApi(config.kubeconfigPath);
  const backend = await podBackend(config);
  const id: NodeIdentity = {
    name: config.node,
    cluster: config.cluster,
    kubernetesVersion: config.kubernetesVersion,
    capacity: config.capacity,
    agentVersion: AGENT_VERSION,
  };
  await backend.ping();
  const server = await startKubeletApi(config, backend, log);
  // The API server may still be starting: retry registration until it answers.
  for (let attempt = 1; ; attempt++) {
    try {
      await registerNode(api, id);
      break;
    } catch (error) {
      if (attempt % 20 === 1)
        log(`waiting to register the node: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  log(`node ${config.node} registered`);
  const stopHeartbeat = keepNodeAlive(api, id, log);
  const pods = new PodController(api, backend, config, log);
  if (backend instanceof DockerBackend) await backend.startStandby();
  await pods.start();
  log('watching pods');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  stopHeartbeat();
  if (backend instanceof DockerBackend) backend.stopStandby();
  pods.stop();
  server.close();
  api.close();
  return 0;
}

/**
 * Pods run where the control plane runs. On ACI the agent signs in with the control-plane group's
 * managed identity (FRANKENETES_MANAGED_IDENTITY, set by the plan). The standby pool and secret
 * files are shortcuts of the local engine only. The Azure SDK is loaded on ACI only.
 */
async function podBackend(config: AgentConfig): Promise<ContainerGroupBackend> {
  if (config.azure) {
    const [{ AciBackend }, { createAzureCredential }] = await Promise.all([
      import('../core/backends/aci.js'),
      import('../core/credentials.js'),
    ]);
    return new AciBackend({
      subscriptionId: config.azure.subscriptionId,
      resourceGroup: config.azure.podResourceGroup,
      endpoint: config.azure.armEndpoint,
      credential: createAzureCredential({}),
    });
  }
  return new DockerBackend({
    socketPath: config.engineSocket,
    standby: { cluster: config.cluster, size: config.standbyPool, log },
    secretFiles: {
      group: controlPlaneGroupName(config.cluster),
      volume: POD_FILES_VOLUME,
      mountedAt: POD_FILES_DIR,
    },
  });
}
