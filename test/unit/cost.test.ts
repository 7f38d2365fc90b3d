// Figures below are worked out by hand from the published rates (eastus: $0.0405 per vCPU-hour,
// $0.00445 per GB-hour, $0.000012 per Windows vCPU-second; swedencentral: $0.0466 and $0.00511),
// not by re-running the implementation's formula.
import type { ContainerGroup } from '@azure/arm-containerinstance';
import { describe, expect, it } from 'vitest';
import {
  ACI_PRICES,
  CostError,
  billedSeconds,
  clusterCost,
  groupCost,
  groupResources,
  ratesFor,
  withPriceOverrides,
} from '../../src/core/cost.js';

const linux = (cpu: number, memoryInGB: number, location = 'eastus') => ({
  cpu,
  memoryInGB,
  osType: 'Linux' as const,
  location,
});

describe('groupCost', () => {
  it("matches Microsoft's pricing example: 1.3 vCPU / 2.15 GB, 150 s, 50 times a day for 30 days", () => {
    // Billed as 2 vCPU and 2.2 GB. 1500 runs x 150 s = 225,000 s = 62.5 h.
    // vCPU: 2 x 62.5 h x 0.0405 = 5.0625; memory: 2.2 x 62.5 h x 0.00445 = 0.611875.
    const cost = groupCost(linux(1.3, 2.15), 1500 * 150);
    expect(cost.vcpu).toBe(2);
    expect(cost.memoryInGB).toBe(2.2);
    expect(cost.vcpuCost).toBeCloseTo(5.0625, 10);
    expect(cost.memoryCost).toBeCloseTo(0.611875, 10);
    expect(cost.windowsCost).toBe(0);
    expect(cost.total).toBeCloseTo(5.674375, 10);
    expect(cost.currency).toBe('USD');
    // The pricing page shows $5.063 + $0.612 = $5.675, the same to the tenth of a cent.
    expect(Math.abs(cost.total - 5.675)).toBeLessThan(0.001);
  });

  it('prices the default control plane (1.2 CPU, 1.625 GB) for an hour in eastus', () => {
    // 0.25 + 0.5 + 0.25 + 0.1 + 0.1 CPU → 2 vCPU; 0.25 + 0.75 + 0.25 + 0.125 + 0.25 GB → 1.7 GB.
    // 2 x 0.0405 = 0.081; 1.7 x 0.00445 = 0.007565; total 0.088565.
    const cost = groupCost(linux(1.2, 1.625), 3600);
    expect([cost.vcpu, cost.memoryInGB]).toEqual([2, 1.7]);
    expect(cost.total).toBeCloseTo(0.088565, 10);
  });

  it('does not round requests that are already whole steps, despite floating-point sums', () => {
    // 0.1 + 0.2 = 0.30000000000000004 must bill 0.3 GB, not 0.4; 2.2 GB stays 2.2.
    expect(groupCost(linux(1, 0.1 + 0.2), 60).memoryInGB).toBe(0.3);
    expect(groupCost(linux(1, 2.2), 60).memoryInGB).toBe(2.2);
    expect(groupCost(linux(0.1 * 10, 1), 60).vcpu).toBe(1);
    expect(groupCost(linux(4, 16), 60)).toMatchObject({ vcpu: 4, memoryInGB: 16 });
  });

  it('adds the Windows software charge per vCPU-second', () => {
    // 1 vCPU, 1 GB, 1 h: 0.0405 + 0.00445 + 3600 x 0.000012 (= 0.0432) = 0.08815.
    const cost = groupCost({ cpu: 1, memoryInGB: 1, osType: 'Windows', location: 'eastus' }, 3600);
    expect(cost.windowsCost).toBeCloseTo(0.0432, 10);
    expect(cost.total).toBeCloseTo(0.08815, 10);
  });

  it("uses a region's own rates, whatever the location's spelling", () => {
    // 0.5 vCPU → 1; 30 days = 720 h: 1 x 720 x 0.0466 = 33.552; 1 GB x 720 x 0.00511 = 3.6792.
    const cost = groupCost(linux(0.5, 1, 'Sweden Central'), 720 * 3600);
    expect(cost.vcpuCost).toBeCloseTo(33.552, 8);
    expect(cost.memoryCost).toBeCloseTo(3.6792, 8);
    expect(cost.total).toBeCloseTo(37.2312, 8);
    expect(ratesFor('sweden-central')).toEqual(ratesFor('swedencentral'));
  });

  it('falls back to the default rates for a region without its own', () => {
    expect(ratesFor('westeurope')).toEqual(ACI_PRICES.default);
    // 1 vCPU, 1.5 GB for 10 minutes: (0.0405 + 1.5 x 0.00445) / 6 = 0.0078625.
    expect(groupCost(linux(1, 1.5, 'westeurope'), 600).total).toBeCloseTo(0.0078625, 10);
  });

  it('costs nothing for no time, and refuses negative inputs', () => {
    expect(groupCost(linux(1, 1), 0).total).toBe(0);
    expect(() => groupCost(linux(1, 1), -1)).toThrow(CostError);
    expect(() => groupCost(linux(1, 1), Number.NaN)).toThrow('running time must be zero or more seconds');
    expect(() => groupCost(linux(-1, 1), 10)).toThrow('resources must not be negative');
  });
});

