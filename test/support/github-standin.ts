// A stand-in for GitHub in app tests: nock answers https://api.github.com from a small stateful
// model (comments, reactions, permissions, pull requests, deployments, the config file), and every
// request the app makes and every answer given is checked against GitHub's OpenAPI description.
// Webhooks go to the app's real HTTP server, signed as GitHub signs them.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import examples from '@octokit/webhooks-examples';
import { checkRequest, checkResponse, matchOperation } from './github-openapi.js';

type Json = Record<string, unknown>;
type Example = { name: string; examples: Json[] };

export function example(event: string, action: string, index = 0): Json {
  const found = (examples as unknown as Example[]).find((e) => e.name === event);
  const matches = found?.examples.filter((x) => x.action === action) ?? [];
  const chosen = matches[index];
  if (!chosen) throw new Error(`no @octokit/webhooks-examples payload for ${event}.${action}`);
  return structuredClone(chosen);
}

export const APP_ID = 4242;
export const INSTALLATION_ID = 1;
export const WEBHOOK_SECRET = 'frankenetes-test-secret';
export const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;

const API = 'https://api.github.com';
const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function user(login: string, id: number, type: 'User' | 'Bot' = 'User'): Json {
  const base = `${API}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: base,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

const BOT = user('frankenetes[bot]', 99_000_001, 'Bot');
const APP = {
  id: APP_ID,
  slug: 'frankenetes',
  node_id: 'A_1',
  client_id: 'Iv1.frankenetes',
  owner: user('frankenetes', 99_000_002),
  name: 'Frankenetes',
  description: 'Serverless Kubernetes for pull requests',
  external_url: 'https://example.org/frankenetes',
  html_url: 'https://github.com/apps/frankenetes',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  permissions: {
    pull_requests: 'read',
    issues: 'write',
    deployments: 'write',
    contents: 'read',
    metadata: 'read',
  },
  events: ['issue_comment', 'pull_request', 'installation'],
};

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: Json;
  app: boolean;
  created_at: string;
  updated_at: string;
}

export interface Recorded {
  method: string;
  path: string;
  query: string;
  body: unknown;
  status: number;
  operation?: string;
}

/** GitHub for one repository, as far as the app uses it. */
export class GitHubStandIn {
  readonly violations: string[] = [];
  readonly requests: Recorded[] = [];
  readonly comments: StoredComment[] = [];
  readonly reactions: { comment: number; content: string }[] = [];
  readonly deployments: { id: number; environment: string; ref: string; statuses: Json[] }[] = [];
  /** role_name by login; unknown users get "read". */
  readonly roles = new Map<string, string>();
  /** `.github/frankenetes.yml` on the default branch; undefined: no such file. */
  configFile: string | undefined;
  readonly pulls = new Map<number, Json>();
  private nextId = 5_000_000;
  readonly owner: string;
  readonly repo: string;

  constructor(readonly fullName = 'Codertocat/Hello-World') {
    [this.owner = '', this.repo = ''] = fullName.split('/');
  }

  /** A pull request as GET /pulls/{n} returns it, from the webhook example's (fork: head in another repository). */
  addPull(number: number, options: { fork?: boolean; sha?: string; state?: 'open' | 'closed' } = {}): Json {
    const pr = example('pull_request', 'opened').pull_request as Json;
    Object.assign(pr, {
      number,
      state: options.state ?? 'open',
      merged: false,
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
      merged_by: null,
      auto_merge: null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1,
    });
    const head = pr.head as Json;
    head.sha = options.sha ?? 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
    if (options.fork) {
      const repo = structuredClone(head.repo) as Json;
      Object.assign(repo, { id: 999_123, full_name: 'mallory/Hello-World', name: 'Hello-World', fork: true });
      Object.assign(repo.owner as Json, { login: 'mallory', id: 999_124 });
      head.repo = repo;
      head.user = repo.owner;
      head.label = 'mallory:changes';
    }
    this.pulls.set(number, pr);
    return pr;
  }

  /** Starts answering https://api.github.com. */
  start(): void {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
    const answer = this.answer.bind(this);
    for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const) {
      nock(API)
        .persist()
        .intercept(/.*/, method)
        .reply(function (uri, body) {
          const headers = this.req.headers as Record<string, string | undefined>;
          return answer(method, uri, body, headers);
        });
    }
  }

  stop(): void {
    nock.cleanAll();
    nock.enableNetConnect();
    this.server?.close();
  }

  private server: Server | undefined;

  /**
   * Serves the same answers over plain HTTP on loopback instead of nock, for tests whose other
   * traffic (the engine's unix socket, the API server's client-certificate TLS) nock's
   * interceptors would otherwise carry: returns the base URL to give Probot.
   */
  async serve(): Promise<string> {
    // Importing nock turns its interceptors on; off here, they leave the process's traffic alone.
    nock.restore();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
        );
        const [status, body, replyHeaders] = this.answer(
          req.method ?? 'GET',
          req.url ?? '/',
          Buffer.concat(chunks).toString('utf8'),
          headers,
        );
        res.writeHead(status, replyHeaders).end(typeof body === 'string' ? body : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(
    method: string,
    uri: string,
    rawBody: unknown,
    headers: Record<string, string | undefined>,
  ): [number, unknown, Record<string, string>] {
    const url = new URL(uri, API);
    let body: unknown = rawBody === '' ? undefined : rawBody;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // left as text: the OpenAPI check reports it
      }
    }
    const matched = matchOperation(method, url.pathname);
    const record: Recorded = { method, path: url.pathname, query: url.search, body, status: 0 };
    this.requests.push(record);
    if (!matched) {
      this.violations.push(`${method} ${url.pathname}: no such operation in GitHub's REST API`);
      record.status = 404;
      return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }, {}];
    }
    record.operation = matched.operation.operationId;
    this.violations.push(...checkRequest(matched, url.searchParams, body, headers['content-type']));
    const auth = headers.authorization ?? '';
    const appLevel = matched.template.startsWith('/app/');
    if (appLevel ? !/^bearer ey/i.test(auth) : auth !== 'token ghs_frankenetes_test_token')
      this.violations.push(`${method} ${matched.template}: wrong credentials (${auth.slice(0, 12)}…)`);
    const [status, reply, replyHeaders = {}] = this.route(
      matched.operation.operationId,
      matched.params,
      url,
      body as Json,
    );
    record.status = status;
    this.violations.push(...checkResponse(matched, status, reply, headers.accept));
    return [status, reply, { 'content-type': 'application/json; charset=utf-8', ...replyHeaders }];
  }

  private route(
    operation: string,
    params: Record<string, string>,
    url: URL,
    body: Json,
  ): [number, unknown, Record<string, string>?] {
    const notFound: [number, unknown] = [
      404,
      { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
    ];
    if (
      operation !== 'apps/create-installation-access-token' &&
      `${params.owner}/${params.repo}` !== this.fullName &&
      params.repo !== '.github'
    )
      return notFound;
    switch (operation) {
      case 'apps/create-installation-access-token':
        return [
          201,
          {
            token: 'ghs_frankenetes_test_token',
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            permissions: {
              pull_requests: 'read',
              issues: 'write',
              deployments: 'write',
              contents: 'read',
              metadata: 'read',
            },
            repository_selection: 'all',
          },
        ];
      case 'repos/get-content':
        if (
          params.repo === '.github' ||
          params.path !== '.github/frankenetes.yml' ||
          this.configFile === undefined
        )
          return notFound;
        return [200, this.configFile, { 'content-type': 'text/plain; charset=utf-8' }];
      case 'repos/get-collaborator-permission-level': {
        const role = this.roles.get(params.username ?? '') ?? 'read';
        const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
        const collaborator = {
          ...user(params.username ?? '', 1000 + (params.username?.length ?? 0)),
          permissions: {
            admin: role === 'admin',
            maintain: role === 'maintain',
            push: ['write', 'maintain', 'admin'].includes(role),
            triage: true,
            pull: true,
          },
          role_name: role,
        };
        return [200, { permission, role_name: role, user: collaborator }];
      }
      case 'pulls/get': {
        const pr = this.pulls.get(Number(params.pull_number));
        return pr ? [200, pr] : notFound;
      }
      case 'issues/list-comments': {
        const issue = Number(params.issue_number);
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = this.comments.filter((c) => c.issue === issue);
        return [200, all.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(c))];
      }
      case 'issues/create-comment': {
        const c: StoredComment = {
          id: this.nextId++,
          issue: Number(params.issue_number),
          body: String(body.body),
          user: BOT,
          app: true,
          created_at: stamp(),
          updated_at: stamp(),
        };
        this.comments.push(c);
        return [
          201,
          this.commentJson(c),
          { location: `${API}/repos/${this.fullName}/issues/comments/${c.id}` },
        ];
      }
      case 'issues/update-comment': {
        const c = this.comments.find((x) => x.id === Number(params.comment_id));
        if (!c) return notFound;
        c.body = String(body.body);
        c.updated_at = stamp();
        return [200, this.commentJson(c)];
      }
      case 'reactions/create-for-issue-comment': {
        this.reactions.push({ comment: Number(params.comment_id), content: String(body.content) });
        return [
          201,
          { id: this.nextId++, node_id: 'REA_1', user: BOT, content: body.content, created_at: stamp() },
        ];
      }
      case 'repos/create-deployment': {
        const id = this.nextId++;
        const deployment = {
          id,
          environment: String(body.environment),
          ref: String(body.ref),
          statuses: [] as Json[],
        };
        this.deployments.push(deployment);
        return [201, this.deploymentJson(deployment, body)];
      }
      case 'repos/list-deployments': {
        const environment = url.searchParams.get('environment');
        const list = this.deployments.filter((d) => !environment || d.environment === environment).reverse();
        return [
          200,
          list
            .slice(0, Number(url.searchParams.get('per_page') ?? 30))
            .map((d) => this.deploymentJson(d, {})),
        ];
      }
      case 'repos/create-deployment-status': {
        const deployment = this.deployments.find((d) => d.id === Number(params.deployment_id));
        if (!deployment) return notFound;
        const status = {
          url: `${API}/repos/${this.fullName}/deployments/${deployment.id}/statuses/${this.nextId}`,
          id: this.nextId++,
          node_id: 'DES_1',
          state: body.state,
          creator: BOT,
          description: body.description ?? '',
          environment: deployment.environment,
          target_url: `https://github.com/${this.fullName}/deployments`,
          ...(body.environment_url ? { environment_url: body.environment_url } : {}),
          log_url: `https://github.com/${this.fullName}/deployments`,
          created_at: stamp(),
          updated_at: stamp(),
          deployment_url: `${API}/repos/${this.fullName}/deployments/${deployment.id}`,
          repository_url: `${API}/repos/${this.fullName}`,
          performed_via_github_app: APP,
        };
        deployment.statuses.push(status);
        return [201, status];
      }
      default:
        this.violations.push(`the stand-in does not model ${operation}`);
        return [501, { message: 'not modelled', documentation_url: 'https://docs.github.com/rest' }];
    }
  }

  private commentJson(c: StoredComment): Json {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${API}/repos/${this.fullName}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.fullName}/pull/${c.issue}#issuecomment-${c.id}`,
      body: c.body,
      user: c.user,
      created_at: c.created_at,
      updated_at: c.updated_at,
      issue_url: `${API}/repos/${this.fullName}/issues/${c.issue}`,
      author_association: c.app ? 'NONE' : 'OWNER',
      performed_via_github_app: c.app ? APP : null,
    };
  }

  private deploymentJson(d: { id: number; environment: string; ref: string }, body: Json): Json {
    return {
      url: `${API}/repos/${this.fullName}/deployments/${d.id}`,
      id: d.id,
      node_id: `DE_${d.id}`,
      sha: d.ref,
      ref: d.ref,
      task: 'deploy',
      payload: {},
      original_environment: d.environment,
      environment: d.environment,
      description: (body.description as string | undefined) ?? null,
      creator: BOT,
      created_at: stamp(),
      updated_at: stamp(),
      statuses_url: `${API}/repos/${this.fullName}/deployments/${d.id}/statuses`,
      repository_url: `${API}/repos/${this.fullName}`,
      transient_environment: true,
      production_environment: false,
      performed_via_github_app: APP,
    };
  }

  /** Comments on a PR other than the app's sticky one (replies). */
  replies(issue: number): StoredComment[] {
    return this.comments.filter((c) => c.issue === issue && c.app && !c.body.includes('frankenetes:sticky'));
  }

  sticky(issue: number): StoredComment | undefined {
    const found = this.comments.filter((c) => c.issue === issue && c.body.includes('frankenetes:sticky'));
    if (found.length > 1) this.violations.push(`PR #${issue} has ${found.length} sticky comments`);
    return found[0];
  }

  reactionsOn(comment: number): string[] {
    return this.reactions.filter((r) => r.comment === comment).map((r) => r.content);
  }
}

