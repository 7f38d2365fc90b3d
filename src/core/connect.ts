/**
 * A host's settings → the backend and state store a cluster verb runs on. Every host (CLI, Action,
 * app) builds these the same way; none constructs an SDK client itself.
 */
import type { TokenCredential } from '@azure/identity';
import type { ContainerGroupBackend } from './backend.js';
import type { AciBackendOptions } from './backends/aci.js';
import { DockerBackend } from './backends/docker.js';
import type { AzureCredentialSettings } from './credentials.js';
import type { BackendKind, ClusterSpec } from './spec.js';
import type { BlobStateStoreOptions } from './state/blob.js';
import { LocalStateStore, type StateStore } from './state/index.js';
import { isBlobLocation } from './state/open.js';

export class ConnectError extends Error {
  override name = 'ConnectError';
}

/** What a host knows beyond the spec: where ARM and the engine are, and how to sign in. */
export interface HostSettings {
  /** ARM endpoint, e.g. the offline emulator's ($FRANKENETES_ARM_ENDPOINT); default Azure's. */
  armEndpoint?: string;
  /** The container engine's socket (docker backend); default: see defaultEngineSocket. */
  engineSocket?: string;
  /** How to sign in to Azure (see createAzureCredential); asked only when Azure is used. */
  azure?: AzureCredentialSettings;
  /** A credential made elsewhere (tests); wins over `azure`. */
  credential?: TokenCredential;
  /** Poll intervals and SDK options of the aci backend. */
  aci?: Pick<AciBackendOptions, 'pollIntervalMs' | 'watchIntervalMs' | 'logPollMs' | 'clientOptions'>;
  blob?: BlobStateStoreOptions;
}

/** Where a cluster's groups live, from its spec (or, before a spec exists, from the host's flags). */
export type BackendTarget = { backend: BackendKind; azure?: ClusterSpec['azure'] };

export function armEndpointFrom(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.FRANKENETES_ARM_ENDPOINT || undefined;
}

/** One credential per host settings object: the SDK clients share its token cache. */
const credentials = new WeakMap<HostSettings, TokenCredential>();

export async function azureCredential(host: HostSettings): Promise<TokenCredential> {
  if (host.credential) return host.credential;
  let credential = credentials.get(host);
  if (!credential) {
    const { createAzureCredential } = await import('./credentials.js');
    credential = createAzureCredential(host.azure ?? {});
    credentials.set(host, credential);
  }
  return credential;
}

/**
 * The backend of a target. The Azure SDK is loaded only for `aci`: it is most of what a command
 * would otherwise load at start-up.
 */
export async function openBackend(target: BackendTarget, host: HostSettings): Promise<ContainerGroupBackend> {
  if (target.backend === 'docker') return new DockerBackend({ socketPath: host.engineSocket });
  const azure = target.azure;
  if (!azure?.subscriptionId || !azure.resourceGroup)
    throw new ConnectError(
      'the aci backend needs a subscription and a resource group (--subscription, --resource-group)',
    );
  if (host.armEndpoint) checkEndpoint(host.armEndpoint);
  const { AciBackend } = await import('./backends/aci.js');
  return new AciBackend({
    subscriptionId: azure.subscriptionId,
    resourceGroup: azure.resourceGroup,
    podResourceGroup: azure.podResourceGroup,
    credential: await azureCredential(host),
    endpoint: host.armEndpoint,
    ...host.aci,
  });
}

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConnectError(`ARM endpoint "${endpoint}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new ConnectError(`ARM endpoint "${endpoint}" must use https`);
}

/**
 * The state store at a location: a directory, or a blob container URL signed in with the host's
 * Azure credential (Azurite's development account needs none).
 */
export async function openStore(location: string | undefined, host: HostSettings): Promise<StateStore> {
  if (!location || !isBlobLocation(location)) return new LocalStateStore(location || undefined);
  const { AZURITE_ACCOUNT, BlobStateStore, parseBlobContainerUrl } = await import('./state/blob.js');
  const parsed = parseBlobContainerUrl(location);
  const azurite = parsed.pathStyle && parsed.accountName === AZURITE_ACCOUNT;
  const credential = azurite && !host.credential ? undefined : await azureCredential(host);
  return BlobStateStore.fromUrl(location, credential, host.blob);
}