describe('clusterCost', () => {
  it('lists each group and sums them', () => {
    // control plane 1 h: 0.088565 (above); a pod of 0.1 CPU / 0.1 GB for 30 min:
    // 1 vCPU x 0.5 h x 0.0405 = 0.02025, 0.1 GB x 0.5 h x 0.00445 = 0.0002225 → 0.0204725.
    const cost = clusterCost([
      { name: 'pr-1-control-plane', resources: linux(1.2, 1.625), seconds: 3600 },
      { name: 'pr-1-default-web', resources: linux(0.1, 0.1), seconds: 1800 },
    ]);
    expect(cost.groups.map((g) => g.name)).toEqual(['pr-1-control-plane', 'pr-1-default-web']);
    expect(cost.groups[1]!.total).toBeCloseTo(0.0204725, 10);
    expect(cost.total).toBeCloseTo(0.1090375, 10);
    expect(clusterCost([]).total).toBe(0);
  });
});

describe('withPriceOverrides', () => {
  it('overrides one region, or the default with "*"', () => {
    const table = withPriceOverrides('{"West Europe":{"vcpuHour":0.05},"*":{"memoryGbHour":0.01}}');
    expect(ratesFor('westeurope', table)).toEqual({
      vcpuHour: 0.05,
      memoryGbHour: 0.01,
      windowsVcpuSecond: 0.000012,
    });
    expect(ratesFor('eastus', table).memoryGbHour).toBe(0.00445);
    expect(ratesFor('brazilsouth', table)).toEqual({
      vcpuHour: 0.0405,
      memoryGbHour: 0.01,
      windowsVcpuSecond: 0.000012,
    });
    // 1 vCPU, 1 GB for an hour in westeurope: 0.05 + 0.01.
    expect(groupCost(linux(1, 1, 'westeurope'), 3600, table).total).toBeCloseTo(0.06, 10);
    expect(table.source).toContain('with overrides');
  });

  it('leaves the table alone without overrides', () => {
    expect(withPriceOverrides(undefined)).toBe(ACI_PRICES);
    expect(withPriceOverrides('  ')).toBe(ACI_PRICES);
  });

  it.each([
    ['not json', 'not JSON'],
    ['{"eastus":{"vcpuHour":-1}}', 'eastus.vcpuHour'],
    ['{"eastus":{"cpu":1}}', 'eastus'],
    ['[1]', 'value'],
  ])('explains what is wrong with %j', (input, why) => {
    expect(() => withPriceOverrides(input)).toThrow(CostError);
    expect(() => withPriceOverrides(input)).toThrow(why);
    expect(() => withPriceOverrides(input)).toThrow('"vcpuHour": n');
  });
});

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

describe('groupResources and billedSeconds', () => {
  const group = (overrides: Partial<ContainerGroup> = {}): ContainerGroup => ({
    osType: 'Linux',
    location: 'westeurope',
    containers: [
      {
        name: 'etcd',
        image: 'etcd',
        resources: { requests: { cpu: 0.25, memoryInGB: 0.5 } },
        instanceView: {
          events: [{ name: 'Pulling', firstTimestamp: at(0), lastTimestamp: at(0) }],
          currentState: { state: 'Running', startTime: at(20) },
        } as never,
      },
      {
        name: 'api',
        image: 'api',
        resources: { requests: { cpu: 0.5, memoryInGB: 1 } },
        instanceView: { currentState: { state: 'Running', startTime: at(25) } } as never,
      },
    ],
    initContainers: [{ name: 'restore', image: 'etcd' }],
    ...overrides,
  });

  it("sums the containers' requests, with the group's OS and location", () => {
    expect(groupResources(group())).toEqual({
      cpu: 0.75,
      memoryInGB: 1.5,
      osType: 'Linux',
      location: 'westeurope',
    });
    expect(groupResources(group({ osType: 'Windows', containers: [] }))).toEqual({
      cpu: 0,
      memoryInGB: 0,
      osType: 'Windows',
      location: 'westeurope',
    });
  });

  it('counts from the first image pull until now while the group runs', () => {
    expect(billedSeconds(group(), at(100))).toBe(100);
  });

  it('counts from the earliest container start when no pull event is known, also from JSON strings', () => {
    const g = group();
    const json = JSON.parse(JSON.stringify({ ...g, containers: [g.containers[1]] })) as ContainerGroup;
    expect(billedSeconds(json, at(85))).toBe(60);
  });

  it('stops counting when the group stopped or all its containers ended', () => {
    const ended = (state: string) =>
      group({
        instanceView: { state } as never,
        containers: group().containers.map((c, i) => ({
          ...c,
          instanceView: {
            ...c.instanceView,
            currentState: { state: 'Terminated', startTime: at(20), finishTime: at(40 + i * 10) },
          } as never,
        })),
      });
    expect(billedSeconds(ended('Stopped'), at(1000))).toBe(50);
    expect(billedSeconds(ended('Running'), at(1000))).toBe(50);
    // Stopped with no finish times left: up to the last event.
    const stoppedBare = group({ instanceView: { state: 'Stopped' } as never });
    expect(billedSeconds(stoppedBare, at(1000))).toBe(25);
  });

  it('is zero for a group with no instance view yet', () => {
    expect(
      billedSeconds(
        {
          osType: 'Linux',
          containers: [{ name: 'x', image: 'x', resources: { requests: { cpu: 1, memoryInGB: 1 } } }],
        },
        at(5),
      ),
    ).toBe(0);
  });
});
