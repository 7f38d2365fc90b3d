// The Blob state store signed in the way the Action signs in: @azure/identity's
// ClientAssertionCredential with a GitHub-OIDC-style assertion, a custom authority host (as the
// emulator serves) and instance discovery off, against Azurite in OAuth mode over HTTPS. TLS is
// verified against a CA made for the test, never turned off.
import { ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureCredential } from '../../src/core/credentials.js';
import { createClusterPki, type ClusterPki } from '../../src/core/pki.js';
import { parseClusterSpec } from '../../src/core/spec.js';
import { BlobStateStore } from '../../src/core/state/blob.js';
import { StateError } from '../../src/core/state/store.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '00000000-1111-2222-3333-444444444444';

let pki: ClusterPki;
let dir: string;
let azurite: Azurite;
let tokens: TokenServer;

beforeAll(async () => {
  // Any CA and a serving certificate for 127.0.0.1 will do: a cluster PKI has both.
  pki = await createClusterPki(parseClusterSpec({ name: 'oauth-test' }));
  dir = mkdtempSync(join(tmpdir(), 'frankenetes-oauth-'));
  writeFileSync(join(dir, 'cert.pem'), `${pki.apiserver.cert.trim()}\n${pki.ca.cert.trim()}\n`);
  writeFileSync(join(dir, 'key.pem'), pki.apiserver.key, { mode: 0o600 });
  azurite = await startAzurite([
    '--oauth',
    'basic',
    '--cert',
    join(dir, 'cert.pem'),
    '--key',
    join(dir, 'key.pem'),
  ]);
  tokens = await startTokenServer(pki.apiserver);
});

afterAll(async () => {
  await azurite?.stop();
  await tokens?.close();
  rmSync(dir, { recursive: true, force: true });
});

function oidcStore(container: string, getAssertion: () => Promise<string>) {
  const tlsOptions = { ca: pki.ca.cert };
  const credential = createAzureCredential(
    {
      getAssertion,
      tenantId: TENANT,
      clientId: CLIENT,
      authorityHost: tokens.authorityHost,
      clientOptions: { tlsOptions, retryOptions: { maxRetries: 0 } },
    },
    {},
  );
  const url = `${azurite.accountUrl}/${container}`;
  // The SDK passes pipeline options through to core-rest-pipeline, which applies tlsOptions.
  const options = { tlsOptions, retryOptions: { maxTries: 1 } } as StoragePipelineOptions;
  return { credential, url, store: new BlobStateStore(url, new ContainerClient(url, credential, options)) };
}

describe('BlobStateStore with GitHub OIDC (ClientAssertionCredential) on Azurite over HTTPS', () => {
  it('writes, reads and locks with a bearer token, fetching a fresh assertion for every token', async () => {
    const assertions: string[] = [];
    const getAssertion = async () => {
      const assertion = `github-id-token-${assertions.length + 1}`;
      assertions.push(assertion);
      tokens.acceptedAssertions.add(assertion);
      return assertion;
    };
    const { credential, url, store } = oidcStore('oidc', getAssertion);
    expect(url.startsWith('https://127.0.0.1:')).toBe(true);
    await store.checkWritable();
    await store.put('pr-1', 'spec.json', '{"name":"pr-1"}');
    expect((await store.get('pr-1', 'spec.json'))?.toString()).toBe('{"name":"pr-1"}');
    const lock = await store.lock('pr-1', { owner: 'frankenetes up' });
    await lock.release();
    expect(await store.clusters()).toEqual(['pr-1']);

    // Tokens live 60 s here, inside MSAL's renewal margin: each new token needs a new assertion.
    const before = tokens.requests.length;
    await credential.getToken('https://storage.azure.com/.default');
    await credential.getToken('https://storage.azure.com/.default');
    expect(tokens.requests.length).toBe(before + 2);
    // Every token request carried an assertion just fetched, never one used before.
    const sent = tokens.requests.map((r) => r.clientAssertion!);
    expect(new Set(sent).size).toBe(sent.length);
    for (const assertion of sent) expect(assertions).toContain(assertion);
    expect(assertions.indexOf(sent.at(-1)!)).toBeGreaterThan(assertions.indexOf(sent.at(-2)!));
    for (const request of tokens.requests)
      expect(request).toEqual({
        tenant: TENANT,
        grantType: 'client_credentials',
        clientId: CLIENT,
        clientAssertion: expect.stringMatching(/^github-id-token-\d+$/),
        clientAssertionType: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        scope: 'https://storage.azure.com/.default',
      });
  });

  it('turns a refused sign-in into one clear StateError without the assertion', async () => {
    const { url, store } = oidcStore('refused', async () => 'an-assertion-the-server-refuses');
    const error = (await store.checkWritable().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toMatch(
      new RegExp(
        `^Blob state store ${url.replace(/\./g, '\\.')} is not writable: opening the container failed: signing in to Azure failed \\(.*AADSTS700024`,
      ),
    );
    expect(error.message).not.toContain('an-assertion-the-server-refuses');
    expect(error.message).not.toContain('\n');
  });
});
