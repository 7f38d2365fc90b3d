import type { ContainerGroup } from '@azure/arm-containerinstance';
import { z } from 'zod';

/**
 * What ACI bills a container group for: the sum of its containers' resource requests (init
 * containers have none of their own), its OS and its region, per second of running time.
 */
export interface GroupResources {
  cpu: number;
  memoryInGB: number;
  osType: 'Linux' | 'Windows';
  /** ARM location, e.g. "eastus" or "West Europe" (compared without case or spaces). */
  location: string;
}

/** Pay-as-you-go rates of one region, in the table's currency. */
export interface AciRates {
  /** "Standard vCPU Duration", per vCPU-hour. */
  vcpuHour: number;
  /** "Standard Memory Duration", per GB-hour. */
  memoryGbHour: number;
  /** "Standard Windows Software Duration", per vCPU-second, on Windows groups only. */
  windowsVcpuSecond: number;
}

export interface AciPriceTable {
  currency: string;
  /** Where the figures come from and when they were read. */
  source: string;
  /** Rates of regions without an entry of their own. */
  default: AciRates;
  /** Per-region rates, keyed by normalised ARM location ("westeurope"). */
  regions: Record<string, Partial<AciRates>>;
  /** Billing rounds requests up to these steps (Microsoft's pricing example rounds 1.3 vCPU to 2, 2.15 GB to 2.2). */
  vcpuStep: number;
  memoryStepGB: number;
}

/**
 * ACI Linux "Standard" pay-as-you-go prices in USD, from Microsoft's Azure Retail Prices API
 * (prices.azure.com/api/retail/prices, serviceName 'Container Instances', priceType
 * 'Consumption'), as published by October 2026:
 * - eastus: Standard vCPU Duration 0.0405 per hour (= $0.00001125 per vCPU-s), Standard Memory
 *   Duration 0.00445 per GB-hour (≈ $0.00000124 per GB-s), Standard Windows Software Duration
 *   0.000012 per vCPU-second. These are the per-second figures of the ACI pricing page's example
 *   (azure.microsoft.com/pricing/details/container-instances), which also rounds requests up.
 * - swedencentral: 0.0466 per vCPU-hour, 0.00511 per GB-hour (effective since 2021-06-08).
 * Other regions fall back to eastus's rates; add them with FRANKENETES_ACI_PRICES. Spot,
 * confidential and GPU groups are priced differently and not covered.
 */
export const ACI_PRICES: AciPriceTable = {
  currency: 'USD',
  source: 'Azure Retail Prices API, Container Instances, Consumption, read 2026-10',
  default: { vcpuHour: 0.0405, memoryGbHour: 0.00445, windowsVcpuSecond: 0.000012 },
  regions: {
    eastus: { vcpuHour: 0.0405, memoryGbHour: 0.00445, windowsVcpuSecond: 0.000012 },
    swedencentral: { vcpuHour: 0.0466, memoryGbHour: 0.00511 },
  },
  vcpuStep: 1,
  memoryStepGB: 0.1,
};

export class CostError extends Error {
  override name = 'CostError';
}

export const normaliseLocation = (location: string) => location.toLowerCase().replace(/[\s_-]/g, '');

export function ratesFor(location: string, table: AciPriceTable = ACI_PRICES): AciRates {
  return { ...table.default, ...table.regions[normaliseLocation(location)] };
}

/** Rounds up to a step, ignoring floating-point dust (0.1 + 0.2 is 0.3, not 0.30000000000000004). */
function roundUp(value: number, step: number): number {
  const steps = Math.ceil(value / step - 1e-9);
  return Math.round(steps * step * 1e6) / 1e6;
}

export interface GroupCost {
  /** Billed vCPU and GB after rounding up the requests. */
  vcpu: number;
  memoryInGB: number;
  seconds: number;
  vcpuCost: number;
  memoryCost: number;
  windowsCost: number;
  total: number;
  currency: string;
}

/** The cost of a group with these resources running for this many seconds. */
export function groupCost(
  resources: GroupResources,
  seconds: number,
  table: AciPriceTable = ACI_PRICES,
): GroupCost {
  if (!(seconds >= 0)) throw new CostError(`running time must be zero or more seconds, not ${seconds}`);
  if (!(resources.cpu >= 0) || !(resources.memoryInGB >= 0))
    throw new CostError(
      `resources must not be negative (cpu ${resources.cpu}, memory ${resources.memoryInGB} GB)`,
    );
  const rates = ratesFor(resources.location, table);
  const vcpu = roundUp(resources.cpu, table.vcpuStep);
  const memoryInGB = roundUp(resources.memoryInGB, table.memoryStepGB);
  const hours = seconds / 3600;
  const vcpuCost = vcpu * hours * rates.vcpuHour;
  const memoryCost = memoryInGB * hours * rates.memoryGbHour;
  const windowsCost = resources.osType === 'Windows' ? vcpu * seconds * rates.windowsVcpuSecond : 0;
  return {
    vcpu,
    memoryInGB,
    seconds,
    vcpuCost,
    memoryCost,
    windowsCost,
    total: vcpuCost + memoryCost + windowsCost,
    currency: table.currency,
  };
}

