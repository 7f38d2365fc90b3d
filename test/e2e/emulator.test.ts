// The real @azure/arm-containerinstance SDK and @azure/identity against the ACI emulator over HTTPS
// (its CA trusted through the SDK's TLS options), with the groups really running on the engine.
import { ContainerInstanceManagementClient, type ContainerGroup } from '@azure/arm-containerinstance';
import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DockerBackend } from '../../src/core/backends/docker.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { docker, engineResources, eventually } from './harness.js';

const INSTANCE = 'aci-emu-e2e';
const SUB = '11111111-2222-3333-4444-555555555555';
const RG = 'frankenetes-e2e';
const TESTWEB = 'localhost/frankenetes/testweb:1';
const PAUSE = 'localhost/frankenetes/pause:1';

let e: Emulator;
let client: ContainerInstanceManagementClient;
const logs: string[] = [];

const web = (overrides: Partial<ContainerGroup> = {}): ContainerGroup => ({
  location: 'westeurope',
  osType: 'Linux',
  restartPolicy: 'Always',
  tags: { purpose: 'e2e' },
  containers: [
    {
      name: 'web',
      image: TESTWEB,
      ports: [{ port: 80 }],
      resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } },
      environmentVariables: [
        { name: 'GREETING', value: 'hello' },
        { name: 'TOKEN', secureValue: 's3cret' },
      ],
    },
    { name: 'side', image: PAUSE, resources: { requests: { cpu: 0.1, memoryInGB: 0.1 } } },
  ],
  ipAddress: { type: 'Public', ports: [{ port: 80, protocol: 'TCP' }], dnsNameLabel: 'emu-web' },
  ...overrides,
});

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}

beforeAll(async () => {
  e = await startEmulator({ instance: INSTANCE, log: (m) => logs.push(m) });
  const tls = { tlsOptions: { ca: e.caCert } };
  const credential = new ClientSecretCredential(
    e.tenantId,
    e.principal.clientId,
    e.principal.clientSecret ?? '',
    {
      authorityHost: e.url,
      disableInstanceDiscovery: true,
      ...tls,
    } as ConstructorParameters<typeof ClientSecretCredential>[3],
  );
  client = new ContainerInstanceManagementClient(credential, SUB, {
    endpoint: e.url,
    credentialScopes: ['https://management.azure.com/.default'],
    retryOptions: { retryDelayInMs: 50, maxRetryDelayInMs: 200 },
    ...tls,
  } as ConstructorParameters<typeof ContainerInstanceManagementClient>[2]);
});

afterAll(async () => {
  for (const g of await collect(client.containerGroups.list())) {
    await client.containerGroups
      .beginDeleteAndWait(RG, g.name ?? '', { updateIntervalInMs: 200 })
      .catch(() => undefined);
  }
  await e.stop();
  await new DockerBackend().purgeCluster(INSTANCE);
  const left = await engineResources(INSTANCE);
  expect(left.containers.length + left.volumes.length).toBe(0);
  expect(e.violations).toEqual([]);
});

const poll = { updateIntervalInMs: 250 };

