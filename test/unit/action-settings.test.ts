import { describe, expect, it } from 'vitest';
import { InputErrors, parseDuration, readSettings, type RunContext } from '../../src/action/settings.js';
import { clusterNameFor } from '../../src/core/names.js';
import { parseClusterSpec } from '../../src/core/spec.js';

const context: RunContext = {
  origin: { repository: 'Codertocat/Hello-World', pullRequest: 2, runId: '99' },
  runnerTemp: '/runner/temp',
};
const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

function errorsOf(values: Record<string, string>): string[] {
  try {
    readSettings(inputs(values), context);
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.message);
    throw error;
  }
  throw new Error('no error');
}

describe('clusterNameFor', () => {
  it('names a PR cluster <owner>-<repo>-pr-<n>, and a run outside PRs -run-<id>', () => {
    expect(clusterNameFor({ repository: 'Codertocat/Hello-World', pullRequest: 2 })).toBe(
      'codertocat-hello-world-pr-2',
    );
    expect(clusterNameFor({ repository: 'octo/app', runId: '1234567890' })).toBe('octo-app-run-1234567890');
  });

  it('keeps long names valid, unique and readable: cut, hashed, the PR number kept', () => {
    const long = {
      repository: 'a-very-long-organisation-name/an-even-longer-repository-name',
      pullRequest: 12345,
    };
    const name = clusterNameFor(long);
    expect(name.length).toBeLessThanOrEqual(40);
    expect(name).toMatch(/-pr-12345$/);
    expect(() => parseClusterSpec({ name })).not.toThrow();
    expect(clusterNameFor({ ...long, pullRequest: 12346 })).not.toBe(name);
    expect(clusterNameFor({ ...long, repository: `${long.repository}x` })).not.toBe(name);
    expect(clusterNameFor(long)).toBe(name);
  });

  it('starts with a letter even when the owner does not', () => {
    const name = clusterNameFor({ repository: '1password/cli', pullRequest: 7 });
    expect(name).toMatch(/^[a-z]/);
    expect(() => parseClusterSpec({ name })).not.toThrow();
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['4h', 14400],
    ['2d', 172800],
    ['30', 30],
    ['1.5h', 5400],
  ])('%s is %d s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', 'soon', '4 hours', '-1h', 'h'])('refuses "%s"', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('readSettings', () => {
  it('defaults: docker, the derived name, the default version, a state dir under RUNNER_TEMP', () => {
    const s = readSettings(inputs({}), context);
    expect(s.backend).toBe('docker');
    expect(s.spec.name).toBe('codertocat-hello-world-pr-2');
    expect(s.spec.kubernetesVersion).toBe('1.37.2');
    expect(s.spec.location).toBe('local');
    expect(s.state).toBe('/runner/temp/frankenetes/state');
    expect(s.keep).toBe(false);
    expect(s.ttlHours).toBe(24);
    expect(s.waitSeconds).toBe(600);
  });

  it('takes aci with its Azure inputs', () => {
    const s = readSettings(
      inputs({
        backend: 'aci',
        'azure-client-id': 'c',
        'azure-tenant-id': 't',
        'azure-subscription-id': '00000000-0000-0000-0000-000000000003',
        'resource-group': 'rg',
        location: 'westeurope',
        state: 'https://acct.blob.core.windows.net/state',
        keep: 'true',
        ttl: '3d',
      }),
      context,
    );
    expect(s.backend).toBe('aci');
    expect(s.spec.location).toBe('westeurope');
    expect(s.azure).toEqual({
      clientId: 'c',
      tenantId: 't',
      subscriptionId: '00000000-0000-0000-0000-000000000003',
      resourceGroup: 'rg',
    });
    expect(s.spec.backend).toBe('aci');
    expect(s.spec.azure).toEqual({
      subscriptionId: '00000000-0000-0000-0000-000000000003',
      resourceGroup: 'rg',
    });
    expect(s.keep).toBe(true);
    expect(s.ttlHours).toBe(72);
  });

  it('names each bad input once, by its input name', () => {
    expect(errorsOf({ backend: 'kind' })).toEqual(['input "backend": must be "docker" or "aci", not "kind"']);
    expect(errorsOf({ 'kubernetes-version': '1.30' })).toEqual([
      expect.stringMatching(/^input "kubernetes-version": "1.30": must be one of 1.35, 1.36, 1.37/),
    ]);
    expect(errorsOf({ name: 'Bad_Name', keep: 'yes', ttl: '0h' })).toEqual([
      'input "keep": must be "true" or "false", not "yes"',
      expect.stringMatching(/^input "ttl": must be a duration/),
      expect.stringMatching(/^input "name": "Bad_Name": must be 1-40 characters/),
    ]);
  });

  it('takes a blob container URL for the state: https, or plain http only for Azurite on loopback', () => {
    const aci = {
      backend: 'aci',
      'azure-client-id': 'c',
      'azure-tenant-id': 't',
      'azure-subscription-id': '00000000-0000-0000-0000-000000000003',
      'resource-group': 'rg',
      location: 'westeurope',
    };
    const azurite = 'http://127.0.0.1:10000/devstoreaccount1/state';
    expect(readSettings(inputs({ ...aci, state: azurite }), context).state).toBe(azurite);
    expect(errorsOf({ ...aci, state: 'http://acct.blob.core.windows.net/state' })).toEqual([
      expect.stringMatching(/^input "state": invalid blob container URL .*: use https/),
    ]);
    // A SAS token is refused, and its signature is not repeated in the message.
    const [sas = ''] = errorsOf({ ...aci, state: 'https://acct.blob.core.windows.net/state?sig=SECRET' });
    expect(sas).toMatch(/^input "state": invalid blob container URL .*SAS tokens are not supported/);
    expect(sas).not.toContain('SECRET');
  });

  it('lists every missing Azure input for aci', () => {
    expect(errorsOf({ backend: 'aci' })).toEqual([
      'input "azure-client-id": is required with backend "aci"',
      'input "azure-tenant-id": is required with backend "aci"',
      'input "azure-subscription-id": is required with backend "aci"',
      'input "resource-group": is required with backend "aci"',
      expect.stringMatching(/^input "location": is required/),
      expect.stringMatching(
        /^input "state": is required with backend "aci": the URL of a private blob container/,
      ),
    ]);
  });
});
