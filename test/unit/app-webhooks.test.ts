// The app's handlers through its real HTTP server: real @octokit/webhooks-examples payloads with
// real HMAC signatures, GitHub stood in by nock with every request and answer checked against
// GitHub's OpenAPI description, and the cluster verbs a recording fake with core's rules.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { formatCommand, parseComment } from '../../src/app/commands.js';
import { clusterNameFor } from '../../src/core/names.js';
import { FakeVerbs, startTestApp, type RunningApp } from '../support/app-harness.js';
import { INSTALLATION_ID, commentEvent, deliver, example } from '../support/github-standin.js';

const PR = 7;
const CLUSTER = clusterNameFor({ repository: 'Codertocat/Hello-World', pullRequest: PR });
let app: RunningApp;
let verbs: FakeVerbs;
let nextComment = 100;

beforeEach(async () => {
  verbs = new FakeVerbs();
  app = await startTestApp({ verbs });
  app.github.roles.set('writer', 'write');
  app.github.roles.set('maintainer', 'maintain');
  app.github.roles.set('reader', 'read');
  app.github.roles.set('triager', 'triage');
  app.github.addPull(PR);
});

afterEach(async () => {
  await app.close();
  // Every request the app made, and every answer the stand-in gave, is one GitHub documents.
  expect(app.github.violations).toEqual([]);
});

async function comment(body: string, login = 'writer', pull = PR) {
  const commentId = nextComment++;
  const delivery = await deliver(
    app.url,
    'issue_comment',
    commentEvent({ pull, body, login, commentId, standIn: app.github }),
  );
  return { commentId, delivery };
}

async function settled() {
  await app.frankenetes.queue.idle();
}

const stickyBody = (pull = PR) => app.github.sticky(pull)?.body ?? '';

