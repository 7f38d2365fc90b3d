// ARM's protocol as the emulator speaks it, on a real HTTPS server, without the container engine:
// authentication, api-version, schema validation, throttling, 409 and faults. The engine given here
// fails every call, so a test that reached it would fail.
import { ClientSecretCredential } from '@azure/identity';
import { mkdtempSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../src/emulator/groups.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { TokenSigner } from '../../src/emulator/tokens.js';

const SUB = '00000000-0000-0000-0000-0000000000aa';
const GROUPS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups`;

const noEngine: EngineDeps = {
  backendFor() {
    throw new Error('this test must not reach the engine');
  },
  async resolveImage() {
    throw new Error('this test must not reach the engine');
  },
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function call(
  e: Emulator,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; apiVersion?: string | null; form?: URLSearchParams } = {},
): Promise<Answer> {
  const url = new URL(path, e.url);
  if (o.apiVersion !== null && !o.form) url.searchParams.set('api-version', o.apiVersion ?? '2023-05-01');
  const payload = o.form ? o.form.toString() : o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: e.caCert,
        headers: {
          ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}),
          ...(payload
            ? { 'Content-Type': o.form ? 'application/x-www-form-urlencoded' : 'application/json' }
            : {}),
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

const group = (overrides: Record<string, unknown> = {}) => ({
  location: 'westeurope',
  properties: {
    osType: 'Linux',
    containers: [
      {
        name: 'web',
        properties: {
          image: 'localhost/frankenetes/testweb:1',
          resources: { requests: { cpu: 1, memoryInGB: 1 } },
        },
      },
    ],
    ...overrides,
  },
});

let e: Emulator;
let token: string;
const logs: string[] = [];

beforeAll(async () => {
  e = await startEmulator({ engine: noEngine, operationDelayMs: 1500, log: (m) => logs.push(m) });
  // The real @azure/identity path: MSAL discovers the emulator's token endpoint and asks it.
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
  await e.stop();
  expect(e.violations).toEqual([]);
});

describe('authentication', () => {
  it('refuses a request without a token with ARM’s 401 and WWW-Authenticate', async () => {
    const r = await call(e, 'GET', GROUPS);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: {
        code: 'AuthenticationFailed',
        message: "Authentication failed. The 'Authorization' header is missing.",
      },
    });
    expect(String(r.headers['www-authenticate'])).toMatch(/^Bearer authorization_uri=/);
  });

  it('refuses a token it did not sign, and one for another audience', async () => {
    const forged = new TokenSigner().issue(
      {
        aud: 'https://management.azure.com',
        iss: 'x',
        tid: e.tenantId,
        oid: 'o',
        sub: 'o',
        appid: 'a',
        idtyp: 'app',
      },
      600,
    );
    const r1 = await call(e, 'GET', GROUPS, { token: forged });
    expect(r1.status).toBe(401);
    expect((r1.body as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');

    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: e.principal.clientId,
      client_secret: e.principal.clientSecret ?? '',
      scope: 'https://vault.azure.net/.default',
    });
    const vault = await call(e, 'POST', `/${e.tenantId}/oauth2/v2.0/token`, { form });
    expect(vault.status).toBe(200);
    const r2 = await call(e, 'GET', GROUPS, { token: (vault.body as { access_token: string }).access_token });
    expect(r2.status).toBe(401);
    expect((r2.body as { error: { code: string } }).error.code).toBe('InvalidAuthenticationTokenAudience');
  });

  it('answers a wrong client secret as Entra ID does', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: e.principal.clientId,
      client_secret: 'wrong',
      scope: 'https://management.azure.com/.default',
    });
    const r = await call(e, 'POST', `/${e.tenantId}/oauth2/v2.0/token`, { form });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('accepts a federated assertion for api://AzureADTokenExchange (GitHub OIDC style)', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const assertion = `${b64({ alg: 'RS256' })}.${b64({ aud: 'api://AzureADTokenExchange', sub: 'repo:o/r:pull_request', exp: Date.now() / 1000 + 300 })}.sig`;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: e.principal.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: 'https://management.azure.com/.default',
    });
    const r = await call(e, 'POST', `/${e.tenantId}/oauth2/v2.0/token`, { form });
    expect(r.status).toBe(200);
    const list = await call(e, 'GET', GROUPS, { token: (r.body as { access_token: string }).access_token });
    expect(list.status).toBe(200);
  });
});

describe('api-version', () => {
  it('requires one and accepts only 2023-05-01, with ARM’s codes', async () => {
    const missing = await call(e, 'GET', GROUPS, { token, apiVersion: null });
    expect(missing.status).toBe(400);
    expect((missing.body as { error: { code: string } }).error.code).toBe('MissingApiVersionParameter');
    const old = await call(e, 'GET', GROUPS, { token, apiVersion: '2021-09-01' });
    expect(old.status).toBe(400);
    expect((old.body as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'NoRegisteredProviderFound',
      message: expect.stringContaining("The supported api-versions are '2023-05-01'"),
    });
  });
});

describe('request validation', () => {
  it('rejects an unknown property with 400 naming its path, and records the violation', async () => {
    const before = e.requestViolations.length;
    const body = group();
    (body.properties.containers[0]?.properties as Record<string, unknown>).imagePullPolicy = 'Always';
    const r = await call(e, 'PUT', `${GROUPS}/web`, { token, body });
    expect(r.status).toBe(400);
    const error = (r.body as { error: { code: string; message: string; target: string } }).error;
    expect(error.code).toBe('InvalidRequestContent');
    expect(error.target).toBe('properties.containers[0].properties.imagePullPolicy');
    expect(error.message).toContain("Could not find member 'imagePullPolicy'".replace('Could', 'could'));
    expect(e.requestViolations.length).toBe(before + 1);
  });

  it('answers a missing osType as ACI does', async () => {
    const body = group();
    delete (body.properties as Partial<typeof body.properties>).osType;
    const r = await call(e, 'PUT', `${GROUPS}/web`, { token, body });
    expect(r.status).toBe(400);
    expect((r.body as { error: { code: string } }).error.code).toBe('InvalidOsType');
  });

  it('rejects invalid JSON and a wrong content type', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${GROUPS}/web?api-version=2023-05-01`, e.url);
      const req = request(
        url,
        {
          method: 'PUT',
          ca: e.caCert,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{not json');
    });
    expect(r).toBe(400);
  });

  it('applies ACI’s rules past the schema: limits and environment names', async () => {
    const big = group({
      containers: [
        { name: 'web', properties: { image: 'x', resources: { requests: { cpu: 5, memoryInGB: 1 } } } },
      ],
    });
    const r1 = await call(e, 'PUT', `${GROUPS}/big`, { token, body: big });
    expect(r1.status).toBe(409);
    expect((r1.body as { error: { code: string } }).error.code).toBe('ServiceUnavailable');
    const env = group({
      containers: [
        {
          name: 'web',
          properties: {
            image: 'x',
            environmentVariables: [{ name: 'discovery.type', value: 'x' }],
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
          },
        },
      ],
    });
    const r2 = await call(e, 'PUT', `${GROUPS}/env`, { token, body: env });
    expect((r2.body as { error: { code: string } }).error.code).toBe('InvalidContainerEnvironmentVariable');
    const ports = group({
      ipAddress: { type: 'Public', ports: [1, 2, 3, 4, 5, 6].map((port) => ({ port })) },
    });
    const r3 = await call(e, 'PUT', `${GROUPS}/ports`, { token, body: ports });
    expect((r3.body as { error: { code: string } }).error.code).toBe('IpAddressPortLimitExceeded');
    const where = { ...group(), location: 'moon' };
    const r4 = await call(e, 'PUT', `${GROUPS}/moon`, { token, body: where });
    expect((r4.body as { error: { code: string } }).error.code).toBe('LocationNotAvailableForResourceType');
  });
});

