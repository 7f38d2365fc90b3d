import {
  ClientAssertionCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';

/** The audience GitHub's OIDC token must carry for Microsoft Entra workload identity federation. */
export const GITHUB_OIDC_AUDIENCE = 'api://AzureADTokenExchange';

export class CredentialError extends Error {
  override name = 'CredentialError';
}

/**
 * How a host wants to sign in to Azure. Hosts pass what they have; the environment fills the rest
 * (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_AUTHORITY_HOST, FRANKENETES_MANAGED_IDENTITY).
 */
export interface AzureCredentialSettings {
  tenantId?: string;
  clientId?: string;
  /**
   * GitHub OIDC: returns a fresh ID token for GITHUB_OIDC_AUDIENCE. Called on every token
   * refresh (GitHub's tokens live minutes), so it must fetch, not cache. The Action passes
   * `() => core.getIDToken(GITHUB_OIDC_AUDIENCE)`; core itself never imports @actions/*.
   */
  getAssertion?: () => Promise<string>;
  /** Inside ACI: the group's managed identity, system-assigned or user-assigned (by client or resource id). */
  managedIdentity?: 'system' | { clientId: string } | { resourceId: string };
  /**
   * A Microsoft Entra authority other than the public cloud's, e.g. the offline emulator's token
   * endpoint. Instance discovery is turned off for hosts that are not a known Azure cloud.
   */
  authorityHost?: string;
  /** Passed to the credential as is (retries, TLS settings, an HTTP client). */
  clientOptions?: TokenCredentialOptions;
}

/** The known Azure clouds' authorities, which instance discovery can vouch for. */
const AZURE_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.chinacloudapi.cn',
  'login.microsoftonline.us',
]);

export interface Authority {
  authorityHost?: string;
  disableInstanceDiscovery: boolean;
}

export type CredentialChoice =
  | { kind: 'github-oidc'; tenantId: string; clientId: string; authority: Authority }
  | { kind: 'managed-identity'; clientId?: string; resourceId?: string }
  | { kind: 'default'; tenantId?: string; authority: Authority };

/**
 * Which credential a context gets, as data: GitHub OIDC when an assertion source is given (it
 * needs a tenant and client id), the group's managed identity inside ACI, and otherwise
 * DefaultAzureCredential (environment service principal, workload identity, managed identity,
 * Azure CLI, …).
 */
export function chooseCredential(
  settings: AzureCredentialSettings,
  env: NodeJS.ProcessEnv = process.env,
): CredentialChoice {
  const tenantId = settings.tenantId || env.AZURE_TENANT_ID || undefined;
  const authority = chooseAuthority(settings.authorityHost || env.AZURE_AUTHORITY_HOST || undefined);
  if (settings.getAssertion) {
    const clientId = settings.clientId || env.AZURE_CLIENT_ID || undefined;
    const missing = [
      !tenantId && 'tenant id (AZURE_TENANT_ID)',
      !clientId && 'client id (AZURE_CLIENT_ID)',
    ].filter(Boolean);
    if (!tenantId || !clientId)
      throw new CredentialError(
        `GitHub OIDC sign-in needs the ${missing.join(' and ')} of the Azure app registration or managed identity that trusts this repository`,
      );
    return { kind: 'github-oidc', tenantId, clientId, authority };
  }
  const managed = settings.managedIdentity ?? parseManagedIdentity(env.FRANKENETES_MANAGED_IDENTITY);
  if (managed)
    return managed === 'system' ? { kind: 'managed-identity' } : { kind: 'managed-identity', ...managed };
  return { kind: 'default', tenantId, authority };
}

function chooseAuthority(authorityHost: string | undefined): Authority {
  if (!authorityHost) return { disableInstanceDiscovery: false };
  let host: string;
  try {
    const url = new URL(authorityHost);
    if (url.protocol !== 'https:') throw new Error('not https');
    host = url.hostname;
  } catch {
    throw new CredentialError(`authority host "${authorityHost}" must be an https URL`);
  }
  return { authorityHost, disableInstanceDiscovery: !AZURE_AUTHORITY_HOSTS.has(host) };
}

/**
 * FRANKENETES_MANAGED_IDENTITY: "system", or a user-assigned identity by resource id (what `up`
 * puts in the control-plane group: it knows the identity's resource id, not its client id) or client id.
 */
function parseManagedIdentity(value: string | undefined): AzureCredentialSettings['managedIdentity'] {
  if (!value) return undefined;
  if (value === 'system') return 'system';
  return value.startsWith('/subscriptions/') ? { resourceId: value } : { clientId: value };
}

/** The TokenCredential for a context (see chooseCredential). Nothing here logs a token or assertion. */
export function createAzureCredential(
  settings: AzureCredentialSettings,
  env: NodeJS.ProcessEnv = process.env,
): TokenCredential {
  const choice = chooseCredential(settings, env);
  const options = settings.clientOptions ?? {};
  switch (choice.kind) {
    case 'github-oidc':
      return new ClientAssertionCredential(choice.tenantId, choice.clientId, settings.getAssertion!, {
        ...options,
        ...authorityOptions(choice.authority),
      });
    case 'managed-identity':
      if (choice.resourceId)
        return new ManagedIdentityCredential({ ...options, resourceId: choice.resourceId });
      return choice.clientId
        ? new ManagedIdentityCredential({ ...options, clientId: choice.clientId })
        : new ManagedIdentityCredential(options);
    case 'default':
      return new DefaultAzureCredential({
        ...options,
        ...(choice.tenantId && { tenantId: choice.tenantId }),
        ...authorityOptions(choice.authority),
      });
  }
}

function authorityOptions(authority: Authority) {
  return {
    ...(authority.authorityHost && { authorityHost: authority.authorityHost }),
    ...(authority.disableInstanceDiscovery && { disableInstanceDiscovery: true }),
  };
}
