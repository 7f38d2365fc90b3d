import type { ContainerGroup } from '@azure/arm-containerinstance';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import {
  lastUserRequest,
  readCandidates,
  sweep,
  sweepDecision,
  writePreviewRecord,
  type PreviewRecord,
  type SweepCandidate,
} from '../../src/core/sweeper.js';
import type { ContainerGroupBackend } from '../../src/core/backend.js';
import { clusterNameFor } from '../../src/core/names.js';
import { writeLifecycle } from '../../src/core/snapshot.js';
import { LocalStateStore } from '../../src/core/state/index.js';
import { FakeVerbs, startTestApp, type RunningApp } from '../support/app-harness.js';
import { commentEvent, deliver } from '../support/github-standin.js';

const T0 = new Date('2026-03-01T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const record = (overrides: Partial<PreviewRecord> = {}): PreviewRecord => ({
  repository: 'octo/app',
  pullRequest: 3,
  installationId: 1,
  createdAt: T0.toISOString(),
  expiresAt: at(240).toISOString(),
  idleTimeoutSeconds: 1800,
  ...overrides,
});
const candidate = (overrides: Partial<SweepCandidate> = {}): SweepCandidate => ({
  name: 'octo-app-pr-3',
  record: record(),
  phase: 'Running',
  since: T0.toISOString(),
  costSoFar: 0.1,
  ...overrides,
});

describe('sweepDecision', () => {
  test('a cluster used within its idle timeout stays', () => {
    expect(sweepDecision(candidate({ lastActivity: at(20) }), at(45))).toEqual({ action: 'none' });
  });
  test('idle past the timeout → pause, counted from the last user request', () => {
    expect(sweepDecision(candidate({ lastActivity: at(20) }), at(50))).toEqual({
      action: 'pause',
      reason: 'its API had no request for 30m (idle timeout 30m)',
    });
  });
  test('never used → idle from its up (or resume)', () => {
    expect(sweepDecision(candidate(), at(29)).action).toBe('none');
    expect(sweepDecision(candidate(), at(31)).action).toBe('pause');
    expect(sweepDecision(candidate({ since: at(20).toISOString() }), at(31)).action).toBe('none');
  });
  test('paused clusters and clusters without an idle timeout are not paused', () => {
    expect(sweepDecision(candidate({ phase: 'Paused' }), at(100)).action).toBe('none');
    expect(
      sweepDecision(candidate({ record: record({ idleTimeoutSeconds: undefined }) }), at(100)).action,
    ).toBe('none');
  });
  test('past the TTL → down, paused or not', () => {
    expect(sweepDecision(candidate({ phase: 'Paused' }), at(240))).toEqual({
      action: 'down',
      reason: `its TTL ended at ${at(240).toISOString()}`,
    });
  });
  test('over the cost cap → down', () => {
    const over = candidate({ record: record({ costCapUsd: 1 }), costSoFar: 1.25, lastActivity: at(1) });
    expect(sweepDecision(over, at(2))).toEqual({
      action: 'down',
      reason: 'its cost so far ($1.2500) reached the cap of $1',
    });
    expect(sweepDecision({ ...over, costSoFar: 0.99 }, at(2)).action).toBe('none');
  });
  test('sweep carries decisions out and reports failures without throwing', async () => {
    const done: string[] = [];
    const outcomes = await sweep(
      [
        candidate({ name: 'a' }),
        candidate({ name: 'b', phase: 'Paused' }),
        candidate({ name: 'c', record: record({ expiresAt: at(1).toISOString() }) }),
      ],
      {
        pause: async (name) => {
          done.push(`pause ${name}`);
          throw new Error('snapshot failed\nstack');
        },
        down: async (name) => void done.push(`down ${name}`),
      },
      at(60),
    );
    expect(done).toEqual(['pause a', 'down c']);
    expect(outcomes.map((o) => [o.cluster, o.action, o.error])).toEqual([
      ['a', 'pause', 'snapshot failed'],
      ['c', 'down', undefined],
    ]);
  });
});

// Audit events as kube-apiserver writes them (Metadata level), trimmed to the fields that matter.
const event = (user: string, uri: string, time: Date, groups: string[] = []) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    requestURI: uri,
    verb: 'get',
    user: { username: user, groups },
    stageTimestamp: time.toISOString(),
  });

