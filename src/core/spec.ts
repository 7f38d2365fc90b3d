import { z } from 'zod';

/** Kubernetes minor versions Frankenetes can run, each with the patch release used by default. */
export const SUPPORTED_KUBERNETES = { '1.35': '1.35.4', '1.36': '1.36.3', '1.37': '1.37.2' } as const;
export const DEFAULT_KUBERNETES_VERSION = SUPPORTED_KUBERNETES['1.37'];
/** etcd release that ships with each Kubernetes minor (all need etcd ≥ 3.5.13 for watch progress). */
export const ETCD_VERSION = '3.6.16';
/** Enough for the pods of a typical preview environment to start together. */
export const DEFAULT_STANDBY_POOL = 32;

export const COMPONENTS = ['etcd', 'apiserver', 'controllerManager', 'scheduler', 'agent'] as const;
export type Component = (typeof COMPONENTS)[number];

export class SpecError extends Error {
  override name = 'SpecError';
}

/** Short enough that `<name>-control-plane` stays within ACI's 63-character group names. */
export const MAX_NAME_LENGTH = 40;
const NAME = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;
const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Azure resource group names: 1-90 of letters, digits, "_", "-", ".", "(", ")", not ending in ".". */
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const USER_ASSIGNED_IDENTITY =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;
/** An image reference: [registry/]repository[:tag][@digest], no spaces or schemes. */
const IMAGE = /^[a-z0-9][a-z0-9._\-/]*(:[\w][\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;
const REGISTRY_HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;

/** The engines a cluster can run on: a local Docker-compatible engine, or Azure Container Instances. */
export const BACKENDS = ['docker', 'aci'] as const;
export type BackendKind = (typeof BACKENDS)[number];

const required = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

const resourceGroup = z.string({ error: required('a resource group name') }).regex(RESOURCE_GROUP, {
  error:
    'must be an Azure resource group name: 1-90 letters, digits, "_", "-", ".", "(", ")", not ending in "."',
});

/** Where an ACI cluster lives. Credentials are never part of it: hosts sign in (see credentials.ts). */
const azureTarget = z
  .object({
    subscriptionId: z
      .string({ error: required('a subscription id (a GUID)') })
      .regex(UUID, { error: 'must be a subscription id (a GUID)' }),
    /** The control-plane group's resource group (it must exist). */
    resourceGroup,
    /** Where the agent creates pod groups (default: resourceGroup), as the original Frankenetes did. */
    podResourceGroup: resourceGroup.optional(),
    /**
     * A user-assigned managed identity (resource id) for the control-plane group, holding
     * Contributor on the pod resource group; without it the group gets a system-assigned one.
     */
    identity: z
      .string({ error: 'must be the resource id of a user-assigned managed identity' })
      .regex(USER_ASSIGNED_IDENTITY, {
        error:
          'must be the resource id of a user-assigned managed identity (/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…)',
      })
      .optional(),
  })
  .strict();

/** A private registry the control-plane group pulls from, signed in with a managed identity: no secret in the spec. */
const registryCredential = z
  .object({
    server: z
      .string({ error: 'must be a registry host name' })
      .regex(REGISTRY_HOST, { error: 'must be a registry host name such as myregistry.azurecr.io' }),
    identity: z
      .string({ error: 'must be the resource id of a user-assigned managed identity' })
      .regex(USER_ASSIGNED_IDENTITY, {
        error: 'must be the resource id of a user-assigned managed identity with AcrPull on the registry',
      }),
  })
  .strict();

const resources = z
  .object({
    cpu: z
      .number({ error: 'must be a number of CPU cores' })
      .min(0.1, { error: 'must be at least 0.1 CPU' })
      .max(4, { error: 'must be at most 4 CPU (the per-group ACI limit)' }),
    memoryInGB: z
      .number({ error: 'must be a number of GB' })
      .min(0.1, { error: 'must be at least 0.1 GB' })
      .max(16, { error: 'must be at most 16 GB (the per-group ACI limit)' }),
  })
  .strict();

export type Resources = z.infer<typeof resources>;

const DEFAULT_RESOURCES: Record<Component, Resources> = {
  etcd: { cpu: 0.25, memoryInGB: 0.25 },
  apiserver: { cpu: 0.5, memoryInGB: 0.75 },
  controllerManager: { cpu: 0.25, memoryInGB: 0.25 },
  scheduler: { cpu: 0.1, memoryInGB: 0.125 },
  agent: { cpu: 0.1, memoryInGB: 0.25 },
};

const specSchema = z
  .object({
    name: z.string({ error: 'must be a string' }).regex(NAME, {
      error:
        'must be 1-40 characters of lowercase letters, digits and "-", start with a letter and not end with "-"',
    }),
    kubernetesVersion: z
      .string({ error: 'must be a string like "1.37" or "1.37.2"' })
      .default(DEFAULT_KUBERNETES_VERSION)
      .transform((v, ctx) => {
        const m = VERSION.exec(v.trim());
        const minor = m ? `${m[1]}.${m[2]}` : undefined;
        if (!m || !minor || !(minor in SUPPORTED_KUBERNETES)) {
          ctx.addIssue({
            code: 'custom',
            message: `must be one of ${Object.keys(SUPPORTED_KUBERNETES).join(', ')} (optionally with a patch, e.g. ${DEFAULT_KUBERNETES_VERSION})`,
          });
          return z.NEVER;
        }
        return m[3] === undefined
          ? SUPPORTED_KUBERNETES[minor as keyof typeof SUPPORTED_KUBERNETES]
          : `${minor}.${m[3]}`;
      }),
    backend: z.enum(BACKENDS, { error: `must be one of ${BACKENDS.join(', ')}` }).default('docker'),
    /** "local" for the docker backend; an Azure region (e.g. "westeurope") for aci. */
    location: z
      .string({ error: 'must be a string' })
      .regex(/^[a-z][a-z0-9]{1,30}$/, {
        error: 'must be "local" or an Azure region name such as "westeurope"',
      })
      .default('local'),
    /** Subscription and resource groups of an ACI cluster; required for the aci backend. */
    azure: azureTarget.optional(),
    /** The agent's image (default: see agentImage); ACI pulls it, so it must be published there. */
    agentImage: z
      .string({ error: 'must be an image reference' })
      .max(255, { error: 'must be at most 255 characters' })
      .regex(IMAGE, { error: 'must be an image reference such as ghcr.io/frankenetes/agent:0.1.0' })
      .optional(),
    imageRegistryCredentials: z
      .array(registryCredential, { error: 'must be a list of {server, identity}' })
      .max(8, { error: 'must list at most 8 registries' })
      .optional(),
    /** Host port the API server is published on locally; 0 lets the engine pick a free one. */
    apiServerPort: z
      .number({ error: 'must be a port number' })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be 0 (any free port) or 1024-65535' })
      .max(65535, { error: 'must be at most 65535' })
      .refine((p) => p === 0 || p >= 1024, { error: 'must be 0 (any free port) or 1024-65535' })
      .default(0),
    /**
     * Started sandboxes (network namespace, address) the node keeps ready, so a burst of pods
     * skips the engine's network set-up; each idle one costs about 0.5 MB locally. 0 turns it off.
     */
    standbyPool: z
      .number({ error: 'must be a number of sandboxes' })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be 0 (none) to 256' })
      .max(256, { error: 'must be 0 (none) to 256' })
      .default(DEFAULT_STANDBY_POOL),
    resources: z
      .object({
        etcd: resources.default(() => ({ ...DEFAULT_RESOURCES.etcd })),
        apiserver: resources.default(() => ({ ...DEFAULT_RESOURCES.apiserver })),
        controllerManager: resources.default(() => ({ ...DEFAULT_RESOURCES.controllerManager })),
        scheduler: resources.default(() => ({ ...DEFAULT_RESOURCES.scheduler })),
        agent: resources.default(() => ({ ...DEFAULT_RESOURCES.agent })),
      })
      .strict()
      .superRefine((r, ctx) => {
        // All components share one container group, and ACI caps a group at 4 vCPU / 16 GB.
        const parts = Object.values(r);
        const cpu = parts.reduce((sum, p) => sum + p.cpu, 0);
        const memory = parts.reduce((sum, p) => sum + p.memoryInGB, 0);
        if (cpu > 4.0001 || memory > 16.0001) {
          ctx.addIssue({
            code: 'custom',
            message: `add up to ${+cpu.toFixed(3)} CPU and ${+memory.toFixed(3)} GB; the control-plane group allows at most 4 CPU and 16 GB`,
          });
        }
      })
      .default(() => structuredClone(DEFAULT_RESOURCES)),
    /** Lifetime of admin client certificates; Kubernetes cannot revoke them, so keep it short. */
    adminCredentialHours: z
      .number({ error: 'must be a number of hours' })
      .min(1, { error: 'must be at least 1 hour' })
      .max(24 * 30, { error: 'must be at most 720 hours (30 days)' })
      .default(24),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (s.backend === 'aci') {
      if (!s.azure)
        issue(
          'azure',
          'is required for the aci backend: {subscriptionId, resourceGroup[, podResourceGroup]}',
        );
      if (s.location === 'local')
        issue('location', 'must be an Azure region such as "westeurope" for the aci backend');
    } else {
      if (s.location !== 'local')
        issue('location', `must be "local" for the docker backend (Azure regions need backend "aci")`);
      if (s.azure) issue('azure', 'applies only to the aci backend');
      if (s.imageRegistryCredentials) issue('imageRegistryCredentials', 'apply only to the aci backend');
    }
  });

/** What the user asks for; every field but the name has a default. */
export type ClusterSpecInput = z.input<typeof specSchema>;
/** A validated cluster spec, defaults filled in. */
export type ClusterSpec = z.output<typeof specSchema>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path)
    v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** Validates user input; throws one SpecError naming each bad field, its value and what is allowed. */
export function parseClusterSpec(input: unknown): ClusterSpec {
  const result = specSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      return `${where}unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${issue.path.join('.') || 'spec'} ${describe(valueAt(input, issue.path))}: ${issue.message}`;
  });
  throw new SpecError(`invalid cluster spec: ${problems.join('; ')}`);
}

/** The minor version ("1.37") of a spec's Kubernetes version. */
export function kubernetesMinor(spec: ClusterSpec): string {
  return spec.kubernetesVersion.split('.').slice(0, 2).join('.');
}