describe('long-running operations', () => {
  it('answers PUT with 201 and Azure-AsyncOperation, and a write during the operation with 409', async () => {
    const r = await call(e, 'PUT', `${GROUPS}/slow`, { token, body: group() });
    expect(r.status).toBe(201);
    expect((r.body as { properties: { provisioningState: string } }).properties.provisioningState).toBe(
      'Pending',
    );
    const status = new URL(String(r.headers['azure-asyncoperation']));
    expect(status.pathname).toMatch(/\/locations\/westeurope\/operations\/[0-9a-f-]+$/);

    const again = await call(e, 'PUT', `${GROUPS}/slow`, { token, body: group() });
    expect(again.status).toBe(409);
    expect((again.body as { error: { code: string } }).error.code).toBe('ContainerGroupTransitioning');
    const del = await call(e, 'DELETE', `${GROUPS}/slow`, { token });
    expect(del.status).toBe(409);

    const running = await call(e, 'GET', status.pathname, { token });
    expect(running.body).toMatchObject({ status: 'InProgress' });
    await e.groups.settle();
    // This engine refuses everything, so the operation fails; ARM reports it on the status URL.
    const done = await call(e, 'GET', status.pathname, { token });
    expect(done.body).toMatchObject({ status: 'Failed', error: { code: 'InternalServerError' } });
    // The list carries provisioning states without asking the engine.
    const list = await call(e, 'GET', GROUPS, { token });
    const slow = (
      list.body as { value: { name: string; properties: { provisioningState: string } }[] }
    ).value.find((g) => g.name === 'slow');
    expect(slow?.properties.provisioningState).toBe('Failed');
  });

  it('stores enum values as the spec spells them, whatever case the request used', async () => {
    const body = group({
      restartPolicy: 'onfailure',
      ipAddress: { type: 'public', ports: [{ port: 80, protocol: 'tcp' }] },
    });
    const r = await call(e, 'PUT', `${GROUPS}/lower`, { token, body });
    expect(r.status).toBe(201);
    expect((r.body as { properties: Record<string, unknown> }).properties).toMatchObject({
      restartPolicy: 'OnFailure',
      ipAddress: { type: 'Public', ports: [{ port: 80, protocol: 'TCP' }] },
    });
    await e.groups.settle();
  });

  it('deletes an absent group with 204', async () => {
    const r = await call(e, 'DELETE', `${GROUPS}/never-made`, { token });
    expect(r.status).toBe(204);
  });
});

