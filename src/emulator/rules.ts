import { ArmError } from './arm.js';
import type { StoredGroup, WireContainer, WireGroupProperties } from './model.js';
import type { Violation } from './swagger.js';

/**
 * ACI's own rules on a container group, past the schema: names, resources, limits and what an
 * update may change. Codes marked "verified" are ones ACI is documented or seen to return; the
 * others are the emulator's own, named after what they check (ACI's real code is unknown to us).
 */

export interface AciLimits {
  cpuPerGroup: number;
  memoryInGBPerGroup: number;
  containersPerGroup: number;
  volumesPerGroup: number;
  portsPerIp: number;
  groupsPerRegion: number;
  coresPerRegion: number;
}

/** ACI's defaults per subscription and region (DESIGN §3). */
export const ACI_LIMITS: AciLimits = {
  cpuPerGroup: 4,
  memoryInGBPerGroup: 16,
  containersPerGroup: 60,
  volumesPerGroup: 20,
  portsPerIp: 5,
  groupsPerRegion: 100,
  coresPerRegion: 100,
};

/** Regions where ACI runs Linux container groups (a static list; ARM refuses others). */
export const ACI_REGIONS = [
  'australiaeast',
  'australiasoutheast',
  'brazilsouth',
  'canadacentral',
  'canadaeast',
  'centralindia',
  'centralus',
  'eastasia',
  'eastus',
  'eastus2',
  'francecentral',
  'germanywestcentral',
  'italynorth',
  'japaneast',
  'japanwest',
  'koreacentral',
  'northcentralus',
  'northeurope',
  'norwayeast',
  'polandcentral',
  'qatarcentral',
  'southafricanorth',
  'southcentralus',
  'southeastasia',
  'southindia',
  'swedencentral',
  'switzerlandnorth',
  'uaenorth',
  'uksouth',
  'ukwest',
  'westcentralus',
  'westeurope',
  'westus',
  'westus2',
  'westus3',
];

const GROUP_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DNS_LABEL = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

/** A request that broke the schema, answered as ARM's deserializer and ACI's validation answer it. */
export function schemaError(violations: Violation[], groupName?: string): ArmError {
  const first = violations[0] as Violation;
  const details = violations
    .slice(0, 20)
    .map((v) => ({ code: 'InvalidRequestContent', message: v.message, target: v.path }));
  const leaf = first.path.split('.').pop() ?? first.path;
  // ACI's own answers for the omissions its users hit most (verified).
  if (leaf === 'osType') {
    return new ArmError(
      400,
      'InvalidOsType',
      `The 'osType' for container group '${groupName ?? '<null>'}' is invalid. The value must be one of 'Windows,Linux'.`,
      { target: first.path, details },
    );
  }
  if (first.kind === 'required' && (leaf === 'resources' || leaf === 'requests')) {
    return new ArmError(
      400,
      'ResourceRequestsNotSpecified',
      `The resource requests are not specified in container at '${first.path}' of container group '${groupName ?? '<null>'}'. Both memory and CPU requests are required.`,
      { target: first.path, details },
    );
  }
  if (first.kind === 'required' && leaf === 'ports' && first.path.includes('ipAddress')) {
    return new ArmError(
      400,
      'MissingIpAddressPorts',
      `The ports in the 'ipAddress' of container group '${groupName}' cannot be empty.`,
      {
        target: first.path,
        details,
      },
    );
  }
  return new ArmError(
    400,
    'InvalidRequestContent',
    `The request content was invalid and could not be deserialized: '${first.message}. Path '${first.path}'.'`,
    { target: first.path, details },
  );
}

export function checkGroupName(name: string): ArmError | undefined {
  if (GROUP_NAME.test(name)) return undefined;
  return new ArmError(
    400,
    'InvalidContainerGroupName',
    `The container group name '${name}' is invalid. A container group name must contain only lowercase letters, numbers and '-', start and end with a letter or number, and be at most 63 characters long.`,
  );
}