/** A PR comment event built from the @octokit/webhooks-examples issue_comment.created payload. */
export function commentEvent(options: {
  pull: number;
  body: string;
  login: string;
  commentId: number;
  standIn: GitHubStandIn;
}): Json {
  const payload = example('issue_comment', 'created');
  const issue = payload.issue as Json;
  const repoUrl = `https://github.com/${options.standIn.fullName}`;
  issue.number = options.pull;
  issue.pull_request = {
    url: `${API}/repos/${options.standIn.fullName}/pulls/${options.pull}`,
    html_url: `${repoUrl}/pull/${options.pull}`,
    diff_url: `${repoUrl}/pull/${options.pull}.diff`,
    patch_url: `${repoUrl}/pull/${options.pull}.patch`,
    merged_at: null,
  };
  const comment = payload.comment as Json;
  comment.id = options.commentId;
  comment.body = options.body;
  comment.user = user(options.login, 2000 + (options.commentId % 1000));
  payload.sender = comment.user;
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return inRepository(payload, options.standIn.fullName);
}

/** An example payload moved to another repository (owner/name). */
export function inRepository(payload: Json, fullName: string): Json {
  const [owner = '', name = ''] = fullName.split('/');
  const repository = payload.repository as Json;
  Object.assign(repository, { full_name: fullName, name });
  (repository.owner as Json).login = owner;
  return payload;
}

export interface Delivery {
  status: number;
  ms: number;
  id: string;
}

/** Posts a webhook to the app as GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function deliver(
  baseUrl: string,
  event: string,
  payload: unknown,
  options: { id?: string; secret?: string; signature?: string } = {},
): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const id = options.id ?? randomUUID();
  const signature =
    options.signature ??
    `sha256=${createHmac('sha256', options.secret ?? WEBHOOK_SECRET)
      .update(body)
      .digest('hex')}`;
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(APP_ID),
      'x-hub-signature-256': signature,
    },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started, id };
}
