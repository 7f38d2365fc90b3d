import { describe, expect, it } from 'vitest';
import {
  KUBERNETES_SERVICE_IP,
  SERVICE_CIDR,
  clusterDnsName,
  controlPlaneGroupName,
  nodeName,
  shortenName,
} from '../../src/core/names.js';

/** ACI container group names: 1-63 of [a-z0-9-], no leading or trailing "-". */
const GROUP_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

describe('shortenName', () => {
  it('keeps short valid names unchanged', () => {
    for (const name of ['a', 'demo', 'pr-1234-control-plane', 'x1-y2-z3'])
      expect(shortenName(name)).toBe(name);
  });

  it('keeps a name of exactly 63 characters', () => {
    const name = `a${'-b'.repeat(31)}`;
    expect(name).toHaveLength(63);
    expect(shortenName(name)).toBe(name);
  });

  it('lowercases', () => {
    expect(shortenName('Demo-Cluster')).toBe('demo-cluster');
    expect(shortenName('ABC')).toBe('abc');
  });

  it('replaces runs of invalid characters by "-" and trims "-" at both ends', () => {
    expect(shortenName('my_cluster!!name')).toBe('my-cluster-name');
    expect(shortenName('--pr/42--')).toBe('pr-42');
    expect(shortenName('team.a frontend')).toBe('team-a-frontend');
  });

  it('shortens long names to at most 63 valid characters ending in a hash', () => {
    const long = `pull-request-${'x'.repeat(100)}`;
    const short = shortenName(long);
    expect(short.length).toBeLessThanOrEqual(63);
    expect(short).toMatch(GROUP_NAME);
    expect(short).toMatch(/-[0-9a-f]{8}$/);
    // The readable prefix of the original name is kept.
    expect(long.startsWith(short.replace(/-[0-9a-f]{8}$/, ''))).toBe(true);
  });

  it('is stable across calls and releases (groups are found again by name)', () => {
    const long = `feature-${'abc'.repeat(30)}`;
    const short = shortenName(long);
    expect(shortenName(String(long.split('').join('')))).toBe(short);
    // Changing the hash would orphan every existing long-named container group.
    expect(short).toMatchSnapshot();
  });

  it('gives different results for long names that share their first 63 characters', () => {
    const prefix = `cluster-${'p'.repeat(80)}`;
    const a = shortenName(`${prefix}-one`);
    const b = shortenName(`${prefix}-two`);
    expect(a).not.toBe(b);
    // Only the hash differs.
    expect(a.slice(0, -8)).toBe(b.slice(0, -8));
    for (const s of [a, b]) expect(s.length).toBeLessThanOrEqual(63);
  });

  it('does not leave "--" before the hash when the cut falls on a "-"', () => {
    const long = `${'a'.repeat(53)}-${'b'.repeat(40)}`;
    const short = shortenName(long);
    expect(short).not.toContain('--');
    expect(short).toMatch(GROUP_NAME);
    expect(short.startsWith('a'.repeat(53))).toBe(true);
  });

  it('respects a smaller maximum', () => {
    const short = shortenName('a-rather-long-container-group-name', 20);
    expect(short.length).toBeLessThanOrEqual(20);
    expect(short).toMatch(/-[0-9a-f]{8}$/);
    expect(short).toMatch(GROUP_NAME);
  });

  it('always returns a valid group name for long and awkward inputs', () => {
    const inputs = [
      'A'.repeat(64),
      `${'-'.repeat(10)}${'Z'.repeat(70)}${'-'.repeat(10)}`,
      `${'a.'.repeat(40)}b`,
      `ns-${'ä'.repeat(10)}-${'pod'.repeat(30)}`,
      `${'x'.repeat(54)}${'-'.repeat(20)}y`,
    ];
    for (const input of inputs) {
      const short = shortenName(input);
      expect(short.length, input).toBeLessThanOrEqual(63);
      expect(short, input).toMatch(GROUP_NAME);
    }
  });
});

describe('cluster names', () => {
  it('uses an engine network alias locally and the ACI FQDN in Azure', () => {
    expect(clusterDnsName({ name: 'demo', location: 'local' })).toBe('demo.frankenetes.internal');
    expect(clusterDnsName({ name: 'demo', location: 'westeurope' })).toBe(
      'demo.westeurope.azurecontainer.io',
    );
  });

  it('derives group and node names from the cluster name', () => {
    expect(controlPlaneGroupName('demo')).toMatch(/^demo-/);
    expect(controlPlaneGroupName('demo')).not.toBe(controlPlaneGroupName('other'));
    expect(nodeName('demo')).toMatch(/^demo-/);
    expect(nodeName('demo')).not.toBe(controlPlaneGroupName('demo'));
    // The longest cluster name (20 characters) still gives valid, unshortened group names.
    const longest = `a${'b'.repeat(19)}`;
    expect(shortenName(controlPlaneGroupName(longest))).toBe(controlPlaneGroupName(longest));
    expect(controlPlaneGroupName(longest)).toMatch(GROUP_NAME);
  });

  it('the kubernetes Service IP is the first host address of the service range', () => {
    const [base, bits] = SERVICE_CIDR.split('/');
    const toInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
    expect(toInt(KUBERNETES_SERVICE_IP)).toBe(toInt(base ?? '') + 1);
    const mask = 2 ** (32 - Number(bits));
    expect(toInt(base ?? '') % mask).toBe(0);
  });
});
