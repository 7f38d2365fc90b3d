// A stand-in for the Actions runtime's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), on
// 127.0.0.1: what `core.getIDToken(audience)` calls in a job with `permissions: id-token: write`.
// It checks the request token as the runtime does and issues GitHub-shaped OIDC tokens (unsigned:
// nothing offline can fetch GitHub's keys to check them).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubOidc {
  /** For the job: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The audience of every token issued, in order. */
  issued: string[];
  /** Every token issued (to check that none was printed in clear). */
  tokens: string[];
  close(): Promise<void>;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startGitHubOidc(subject: string, lifetimeSeconds = 300): Promise<GitHubOidc> {
  const requestToken = randomBytes(16).toString('hex');
  const issued: string[] = [];
  const tokens: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${requestToken}`) return json(401, { message: 'Unauthorized' });
    if (req.method !== 'GET' || url.pathname !== '/idtoken') return json(404, { message: 'Not Found' });
    const audience = url.searchParams.get('audience') ?? '';
    const now = Math.floor(Date.now() / 1000);
    const token = [
      base64url({ alg: 'RS256', typ: 'JWT' }),
      base64url({
        iss: 'https://token.actions.githubusercontent.com',
        aud: audience,
        sub: subject,
        iat: now,
        nbf: now - 5,
        exp: now + lifetimeSeconds,
        jti: randomBytes(8).toString('hex'),
      }),
      'c2lnbmF0dXJl',
    ].join('.');
    issued.push(audience);
    tokens.push(token);
    json(200, { value: token });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: {
      // The runtime's URL already has a query; getIDToken appends `&audience=…`.
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    },
    issued,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
