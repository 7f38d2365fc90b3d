/**
 * The pure half of the ACI backend: what a planned group becomes on the wire, ACI's limits and
 * update rules, and Azure errors in words a user can act on. No I/O here.
 */
import type { Container, ContainerGroup, InitContainerDefinition } from '@azure/arm-containerinstance';
import { createHash } from 'node:crypto';
import type { PlannedGroup } from '../plan.js';

/** ACI's per-group limits (DESIGN §3; the regional quotas are ARM's to enforce). */
export const ACI_GROUP_LIMITS = {
  cpu: 4,
  memoryInGB: 16,
  containers: 60,
  volumes: 20,
  portsPerIp: 5,
} as const;

/** The tag that carries a group's definition hash: GET returns no secrets, so the hash tells "unchanged". */
export const DEFINITION_HASH_TAG = 'frankenetes.definition-hash';

const GROUP_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Provisioning states after which no operation runs on the group. */
export function isTerminalState(provisioningState: string | undefined): boolean {
  return ['Succeeded', 'Failed', 'Canceled', 'Stopped'].includes(provisioningState ?? '');
}

/**
 * Why ACI would refuse this group, checked before any request (DESIGN §3): names of 1-63
 * lowercase letters, digits and "-"; per group at most 4 vCPU and 16 GB (requests), 60
 * containers, 20 volumes and 5 ports per IP address.
 */
export function aciLimitProblems(group: PlannedGroup): string[] {
  const problems: string[] = [];
  const name = (what: string, value: string) => {
    if (!GROUP_NAME.test(value))
      problems.push(
        `${what} "${value}" must be 1-63 lowercase letters, digits and "-", starting and ending with a letter or digit`,
      );
  };
  name('container group name', group.name);
  const all: (Container | InitContainerDefinition)[] = [...(group.initContainers ?? []), ...group.containers];
  for (const c of all) name('container name', c.name);
  const cpu = group.containers.reduce((sum, c) => sum + (c.resources?.requests.cpu ?? 0), 0);
  const memory = group.containers.reduce((sum, c) => sum + (c.resources?.requests.memoryInGB ?? 0), 0);
  const round = (n: number) => +n.toFixed(3);
  if (cpu > ACI_GROUP_LIMITS.cpu + 1e-9)
    problems.push(
      `its containers request ${round(cpu)} vCPU; ACI allows at most ${ACI_GROUP_LIMITS.cpu} per group`,
    );
  if (memory > ACI_GROUP_LIMITS.memoryInGB + 1e-9)
    problems.push(
      `its containers request ${round(memory)} GB; ACI allows at most ${ACI_GROUP_LIMITS.memoryInGB} GB per group`,
    );
  if (all.length > ACI_GROUP_LIMITS.containers)
    problems.push(
      `it has ${all.length} containers; ACI allows at most ${ACI_GROUP_LIMITS.containers} per group`,
    );
  const volumes = group.volumes?.length ?? 0;
  if (volumes > ACI_GROUP_LIMITS.volumes)
    problems.push(`it has ${volumes} volumes; ACI allows at most ${ACI_GROUP_LIMITS.volumes} per group`);
  const ports = group.ipAddress?.ports.length ?? 0;
  if (ports > ACI_GROUP_LIMITS.portsPerIp)
    problems.push(
      `it exposes ${ports} ports; ACI allows at most ${ACI_GROUP_LIMITS.portsPerIp} per IP address`,
    );
  return problems;
}

/** The definition's hash: what the group is asked to be, secrets included, so any change shows. */
export function definitionHash(group: ContainerGroup): string {
  return createHash('sha256').update(JSON.stringify(group)).digest('hex');
}

/**
 * The group as sent to ACI: the plan without its `local` part, tagged with its definition hash.
 * ACI has `command` only, which replaces the image's entrypoint: a container with args but no
 * command runs its args as the command, as azure-aci's virtual kubelet does.
 */
export function toAciGroup(group: PlannedGroup): ContainerGroup {
  // `name` is the resource's path segment, not part of the body.
  const { local, name, ...rest } = group;
  void name;
  const args = local?.args ?? {};
  const withArgs = <T extends Container | InitContainerDefinition>(c: T): T =>
    !c.command?.length && args[c.name]?.length ? { ...c, command: [...(args[c.name] ?? [])] } : c;
  const body: ContainerGroup = {
    ...rest,
    containers: rest.containers.map(withArgs),
    ...(rest.initContainers ? { initContainers: rest.initContainers.map(withArgs) } : {}),
  };
  return { ...body, tags: { ...(body.tags ?? {}), [DEFINITION_HASH_TAG]: definitionHash(body) } };
}