describe('faults and throttling', () => {
  it('answers N injected 500s, then serves again', async () => {
    e.faults.add({ kind: 'error', count: 2, method: 'GET', path: '/containerGroups$' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(e, 'GET', GROUPS, { token })).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('answers an injected throttle with 429 and Retry-After', async () => {
    e.faults.add({ kind: 'throttle', count: 1, retryAfterSeconds: 7 });
    const r = await call(e, 'GET', GROUPS, { token });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect((r.body as { error: { code: string } }).error.code).toBe('SubscriptionRequestsThrottled');
  });

  it('throttles writes with a token bucket (here 2, refilling 1 per second)', async () => {
    const small = await startEmulator({
      engine: noEngine,
      log: () => undefined,
      throttle: {
        read: { size: 100, refillPerSecond: 100 },
        write: { size: 2, refillPerSecond: 1 },
        delete: { size: 100, refillPerSecond: 100 },
      },
    });
    try {
      const t = await new ClientSecretCredential(
        small.tenantId,
        small.principal.clientId,
        small.principal.clientSecret ?? '',
        {
          authorityHost: small.url,
          disableInstanceDiscovery: true,
          tlsOptions: { ca: small.caCert },
        } as ConstructorParameters<typeof ClientSecretCredential>[3],
      ).getToken('https://management.azure.com/.default');
      const bad = { location: 'westeurope' };
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(await call(small, 'PUT', `${GROUPS}/x`, { token: t.token, body: bad }));
      expect(answers.map((a) => a.status)).toEqual([400, 400, 429]);
      expect(Number(answers[2]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(answers[1]?.headers['x-ms-ratelimit-remaining-subscription-writes']).toBe('0');
    } finally {
      await small.stop();
    }
  });
});

describe('its data directory', () => {
  it('keeps the CA, the signing key, the credential and the groups across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emulator-data-'));
    const first = await startEmulator({ engine: noEngine, dataDir, log: () => undefined });
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: first.principal.clientId,
      client_secret: first.principal.clientSecret ?? '',
      scope: 'https://management.azure.com/.default',
    });
    const issued = await call(first, 'POST', `/${first.tenantId}/oauth2/v2.0/token`, { form });
    const kept = (issued.body as { access_token: string }).access_token;
    expect((await call(first, 'PUT', `${GROUPS}/kept`, { token: kept, body: group() })).status).toBe(201);
    await first.stop();
    expect(statSync(join(dataDir, 'identity.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'state.json')).mode & 0o777).toBe(0o600);

    const second = await startEmulator({ engine: noEngine, dataDir, log: () => undefined });
    try {
      expect(second.caCert).toBe(first.caCert);
      expect(second.principal).toEqual(first.principal);
      const list = await call(second, 'GET', GROUPS, { token: kept });
      expect(list.status).toBe(200);
      expect((list.body as { value: { name: string }[] }).value.map((g) => g.name)).toEqual(['kept']);
    } finally {
      await second.stop();
    }
  });
});
