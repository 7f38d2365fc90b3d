import { describe, expect, it } from 'vitest';
import { createClusterPki } from '../../src/core/pki.js';
import { pemForms, pkiSecretForms } from '../../src/core/secrets.js';
import { parseClusterSpec } from '../../src/core/spec.js';

describe('pkiSecretForms', async () => {
  const pki = await createClusterPki(parseClusterSpec({ name: 'demo' }));
  const forms = new Set(pkiSecretForms(pki));

  it('covers every certificate and key of the PKI: as PEM, as base64, and each body line', () => {
    const pems = [pki.ca.key, pki.ca.cert, pki.etcdCa.key, pki.apiserver.key, pki.serviceAccount.privateKey];
    for (const pem of pems) {
      expect(forms.has(pem)).toBe(true);
      expect(forms.has(Buffer.from(pem).toString('base64'))).toBe(true);
      const lines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(forms.has(line)).toBe(true);
    }
  });

  it('never masks an empty string or a PEM boundary line', () => {
    for (const form of forms) {
      expect(form.trim()).not.toBe('');
      expect(form).not.toMatch(/^-----(BEGIN|END) [A-Z ]+-----$/);
    }
  });

  it('pemForms of a single PEM lists the PEM, its base64 and its lines', () => {
    const forms = pemForms('-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n');
    expect(forms).toEqual([
      '-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n',
      Buffer.from('-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n').toString('base64'),
      'AAAA',
      'BBBB',
    ]);
  });
});
