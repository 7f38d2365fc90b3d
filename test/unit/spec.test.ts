import { describe, expect, it } from 'vitest';
import {
  COMPONENTS,
  DEFAULT_KUBERNETES_VERSION,
  SUPPORTED_KUBERNETES,
  SpecError,
  kubernetesMinor,
  parseClusterSpec,
} from '../../src/core/spec.js';

/** Runs parseClusterSpec and returns the SpecError it throws (fails the test if it does not throw one). */
function specError(input: unknown): SpecError {
  try {
    parseClusterSpec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).name).toBe('SpecError');
    return error as SpecError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

const supportedMinors = Object.keys(SUPPORTED_KUBERNETES).join(', ');
const AZURE = { subscriptionId: '00000000-0000-4000-8000-000000000001', resourceGroup: 'frankenetes-rg' };
const IDENTITY =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agent';

describe('parseClusterSpec defaults', () => {
  it('fills in every default when only the name is given', () => {
    const spec = parseClusterSpec({ name: 'demo' });
    expect(spec.name).toBe('demo');
    expect(spec.kubernetesVersion).toBe(DEFAULT_KUBERNETES_VERSION);
    expect(spec.backend).toBe('docker');
    expect(spec.location).toBe('local');
    expect(spec.azure).toBeUndefined();
    expect(spec.agentImage).toBeUndefined();
    expect(spec.apiServerPort).toBe(0);
    expect(spec.adminCredentialHours).toBe(24);
    expect(spec.standbyPool).toBe(32);
    expect(Object.keys(spec.resources).sort()).toEqual([...COMPONENTS].sort());
    for (const component of COMPONENTS) {
      const r = spec.resources[component];
      expect(r.cpu, component).toBeGreaterThanOrEqual(0.1);
      expect(r.cpu, component).toBeLessThanOrEqual(4);
      expect(r.memoryInGB, component).toBeGreaterThanOrEqual(0.1);
      expect(r.memoryInGB, component).toBeLessThanOrEqual(16);
    }
    expect(spec).toMatchSnapshot();
  });

  it('the default Kubernetes version is a supported patch release', () => {
    expect(Object.values(SUPPORTED_KUBERNETES)).toContain(DEFAULT_KUBERNETES_VERSION);
    expect(DEFAULT_KUBERNETES_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('fills in defaults for the components that are not given', () => {
    const defaults = parseClusterSpec({ name: 'demo' }).resources;
    const spec = parseClusterSpec({ name: 'demo', resources: { apiserver: { cpu: 2, memoryInGB: 3 } } });
    expect(spec.resources.apiserver).toEqual({ cpu: 2, memoryInGB: 3 });
    for (const component of COMPONENTS.filter((c) => c !== 'apiserver')) {
      expect(spec.resources[component], component).toEqual(defaults[component]);
    }
  });

  it('keeps explicitly given values', () => {
    const spec = parseClusterSpec({
      name: 'pr-1234',
      kubernetesVersion: '1.35',
      backend: 'aci',
      location: 'westeurope',
      azure: AZURE,
      apiServerPort: 16443,
      adminCredentialHours: 2,
    });
    expect(spec).toMatchObject({
      name: 'pr-1234',
      kubernetesVersion: SUPPORTED_KUBERNETES['1.35'],
      backend: 'aci',
      location: 'westeurope',
      azure: AZURE,
      apiServerPort: 16443,
      adminCredentialHours: 2,
    });
  });

  it('accepts the edges of every range', () => {
    expect(parseClusterSpec({ name: 'a' }).name).toBe('a');
    expect(parseClusterSpec({ name: `a${'b'.repeat(39)}` }).name).toHaveLength(40);
    expect(parseClusterSpec({ name: 'a', apiServerPort: 1024 }).apiServerPort).toBe(1024);
    expect(parseClusterSpec({ name: 'a', apiServerPort: 65535 }).apiServerPort).toBe(65535);
    expect(parseClusterSpec({ name: 'a', adminCredentialHours: 1 }).adminCredentialHours).toBe(1);
    expect(parseClusterSpec({ name: 'a', adminCredentialHours: 720 }).adminCredentialHours).toBe(720);
    const r = parseClusterSpec({ name: 'a', resources: { etcd: { cpu: 0.1, memoryInGB: 14 } } }).resources
      .etcd;
    expect(r).toEqual({ cpu: 0.1, memoryInGB: 14 });
  });

  it('rejects components that together exceed one container group', () => {
    expect(() => parseClusterSpec({ name: 'a', resources: { etcd: { cpu: 0.1, memoryInGB: 16 } } })).toThrow(
      /resources .*add up to 1.05 CPU and 17.375 GB; the control-plane group allows at most 4 CPU and 16 GB/,
    );
    expect(() =>
      parseClusterSpec({ name: 'a', resources: { apiserver: { cpu: 4, memoryInGB: 1 } } }),
    ).toThrow(/add up to 4.7 CPU/);
  });

  it('gives every parse its own default objects', () => {
    const first = parseClusterSpec({ name: 'a' });
    first.resources.etcd.cpu = 3;
    expect(parseClusterSpec({ name: 'b' }).resources.etcd.cpu).toBe(0.25);
  });

  it('does not modify its input', () => {
    const input = { name: 'demo', resources: { etcd: { cpu: 1, memoryInGB: 1 } } };
    const copy = structuredClone(input);
    parseClusterSpec(input);
    expect(input).toEqual(copy);
  });
});

describe('Kubernetes versions', () => {
  it.each(Object.entries(SUPPORTED_KUBERNETES))(
    'minor %s resolves to its default patch %s',
    (minor, patch) => {
      const spec = parseClusterSpec({ name: 'demo', kubernetesVersion: minor });
      expect(spec.kubernetesVersion).toBe(patch);
      expect(kubernetesMinor(spec)).toBe(minor);
    },
  );

  it('"1.36" resolves to the 1.36 default patch', () => {
    expect(parseClusterSpec({ name: 'demo', kubernetesVersion: '1.36' }).kubernetesVersion).toBe(
      SUPPORTED_KUBERNETES['1.36'],
    );
  });

  it('accepts a leading "v" and an explicit patch', () => {
    const spec = parseClusterSpec({ name: 'demo', kubernetesVersion: 'v1.37.2' });
    expect(spec.kubernetesVersion).toBe('1.37.2');
    expect(kubernetesMinor(spec)).toBe('1.37');
    expect(parseClusterSpec({ name: 'demo', kubernetesVersion: 'v1.36' }).kubernetesVersion).toBe(
      SUPPORTED_KUBERNETES['1.36'],
    );
  });

  it('keeps an explicit patch other than the default', () => {
    const spec = parseClusterSpec({ name: 'demo', kubernetesVersion: '1.35.1' });
    expect(spec.kubernetesVersion).toBe('1.35.1');
    expect(kubernetesMinor(spec)).toBe('1.35');
  });
});

interface BadCase {
  what: string;
  input: Record<string, unknown>;
  /** The field's path as the message names it. */
  field: string;
  /** How the message shows the bad value. */
  shown: string;
  /** Part of the message that says what is allowed. */
  allowed: string | RegExp;
}

const NAME_RULE = /1-40 characters of lowercase letters, digits and "-"/;
const VERSION_RULE = `must be one of ${supportedMinors}`;

const badCases: BadCase[] = [
  { what: 'upper-case name', input: { name: 'Bad' }, field: 'name', shown: '"Bad"', allowed: NAME_RULE },
  {
    what: 'name starting with a digit',
    input: { name: '1abc' },
    field: 'name',
    shown: '"1abc"',
    allowed: NAME_RULE,
  },
  {
    what: 'name starting with "-"',
    input: { name: '-abc' },
    field: 'name',
    shown: '"-abc"',
    allowed: NAME_RULE,
  },
  {
    what: 'name ending with "-"',
    input: { name: 'abc-' },
    field: 'name',
    shown: '"abc-"',
    allowed: NAME_RULE,
  },
  { what: 'name with "_"', input: { name: 'a_b' }, field: 'name', shown: '"a_b"', allowed: NAME_RULE },
  { what: 'empty name', input: { name: '' }, field: 'name', shown: '""', allowed: NAME_RULE },
  {
    what: '41-character name',
    input: { name: 'a'.repeat(41) },
    field: 'name',
    shown: `"${'a'.repeat(41)}"`,
    allowed: NAME_RULE,
  },
  { what: 'numeric name', input: { name: 42 }, field: 'name', shown: '42', allowed: 'must be a string' },
  { what: 'missing name', input: {}, field: 'name', shown: 'nothing', allowed: 'must be a string' },
  {
    what: 'unsupported minor 1.34',
    input: { name: 'a', kubernetesVersion: '1.34' },
    field: 'kubernetesVersion',
    shown: '"1.34"',
    allowed: VERSION_RULE,
  },
  {
    what: 'unsupported patch of an old minor',
    input: { name: 'a', kubernetesVersion: '1.34.2' },
    field: 'kubernetesVersion',
    shown: '"1.34.2"',
    allowed: VERSION_RULE,
  },
  {
    what: 'non-version text',
    input: { name: 'a', kubernetesVersion: 'abc' },
    field: 'kubernetesVersion',
    shown: '"abc"',
    allowed: VERSION_RULE,
  },
  {
    what: 'version with a pre-release suffix',
    input: { name: 'a', kubernetesVersion: '1.37.0-rc.1' },
    field: 'kubernetesVersion',
    shown: '"1.37.0-rc.1"',
    allowed: VERSION_RULE,
  },
  {
    what: 'major version 2',
    input: { name: 'a', kubernetesVersion: '2.37' },
    field: 'kubernetesVersion',
    shown: '"2.37"',
    allowed: VERSION_RULE,
  },
  {
    what: 'numeric version',
    input: { name: 'a', kubernetesVersion: 1.37 },
    field: 'kubernetesVersion',
    shown: '1.37',
    allowed: /must be a string like "1\.37"/,
  },
  {
    what: 'location with spaces',
    input: { name: 'a', location: 'West Europe' },
    field: 'location',
    shown: '"West Europe"',
    allowed: /"local" or an Azure region name/,
  },
  {
    what: 'unknown backend',
    input: { name: 'a', backend: 'kvm' },
    field: 'backend',
    shown: '"kvm"',
    allowed: 'must be one of docker, aci',
  },
  {
    what: 'aci without an Azure target',
    input: { name: 'a', backend: 'aci', location: 'westeurope' },
    field: 'azure',
    shown: 'nothing',
    allowed: 'is required for the aci backend',
  },
  {
    what: 'aci in the local location',
    input: { name: 'a', backend: 'aci', azure: AZURE },
    field: 'location',
    shown: 'nothing',
    allowed: 'must be an Azure region such as "westeurope" for the aci backend',
  },
  {
    what: 'docker in an Azure region',
    input: { name: 'a', location: 'westeurope' },
    field: 'location',
    shown: '"westeurope"',
    allowed: 'must be "local" for the docker backend',
  },
  {
    what: 'an Azure target for docker',
    input: { name: 'a', azure: AZURE },
    field: 'azure',
    shown: `${JSON.stringify(AZURE).slice(0, 57)}...`,
    allowed: 'applies only to the aci backend',
  },
  {
    what: 'a subscription that is no GUID',
    input: { name: 'a', backend: 'aci', location: 'westeurope', azure: { ...AZURE, subscriptionId: 'mine' } },
    field: 'azure.subscriptionId',
    shown: '"mine"',
    allowed: 'must be a subscription id (a GUID)',
  },
  {
    what: 'a missing resource group',
    input: {
      name: 'a',
      backend: 'aci',
      location: 'westeurope',
      azure: { subscriptionId: AZURE.subscriptionId },
    },
    field: 'azure.resourceGroup',
    shown: 'nothing',
    allowed: 'is required',
  },
  {
    what: 'a resource group ending in a dot',
    input: {
      name: 'a',
      backend: 'aci',
      location: 'westeurope',
      azure: { ...AZURE, podResourceGroup: 'pods.' },
    },
    field: 'azure.podResourceGroup',
    shown: '"pods."',
    allowed: 'must be an Azure resource group name',
  },
  {
    what: 'an identity that is not a user-assigned identity',
    input: {
      name: 'a',
      backend: 'aci',
      location: 'westeurope',
      azure: { ...AZURE, identity: 'agent-identity' },
    },
    field: 'azure.identity',
    shown: '"agent-identity"',
    allowed: 'resource id of a user-assigned managed identity',
  },
  {
    what: 'an agent image with a scheme',
    input: { name: 'a', agentImage: 'https://ghcr.io/x:1' },
    field: 'agentImage',
    shown: '"https://ghcr.io/x:1"',
    allowed: 'must be an image reference',
  },
  {
    what: 'negative standby pool',
    input: { name: 'a', standbyPool: -1 },
    field: 'standbyPool',
    shown: '-1',
    allowed: '0 (none) to 256',
  },
  {
    what: 'standby pool of 1000',
    input: { name: 'a', standbyPool: 1000 },
    field: 'standbyPool',
    shown: '1000',
    allowed: '0 (none) to 256',
  },
  {
    what: 'fractional standby pool',
    input: { name: 'a', standbyPool: 2.5 },
    field: 'standbyPool',
    shown: '2.5',
    allowed: 'whole number',
  },
  {
    what: 'privileged port 80',
    input: { name: 'a', apiServerPort: 80 },
    field: 'apiServerPort',
    shown: '80',
    allowed: '0 (any free port) or 1024-65535',
  },
  {
    what: 'port 70000',
    input: { name: 'a', apiServerPort: 70000 },
    field: 'apiServerPort',
    shown: '70000',
    allowed: '65535',
  },
  {
    what: 'fractional port 1.5',
    input: { name: 'a', apiServerPort: 1.5 },
    field: 'apiServerPort',
    shown: '1.5',
    allowed: 'whole number',
  },
  {
    what: 'negative port',
    input: { name: 'a', apiServerPort: -1 },
    field: 'apiServerPort',
    shown: '-1',
    allowed: '0 (any free port) or 1024-65535',
  },
  {
    what: 'port as a string',
    input: { name: 'a', apiServerPort: '6443' },
    field: 'apiServerPort',
    shown: '"6443"',
    allowed: 'port number',
  },
  {
    what: 'adminCredentialHours 0',
    input: { name: 'a', adminCredentialHours: 0 },
    field: 'adminCredentialHours',
    shown: '0',
    allowed: 'at least 1 hour',
  },
  {
    what: 'adminCredentialHours over 30 days',
    input: { name: 'a', adminCredentialHours: 721 },
    field: 'adminCredentialHours',
    shown: '721',
    allowed: 'at most 720 hours',
  },
  {
    what: 'too much CPU',
    input: { name: 'a', resources: { apiserver: { cpu: 5, memoryInGB: 1 } } },
    field: 'resources.apiserver.cpu',
    shown: '5',
    allowed: 'at most 4 CPU',
  },
  {
    what: 'too little CPU',
    input: { name: 'a', resources: { scheduler: { cpu: 0.05, memoryInGB: 1 } } },
    field: 'resources.scheduler.cpu',
    shown: '0.05',
    allowed: 'at least 0.1 CPU',
  },
  {
    what: 'too much memory',
    input: { name: 'a', resources: { etcd: { cpu: 1, memoryInGB: 17 } } },
    field: 'resources.etcd.memoryInGB',
    shown: '17',
    allowed: 'at most 16 GB',
  },
  {
    what: 'zero memory',
    input: { name: 'a', resources: { agent: { cpu: 1, memoryInGB: 0 } } },
    field: 'resources.agent.memoryInGB',
    shown: '0',
    allowed: 'at least 0.1 GB',
  },
  {
    what: 'missing memory',
    input: { name: 'a', resources: { controllerManager: { cpu: 1 } } },
    field: 'resources.controllerManager.memoryInGB',
    shown: 'nothing',
    allowed: 'must be a number of GB',
  },
  {
    what: 'CPU as text',
    input: { name: 'a', resources: { etcd: { cpu: 'lots', memoryInGB: 1 } } },
    field: 'resources.etcd.cpu',
    shown: '"lots"',
    allowed: 'must be a number of CPU cores',
  },
];

describe('parseClusterSpec errors', () => {
  it.each(badCases)(
    '$what: names the field, the value and what is allowed',
    ({ input, field, shown, allowed }) => {
      const { message } = specError(input);
      expect(message).toMatch(/^invalid cluster spec: /);
      expect(message).toContain(`${field} ${shown}: `);
      if (typeof allowed === 'string') expect(message).toContain(allowed);
      else expect(message).toMatch(allowed);
    },
  );

  it('keeps secrets out of the spec: a registry signs in with an identity, not a password', () => {
    const { message } = specError({
      name: 'a',
      backend: 'aci',
      location: 'westeurope',
      azure: AZURE,
      imageRegistryCredentials: [{ server: 'r.azurecr.io', identity: IDENTITY, password: 'p' }],
    });
    expect(message).toContain('imageRegistryCredentials.0: unknown field "password"');
  });

  it('names every rule an ACI spec breaks, and accepts a complete one', () => {
    const spec = parseClusterSpec({
      name: 'pr-7',
      backend: 'aci',
      location: 'westeurope',
      azure: { ...AZURE, podResourceGroup: 'frankenetes-pods', identity: IDENTITY },
      agentImage: 'myregistry.azurecr.io/frankenetes/agent:0.1.0',
      imageRegistryCredentials: [{ server: 'myregistry.azurecr.io', identity: IDENTITY }],
    });
    expect(spec.azure).toEqual({ ...AZURE, podResourceGroup: 'frankenetes-pods', identity: IDENTITY });
    expect(spec.agentImage).toBe('myregistry.azurecr.io/frankenetes/agent:0.1.0');
  });

  it('names an unknown top-level field', () => {
    const { message } = specError({ name: 'a', nodes: 3 });
    expect(message).toContain('unknown field "nodes"');
  });

  it('names an unknown component with its path', () => {
    const { message } = specError({ name: 'a', resources: { kubelet: { cpu: 1, memoryInGB: 1 } } });
    expect(message).toContain('resources: unknown field "kubelet"');
  });

  it('names an unknown field inside a component', () => {
    const { message } = specError({ name: 'a', resources: { etcd: { cpu: 1, memoryInGB: 1, gpu: 1 } } });
    expect(message).toContain('resources.etcd: unknown field "gpu"');
  });

  it('reports every problem at once', () => {
    const { message } = specError({ name: 'Bad', apiServerPort: 80, adminCredentialHours: 0, extra: true });
    expect(message).toContain('name "Bad"');
    expect(message).toContain('apiServerPort 80');
    expect(message).toContain('adminCredentialHours 0');
    expect(message).toContain('unknown field "extra"');
    expect(message.split('; ')).toHaveLength(4);
  });

  it('shortens long bad values', () => {
    const long = `x${'y'.repeat(200)}`;
    const { message } = specError({ name: long });
    expect(message).toContain('name "xyyy');
    expect(message).toContain('...');
    expect(message).not.toContain(long);
    expect(message.length).toBeLessThan(300);
  });

  it.each([null, 'demo', 42, []])('rejects %j, which is not an object', (input) => {
    const error = specError(input);
    expect(error.message).toMatch(/^invalid cluster spec: spec /);
  });
});
