import {
  ClientAssertionCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
  CredentialError,
  GITHUB_OIDC_AUDIENCE,
  chooseCredential,
  createAzureCredential,
} from '../../src/core/credentials.js';

const getAssertion = async () => 'a GitHub ID token';

describe('chooseCredential', () => {
  it('uses GitHub OIDC when an assertion source is given, with ids from the settings', () => {
    expect(chooseCredential({ getAssertion, tenantId: 't', clientId: 'c' }, {})).toEqual({
      kind: 'github-oidc',
      tenantId: 't',
      clientId: 'c',
      authority: { disableInstanceDiscovery: false },
    });
  });

  it('takes missing ids for GitHub OIDC from AZURE_TENANT_ID and AZURE_CLIENT_ID, settings first', () => {
    const env = { AZURE_TENANT_ID: 'env-tenant', AZURE_CLIENT_ID: 'env-client' };
    expect(chooseCredential({ getAssertion }, env)).toMatchObject({
      tenantId: 'env-tenant',
      clientId: 'env-client',
    });
    expect(chooseCredential({ getAssertion, clientId: 'mine' }, env)).toMatchObject({
      tenantId: 'env-tenant',
      clientId: 'mine',
    });
  });

  it('says which ids GitHub OIDC lacks', () => {
    expect(() => chooseCredential({ getAssertion }, {})).toThrow(CredentialError);
    expect(() => chooseCredential({ getAssertion }, {})).toThrow(
      'GitHub OIDC sign-in needs the tenant id (AZURE_TENANT_ID) and client id (AZURE_CLIENT_ID) of the Azure app registration',
    );
    expect(() => chooseCredential({ getAssertion, tenantId: 't' }, { AZURE_CLIENT_ID: '' })).toThrow(
      'needs the client id (AZURE_CLIENT_ID) of',
    );
  });

  it('prefers GitHub OIDC over a managed identity in the environment', () => {
    expect(
      chooseCredential(
        { getAssertion, tenantId: 't', clientId: 'c' },
        { FRANKENETES_MANAGED_IDENTITY: 'system' },
      ).kind,
    ).toBe('github-oidc');
  });

  it('uses the managed identity inside ACI: user-assigned by client id, or system-assigned', () => {
    expect(chooseCredential({}, { FRANKENETES_MANAGED_IDENTITY: '1111-2222' })).toEqual({
      kind: 'managed-identity',
      clientId: '1111-2222',
    });
    expect(chooseCredential({}, { FRANKENETES_MANAGED_IDENTITY: 'system' })).toEqual({
      kind: 'managed-identity',
    });
    expect(chooseCredential({ managedIdentity: { clientId: 'x' } }, {})).toEqual({
      kind: 'managed-identity',
      clientId: 'x',
    });
    expect(
      chooseCredential({ managedIdentity: 'system' }, { FRANKENETES_MANAGED_IDENTITY: 'other' }),
    ).toEqual({ kind: 'managed-identity' });
  });

  it('takes a user-assigned identity by resource id, as up names it in the control-plane group', () => {
    const id =
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agent';
    expect(chooseCredential({}, { FRANKENETES_MANAGED_IDENTITY: id })).toEqual({
      kind: 'managed-identity',
      resourceId: id,
    });
  });

  it('falls back to DefaultAzureCredential, with the tenant when one is known', () => {
    expect(chooseCredential({}, {})).toEqual({
      kind: 'default',
      authority: { disableInstanceDiscovery: false },
    });
    expect(chooseCredential({}, { AZURE_TENANT_ID: 't', FRANKENETES_MANAGED_IDENTITY: '' })).toEqual({
      kind: 'default',
      tenantId: 't',
      authority: { disableInstanceDiscovery: false },
    });
  });

  it('turns instance discovery off for a custom authority (the emulator), not for Azure clouds', () => {
    expect(
      chooseCredential(
        { getAssertion, tenantId: 't', clientId: 'c', authorityHost: 'https://127.0.0.1:8443' },
        {},
      ),
    ).toMatchObject({
      authority: { authorityHost: 'https://127.0.0.1:8443', disableInstanceDiscovery: true },
    });
    expect(chooseCredential({}, { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us' })).toMatchObject({
      authority: { authorityHost: 'https://login.microsoftonline.us', disableInstanceDiscovery: false },
    });
    expect(chooseCredential({ authorityHost: 'https://emulator.internal:9443/' }, {})).toMatchObject({
      authority: { disableInstanceDiscovery: true },
    });
  });

  it('refuses an authority that is not an https URL', () => {
    expect(() => chooseCredential({ authorityHost: 'http://127.0.0.1:8080' }, {})).toThrow(
      'authority host "http://127.0.0.1:8080" must be an https URL',
    );
    expect(() => chooseCredential({ authorityHost: 'login' }, {})).toThrow(CredentialError);
  });
});

describe('createAzureCredential', () => {
  it('builds the credential class each choice names', () => {
    expect(createAzureCredential({ getAssertion, tenantId: 't', clientId: 'c' }, {})).toBeInstanceOf(
      ClientAssertionCredential,
    );
    expect(createAzureCredential({}, { FRANKENETES_MANAGED_IDENTITY: 'c' })).toBeInstanceOf(
      ManagedIdentityCredential,
    );
    expect(createAzureCredential({}, { FRANKENETES_MANAGED_IDENTITY: 'system' })).toBeInstanceOf(
      ManagedIdentityCredential,
    );
    expect(createAzureCredential({}, {})).toBeInstanceOf(DefaultAzureCredential);
  });

  it('does not call the assertion source before a token is needed', () => {
    let calls = 0;
    createAzureCredential(
      {
        getAssertion: async () => {
          calls++;
          return 'x';
        },
        tenantId: 't',
        clientId: 'c',
      },
      {},
    );
    expect(calls).toBe(0);
  });

  it('names the audience GitHub OIDC tokens need', () => {
    expect(GITHUB_OIDC_AUDIENCE).toBe('api://AzureADTokenExchange');
  });
});
