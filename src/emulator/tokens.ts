import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * Access tokens the emulator issues and checks: ES256 JWTs signed with its own key, shaped like
 * Entra ID's (aud, iss, tid, oid, appid, exp). Clients treat them as opaque strings, as they must.
 */

/** The audiences ARM accepts; a token for anything else is refused as ARM refuses it. */
export const ARM_AUDIENCES = [
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
  'https://management.azure.com/',
  'https://management.azure.com',
];

export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  iat: number;
  nbf: number;
  exp: number;
  /** 'app' for a service principal, 'msi' for a managed identity. */
  idtyp: string;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class TokenSigner {
  readonly keyId: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(privateKeyPem?: string) {
    if (privateKeyPem) {
      this.privateKey = createPrivateKey(privateKeyPem);
      this.publicKey = createPublicKey(this.privateKey);
    } else {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      this.privateKey = pair.privateKey;
      this.publicKey = pair.publicKey;
    }
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha256').update(der).digest('base64url').slice(0, 27);
  }

  privateKeyPem(): string {
    return this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  /** The public key as a JWKS document (what `jwks_uri` serves). */
  jwks(): { keys: object[] } {
    return {
      keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.keyId, use: 'sig', alg: 'ES256' }],
    };
  }

  issue(claims: Omit<TokenClaims, 'iat' | 'nbf' | 'exp'>, lifetimeSeconds: number, now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', kid: this.keyId }));
    const body = b64url(JSON.stringify({ ...claims, iat, nbf: iat - 300, exp: iat + lifetimeSeconds }));
    const signature = sign('sha256', Buffer.from(`${header}.${body}`), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${header}.${body}.${b64url(signature)}`;
  }

  /** The claims of a token this signer issued, or why it is not one. */
  check(
    token: string,
    now = Date.now(),
  ): { claims: TokenClaims } | { problem: 'malformed' | 'signature' | 'expired'; exp?: number } {
    const parts = token.split('.');
    if (parts.length !== 3) return { problem: 'malformed' };
    const [header, body, signature] = parts as [string, string, string];
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { problem: 'malformed' };
    }
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${body}`),
      { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return { problem: 'signature' };
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now)
      return { problem: 'expired', exp: claims.exp };
    return { claims };
  }
}

/** Decodes a JWT's payload without checking it (federated assertions come from issuers we cannot reach). */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const body = token.split('.')[1];
  if (!body || token.split('.').length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function secretsEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** A UUID derived from a string: stable object ids for identities named by resource id. */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
