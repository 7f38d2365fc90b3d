import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

test('app.yml asks for least privilege and the events the handlers use', () => {
  const manifest = parse(readFileSync(join(ROOT, 'app.yml'), 'utf8')) as {
    default_events: string[];
    default_permissions: Record<string, string>;
    public: boolean;
  };
  expect(manifest.default_permissions).toEqual({
    pull_requests: 'read',
    issues: 'write',
    deployments: 'write',
    contents: 'read',
    metadata: 'read',
  });
  expect(manifest.default_events.sort()).toEqual(['issue_comment', 'pull_request']);
  expect(manifest.public).toBe(false);
  // Every event the app handles is subscribed to, or (installation) always delivered.
  const source = readFileSync(join(ROOT, 'src', 'app', 'app.ts'), 'utf8');
  const handled = [...source.matchAll(/instance\.on\('([a-z_]+)\.[a-z_]+'/g)].map((m) => m[1]);
  expect(new Set(handled)).toEqual(new Set(['issue_comment', 'pull_request', 'installation']));
  for (const event of handled) expect([...manifest.default_events, 'installation']).toContain(event);
});
