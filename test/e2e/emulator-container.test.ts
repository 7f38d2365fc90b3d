// The emulator as a container on the engine network (`frankenetes emulator start`): the host talks
// to it on 127.0.0.1, and a container group with a managed identity calls back into it by its DNS
// alias, with a token from its identity endpoint and the CA the emulator hands it.
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { ClientSecretCredential } from '@azure/identity';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, docker, engineResources, eventually, stateDir } from './harness.js';

const INSTANCE = 'aci-emu-ctr';
const SUB = '22222222-2222-3333-4444-555555555555';
const RG = 'callers';
const dataDir = stateDir();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function readEnv(): Record<string, string> {
  const lines = readFileSync(join(dataDir, 'emulator.env'), 'utf8').trim().split('\n');
  return Object.fromEntries(
    lines.map(
      (l) =>
        l
          .replace(/^export /, '')
          .split(/=(.*)/s)
          .slice(0, 2) as [string, string],
    ),
  );
}

let client: ContainerInstanceManagementClient;
let url = '';

beforeAll(async () => {
  const port = await freePort();
  const run = await cli(
    ['emulator', 'start', '--port', String(port), '--data-dir', dataDir, '--instance', INSTANCE],
    {},
  );
  expect(run.stderr).toContain('ACI emulator at');
  expect(run.code).toBe(0);
  url = run.stdout.trim();
  expect(url).toBe(`https://127.0.0.1:${port}`);
  const env = readEnv();
  expect(statSync(join(dataDir, 'emulator.env')).mode & 0o777).toBe(0o600);
  const ca = readFileSync(env.NODE_EXTRA_CA_CERTS ?? '', 'utf8');
  const credential = new ClientSecretCredential(
    env.AZURE_TENANT_ID ?? '',
    env.AZURE_CLIENT_ID ?? '',
    env.AZURE_CLIENT_SECRET ?? '',
    {
      authorityHost: env.AZURE_AUTHORITY_HOST,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    } as ConstructorParameters<typeof ClientSecretCredential>[3],
  );
  client = new ContainerInstanceManagementClient(credential, SUB, {
    endpoint: env.FRANKENETES_ARM_ENDPOINT,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca },
  } as ConstructorParameters<typeof ContainerInstanceManagementClient>[2]);
});

afterAll(async () => {
  const run = await cli(['emulator', 'stop', '--data-dir', dataDir, '--instance', INSTANCE, '--purge'], {});
  expect(run.code).toBe(0);
  const left = await engineResources(INSTANCE);
  expect(left.containers.length + left.volumes.length + left.networks.length).toBe(0);
  expect(
    await docker
      .getContainer(INSTANCE)
      .inspect()
      .catch(() => undefined),
  ).toBeUndefined();
});

/** Run inside the group: a managed-identity token, then ARM's list, both over the emulator's CA. */
const CALLER = `
const h = { 'X-IDENTITY-HEADER': process.env.IDENTITY_HEADER };
const t = await (await fetch(process.env.IDENTITY_ENDPOINT + '?api-version=2019-08-01&resource=https://management.azure.com', { headers: h })).json();
const r = await fetch(process.env.FRANKENETES_ARM_ENDPOINT + '/subscriptions/${SUB}/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01', { headers: { Authorization: 'Bearer ' + t.access_token } });
const body = await r.json();
console.log('listed ' + r.status + ' ' + body.value.map((g) => g.name).join(','));
`;

describe('the emulator in a container', () => {
  it('serves the host on 127.0.0.1 and its groups by the alias management.azure.local', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(
      RG,
      'caller',
      {
        location: 'westeurope',
        osType: 'Linux',
        restartPolicy: 'Never',
        identity: { type: 'SystemAssigned' },
        containers: [
          {
            name: 'caller',
            image: 'ghcr.io/frankenetes/agent:0.1.0',
            command: ['/usr/local/bin/node', '--input-type=module', '-e', CALLER],
            resources: { requests: { cpu: 0.2, memoryInGB: 0.2 } },
          },
        ],
      },
      { updateIntervalInMs: 250 },
    );
    const done = await eventually(
      async () => {
        const g = await client.containerGroups.get(RG, 'caller');
        expect(g.containers[0]?.instanceView?.currentState?.state).toBe('Terminated');
        return g;
      },
      { timeoutMs: 60_000 },
    );
    const logs = await client.containers.listLogs(RG, 'caller', 'caller');
    expect(logs.content).toContain('listed 200 caller');
    expect(done.containers[0]?.instanceView?.currentState?.exitCode).toBe(0);
    // The published name ran as the locally built image, and the events say so.
    expect(done.containers[0]?.instanceView?.events?.find((ev) => ev.name === 'Pulled')?.message).toContain(
      'local image localhost/frankenetes/agent:0.1.0',
    );
  });

  it('takes faults through its admin endpoint, and recorded no violation of the spec', async () => {
    const { adminKey } = JSON.parse(readFileSync(join(dataDir, 'identity.json'), 'utf8')) as {
      adminKey: string;
    };
    const ca = readFileSync(join(dataDir, 'ca.crt'), 'utf8');
    const admin = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = request(
          `${url}${path}`,
          { method, ca, headers: { 'x-emulator-admin-key': adminKey } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
            });
          },
        );
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    expect(
      (await admin('POST', '/emulator/faults', { kind: 'throttle', count: 1, retryAfterSeconds: 1 })).status,
    ).toBe(200);
    const started = Date.now();
    expect((await client.containerGroups.get(RG, 'caller')).name).toBe('caller');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await admin('GET', '/emulator/violations')).body).toEqual({ responses: [], requests: [] });
  });

  it('refuses bad input with one clear line and a usage exit code', async () => {
    const verb = await cli(['emulator', 'launch'], {});
    expect(verb.code).toBe(2);
    expect(verb.stderr.trim()).toBe(
      'frankenetes: error: unknown emulator command "launch" (try `frankenetes emulator --help`)',
    );
    const port = await cli(['emulator', 'start', '--port', 'http'], {});
    expect(port.code).toBe(2);
    expect(port.stderr.trim()).toBe('frankenetes: error: --port must be a port number, got "http"');
    const image = await cli(
      [
        'emulator',
        'start',
        '--data-dir',
        dataDir,
        '--instance',
        'aci-emu-noimage',
        '--image',
        'localhost/nothing:0',
      ],
      {},
    );
    expect(image.code).toBe(1);
    expect(image.stderr.trim()).toBe(
      'frankenetes: error: image localhost/nothing:0 is not on the engine; build it with scripts/build-images.sh local',
    );
  });
});
