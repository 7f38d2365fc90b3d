import { stringify } from 'yaml';
import type { CertKeyPair } from './pki.js';
import { credentialSecretForms } from './secrets.js';

export interface KubeconfigInput {
  /** Name for the cluster, user and context entries. */
  cluster: string;
  user: string;
  server: string;
  caCert: string;
  credential: CertKeyPair;
  /** Name to verify the server's certificate against when `server` is an IP (e.g. a published 127.0.0.1 port). */
  tlsServerName?: string;
  /** A proxy clients reach the server through (kubeconfig `proxy-url`), e.g. the ACI emulator's edge. */
  proxyUrl?: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A kubeconfig with one cluster, one client-certificate user and one context, as YAML. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const context = `${input.user}@${input.cluster}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.cluster,
        cluster: {
          server: input.server,
          'certificate-authority-data': b64(input.caCert),
          ...(input.tlsServerName ? { 'tls-server-name': input.tlsServerName } : {}),
          ...(input.proxyUrl ? { 'proxy-url': input.proxyUrl } : {}),
        },
      },
    ],
    users: [
      {
        name: input.user,
        user: {
          'client-certificate-data': b64(input.credential.cert),
          'client-key-data': b64(input.credential.key),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: input.cluster, user: input.user } }],
    'current-context': context,
    preferences: {},
  });
}

/** Values derived from a credential that must be masked wherever logs may show them. */
export const secretForms = credentialSecretForms;