export function checkLocation(location: string, regions: string[]): ArmError | undefined {
  if (regions.includes(location)) return undefined;
  return new ArmError(
    400,
    'LocationNotAvailableForResourceType',
    `The provided location '${location}' is not available for resource type 'Microsoft.ContainerInstance/containerGroups'. List of available regions for the resource type is '${regions.join(',')}'.`,
  );
}

function requests(c: WireContainer) {
  return c.properties.resources.requests;
}

/** Checks a definition on its own: names, resources, ACI's per-group limits. */
export function checkDefinition(
  name: string,
  location: string,
  p: WireGroupProperties,
  limits: AciLimits,
): ArmError | undefined {
  const all = [...(p.initContainers ?? []), ...p.containers];
  if (!p.containers.length) {
    return new ArmError(
      400,
      'InvalidContainerGroupContainers',
      `The container group '${name}' has no containers; at least one is required.`,
    );
  }
  const seen = new Set<string>();
  for (const c of all) {
    if (!CONTAINER_NAME.test(c.name)) {
      return new ArmError(
        400,
        'InvalidContainerName',
        `The container name '${c.name}' in container group '${name}' is invalid. A container name must contain only lowercase letters, numbers and '-', start and end with a letter or number, and be at most 63 characters long.`,
      );
    }
    if (seen.has(c.name)) {
      return new ArmError(
        400,
        'DuplicateContainerName',
        `The container name '${c.name}' appears more than once in container group '${name}'.`,
      );
    }
    seen.add(c.name);
    for (const e of c.properties.environmentVariables ?? []) {
      if (!ENV_NAME.test(e.name)) {
        // verified
        return new ArmError(
          400,
          'InvalidContainerEnvironmentVariable',
          `The environment variable name in container '${c.name}' of container group '${name}' is invalid. A valid environment variable name must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName').`,
        );
      }
    }
  }
  const volumes = new Set((p.volumes ?? []).map((v) => v.name));
  for (const c of all) {
    for (const m of c.properties.volumeMounts ?? []) {
      if (!volumes.has(m.name)) {
        return new ArmError(
          400,
          'InvalidVolumeMount',
          `The volume mount '${m.name}' in container '${c.name}' of container group '${name}' refers to a volume that the group does not define.`,
        );
      }
    }
  }
  for (const c of p.containers) {
    const { requests: r, limits: l } = c.properties.resources;
    for (const [key, limit] of [
      ['Cpu', l?.cpu],
      ['MemoryInGB', l?.memoryInGB],
    ] as const) {
      const request = key === 'Cpu' ? r.cpu : r.memoryInGB;
      if (limit !== undefined && limit < request) {
        // verified
        return new ArmError(
          400,
          'ResourceLimitsLessThanRequests',
          `The resource requirement '${JSON.stringify(c.properties.resources)}' in container '${c.name}' of contain group '${name}' is invalid. The '${key}' limit value must be greater than or equal to the request value.`,
        );
      }
    }
  }
  const cpu = p.containers.reduce((sum, c) => sum + requests(c).cpu, 0);
  const memory = p.containers.reduce((sum, c) => sum + requests(c).memoryInGB, 0);
  if (cpu > limits.cpuPerGroup || memory > limits.memoryInGBPerGroup) {
    // verified: ACI answers a group larger than any host with 409 ServiceUnavailable.
    return new ArmError(
      409,
      'ServiceUnavailable',
      `The requested resource is not available in the location '${location}' at this moment. Please retry with a different resource request or in another location. Resource requested: '${cpu}' CPU '${memory}' GB memory '${p.osType}' OS`,
    );
  }
  if (all.length > limits.containersPerGroup) {
    return new ArmError(
      400,
      'ContainerGroupContainerLimitExceeded',
      `The container group '${name}' has ${all.length} containers; at most ${limits.containersPerGroup} are allowed.`,
    );
  }
  if ((p.volumes?.length ?? 0) > limits.volumesPerGroup) {
    return new ArmError(
      400,
      'ContainerGroupVolumeLimitExceeded',
      `The container group '${name}' has ${p.volumes?.length} volumes; at most ${limits.volumesPerGroup} are allowed.`,
    );
  }
  const ip = p.ipAddress;
  if (ip) {
    if (!ip.ports.length) {
      // verified
      return new ArmError(
        400,
        'MissingIpAddressPorts',
        `The ports in the 'ipAddress' of container group '${name}' cannot be empty.`,
      );
    }
    if (ip.ports.length > limits.portsPerIp) {
      return new ArmError(
        400,
        'IpAddressPortLimitExceeded',
        `The 'ipAddress' of container group '${name}' exposes ${ip.ports.length} ports; at most ${limits.portsPerIp} are allowed per IP address.`,
      );
    }
    if (ip.type.toLowerCase() === 'private' && !p.subnetIds?.length) {
      // verified message
      return new ArmError(
        400,
        'InvalidIpAddressType',
        `IP Address type in container group '${name}' is invalid. Private IP address is only supported when network profile is defined.`,
      );
    }
    if (ip.dnsNameLabel !== undefined && !DNS_LABEL.test(ip.dnsNameLabel)) {
      return new ArmError(
        400,
        'InvalidDnsNameLabel',
        `The DNS name label '${ip.dnsNameLabel}' of container group '${name}' is invalid. It must be 3 to 63 characters of lowercase letters, numbers and '-', start with a letter and end with a letter or number.`,
      );
    }
  }
  return undefined;
}

