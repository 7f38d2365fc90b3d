// Each example of the 2023-05-01 spec replayed through the emulator as raw HTTPS requests (the
// example's own parameters and body), with the groups realised on the engine. Every answer must be
// one the example declares, with the example's shape; the emulator validates each one against the
// swagger as well and records any violation.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerBackend } from '../../src/core/backends/docker.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { engineResources } from './harness.js';

const INSTANCE = 'aci-emu-examples';
const EXAMPLES = join(import.meta.dirname, '../fixtures/containerinstance/examples');
const TESTWEB = 'localhost/frankenetes/testweb:1';

interface Example {
  parameters: Record<string, unknown> & { containerGroup?: Record<string, unknown> };
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}

const example = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Example;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let e: Emulator;
let token: string;

function call(
  method: string,
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL(path, e.url);
  url.searchParams.set('api-version', '2023-05-01');
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: e.caCert,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Every member's path, arrays as `[]`: `properties.containers[].properties.image`. */
function shape(value: unknown, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    if (path) out.add(path);
    for (const item of value) shape(item, `${path}[]`, out);
  } else if (value && typeof value === 'object') {
    if (path) out.add(path);
    for (const [k, v] of Object.entries(value)) shape(v, path ? `${path}.${k}` : k, out);
  } else if (path) {
    out.add(path);
  }
  return out;
}

/**
 * Where an answer may differ from its example, and why: state that depends on timing (an IP once
 * running, instance views); `zones`, which the examples pass beside the body (where ARM never reads
 * them) and then show in the answer; and what the examples disagree with themselves on (the 201
 * answer of one drops settings its 200 answer keeps; ours echoes what was sent, as the 200 does).
 */
const MAY_LACK = [/\.ip$/, /instanceView/, /\.fqdn$/, /^zones/];
const MAY_ADD = [
  /instanceView/,
  /\.fqdn$/,
  /\.ip$/,
  /^properties\.(initContainers|containers\[\]\.properties\.(command|ports|environmentVariables))/,
  /^properties\.diagnostics\.logAnalytics\.(logType|metadata)/,
  /^properties\.dnsConfig\.(searchDomains|options)/,
  /^properties\.(diagnostics|subnetIds)/,
  // Answers of older examples leave out what they were sent (identity, tags) and predate the SKU.
  /^zones/,
  /^tags/,
  /^identity/,
  /^properties\.sku$/,
];

/** Per example: its answer leaves out the private IP address its request asked for. */
const EXAMPLE_MAY_ADD: Record<string, RegExp[]> = {
  'ContainerGroupExtensions.json': [/^properties\.ipAddress/],
};

function expectShape(ours: unknown, theirs: unknown, extra: RegExp[] = []) {
  const a = shape(ours);
  const b = shape(theirs);
  const lacking = [...b].filter((p) => !a.has(p) && !MAY_LACK.some((r) => r.test(p)));
  const adding = [...a].filter((p) => !b.has(p) && ![...MAY_ADD, ...extra].some((r) => r.test(p)));
  expect({ lacking, adding }).toEqual({ lacking: [], adding: [] });
}

/**
 * The PUT body of the group an example's answer shows: read-only members removed, and the secrets
 * an answer never carries (registry password, storage key) put back.
 */
function bodyFromAnswer(answer: unknown): Record<string, unknown> {
  const g = structuredClone(answer) as Record<string, unknown> & { properties: Record<string, unknown> };
  for (const k of ['id', 'name', 'type']) delete g[k];
  const p = g.properties;
  for (const k of ['provisioningState', 'instanceView']) delete p[k];
  const ip = p.ipAddress as Record<string, unknown> | undefined;
  if (ip) for (const k of ['ip', 'fqdn']) delete ip[k];
  for (const c of p.containers as { properties: Record<string, unknown> }[]) delete c.properties.instanceView;
  for (const r of (p.imageRegistryCredentials as Record<string, unknown>[] | undefined) ?? [])
    r.password = 'registry-password';
  for (const v of (p.volumes as { azureFile?: Record<string, unknown> }[] | undefined) ?? []) {
    if (v.azureFile) v.azureFile.storageAccountKey = 'storage-key';
  }
  return g;
}

const groupPath = (p: Example['parameters']) =>
  `/subscriptions/${String(p.subscriptionId)}/resourceGroups/${String(p.resourceGroupName)}/providers/Microsoft.ContainerInstance/containerGroups/${String(p.containerGroupName)}`;

async function settle() {
  await e.groups.settle();
}