const portSet = (ports: { port: number; protocol?: string }[] | undefined) =>
  (ports ?? []).map((p) => `${p.port}/${(p.protocol ?? 'TCP').toUpperCase()}`).sort();
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const resourcesOf = (c: Container) => ({
  cpu: c.resources?.requests.cpu,
  memoryInGB: c.resources?.requests.memoryInGB,
  limitCpu: c.resources?.limits?.cpu,
  limitMemoryInGB: c.resources?.limits?.memoryInGB,
});

/**
 * Why an existing group cannot be updated in place, or undefined when a PUT will do: ACI refuses
 * updates of the OS type, restart policy, IP address type and ports, and containers' CPU, memory
 * and ports (and a group cannot move region). Such a group is deleted and created again.
 */
export function recreateReason(existing: ContainerGroup, desired: ContainerGroup): string | undefined {
  if ((existing.location ?? '').replace(/\s+/g, '').toLowerCase() !== (desired.location ?? '').toLowerCase())
    return `its location changes from ${existing.location} to ${desired.location}`;
  if ((existing.osType ?? '').toLowerCase() !== (desired.osType ?? '').toLowerCase())
    return `its OS type changes from ${existing.osType} to ${desired.osType}`;
  if ((existing.restartPolicy ?? 'Always') !== (desired.restartPolicy ?? 'Always'))
    return `its restart policy changes from ${existing.restartPolicy ?? 'Always'} to ${desired.restartPolicy ?? 'Always'}`;
  if ((existing.ipAddress?.type ?? 'none') !== (desired.ipAddress?.type ?? 'none'))
    return 'its IP address type changes';
  if (!same(portSet(existing.ipAddress?.ports), portSet(desired.ipAddress?.ports)))
    return 'its exposed ports change';
  const before = new Map(existing.containers.map((c) => [c.name, c]));
  if (!same([...before.keys()].sort(), desired.containers.map((c) => c.name).sort()))
    return 'its containers change';
  for (const c of desired.containers) {
    const was = before.get(c.name) as Container;
    if (!same(resourcesOf(was), resourcesOf(c))) return `the resources of container ${c.name} change`;
    if (!same(portSet(was.ports), portSet(c.ports))) return `the ports of container ${c.name} change`;
  }
  return undefined;
}

interface AzureErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  request?: { url?: string };
}

const firstLine = (text = '') => (text.split('\n')[0] ?? '').trim();

/** Network failures the SDK reports (as RestError codes or Node's errno codes). */
const UNREACHABLE = new Set([
  'REQUEST_SEND_ERROR',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

export type AzureFailure =
  'unreachable' | 'sign-in' | 'denied' | 'not-found' | 'conflict' | 'throttled' | 'invalid' | 'failed';

/**
 * An Azure SDK error as one line a user can act on, and what kind it is; never a token. ARM's
 * answers read `<code>: <message>`.
 */
export function describeAzureError(error: unknown): { kind: AzureFailure; message: string } {
  const e = (error ?? {}) as AzureErrorLike;
  const message = firstLine(e.message ?? String(error));
  if (e.name === 'CredentialUnavailableError')
    return { kind: 'sign-in', message: `no Azure credential is available (${message})` };
  if (e.name === 'AuthenticationError' || e.name === 'AggregateAuthenticationError')
    return { kind: 'sign-in', message: `signing in to Azure failed (${message})` };
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  if ((e.code && UNREACHABLE.has(e.code)) || (cause && UNREACHABLE.has(cause))) {
    const where = e.request?.url ? new URL(e.request.url).origin : 'the ARM endpoint';
    const why = cause && cause !== e.code ? `${cause}: ${message}` : message;
    return { kind: 'unreachable', message: `${where} is not reachable (${why})` };
  }
  const status = e.statusCode;
  const text = e.code && !message.startsWith(e.code) ? `${e.code}: ${message}` : message;
  if (status === 401) return { kind: 'sign-in', message: `Azure refused the credential (${text})` };
  if (status === 403) return { kind: 'denied', message: `the identity lacks permission (${text})` };
  if (status === 404) return { kind: 'not-found', message: text };
  if (status === 409) return { kind: 'conflict', message: text };
  if (status === 429) return { kind: 'throttled', message: `Azure throttled the requests (${text})` };
  if (status !== undefined && status >= 400 && status < 500) return { kind: 'invalid', message: text };
  if (/long-running operation has failed/i.test(message)) {
    return { kind: 'failed', message: message.replace(/^The long-running operation has failed\.\s*/i, '') };
  }
  return { kind: 'failed', message: text };
}
