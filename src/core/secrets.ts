import type { CertKeyPair, ClusterPki } from './pki.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * Every form in which a PEM value (certificate or key) could show up in a log: the PEM itself,
 * its base64 (a kubeconfig's `*-data` fields) and each line of its body, since log lines break
 * at newlines. Boundary lines are left out: masking them would hide every PEM header anywhere.
 */
export function pemForms(pem: string): string[] {
  const lines = pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('-----'));
  return [pem, b64(pem), ...lines];
}

/** The forms of a client credential, its certificate included (a certificate names its holder). */
export function credentialSecretForms(credential: CertKeyPair): string[] {
  return unique([...pemForms(credential.key), ...pemForms(credential.cert)]);
}

/** The forms of every certificate and key of a cluster's PKI. */
export function pkiSecretForms(pki: ClusterPki): string[] {
  const pems: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' && value.includes('-----BEGIN')) pems.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
  };
  walk(pki);
  return unique(pems.flatMap(pemForms));
}

function unique(values: string[]): string[] {
  return [...new Set(values)].filter((v) => v.trim() !== '');
}