describe('a writer runs the cluster from comments', () => {
  test('up, pause, resume, down: reactions, sticky comment, deployment statuses', async () => {
    app.github.configFile = 'ttl: 4h\nidleTimeout: 30m\ncostCap: 3\n';
    const up = await comment('/frankenetes up --kubernetes-version 1.36');
    expect(up.delivery.status).toBe(200);
    await settled();
    expect(verbs.calls).toEqual([{ verb: 'up', name: CLUSTER }]);
    const record = verbs.clusters.get(CLUSTER)?.record;
    expect(record).toMatchObject({
      repository: 'Codertocat/Hello-World',
      pullRequest: PR,
      installationId: INSTALLATION_ID,
      idleTimeoutSeconds: 1800,
      costCapUsd: 3,
    });
    expect(Date.parse(record?.expiresAt ?? '') - Date.parse(record?.createdAt ?? '')).toBe(4 * 3600_000);
    expect(app.github.reactionsOn(up.commentId)).toEqual(['eyes', 'rocket']);
    let sticky = stickyBody();
    expect(sticky).toContain(`### Frankenetes cluster \`${CLUSTER}\``);
    expect(sticky).toContain('| State | **Running** |');
    expect(sticky).toContain('| Kubernetes | v1.36.2 |');
    expect(sticky).toContain(`https://${CLUSTER}.eastus.azurecontainer.io:6443`);
    expect(sticky).toMatch(/\| Cost so far \| \$0\.0000/);
    expect(sticky).toContain('| Projected per day | $2.1336 |');
    expect(sticky).toContain('`/frankenetes up --kubernetes-version 1.36` by @writer: ✅');
    expect(sticky).toContain('```mermaid\ntimeline');
    expect(sticky).toContain(`frankenetes kubeconfig --name ${CLUSTER} --state /var/lib/frankenetes/state`);
    expect(sticky).not.toMatch(/BEGIN|PRIVATE|client-key|token/i);
    const [deployment] = app.github.deployments;
    expect(deployment?.environment).toBe(CLUSTER);
    expect(deployment?.ref).toBe('ec26c3e57ca3a959ca5aad62de7213c562f8c821');
    expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployment?.statuses[1]?.environment_url).toBe(`https://${CLUSTER}.eastus.azurecontainer.io:6443`);

    const pause = await comment('/frankenetes pause');
    await settled();
    expect(app.github.reactionsOn(pause.commentId)).toEqual(['eyes', 'rocket']);
    sticky = stickyBody();
    expect(sticky).toContain('| State | **Paused** |');
    expect(sticky).toContain('| Projected per day | nothing while paused |');
    expect(deployment?.statuses.at(-1)?.state).toBe('inactive');

    await comment('/frankenetes resume');
    await settled();
    expect(stickyBody()).toContain('| State | **Running** |');
    expect(deployment?.statuses.at(-1)?.state).toBe('success');

    const down = await comment('/frankenetes down');
    await settled();
    expect(app.github.reactionsOn(down.commentId)).toEqual(['eyes', 'rocket']);
    expect(verbs.clusters.size).toBe(0);
    sticky = stickyBody();
    expect(sticky).toContain('| State | **No cluster** |');
    expect(sticky).toMatch(
      /timeline[\s\S]*: up by writer[\s\S]*: pause by writer[\s\S]*: resume by writer[\s\S]*: down by writer/,
    );
    expect(deployment?.statuses.at(-1)?.state).toBe('inactive');
    expect(verbs.calls.map((c) => c.verb)).toEqual(['up', 'pause', 'resume', 'down']);
    // One sticky comment, edited in place; no other comment was posted.
    expect(app.github.comments.filter((c) => c.app)).toHaveLength(1);
  });

  test('a failing command gets 😕 and its reason in the sticky comment', async () => {
    await comment('/frankenetes up');
    await comment('/frankenetes pause');
    const up = await comment('/frankenetes up');
    await settled();
    expect(app.github.reactionsOn(up.commentId)).toEqual(['eyes', 'confused']);
    expect(stickyBody()).toContain('`/frankenetes up` by @writer: ❌ cluster');
    expect(stickyBody()).toContain('is paused');
    expect(app.github.deployments.at(-1)?.statuses.at(-1)?.state).toBe('failure');
  });

  test('pull request closed (merged or not) → down, deployment inactive', async () => {
    await comment('/frankenetes up');
    await settled();
    const closed = example('pull_request', 'closed');
    (closed.pull_request as { number: number }).number = PR;
    (closed as { number: number }).number = PR;
    expect((await deliver(app.url, 'pull_request', closed)).status).toBe(200);
    await settled();
    expect(verbs.calls.map((c) => c.verb)).toEqual(['up', 'down']);
    expect(verbs.clusters.size).toBe(0);
    expect(stickyBody()).toContain('removed because the pull request was closed');
    expect(app.github.deployments[0]?.statuses.at(-1)?.state).toBe('inactive');
  });

  test('help, invalid commands and comments not for us', async () => {
    const help = await comment('/frankenetes help', 'reader');
    const bad = await comment('/frankenetes deploy --now');
    await comment('Looks good to me. /frankenetes up later?');
    await settled();
    expect(verbs.calls).toEqual([]);
    expect(app.github.reactionsOn(help.commentId)).toEqual(['eyes', 'rocket']);
    expect(app.github.reactionsOn(bad.commentId)).toEqual(['eyes', 'confused']);
    const replies = app.github.replies(PR).map((c) => c.body);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toContain('that is not a Frankenetes command: unknown command `deploy`');
    expect(replies[1]).toContain('/frankenetes pause');
  });

  test('the repository configuration decides which commands run; a broken file runs nothing', async () => {
    app.github.configFile = 'commands: [status]\n';
    const up = await comment('/frankenetes up');
    await settled();
    expect(verbs.calls).toEqual([]);
    expect(app.github.reactionsOn(up.commentId)).toEqual(['eyes', 'confused']);
    expect(app.github.replies(PR).at(-1)?.body).toContain('`up` is not allowed by .github/frankenetes.yml');
    app.github.configFile = 'ttl: forever\n';
    await comment('/frankenetes up');
    await settled();
    expect(verbs.calls).toEqual([]);
    expect(app.github.replies(PR).at(-1)?.body).toContain('.github/frankenetes.yml is invalid (ttl:');
  });
});