describe('the SDK against the emulator', () => {
  it('creates a group that really runs on the engine, with its FQDN as a DNS alias', async () => {
    const created = await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'web', web(), poll);
    expect(created.provisioningState).toBe('Succeeded');
    expect(created.ipAddress?.fqdn).toBe('emu-web.westeurope.azurecontainer.io');
    // Secrets never come back.
    expect(created.containers[0]?.environmentVariables).toEqual([
      { name: 'GREETING', value: 'hello' },
      { name: 'TOKEN' },
    ]);

    const got = await client.containerGroups.get(RG, 'web');
    expect(got.instanceView?.state).toBe('Running');
    expect(got.containers.map((c) => c.instanceView?.currentState?.state)).toEqual(['Running', 'Running']);
    expect(got.containers[0]?.instanceView?.events?.map((ev) => ev.name)).toEqual([
      'Pulling',
      'Pulled',
      'Started',
    ]);
    expect(got.ipAddress?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const running = await docker.listContainers({ filters: { label: [`frankenetes.cluster=${INSTANCE}`] } });
    expect(running.map((c) => c.Image).sort()).toEqual(expect.arrayContaining([PAUSE, TESTWEB]));
    const inspected = await docker.getContainer(running.find((c) => c.Image === TESTWEB)?.Id ?? '').inspect();
    expect(inspected.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', 'TOKEN=s3cret']));

    // Another group reaches it by its FQDN, and its log shows it.
    const probe = web({
      restartPolicy: 'Never',
      ipAddress: undefined,
      containers: [
        {
          name: 'probe',
          image: TESTWEB,
          command: [
            '/bin/sh',
            '-c',
            'wget -qO- http://emu-web.westeurope.azurecontainer.io/ >/dev/null && echo reached-web',
          ],
          resources: { requests: { cpu: 0.1, memoryInGB: 0.1 } },
        },
      ],
    });
    await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'probe', probe, poll);
    await eventually(
      async () => {
        const g = await client.containerGroups.get(RG, 'probe');
        expect(g.containers[0]?.instanceView?.currentState).toMatchObject({
          state: 'Terminated',
          exitCode: 0,
        });
        expect(g.instanceView?.state).toBe('Succeeded');
      },
      { timeoutMs: 30_000 },
    );
    const log = await client.containers.listLogs(RG, 'probe', 'probe');
    expect(log.content).toContain('reached-web');
  });

  it('lists by subscription and resource group, without instance views', async () => {
    const all = await collect(client.containerGroups.list());
    expect(all.map((g) => g.name).sort()).toEqual(['probe', 'web']);
    const inRg = await collect(client.containerGroups.listByResourceGroup(RG));
    expect(inRg.map((g) => g.name).sort()).toEqual(['probe', 'web']);
    expect(inRg[0]?.instanceView).toBeUndefined();
  });

  it('serves logs with tail and timestamps', async () => {
    const all = await client.containers.listLogs(RG, 'web', 'web');
    expect(all.content).toContain('testweb listening on :80');
    const stamped = await client.containers.listLogs(RG, 'web', 'web', { tail: 1, timestamps: true });
    expect(stamped.content?.trim().split('\n')).toHaveLength(1);
    expect(stamped.content).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('runs a command over the exec WebSocket: password first, then the terminal', async () => {
    const answer = await client.containers.executeCommand(RG, 'web', 'web', {
      command: '/bin/sh',
      terminalSize: { rows: 24, cols: 80 },
    });
    expect(answer.webSocketUri).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/exec\//);
    const ws = new WebSocket(answer.webSocketUri ?? '', { ca: e.caCert });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => {
        ws.send(answer.password ?? '');
        ws.send(Buffer.from('echo "sum=$((40+2))"; exit\n'));
      });
      ws.on('message', (data) => (output += data.toString()));
      ws.on('close', () => resolve());
      ws.on('error', reject);
      setTimeout(() => {
        ws.terminate();
        reject(new Error(`exec did not end; output so far: ${JSON.stringify(output)}`));
      }, 20_000).unref();
    });
    expect(output).toContain('sum=42');
  });

  it('attaches to a container’s output with the password as Authorization', async () => {
    const attach = await client.containers.attach(RG, 'web', 'web');
    const ws = new WebSocket(attach.webSocketUri ?? '', {
      ca: e.caCert,
      headers: { Authorization: attach.password ?? '' },
    });
    let seen = '';
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    ws.on('message', (data) => (seen += data.toString()));
    // A request to the web server makes it log a line (httpd -v).
    const exec = await client.containers.executeCommand(RG, 'web', 'web', {
      command: '/bin/sh',
      terminalSize: { rows: 24, cols: 80 },
    });
    const shell = new WebSocket(exec.webSocketUri ?? '', { ca: e.caCert });
    shell.on('open', () => {
      shell.send(exec.password ?? '');
      shell.send('wget -qO- http://127.0.0.1/ >/dev/null; exit\n');
    });
    await eventually(() => expect(seen).toMatch(/127\.0\.0\.1\]:\d+: response:200/), { timeoutMs: 15_000 });
    ws.close();
    shell.terminate();
  });

  it('refuses a WebSocket that sends the wrong password', async () => {
    const answer = await client.containers.executeCommand(RG, 'web', 'web', {
      command: '/bin/sh',
      terminalSize: { rows: 24, cols: 80 },
    });
    const ws = new WebSocket(answer.webSocketUri ?? '', { ca: e.caCert });
    const code = await new Promise<number>((resolve) => {
      ws.on('open', () => ws.send('not-the-password'));
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(1008);
  });

  it('rejects an update of CPU as ACI does, so that clients delete and recreate', async () => {
    const changed = web();
    (changed.containers[0] as { resources: { requests: { cpu: number } } }).resources.requests.cpu = 1;
    await expect(
      client.containerGroups.beginCreateOrUpdateAndWait(RG, 'web', changed, poll),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidContainerGroupUpdate',
    });
  });

  it('stops synchronously, then starts and restarts through long-running operations', async () => {
    await client.containerGroups.stop(RG, 'web');
    const stopped = await client.containerGroups.get(RG, 'web');
    expect(stopped.instanceView?.state).toBe('Stopped');
    const left = await docker.listContainers({ all: true, filters: { label: [`frankenetes.group`] } });
    expect(left.filter((c) => c.Labels['frankenetes.emulator.id']?.endsWith('/web'))).toEqual([]);

    await client.containerGroups.beginStartAndWait(RG, 'web', poll);
    expect((await client.containerGroups.get(RG, 'web')).instanceView?.state).toBe('Running');
    await client.containerGroups.beginRestartAndWait(RG, 'web', poll);
    const restarted = await client.containerGroups.get(RG, 'web');
    expect(restarted.instanceView?.state).toBe('Running');
    expect(restarted.instanceView?.events?.map((ev) => ev.name)).toEqual(
      expect.arrayContaining(['Started', 'Restarted']),
    );
  });

  it('retries through three 500s and honours Retry-After on a 429', async () => {
    const before = e.requests.length;
    e.faults.add({ kind: 'error', count: 3, method: 'GET', path: '/containerGroups/web$' });
    expect((await client.containerGroups.get(RG, 'web')).name).toBe('web');
    expect(e.requests.slice(before).map((r) => r.status)).toEqual([500, 500, 500, 200]);

    e.faults.add({ kind: 'throttle', count: 1, retryAfterSeconds: 1, method: 'GET' });
    const started = Date.now();
    expect((await client.containerGroups.get(RG, 'web')).name).toBe('web');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('reports a failed long-running operation and an image it cannot find', async () => {
    e.faults.add({
      kind: 'failOperation',
      group: 'doomed',
      code: 'InternalServerError',
      message: 'injected',
    });
    await expect(
      client.containerGroups.beginCreateOrUpdateAndWait(RG, 'doomed', web({ ipAddress: undefined }), poll),
    ).rejects.toThrow('The long-running operation has failed. InternalServerError. injected');
    expect((await client.containerGroups.get(RG, 'doomed')).provisioningState).toBe('Failed');

    const missing = web({
      ipAddress: undefined,
      containers: [
        {
          name: 'c',
          image: 'docker.io/library/nginx:1.99-nonexistent',
          resources: { requests: { cpu: 0.1, memoryInGB: 0.1 } },
        },
      ],
    });
    await expect(
      client.containerGroups.beginCreateOrUpdateAndWait(RG, 'noimage', missing, poll),
    ).rejects.toThrow(/InaccessibleImage/);
    for (const name of ['doomed', 'noimage']) await client.containerGroups.beginDeleteAndWait(RG, name, poll);
  });

  it('kills a group that was told to die after it starts', async () => {
    e.faults.add({ kind: 'dieAfterStart', group: 'mortal', afterMs: 500 });
    await client.containerGroups.beginCreateOrUpdateAndWait(
      RG,
      'mortal',
      web({ ipAddress: undefined }),
      poll,
    );
    await eventually(
      async () =>
        expect((await client.containerGroups.get(RG, 'mortal')).instanceView?.state).toBe('Stopped'),
      { timeoutMs: 20_000 },
    );
    await client.containerGroups.beginDeleteAndWait(RG, 'mortal', poll);
  });

  it('gives a group with a managed identity tokens from its identity endpoint', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(
      RG,
      'identity',
      web({
        ipAddress: undefined,
        identity: { type: 'SystemAssigned' },
        containers: [{ name: 'p', image: PAUSE, resources: { requests: { cpu: 0.1, memoryInGB: 0.1 } } }],
      }),
      poll,
    );
    const g = await client.containerGroups.get(RG, 'identity');
    expect(g.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(g.identity?.tenantId).toBe(e.tenantId);
    const stored = e.groups.find({ subscriptionId: SUB, resourceGroup: RG, name: 'identity' });
    // The App Service style endpoint @azure/identity's ManagedIdentityCredential uses.
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = `${e.url}/msi/token`;
    process.env.IDENTITY_HEADER = stored?.identitySecret ?? '';
    try {
      const credential = new ManagedIdentityCredential({
        tlsOptions: { ca: e.caCert },
      } as ConstructorParameters<typeof ManagedIdentityCredential>[0]);
      const msi = new ContainerInstanceManagementClient(credential, SUB, {
        endpoint: e.url,
        credentialScopes: ['https://management.azure.com/.default'],
        tlsOptions: { ca: e.caCert },
      } as ConstructorParameters<typeof ContainerInstanceManagementClient>[2]);
      const names = (await collect(msi.containerGroups.listByResourceGroup(RG))).map((x) => x.name);
      expect(names).toContain('identity');
    } finally {
      process.env.IDENTITY_ENDPOINT = saved.endpoint;
      process.env.IDENTITY_HEADER = saved.header;
      if (saved.endpoint === undefined) delete process.env.IDENTITY_ENDPOINT;
      if (saved.header === undefined) delete process.env.IDENTITY_HEADER;
    }
  });

  it('deletes with 202 and Location, and leaves nothing on the engine', async () => {
    const poller = await client.containerGroups.beginDelete(RG, 'probe', poll);
    await poller.pollUntilDone();
    await expect(client.containerGroups.get(RG, 'probe')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    const deleteRequest = e.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith('/probe'));
    expect(deleteRequest.map((r) => r.status)).toEqual([202]);
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`frankenetes.cluster=${INSTANCE}`] },
    });
    expect(left.filter((c) => c.Labels['frankenetes.emulator.id']?.endsWith('/probe'))).toEqual([]);
  });

  it('validated every request the SDK sent and every response against the swagger', () => {
    expect(e.requestViolations).toEqual([]);
    expect(e.violations).toEqual([]);
  });
});
