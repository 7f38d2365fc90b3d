import { randomUUID } from 'node:crypto';
import { ArmError, unauthorized } from './arm.js';
import {
  ARM_AUDIENCES,
  decodeJwtPayload,
  secretsEqual,
  type TokenClaims,
  type TokenSigner,
} from './tokens.js';

/**
 * The identity side of the emulator: an Entra-ID-like token endpoint that MSAL (and so
 * @azure/identity) talks to, a managed-identity endpoint in App Service's style for containers,
 * and the bearer-token check ARM does on every request.
 */

export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  /** Accepted as `client_secret`. */
  clientSecret?: string;
  /**
   * Accepted as `client_assertion` (federated credentials, e.g. GitHub OIDC): a JWT whose audience
   * is `api://AzureADTokenExchange` and, when given, whose subject matches. Its signature cannot be
   * checked offline (the issuer is not reachable), so it is not.
   */
  federatedSubject?: string;
}

export const ASSERTION_AUDIENCE = 'api://AzureADTokenExchange';
export const TOKEN_LIFETIME_SECONDS = 3599;

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Entra ID's error body: `error`, `error_description` with its AADSTS code, and trace ids. */
function aadError(status: number, error: string, code: number, description: string): TokenAnswer {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}

/** What `/{tenant}/v2.0/.well-known/openid-configuration` says: where MSAL finds the token endpoint. */
export function openIdConfiguration(base: string, tenant: string): Record<string, unknown> {
  return {
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['ES256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'oid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'frankenetes-emulator',
  };
}

/** MSAL's instance discovery, for clients that do not disable it. */
export function instanceDiscovery(base: string, host: string): Record<string, unknown> {
  return {
    tenant_discovery_endpoint: `${base}/common/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

/** The resource a v2 scope asks for: `https://management.azure.com/.default` → `https://management.azure.com`. */
export function resourceOfScope(scope: string): string | undefined {
  const s = scope.split(' ').find((part) => part.endsWith('/.default'));
  return s?.slice(0, -'/.default'.length);
}

export class IdentityService {
  constructor(
    private readonly signer: TokenSigner,
    private readonly principals: ServicePrincipal[],
    private readonly issuerBase: string,
  ) {}

  /** POST /{tenant}/oauth2/v2.0/token with the client-credentials grant. */
  token(tenant: string, form: URLSearchParams): TokenAnswer {
    if (form.get('grant_type') !== 'client_credentials') {
      return aadError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'.`,
      );
    }
    const clientId = form.get('client_id') ?? '';
    const inTenant = this.principals.filter((p) => p.tenantId.toLowerCase() === tenant.toLowerCase());
    if (!inTenant.length) return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    const principal = inTenant.find((p) => p.clientId === clientId);
    if (!principal) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
      );
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!principal.clientSecret || !secretsEqual(secret, principal.clientSecret)) {
        return aadError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      }
    } else if (assertion !== null) {
      const problem = this.assertionProblem(principal, assertion, form.get('client_assertion_type'));
      if (problem) return aadError(401, 'invalid_client', 700211, problem);
    } else {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    const resource = resourceOfScope(form.get('scope') ?? '');
    if (!resource)
      return aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope '${form.get('scope') ?? ''}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    const oid = principal.clientId;
    const accessToken = this.signer.issue(
      {
        aud: resource,
        iss: `${this.issuerBase}/${principal.tenantId}/`,
        tid: principal.tenantId,
        oid,
        sub: oid,
        appid: clientId,
        idtyp: 'app',
      },
      TOKEN_LIFETIME_SECONDS,
    );
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
        ext_expires_in: TOKEN_LIFETIME_SECONDS,
        access_token: accessToken,
      },
    };
  }

  private assertionProblem(p: ServicePrincipal, assertion: string, type: string | null): string | undefined {
    if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return `The client_assertion_type '${type ?? ''}' is not supported.`;
    }
    const payload = decodeJwtPayload(assertion);
    if (!payload) return 'The client assertion is not a JWT.';
    const aud = ([] as unknown[]).concat(payload.aud);
    if (!aud.includes(ASSERTION_AUDIENCE)) {
      return `The audience of the client assertion must be '${ASSERTION_AUDIENCE}'.`;
    }
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now())
      return 'The client assertion has expired.';
    if (p.federatedSubject && payload.sub !== p.federatedSubject) {
      return `No matching federated identity record found for presented assertion subject '${String(payload.sub)}'.`;
    }
    return undefined;
  }

  /** A managed identity's token (the object id is its principal id). */
  managedIdentityToken(
    tenantId: string,
    principalId: string,
    clientId: string,
    resource: string,
  ): Record<string, unknown> {
    const aud = resource.replace(/\/\.default$/, '');
    const accessToken = this.signer.issue(
      {
        aud,
        iss: `${this.issuerBase}/${tenantId}/`,
        tid: tenantId,
        oid: principalId,
        sub: principalId,
        appid: clientId,
        idtyp: 'msi',
      },
      TOKEN_LIFETIME_SECONDS,
    );
    return {
      access_token: accessToken,
      expires_on: String(Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS),
      resource,
      token_type: 'Bearer',
      client_id: clientId,
    };
  }

  /** ARM's check of the `Authorization` header; throws ARM's 401 answers. */
  authenticate(header: string | undefined): TokenClaims {
    const authority = `${this.issuerBase}/`;
    if (!header) {
      throw unauthorized(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        authority,
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw unauthorized(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        authority,
      );
    }
    const checked = this.signer.check(match[1]);
    if ('problem' in checked) {
      if (checked.problem === 'expired') {
        const exp = new Date((checked.exp ?? 0) * 1000).toISOString();
        throw unauthorized(
          'ExpiredAuthenticationToken',
          `The access token expiry UTC time '${exp}' is earlier than current UTC time '${new Date().toISOString()}'.`,
          authority,
        );
      }
      throw unauthorized('InvalidAuthenticationToken', 'The access token is invalid.', authority);
    }
    if (!ARM_AUDIENCES.includes(checked.claims.aud)) {
      throw unauthorized(
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${checked.claims.aud}'. It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map((a) => `'${a}'`).join(',')}.`,
        authority,
      );
    }
    return checked.claims;
  }
}

/** The managed-identity endpoint's errors (App Service answers JSON with a status code and a message). */
export function msiError(status: number, message: string): ArmError {
  return new ArmError(status, status === 401 ? 'Unauthorized' : 'BadRequest', message);
}