describe('authorization and safety', () => {
  test('a forged signature → 401 and the handler never runs', async () => {
    const payload = commentEvent({
      pull: PR,
      body: '/frankenetes up',
      login: 'writer',
      commentId: 1,
      standIn: app.github,
    });
    const forged = await deliver(app.url, 'issue_comment', payload, { secret: 'not-the-secret' });
    const unsigned = await deliver(app.url, 'issue_comment', payload, { signature: '' });
    expect(forged.status).toBe(401);
    expect([400, 401]).toContain(unsigned.status);
    await settled();
    expect(app.handled).toEqual([]);
    expect(app.github.requests).toEqual([]);
    expect(verbs.calls).toEqual([]);
    // The same payload, properly signed, does run: the test above can fail.
    expect((await deliver(app.url, 'issue_comment', payload)).status).toBe(200);
    await settled();
    expect(verbs.calls).toHaveLength(1);
  });

  test('a replayed delivery is ignored', async () => {
    const payload = commentEvent({
      pull: PR,
      body: '/frankenetes up',
      login: 'writer',
      commentId: 1,
      standIn: app.github,
    });
    const first = await deliver(app.url, 'issue_comment', payload);
    const replay = await deliver(app.url, 'issue_comment', payload, { id: first.id });
    await settled();
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect(app.handled).toHaveLength(2);
    expect(verbs.calls).toHaveLength(1);
    expect(app.github.reactionsOn(1)).toEqual(['eyes', 'rocket']);
  });

  test.each(['reader', 'triager', 'stranger'])(
    'a %s is refused politely and nothing is created',
    async (login) => {
      const up = await comment('/frankenetes up', login);
      await settled();
      expect(verbs.calls).toEqual([]);
      expect(app.github.deployments).toEqual([]);
      expect(app.github.sticky(PR)).toBeUndefined();
      expect(app.github.reactionsOn(up.commentId)).toEqual(['eyes', 'confused']);
      expect(app.github.replies(PR).map((c) => c.body)).toEqual([
        expect.stringMatching(
          new RegExp(`^@${login} sorry, Frankenetes commands need write access.*Nothing was run\\.$`),
        ),
      ]);
      // Nothing past the permission check was asked: no config, no pull request, no deployment.
      expect(app.github.requests.map((r) => r.operation)).not.toContain('pulls/get');
    },
  );

  test('a fork PR runs nothing until a maintainer approves its head commit; a push revokes the approval', async () => {
    const FORK = 8;
    app.github.addPull(FORK, { fork: true, sha: 'a'.repeat(40) });
    const cluster = clusterNameFor({ repository: 'Codertocat/Hello-World', pullRequest: FORK });
    await comment('/frankenetes up', 'writer', FORK);
    await settled();
    expect(verbs.calls).toEqual([]);
    expect(app.github.replies(FORK).at(-1)?.body).toContain(
      'comes from a fork: a maintainer must first approve its head commit aaaaaaa',
    );

    // A reader cannot approve.
    await comment('/frankenetes approve', 'reader', FORK);
    await settled();
    expect(stickyBody(FORK)).toBe('');
    await comment('/frankenetes approve', 'maintainer', FORK);
    await settled();
    expect(stickyBody(FORK)).toContain('head aaaaaaa approved by @maintainer');
    await comment('/frankenetes up', 'writer', FORK);
    await settled();
    expect(verbs.calls).toEqual([{ verb: 'up', name: cluster }]);

    // A push: the PR's head moves, the approval goes.
    (app.github.pulls.get(FORK) as { head: { sha: string } }).head.sha = 'b'.repeat(40);
    const push = example('pull_request', 'synchronize');
    const pr = push.pull_request as { number: number; head: { sha: string; repo: unknown }; base: unknown };
    pr.number = FORK;
    pr.head.sha = 'b'.repeat(40);
    pr.head.repo = (app.github.pulls.get(FORK) as { head: { repo: unknown } }).head.repo;
    expect((await deliver(app.url, 'pull_request', push)).status).toBe(200);
    await settled();
    expect(stickyBody(FORK)).toContain('revoked by a push (now at bbbbbbb)');
    const down = await comment('/frankenetes down', 'writer', FORK);
    await settled();
    expect(verbs.calls).toHaveLength(1);
    expect(app.github.reactionsOn(down.commentId)).toEqual(['eyes', 'confused']);
    expect(app.github.replies(FORK).at(-1)?.body).toContain('approve its head commit bbbbbbb');
  });

  test('installation deleted → every cluster of that installation goes down', async () => {
    app.github.addPull(9);
    await comment('/frankenetes up', 'writer', PR);
    await comment('/frankenetes up', 'writer', 9);
    await settled();
    // A cluster of another installation stays.
    verbs.clusters.set('other-repo-pr-1', {
      ...structuredClone(verbs.clusters.get(CLUSTER)!),
      record: { ...verbs.clusters.get(CLUSTER)!.record, repository: 'someone/else', installationId: 77 },
    });
    const deleted = example('installation', 'deleted');
    (deleted.installation as { id: number }).id = INSTALLATION_ID;
    deleted.repositories = [];
    expect((await deliver(app.url, 'installation', deleted)).status).toBe(200);
    await settled();
    expect([...verbs.clusters.keys()]).toEqual(['other-repo-pr-1']);
    expect(
      verbs.calls
        .filter((c) => c.verb === 'down')
        .map((c) => c.name)
        .sort(),
    ).toEqual([CLUSTER, clusterNameFor({ repository: 'Codertocat/Hello-World', pullRequest: 9 })].sort());
  });
});