describe('idleness from the audit log', () => {
  const lines = [
    event('frankenetes-admin', '/api/v1/namespaces/default/pods', at(5), ['system:masters']),
    event('system:serviceaccount:default:app', '/api/v1/namespaces/default/configmaps', at(7)),
    event('system:node:octo-app-pr-3-node', '/api/v1/nodes/octo-app-pr-3-node/status', at(50)),
    event('system:kube-controller-manager', '/apis/apps/v1/deployments', at(51)),
    event('system:kube-scheduler', '/api/v1/pods', at(52)),
    event('system:serviceaccount:kube-system:namespace-controller', '/api/v1/namespaces', at(53)),
    event('system:anonymous', '/readyz', at(54)),
    event('frankenetes-admin', '/livez?verbose', at(55)),
    event('system:apiserver', '/api/v1/namespaces/default', at(56)),
    'not json',
    '{"broken":',
  ];
  test('only user requests count: not health, the agent or the control plane', () => {
    expect(lastUserRequest(lines, 'octo-app-pr-3')).toEqual(at(7));
    expect(lastUserRequest(lines.slice(2), 'octo-app-pr-3')).toBeUndefined();
  });

  test('readCandidates reads the record, the phase, the audit log and the cost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frankenetes-sweep-'));
    try {
      const store = new LocalStateStore(dir);
      await writePreviewRecord(store, 'octo-app-pr-3', record({ spentBefore: 0.5 }));
      await writePreviewRecord(store, 'octo-app-pr-4', record({ pullRequest: 4 }));
      await writeLifecycle(store, 'octo-app-pr-4', { phase: 'Paused', since: at(10).toISOString() });
      await store.put('not-ours', 'spec.json', '{}');
      const controlPlane = {
        name: 'octo-app-pr-3-control-plane',
        location: 'eastus',
        osType: 'Linux',
        containers: [
          {
            name: 'kube-apiserver',
            image: 'x',
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
            instanceView: { restartCount: 0, currentState: { state: 'Running', startTime: at(0) } },
          },
        ],
        instanceView: { state: 'Running' },
      } as unknown as ContainerGroup;
      const read: string[] = [];
      const backend = {
        list: async (tags: Record<string, string>) =>
          tags['frankenetes.cluster'] === 'octo-app-pr-3' ? [controlPlane] : [],
        readFile: async (group: string, container: string, path: string) => {
          read.push(`${group}/${container}:${path}`);
          return Readable.from(lines.map((l) => `${l}\n`));
        },
      } as unknown as ContainerGroupBackend;
      const candidates = await readCandidates(store, async () => backend, at(60));
      expect(read).toEqual([
        'octo-app-pr-3-control-plane/kube-apiserver:/var/log/kubernetes/audit/audit.log',
      ]);
      expect(candidates.map((c) => [c.name, c.phase, c.lastActivity?.toISOString()])).toEqual([
        ['octo-app-pr-3', 'Running', at(7).toISOString()],
        ['octo-app-pr-4', 'Paused', undefined],
      ]);
      // 1 vCPU and 1 GB for an hour at eastus rates, plus what earlier runs cost.
      expect(candidates[0]?.costSoFar).toBeCloseTo(0.5 + 0.0405 + 0.00445, 6);
      expect(sweepDecision(candidates[0] as SweepCandidate, at(60)).action).toBe('pause');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the sweeper inside the app', () => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.close();
    expect(app?.github.violations).toEqual([]);
  });

  test('idle past the timeout → paused with a comment; past the TTL → down with a comment', async () => {
    let now = T0;
    const verbs = new FakeVerbs();
    app = await startTestApp({ verbs, now: () => now });
    app.github.roles.set('writer', 'write');
    app.github.addPull(7);
    app.github.configFile = 'idleTimeout: 30m\nttl: 4h\n';
    const cluster = clusterNameFor({ repository: 'Codertocat/Hello-World', pullRequest: 7 });
    await deliver(
      app.url,
      'issue_comment',
      commentEvent({ pull: 7, body: '/frankenetes up', login: 'writer', commentId: 1, standIn: app.github }),
    );
    await app.frankenetes.queue.idle();
    verbs.clusters.get(cluster)!.since = T0.toISOString();
    verbs.clusters.get(cluster)!.lastActivity = at(15);

    now = at(40);
    expect(await app.frankenetes.sweepNow()).toEqual([]);
    expect(verbs.calls.map((c) => c.verb)).toEqual(['up']);

    now = at(46);
    const [paused] = await app.frankenetes.sweepNow();
    await app.frankenetes.queue.idle();
    expect(paused).toMatchObject({ cluster, action: 'pause' });
    expect(verbs.clusters.get(cluster)?.phase).toBe('Paused');
    expect(app.github.replies(7).at(-1)?.body).toBe(
      `Frankenetes paused cluster \`${cluster}\` because its API had no request for 31m (idle timeout 30m). Resume it with \`/frankenetes resume\`.`,
    );
    expect(app.github.sticky(7)?.body).toContain('| State | **Paused** |');
    expect(app.github.deployments[0]?.statuses.at(-1)?.state).toBe('inactive');

    now = at(239);
    expect(await app.frankenetes.sweepNow()).toEqual([]);
    now = at(241);
    const [removed] = await app.frankenetes.sweepNow();
    await app.frankenetes.queue.idle();
    expect(removed).toMatchObject({ cluster, action: 'down' });
    expect(verbs.clusters.size).toBe(0);
    expect(app.github.replies(7).at(-1)?.body).toContain(
      `Frankenetes removed cluster \`${cluster}\` because its TTL ended at ${at(240).toISOString()}`,
    );
    expect(app.github.sticky(7)?.body).toContain('| State | **No cluster** |');
    expect(verbs.calls.map((c) => c.verb)).toEqual(['up', 'pause', 'down']);
    expect(verbs.overlaps).toEqual([]);
  });
});