const norm = (v: unknown) => JSON.stringify(v ?? null);

/**
 * ACI updates a group in place only when its OS, restart policy, network, CPU, memory, GPU and
 * ports stay; anything else needs a delete and a new create (verified message and code).
 */
export function checkUpdate(existing: StoredGroup, next: WireGroupProperties): ArmError | undefined {
  const old = existing.properties;
  const before = new Map(old.containers.map((c) => [c.name, c]));
  const changed =
    old.osType.toLowerCase() !== next.osType.toLowerCase() ||
    (old.restartPolicy ?? 'Always').toLowerCase() !== (next.restartPolicy ?? 'Always').toLowerCase() ||
    norm(old.ipAddress?.type?.toLowerCase()) !== norm(next.ipAddress?.type?.toLowerCase()) ||
    norm(portSet(old.ipAddress?.ports)) !== norm(portSet(next.ipAddress?.ports)) ||
    norm(old.subnetIds) !== norm(next.subnetIds) ||
    norm(old.sku) !== norm(next.sku) ||
    next.containers.some((c) => {
      const was = before.get(c.name);
      if (!was) return false;
      return (
        norm(was.properties.resources) !== norm(c.properties.resources) ||
        norm(portSet(was.properties.ports)) !== norm(portSet(c.properties.ports))
      );
    });
  if (!changed) return undefined;
  return new ArmError(
    400,
    'InvalidContainerGroupUpdate',
    `The updates on container group '${existing.name}' are invalid. If you are going to update the os type, restart policy, network profile, CPU, memory or GPU resources for a container group, you must delete it first and then create a new one.`,
  );
}

function portSet(ports?: { port: number; protocol?: string }[]): string[] {
  return (ports ?? []).map((p) => `${p.port}/${(p.protocol ?? 'TCP').toUpperCase()}`).sort();
}

/** The region quotas: container groups and cores per subscription and region (verified code). */
export function checkRegionQuota(
  others: StoredGroup[],
  next: WireGroupProperties,
  location: string,
  limits: AciLimits,
): ArmError | undefined {
  const quota = (name: string, limit: number, usage: number, requested: number) =>
    new ArmError(
      400,
      'ContainerGroupQuotaReached',
      `Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota '${name}' exceeded in region '${location}'. Limit: '${limit}', Usage: '${usage}' Requested: '${requested}'.`,
    );
  if (others.length + 1 > limits.groupsPerRegion)
    return quota('ContainerGroups', limits.groupsPerRegion, others.length, 1);
  const cores = (p: WireGroupProperties) => p.containers.reduce((sum, c) => sum + requests(c).cpu, 0);
  const used = others.reduce((sum, g) => sum + (g.stopped ? 0 : cores(g.properties)), 0);
  const wanted = cores(next);
  if (used + wanted > limits.coresPerRegion)
    return quota('StandardCores', limits.coresPerRegion, used, wanted);
  return undefined;
}