describe('load', () => {
  test('50 concurrent comments on one PR: answered at once, run one at a time in order, the last one wins', async () => {
    const verbsOf = ['up', 'pause', 'resume', 'down', 'status'];
    const bodies = Array.from(
      { length: 50 },
      (_, i) => `/frankenetes ${verbsOf[(i * 7 + (i % 3)) % verbsOf.length]}`,
    );
    const deliveries = await Promise.all(bodies.map((body) => comment(body)));
    expect(deliveries.map((d) => d.delivery.status)).toEqual(bodies.map(() => 200));
    expect(Math.max(...deliveries.map((d) => d.delivery.ms))).toBeLessThan(1000);
    await settled();
    expect(verbs.overlaps).toEqual([]);
    const queued = app.queued.filter((q) => q.cluster === CLUSTER).map((q) => q.what);
    expect(queued).toHaveLength(50);
    // The verbs ran in exactly the order the comments were queued.
    const mutating = queued.map((w) => w.split(' ')[1]).filter((v) => v !== 'status');
    expect(verbs.calls.map((c) => c.verb).filter((v) => v !== 'status')).toEqual(
      mutating.filter((v) => v !== 'status'),
    );
    // An independent model of core's rules over that order gives the state the cluster ends in.
    let state: 'Absent' | 'Running' | 'Paused' = 'Absent';
    for (const verb of mutating) {
      if (verb === 'up' && state !== 'Paused') state = 'Running';
      if (verb === 'pause' && state !== 'Absent') state = 'Paused';
      if (verb === 'resume' && state !== 'Absent') state = 'Running';
      if (verb === 'down') state = 'Absent';
    }
    expect(verbs.clusters.get(CLUSTER)?.phase ?? 'Absent').toBe(state);
    expect(stickyBody()).toContain(`| State | **${state === 'Absent' ? 'No cluster' : state}** |`);
    expect(stickyBody()).toContain(`| Last command | \`${queued.at(-1)}\``);
    expect(app.github.comments.filter((c) => c.app && c.body.includes('frankenetes:sticky'))).toHaveLength(1);
    for (const d of deliveries) expect(app.github.reactionsOn(d.commentId)[0]).toBe('eyes');
  });

  test('fuzzed comments through the app: no crash, only exact commands reach the verbs', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [
      '/frankenetes',
      ' ',
      'up',
      'down',
      'pause',
      '--ttl',
      '4h',
      '\n',
      '\u200b',
      'é',
      '`',
      '@x',
      'status',
      '--kubernetes-version',
      '1.36',
    ];
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
    const bodies = Array.from({ length: 150 }, () => {
      const tokens = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(alphabet));
      const text = (random() < 0.7 ? ['/frankenetes', ...tokens] : tokens).map(
        (t, i) => (i ? pick([' ', ' ', ' ', '', '\t']) : '') + t,
      );
      return text.join('');
    });
    for (const body of bodies) expect((await comment(body)).delivery.status).toBe(200);
    await settled();
    const exact = bodies
      .map((b) => parseComment(b))
      .filter(
        (p) =>
          p.kind === 'command' &&
          p.command.verb !== 'status' &&
          p.command.verb !== 'help' &&
          p.command.verb !== 'approve',
      );
    expect(exact.length).toBeGreaterThan(0);
    // Every verb call is one exact command, in order (failed ones are still calls).
    expect(verbs.calls.map((c) => c.verb)).toEqual(
      exact.map((p) => (p.kind === 'command' ? p.command.verb : '')),
    );
    expect(app.queued.map((q) => q.what).filter((w) => w !== 'invalid')).toEqual(
      bodies
        .map((b) => parseComment(b))
        .flatMap((p) => (p.kind === 'command' ? [formatCommand(p.command)] : [])),
    );
  });
});
