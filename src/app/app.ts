// The Probot app: thin handlers (filter, hand off, one verb per job). The webhook is answered as
// soon as the work is queued; jobs run one at a time per cluster, and the core verbs hold the
// state store's lock while they change a cluster, so the Action and the CLI wait for them too.
import type { ApplicationFunction, Context, Probot } from 'probot';
import { clusterNameFor } from '../core/names.js';
import type { BackendKind } from '../core/spec.js';
import { HELP, durationSeconds, formatCommand, quote, parseComment, type Command } from './commands.js';
import { CONFIG_FILE, idleTimeoutSeconds, parseRepoConfig, type RepoConfig } from './config.js';
import { DeliveryLog, KeyedQueue } from './queue.js';
import {
  STICKY_MARKER,
  emptySticky,
  plain,
  readSticky,
  recordCommand,
  renderSticky,
  type StickyData,
  type TimelineEvent,
} from './sticky.js';
import { sweep, type SweepOutcome } from '../core/sweeper.js';
import type { ClusterVerbs, ClusterView, UpRequest } from './verbs.js';

type Octokit = Context['octokit'];

export interface AppDeps {
  verbs: ClusterVerbs;
  /** This app's id: only its own comments are read back as the sticky comment. */
  appId?: number;
  /** Where clusters run when a repository's config does not say. */
  defaults?: { backend?: BackendKind; azure?: RepoConfig['azure'] };
  /** The state store's location, shown in the kubeconfig how-to. */
  stateLocation: string;
  now?: () => Date;
  /** How often the sweeper runs inside the app (ms); 0 or absent: never. */
  sweepIntervalMs?: number;
  /** Tests: called as each job is queued, in queue order. */
  onQueued?: (cluster: string, what: string) => void;
}

const WRITERS = new Set(['write', 'maintain', 'admin']);
const MUTATING: Record<string, TimelineEvent | undefined> = {
  up: 'up',
  pause: 'pause',
  resume: 'resume',
  down: 'down',
};

interface Target {
  owner: string;
  repo: string;
  pull: number;
  cluster: string;
}

/** What the app exposes besides its handlers: the queue (to wait for in tests and at shutdown) and the sweeper. */
export interface FrankenetesApp {
  app: ApplicationFunction;
  queue: KeyedQueue;
  /** Runs one sweep now (the timer calls this); resolves with what it did. */
  sweepNow(): Promise<SweepOutcome[]>;
  stop(): void;
}