beforeAll(async () => {
  e = await startEmulator({
    instance: INSTANCE,
    log: () => undefined,
    // The examples' images, from public registries, run as the local test image.
    imageMap: ['nginx', 'confiimage', 'alpine:latest'].map((from) => ({ from, to: TESTWEB })),
  });
  const credential = new ClientSecretCredential(
    e.tenantId,
    e.principal.clientId,
    e.principal.clientSecret ?? '',
    {
      authorityHost: e.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: e.caCert },
    } as ConstructorParameters<typeof ClientSecretCredential>[3],
  );
  token = (await credential.getToken('https://management.azure.com/.default')).token;
});

afterAll(async () => {
  await settle();
  for (const g of [...e.groups.groups.values()]) {
    await call('DELETE', g.id);
  }
  await settle();
  await e.stop();
  await new DockerBackend().purgeCluster(INSTANCE);
  const left = await engineResources(INSTANCE);
  expect(left.containers.length).toBe(0);
  expect(e.violations).toEqual([]);
});

/** Leaves no group behind a test, whatever it did. */
async function removeAll() {
  await settle();
  e.faults.clear();
  for (const g of [...e.groups.groups.values()]) await call('DELETE', g.id);
  await settle();
}

describe('the spec’s examples, replayed', () => {
  describe('PUT', () => {
    afterEach(removeAll);

    it.each([
      'ContainerGroupsCreateOrUpdate.json',
      'ContainerGroupCreateConfidential.json',
      'ContainerGroupEncryptionProperties.json',
      'ContainerGroupExtensions.json',
      'ContainerGroupsCreatePriority.json',
    ])('%s: 201 on create, 200 on the same PUT again', async (file) => {
      const ex = example(file);
      const path = groupPath(ex.parameters);
      const created = await call('PUT', path, ex.parameters.containerGroup);
      expect(created.status).toBe(201);
      expect(created.headers['azure-asyncoperation']).toBeDefined();
      expectShape(created.body, ex.responses['201']?.body, EXAMPLE_MAY_ADD[file]);
      await settle();
      const again = await call('PUT', path, ex.parameters.containerGroup);
      expect(again.status).toBe(200);
      expectShape(again.body, ex.responses['200']?.body, EXAMPLE_MAY_ADD[file]);
      await settle();
      const status = await call('GET', new URL(String(again.headers['azure-asyncoperation'])).pathname);
      expect(status.body).toMatchObject({ status: 'Succeeded' });
      const deleted = await call('DELETE', path);
      expect(deleted.status).toBe(202);
      await settle();
    });
  });

  describe('on a running group', () => {
    const base = example('ContainerGroupsGet_Succeeded.json');
    const path = groupPath(base.parameters);

    beforeAll(async () => {
      // The group the GET example shows; the container-level examples name a container "container1".
      const body = bodyFromAnswer(base.responses['200']?.body) as { properties: { containers: unknown[] } };
      body.properties.containers.push({
        name: 'container1',
        properties: { image: TESTWEB, resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } } },
      });
      expect((await call('PUT', path, body)).status).toBe(201);
      await settle();
    });
    afterAll(removeAll);

    it('ContainerGroupsGet_Succeeded.json', async () => {
      const ex = example('ContainerGroupsGet_Succeeded.json');
      const got = await call('GET', groupPath(ex.parameters));
      expect(got.status).toBe(200);
      expect((got.body as { properties: { provisioningState: string } }).properties.provisioningState).toBe(
        'Succeeded',
      );
      // The example is of another group (one Azure Files volume); compare the members both carry.
      const ours = shape(got.body);
      const missing = [...shape(ex.responses['200']?.body)].filter(
        (p) => !ours.has(p) && !MAY_LACK.some((r) => r.test(p)),
      );
      expect(missing).toEqual([]);
    });

    it('ContainerGroupsList.json and ContainerGroupsListByResourceGroup.json', async () => {
      for (const file of ['ContainerGroupsList.json', 'ContainerGroupsListByResourceGroup.json']) {
        const ex = example(file);
        const p = ex.parameters;
        const list = await call(
          'GET',
          p.resourceGroupName
            ? `/subscriptions/${String(p.subscriptionId)}/resourceGroups/${String(p.resourceGroupName)}/providers/Microsoft.ContainerInstance/containerGroups`
            : `/subscriptions/${String(p.subscriptionId)}/providers/Microsoft.ContainerInstance/containerGroups`,
        );
        expect(list.status).toBe(200);
        const ours = shape(list.body);
        const missing = [...shape(ex.responses['200']?.body)].filter(
          (x) => !ours.has(x) && !MAY_LACK.some((r) => r.test(x)),
        );
        expect(missing).toEqual([]);
      }
    });

    it('ContainerListLogs.json', async () => {
      const ex = example('ContainerListLogs.json');
      const logs = await call(
        'GET',
        `${groupPath(ex.parameters)}/containers/${String(ex.parameters.containerName)}/logs`,
        undefined,
        {
          tail: String(ex.parameters.tail),
        },
      );
      expect(logs.status).toBe(200);
      expectShape(logs.body, ex.responses['200']?.body);
    });

    it('ContainerExec.json and ContainerAttach.json', async () => {
      const exec = example('ContainerExec.json');
      const r1 = await call(
        'POST',
        `${groupPath(exec.parameters)}/containers/${String(exec.parameters.containerName)}/exec`,
        exec.parameters.containerExecRequest,
      );
      expect(r1.status).toBe(200);
      expectShape(r1.body, exec.responses['200']?.body);
      const attach = example('ContainerAttach.json');
      const r2 = await call(
        'POST',
        `${groupPath(attach.parameters)}/containers/${String(attach.parameters.containerName)}/attach`,
      );
      expect(r2.status).toBe(200);
      expectShape(r2.body, attach.responses['200']?.body);
    });

    it('ContainerGroupsStop.json, ContainerGroupsStart.json, ContainerGroupsDelete.json', async () => {
      const stop = await call('POST', `${path}/stop`);
      expect(Object.keys(example('ContainerGroupsStop.json').responses)).toContain(String(stop.status));
      const start = await call('POST', `${path}/start`);
      expect(start.status).toBe(202);
      expect(Object.keys(example('ContainerGroupsStart.json').responses['202']?.headers ?? {})).toEqual([
        'azure-asyncoperation',
      ]);
      expect(start.headers['azure-asyncoperation']).toBeDefined();
      await settle();
      const del = await call('DELETE', path);
      expect(del.status).toBe(202);
      expect(del.headers['azure-asyncoperation']).toBeDefined();
      await settle();
      expect((await call('DELETE', path)).status).toBe(204);
    });
  });

  it('ContainerGroupsGet_Failed.json', async () => {
    const ex = example('ContainerGroupsGet_Failed.json');
    e.faults.add({
      kind: 'failOperation',
      group: String(ex.parameters.containerGroupName),
      message: 'injected',
    });
    const put = await call('PUT', groupPath(ex.parameters), bodyFromAnswer(ex.responses['200']?.body));
    expect(put.status).toBe(201);
    await settle();
    const got = await call('GET', groupPath(ex.parameters));
    expect((got.body as { properties: { provisioningState: string } }).properties.provisioningState).toBe(
      'Failed',
    );
    const ours = shape(got.body);
    const missing = [...shape(ex.responses['200']?.body)].filter(
      (p) => !ours.has(p) && !MAY_LACK.some((r) => r.test(p)),
    );
    expect(missing).toEqual([]);
    await call('DELETE', groupPath(ex.parameters));
    await settle();
  });

  it.each([
    ['ContainerGroupUsage.json', 'usages'],
    ['CachedImagesList.json', 'cachedImages'],
    ['CapabilitiesList.json', 'capabilities'],
  ])('%s', async (file, leaf) => {
    const ex = example(file);
    const r = await call(
      'GET',
      `/subscriptions/${String(ex.parameters.subscriptionId)}/providers/Microsoft.ContainerInstance/locations/${String(ex.parameters.location)}/${leaf}`,
    );
    expect(r.status).toBe(200);
    const ours = shape(r.body);
    expect([...shape(ex.responses['200']?.body)].filter((p) => !ours.has(p))).toEqual([]);
  });

  it('OperationsList.json and SubnetServiceAssociationLinkDelete.json', async () => {
    const ops = await call('GET', '/providers/Microsoft.ContainerInstance/operations');
    expectShape(ops.body, example('OperationsList.json').responses['200']?.body);
    const p = example('SubnetServiceAssociationLinkDelete.json').parameters;
    const link = await call(
      'DELETE',
      `/subscriptions/${String(p.subscriptionId)}/resourcegroups/${String(p.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${String(p.virtualNetworkName)}/subnets/${String(p.subnetName)}/providers/Microsoft.ContainerInstance/serviceAssociationLinks/default`,
    );
    expect(['200', '202', '204']).toContain(String(link.status));
  });

  it('answered every replayed request within the spec', () => {
    expect(e.violations).toEqual([]);
    expect(e.requestViolations).toEqual([]);
  });
});
