// The release publishes what the ACI plan pulls: the agent image under the plan's default name,
// with the entrypoint and paths the plan runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FRANKENETES_VERSION, PUBLISHED_AGENT_IMAGE } from '../../src/core/names.js';
import { planCluster } from '../../src/core/plan.js';
import { parseClusterSpec } from '../../src/core/spec.js';
import { fakePki } from './fake-pki.js';

const ROOT = join(import.meta.dirname, '..', '..');
const workflow = parse(readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8'));
const dockerfile = readFileSync(join(ROOT, 'images/agent/Dockerfile'), 'utf8');
const steps: { uses?: string; with?: Record<string, string>; run?: string }[] = workflow.jobs.release.steps;

const aciPlan = planCluster(
  parseClusterSpec({
    name: 'demo',
    backend: 'aci',
    location: 'westeurope',
    azure: { subscriptionId: '00000000-0000-4000-8000-000000000001', resourceGroup: 'rg' },
  }),
  fakePki(),
);
const containers = aciPlan.groups.flatMap((g) => [...g.containers, ...(g.initContainers ?? [])]);

describe('the release workflow', () => {
  it('pushes the agent image the ACI plan pulls by default, for the tagged version', () => {
    const push = steps.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(push?.with?.file).toBe('images/agent/Dockerfile');
    expect(push?.with?.push).toBe(true);
    expect(push?.with?.tags).toBe('ghcr.io/frankenetes/agent:${{ env.VERSION }}');
    expect(PUBLISHED_AGENT_IMAGE).toBe(`ghcr.io/frankenetes/agent:${FRANKENETES_VERSION}`);
    expect(containers.find((c) => c.name === 'frankenetes-agent')?.image).toBe(PUBLISHED_AGENT_IMAGE);
  });

  it('refuses a tag that does not match the version the plan names', () => {
    const check = steps.find((s) => s.run?.includes('FRANKENETES_VERSION'));
    expect(check?.run).toContain('test "$TAG" = "v$version"');
    expect(readFileSync(join(ROOT, 'src/core/names.ts'), 'utf8')).toContain(
      `FRANKENETES_VERSION = '${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}'`,
    );
  });

  it('builds an image whose node and bundle are where every agent-image command of the plan looks', () => {
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(dockerfile)?.[1] ?? 'null');
    const agent = containers.find((c) => c.name === 'frankenetes-agent');
    expect(agent?.command).toEqual(entrypoint);
    expect(dockerfile).toMatch(/^FROM node:\d+-/m); // official Node.js images install /usr/local/bin/node
    expect(dockerfile).toMatch(/^COPY dist\/ \/app\/$/m);
    for (const c of containers.filter((x) => x.image === PUBLISHED_AGENT_IMAGE)) {
      expect(c.command?.slice(0, 2)).toEqual(['/usr/local/bin/node', '/app/index.js']);
    }
  });
});