export function frankenetesApp(deps: AppDeps): FrankenetesApp {
  const now = () => deps.now?.() ?? new Date();
  const deliveries = new DeliveryLog();
  let probot: Probot | undefined;
  let timer: NodeJS.Timeout | undefined;
  const queue = new KeyedQueue((key, error) =>
    probot?.log.error({ err: error, cluster: key }, `frankenetes job for ${key} failed`),
  );
  const enqueue = (cluster: string, what: string, job: () => Promise<void>) => {
    deps.onQueued?.(cluster, what);
    queue.push(cluster, job);
  };
  /** Runs fn in the cluster's queue and resolves with its result. */
  const inQueue = <T>(cluster: string, what: string, fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => enqueue(cluster, what, () => fn().then(resolve, reject)));

  /** X-GitHub-Delivery seen before: a replay, ignored. */
  function replayed(context: Context): boolean {
    if (deliveries.firstTime(context.id)) return false;
    context.log.warn({ delivery: context.id }, 'replayed delivery ignored');
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // GitHub: thin calls, each one REST request (the tests check every one against GitHub's OpenAPI)

  async function findSticky(octokit: Octokit, t: Target) {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: t.owner,
      repo: t.repo,
      issue_number: t.pull,
      per_page: 100,
    });
    const own = comments.filter(
      (c) =>
        c.body?.includes(STICKY_MARKER) &&
        (deps.appId !== undefined
          ? c.performed_via_github_app?.id === deps.appId
          : c.user?.type === 'Bot' && c.user.login.endsWith('[bot]')),
    );
    const comment = own[0];
    return { id: comment?.id, data: readSticky(comment?.body) ?? emptySticky(t.cluster) };
  }

  async function writeSticky(
    octokit: Octokit,
    t: Target,
    id: number | undefined,
    data: StickyData,
    view?: ClusterView,
  ) {
    const body = renderSticky({ data, view, stateLocation: deps.stateLocation, now: now() });
    if (id) await octokit.rest.issues.updateComment({ owner: t.owner, repo: t.repo, comment_id: id, body });
    else
      await octokit.rest.issues.createComment({ owner: t.owner, repo: t.repo, issue_number: t.pull, body });
  }

  const react = (octokit: Octokit, t: Target, commentId: number, content: 'eyes' | 'rocket' | 'confused') =>
    octokit.rest.reactions.createForIssueComment({
      owner: t.owner,
      repo: t.repo,
      comment_id: commentId,
      content,
    });

  const reply = (octokit: Octokit, t: Target, body: string) =>
    octokit.rest.issues.createComment({ owner: t.owner, repo: t.repo, issue_number: t.pull, body });

  async function roleOf(octokit: Octokit, t: Target, username: string): Promise<string> {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: t.owner,
      repo: t.repo,
      username,
    });
    return data.role_name;
  }

  async function deploy(octokit: Octokit, t: Target, sha: string): Promise<number | undefined> {
    const { data } = await octokit.rest.repos.createDeployment({
      owner: t.owner,
      repo: t.repo,
      ref: sha,
      environment: t.cluster,
      description: `Frankenetes cluster ${t.cluster}`,
      auto_merge: false,
      required_contexts: [],
      transient_environment: true,
      production_environment: false,
    });
    return 'id' in data ? data.id : undefined;
  }

  async function deploymentStatus(
    octokit: Octokit,
    t: Target,
    state: 'in_progress' | 'success' | 'failure' | 'inactive',
    options: { id?: number; url?: string; description: string },
  ) {
    let id = options.id;
    if (id === undefined) {
      const { data } = await octokit.rest.repos.listDeployments({
        owner: t.owner,
        repo: t.repo,
        environment: t.cluster,
        per_page: 1,
      });
      id = data[0]?.id;
      if (id === undefined) return;
    }
    await octokit.rest.repos.createDeploymentStatus({
      owner: t.owner,
      repo: t.repo,
      deployment_id: id,
      state,
      description: options.description.slice(0, 140),
      ...(options.url ? { environment_url: options.url } : {}),
      ...(state === 'success' ? { auto_inactive: true } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // One command

  async function runCommand(
    context: Context<'issue_comment.created'>,
    t: Target,
    parsed: ReturnType<typeof parseComment>,
  ): Promise<void> {
    const octokit = context.octokit;
    const { comment } = context.payload;
    const actor = comment.user?.login ?? 'unknown';
    const done = (ok: boolean) => react(octokit, t, comment.id, ok ? 'rocket' : 'confused');
    if (parsed.kind === 'invalid') {
      await reply(octokit, t, `@${actor} that is not a Frankenetes command: ${parsed.reason}.\n\n${HELP}`);
      return void (await done(false));
    }
    if (parsed.kind !== 'command') return;
    const command = parsed.command;
    if (command.verb === 'help') {
      await reply(octokit, t, HELP);
      return void (await done(true));
    }
    // Authorization before anything else: a reader's command changes nothing.
    const role = await roleOf(octokit, t, actor);
    if (!WRITERS.has(role)) {
      await reply(
        octokit,
        t,
        `@${actor} sorry, Frankenetes commands need write access to this repository (you have ${quote(role)}). Nothing was run.`,
      );
      return void (await done(false));
    }
    let config: RepoConfig;
    try {
      config = parseRepoConfig(await context.config(CONFIG_FILE));
    } catch (error) {
      await reply(octokit, t, `@${actor} ${plain((error as Error).message)}. Nothing was run.`);
      return void (await done(false));
    }
    if (command.verb !== 'approve' && !config.commands.includes(command.verb)) {
      await reply(
        octokit,
        t,
        `@${actor} \`${command.verb}\` is not allowed by .github/${CONFIG_FILE}. Nothing was run.`,
      );
      return void (await done(false));
    }
    const { data: pr } = await octokit.rest.pulls.get({ owner: t.owner, repo: t.repo, pull_number: t.pull });
    const fork = pr.head.repo?.full_name !== pr.base.repo.full_name;
    const sticky = await findSticky(octokit, t);
    let data = sticky.data;

    if (command.verb === 'approve') {
      if (!fork) {
        await reply(octokit, t, `@${actor} this pull request is not from a fork: no approval is needed.`);
        return void (await done(true));
      }
      data = {
        ...data,
        approval: { sha: pr.head.sha, by: actor, at: now().toISOString() },
        revoked: undefined,
      };
      data = recordCommand(data, {
        command,
        actor,
        ok: true,
        message: `approved ${pr.head.sha.slice(0, 7)}`,
        at: now(),
      });
      await writeSticky(octokit, t, sticky.id, data, await deps.verbs.status(t.cluster));
      return void (await done(true));
    }
    if (fork && data.approval?.sha !== pr.head.sha) {
      await reply(
        octokit,
        t,
        `@${actor} this pull request comes from a fork: a maintainer must first approve its head commit ${pr.head.sha.slice(0, 7)} with \`/frankenetes approve\`. Nothing was run.`,
      );
      return void (await done(false));
    }
    if (pr.state !== 'open' && command.verb !== 'down' && command.verb !== 'status') {
      await reply(octokit, t, `@${actor} this pull request is closed. Nothing was run.`);
      return void (await done(false));
    }

    let view: ClusterView | undefined;
    let ok = true;
    let message = '';
    let deploymentId: number | undefined;
    try {
      switch (command.verb) {
        case 'up': {
          deploymentId = await deploy(octokit, t, pr.head.sha);
          await deploymentStatus(octokit, t, 'in_progress', {
            id: deploymentId,
            description: 'bringing the cluster up',
          });
          view = await deps.verbs.up(upRequest(t, command, config, context.payload.installation?.id));
          message = `Running (v${view.kubernetesVersion})`;
          break;
        }
        case 'pause':
          view = await deps.verbs.pause(t.cluster);
          message = 'Paused: nothing runs, nothing is billed';
          break;
        case 'resume':
          view = await deps.verbs.resume(t.cluster);
          message = 'Running again, every object back';
          break;
        case 'down': {
          const removed = await deps.verbs.down(t.cluster);
          message = removed ? 'removed' : 'there was no cluster';
          view = await deps.verbs.status(t.cluster);
          break;
        }
        case 'status':
          view = await deps.verbs.status(t.cluster);
          message = view.phase === 'Absent' ? 'no cluster' : view.phase;
          break;
      }
    } catch (error) {
      ok = false;
      message = (error as Error).message.split('\n')[0] ?? 'failed';
      view = await deps.verbs.status(t.cluster).catch(() => undefined);
    }
    const event = MUTATING[command.verb];
    data = recordCommand(data, {
      command,
      actor,
      ok,
      message,
      at: now(),
      event: ok ? event : event && 'failed',
    });
    if (command.verb === 'up' || command.verb === 'resume')
      await deploymentStatus(octokit, t, ok ? 'success' : 'failure', {
        id: deploymentId,
        url: ok ? view?.environmentUrl : undefined,
        description: ok ? `cluster ${t.cluster} is running` : plain(message, 140),
      });
    if ((command.verb === 'pause' || command.verb === 'down') && ok)
      await deploymentStatus(octokit, t, 'inactive', {
        description: `cluster ${t.cluster} ${command.verb === 'pause' ? 'paused' : 'removed'}`,
      });
    await writeSticky(octokit, t, sticky.id, data, view);
    await done(ok);
  }

  function upRequest(
    t: Target,
    command: Command & { verb: 'up' },
    config: RepoConfig,
    installationId?: number,
  ): UpRequest {
    const at = now();
    const ttl = durationSeconds(command.ttl ?? config.ttl) ?? 86400;
    return {
      name: t.cluster,
      kubernetesVersion: command.kubernetesVersion ?? config.kubernetesVersion,
      backend: config.backend ?? deps.defaults?.backend ?? 'docker',
      azure: config.azure ?? deps.defaults?.azure,
      record: {
        repository: `${t.owner}/${t.repo}`,
        pullRequest: t.pull,
        installationId,
        createdAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + ttl * 1000).toISOString(),
        idleTimeoutSeconds: idleTimeoutSeconds(config),
        costCapUsd: config.costCap,
      },
    };
  }

  /** Lifecycle events the app acts on by itself (PR closed, the sweeper): the verb, then the sticky comment. */
  async function lifecycle(
    octokit: Octokit | undefined,
    t: Target,
    verb: 'pause' | 'down',
    reason: string,
    run: () => Promise<unknown>,
  ): Promise<void> {
    let ok = true;
    let message = reason;
    try {
      await run();
    } catch (error) {
      ok = false;
      message = `${reason}, but it failed: ${(error as Error).message.split('\n')[0]}`;
    }
    if (!octokit) return;
    const sticky = await findSticky(octokit, t);
    const data = recordCommand(sticky.data, {
      command: `${verb} (automatic)`,
      actor: 'frankenetes',
      ok,
      message,
      at: now(),
      event: ok ? verb : 'failed',
    });
    if (ok)
      await deploymentStatus(octokit, t, 'inactive', {
        description: `cluster ${t.cluster} ${verb === 'pause' ? 'paused' : 'removed'}`,
      });
    await writeSticky(octokit, t, sticky.id, data, await deps.verbs.status(t.cluster));
  }

  // -------------------------------------------------------------------------------------------
  // The sweeper

  async function sweepNow(): Promise<SweepOutcome[]> {
    const at = now();
    const candidates = await deps.verbs.candidates(at);
    const outcomes = await sweep(
      candidates,
      {
        pause: (name) => inQueue(name, 'sweep pause', () => deps.verbs.pause(name)),
        down: (name) => inQueue(name, 'sweep down', () => deps.verbs.down(name)),
      },
      at,
    );
    for (const outcome of outcomes) {
      const { record } = outcome;
      if (!probot || !record.installationId || !record.repository) continue;
      const [owner = '', repo = ''] = record.repository.split('/');
      const t: Target = { owner, repo, pull: record.pullRequest, cluster: outcome.cluster };
      try {
        const octokit = (await probot.auth(record.installationId)) as Octokit;
        const what = outcome.action === 'pause' ? 'paused' : 'removed';
        await reply(
          octokit,
          t,
          outcome.error
            ? `Frankenetes tried to ${outcome.action} cluster \`${t.cluster}\` because ${outcome.reason}, but it failed: ${plain(outcome.error)}`
            : `Frankenetes ${what} cluster \`${t.cluster}\` because ${outcome.reason}.${outcome.action === 'pause' ? ' Resume it with `/frankenetes resume`.' : ''}`,
        );
        await inQueue(t.cluster, 'sweep comment', () =>
          lifecycle(octokit, t, outcome.action, `${what} by the sweeper: ${outcome.reason}`, async () => {
            if (outcome.error) throw new Error(outcome.error);
          }),
        );
      } catch (error) {
        probot.log.error(
          { err: error, cluster: t.cluster },
          'could not tell the pull request what the sweeper did',
        );
      }
    }
    return outcomes;
  }

  // -------------------------------------------------------------------------------------------
  // Handlers

  const app: ApplicationFunction = (instance) => {
    probot = instance;

    instance.on('issue_comment.created', async (context) => {
      const { issue, comment, repository } = context.payload;
      if (!issue.pull_request || comment.user?.type === 'Bot') return;
      const parsed = parseComment(comment.body);
      if (parsed.kind === 'none' || replayed(context)) return;
      const t: Target = {
        owner: repository.owner.login,
        repo: repository.name,
        pull: issue.number,
        cluster: clusterNameFor({ repository: repository.full_name, pullRequest: issue.number }),
      };
      // 👀 at once, outside the cluster's queue (another command may be running).
      queue.push(
        `eyes:${context.id}`,
        async () => void (await react(context.octokit, t, comment.id, 'eyes')),
      );
      const what = parsed.kind === 'command' ? formatCommand(parsed.command) : 'invalid';
      enqueue(t.cluster, what, async () => {
        try {
          await runCommand(context, t, parsed);
        } catch (error) {
          context.log.error({ err: error }, `command failed on ${t.cluster}`);
          await react(context.octokit, t, comment.id, 'confused').catch(() => undefined);
        }
      });
    });

    instance.on('pull_request.synchronize', async (context) => {
      if (replayed(context)) return;
      const { pull_request: pr, repository } = context.payload;
      if (pr.head.repo?.full_name === pr.base.repo.full_name) return;
      const t = targetOf(repository, pr.number);
      enqueue(t.cluster, 'revoke approval', async () => {
        const sticky = await findSticky(context.octokit, t);
        if (!sticky.data.approval || sticky.data.approval.sha === pr.head.sha) return;
        const data: StickyData = {
          ...sticky.data,
          approval: undefined,
          revoked: { sha: pr.head.sha, at: now().toISOString() },
        };
        await writeSticky(context.octokit, t, sticky.id, data, await deps.verbs.status(t.cluster));
      });
    });

    instance.on('pull_request.closed', async (context) => {
      if (replayed(context)) return;
      const { pull_request: pr, repository } = context.payload;
      const t = targetOf(repository, pr.number);
      enqueue(t.cluster, 'down (closed)', async () => {
        const view = await deps.verbs.status(t.cluster);
        if (view.phase === 'Absent') return;
        await lifecycle(
          context.octokit,
          t,
          'down',
          `removed because the pull request was ${pr.merged ? 'merged' : 'closed'}`,
          () => deps.verbs.down(t.cluster),
        );
      });
    });

    instance.on('installation.deleted', async (context) => {
      if (replayed(context)) return;
      const id = context.payload.installation.id;
      const repos = new Set((context.payload.repositories ?? []).map((r) => r.full_name.toLowerCase()));
      enqueue('installation', `installation ${id} deleted`, async () => {
        for (const candidate of await deps.verbs.candidates(now())) {
          const { record } = candidate;
          if (record.installationId !== id && !repos.has(record.repository.toLowerCase())) continue;
          // The app can no longer write to those repositories: just remove the clusters.
          await inQueue(candidate.name, 'down (uninstalled)', () => deps.verbs.down(candidate.name));
        }
      });
    });

    if (deps.sweepIntervalMs) {
      timer = setInterval(() => {
        sweepNow().catch((error: unknown) => instance.log.error({ err: error }, 'sweep failed'));
      }, deps.sweepIntervalMs);
      timer.unref();
    }
  };

  return {
    app,
    queue,
    sweepNow,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}

function targetOf(
  repository: { owner: { login: string }; name: string; full_name: string },
  pull: number,
): Target {
  return {
    owner: repository.owner.login,
    repo: repository.name,
    pull,
    cluster: clusterNameFor({ repository: repository.full_name, pullRequest: pull }),
  };
}
