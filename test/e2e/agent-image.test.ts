// The action's agent image on a runner's Docker: built from dist/ and the Node.js running the
// action when it cannot be pulled, and it really runs the agent bundle.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAgentImage } from '../../src/action/agent-image.js';
import { ROOT, docker } from './harness.js';

const IMAGE = 'localhost/frankenetes/agent-build-test:1';

afterAll(async () => {
  await docker
    .getImage(IMAGE)
    .remove({ force: true })
    .catch(() => undefined);
});

describe('ensureAgentImage', () => {
  it('builds the image from dist/ when it is missing, then finds it present', async () => {
    await docker
      .getImage(IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
    const first = await ensureAgentImage(docker, IMAGE, { distDir: join(ROOT, 'dist') });
    expect(first).toBe('built');
    const run = spawnSync(
      'podman',
      [
        'run',
        '--rm',
        '--network=none',
        '--entrypoint',
        '/usr/local/bin/node',
        IMAGE,
        '/app/index.js',
        'help',
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Usage: frankenetes');
    const info = await docker.getImage(IMAGE).inspect();
    expect(info.Config.Entrypoint).toEqual(['/usr/local/bin/node', '/app/index.js', 'agent']);
    expect(await ensureAgentImage(docker, IMAGE, { distDir: join(ROOT, 'dist') })).toBe('present');
  });
});
