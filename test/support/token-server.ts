// A small stand-in for Microsoft Entra ID's token endpoint, over HTTPS on 127.0.0.1: the OpenID
// configuration MSAL reads and the client-credentials grant with a client assertion (GitHub OIDC).
// It issues JWTs shaped like Entra's storage tokens (Azurite's OAuth mode checks iss, aud, nbf,
// exp; it does not check signatures). Only for tests; the ACI emulator serves the real one.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  tenant: string;
  grantType?: string;
  clientId?: string;
  clientAssertion?: string;
  clientAssertionType?: string;
  scope?: string;
}

export interface TokenServer {
  authorityHost: string;
  requests: TokenRequest[];
  /** Assertions it accepts; any other gets AADSTS700024 (invalid_client). */
  acceptedAssertions: Set<string>;
  close(): Promise<void>;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startTokenServer(
  tls: { cert: string; key: string },
  tokenLifetimeSeconds = 60,
): Promise<TokenServer> {
  const requests: TokenRequest[] = [];
  const acceptedAssertions = new Set<string>();
  let origin = '';
  const server: Server = createServer(tls, (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const [tenant = '', ...rest] = url.pathname.split('/').filter(Boolean);
    const path = rest.join('/');
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
      return json(200, {
        issuer: `${origin}/${tenant}/v2.0`,
        token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'POST' && path === 'oauth2/v2.0/token') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const request: TokenRequest = {
          tenant,
          grantType: form.get('grant_type') ?? undefined,
          clientId: form.get('client_id') ?? undefined,
          clientAssertion: form.get('client_assertion') ?? undefined,
          clientAssertionType: form.get('client_assertion_type') ?? undefined,
          scope: form.get('scope') ?? undefined,
        };
        requests.push(request);
        if (!request.clientAssertion || !acceptedAssertions.has(request.clientAssertion))
          return json(400, {
            error: 'invalid_client',
            error_description: 'AADSTS700024: Client assertion is not within its valid time range.',
            error_codes: [700024],
          });
        const now = Math.floor(Date.now() / 1000);
        const resource = (request.scope ?? '').split(' ')[0]!.replace(/\/\.default$/, '');
        const accessToken = [
          base64url({ alg: 'RS256', typ: 'JWT' }),
          base64url({
            aud: resource,
            iss: `https://sts.windows.net/${tenant}/`,
            iat: now,
            nbf: now - 60,
            exp: now + tokenLifetimeSeconds,
            appid: request.clientId,
            tid: tenant,
          }),
          'c2lnbmF0dXJl',
        ].join('.');
        json(200, {
          token_type: 'Bearer',
          expires_in: tokenLifetimeSeconds,
          ext_expires_in: tokenLifetimeSeconds,
          access_token: accessToken,
        });
      });
      return;
    }
    json(404, { error: 'not_found', error_description: `${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorityHost: origin,
    requests,
    acceptedAssertions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