export interface ClusterCost {
  groups: (GroupCost & { name: string })[];
  total: number;
  currency: string;
}

/** A cluster's cost: each group's, and their sum. */
export function clusterCost(
  groups: { name: string; resources: GroupResources; seconds: number }[],
  table: AciPriceTable = ACI_PRICES,
): ClusterCost {
  const costs = groups.map((g) => ({ name: g.name, ...groupCost(g.resources, g.seconds, table) }));
  return { groups: costs, total: costs.reduce((sum, c) => sum + c.total, 0), currency: table.currency };
}

/** The billed resources of a group: its containers' requests, summed (init containers have none). */
export function groupResources(group: ContainerGroup): GroupResources {
  const sum = (pick: (c: ContainerGroup['containers'][number]) => number | undefined) =>
    group.containers.reduce((total, c) => total + (pick(c) ?? 0), 0);
  return {
    cpu: sum((c) => c.resources?.requests?.cpu),
    memoryInGB: sum((c) => c.resources?.requests?.memoryInGB),
    osType: group.osType === 'Windows' ? 'Windows' : 'Linux',
    location: group.location ?? '',
  };
}

/** Group states in which ACI no longer bills: stopped, or every container ran to its end. */
const ENDED_STATES = new Set(['Stopped', 'Succeeded', 'Failed']);

const time = (value: Date | string | undefined) => {
  const ms = value === undefined ? NaN : new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
};

/**
 * How long a group has been billed in its current run, from its instance view: ACI bills "from
 * the time that we start to pull your first container's image … until the container group is
 * stopped". The start is the earliest Pulling event or container start; the end is now, or the
 * last container finish once the group stopped or all its containers ended. Earlier runs (before a
 * stop/start) are not in the instance view, so they are not counted.
 */
export function billedSeconds(group: ContainerGroup, now: Date): number {
  const containers = group.containers ?? [];
  const pulls = containers.flatMap((c) =>
    (c.instanceView?.events ?? []).filter((e) => e.name === 'Pulling').map((e) => time(e.firstTimestamp)),
  );
  const starts = containers.map((c) => time(c.instanceView?.currentState?.startTime));
  const known = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);
  const start = Math.min(...known([...pulls, ...starts]));
  if (!Number.isFinite(start)) return 0;
  const finishes = containers.map((c) =>
    c.instanceView?.currentState?.state === 'Terminated'
      ? time(c.instanceView.currentState.finishTime)
      : undefined,
  );
  const ended =
    ENDED_STATES.has(group.instanceView?.state ?? '') ||
    (containers.length > 0 && finishes.every((f) => f !== undefined));
  // A stopped group may have lost its containers' finish times: then its last event ends it.
  const lastEvents = known(
    containers.flatMap((c) =>
      (c.instanceView?.events ?? []).map((e) => time(e.lastTimestamp ?? e.firstTimestamp)),
    ),
  );
  const end = !ended
    ? now.getTime()
    : known(finishes).length
      ? Math.max(...known(finishes))
      : Math.max(start, ...lastEvents, ...known(starts));
  return Math.max(0, Math.round((end - start) / 1000));
}

const ratesSchema = z
  .object({
    vcpuHour: z.number().nonnegative(),
    memoryGbHour: z.number().nonnegative(),
    windowsVcpuSecond: z.number().nonnegative(),
  })
  .partial()
  .strict();
const overridesSchema = z.record(z.string(), ratesSchema);

/**
 * The price table with overrides applied: a JSON object of location → rates, where "*" replaces
 * the default, e.g. {"westeurope":{"vcpuHour":0.0445,"memoryGbHour":0.0049}}. Hosts pass
 * $FRANKENETES_ACI_PRICES (or a spec's field) here.
 */
export function withPriceOverrides(
  overrides: string | undefined,
  table: AciPriceTable = ACI_PRICES,
): AciPriceTable {
  if (!overrides?.trim()) return table;
  let parsed: z.infer<typeof overridesSchema>;
  try {
    parsed = overridesSchema.parse(JSON.parse(overrides));
  } catch (error) {
    const why =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')
        : 'not JSON';
    throw new CostError(
      `invalid ACI price overrides (${why}); expected {"<location>|*": {"vcpuHour": n, "memoryGbHour": n, "windowsVcpuSecond": n}}`,
    );
  }
  const regions = { ...table.regions };
  let defaults = table.default;
  for (const [location, rates] of Object.entries(parsed)) {
    if (location === '*') defaults = { ...defaults, ...rates };
    else regions[normaliseLocation(location)] = { ...regions[normaliseLocation(location)], ...rates };
  }
  return { ...table, default: defaults, regions, source: `${table.source}, with overrides` };
}
