// The app under test: its real Probot server on a free loopback port, GitHub stood in by nock, and
// the cluster verbs either real (e2e) or a recording fake that behaves like core's.
import { Probot, ProbotOctokit } from 'probot';
import { frankenetesApp, type AppDeps, type FrankenetesApp } from '../../src/app/app.js';
import { startAppServer, type AppServer } from '../../src/app/server.js';
import type { PreviewRecord, SweepCandidate } from '../../src/core/sweeper.js';
import type { ClusterVerbs, ClusterView, UpRequest } from '../../src/app/verbs.js';
import { APP_ID, GitHubStandIn, PRIVATE_KEY, WEBHOOK_SECRET } from './github-standin.js';

export interface RunningApp {
  url: string;
  frankenetes: FrankenetesApp;
  github: GitHubStandIn;
  /** Handler invocations Probot made (to prove a forged delivery never reached one). */
  handled: string[];
  /** Clusters and what was queued for them, in queue order. */
  queued: { cluster: string; what: string }[];
  close(): Promise<void>;
}

export async function startTestApp(
  deps: Omit<AppDeps, 'stateLocation'> & {
    stateLocation?: string;
    repository?: string;
    /** nock (default), or the same stand-in served on loopback (see GitHubStandIn.serve). */
    transport?: 'nock' | 'http';
  },
): Promise<RunningApp> {
  const github = new GitHubStandIn(deps.repository);
  const baseUrl = deps.transport === 'http' ? await github.serve() : (github.start(), undefined);
  const queued: { cluster: string; what: string }[] = [];
  const frankenetes = frankenetesApp({
    stateLocation: '/var/lib/frankenetes/state',
    appId: APP_ID,
    ...deps,
    onQueued: (cluster, what) => queued.push({ cluster, what }),
  });
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: WEBHOOK_SECRET,
    logLevel: 'fatal',
    ...(baseUrl ? { baseUrl } : {}),
    // GitHub asks for a second between writes; the app's octokit does so in production, not here.
    Octokit: ProbotOctokit.defaults((options: object) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  const handled: string[] = [];
  probot.onAny(async (context) => void handled.push(`${context.name}:${context.id}`));
  const server: AppServer = await startAppServer({
    probot,
    app: frankenetes.app,
    secret: WEBHOOK_SECRET,
    port: 0,
    host: '127.0.0.1',
  });
  return {
    url: server.url,
    frankenetes,
    github,
    handled,
    queued,
    close: async () => {
      frankenetes.stop();
      await frankenetes.queue.idle();
      await server.close();
      github.stop();
    },
  };
}

interface FakeCluster {
  phase: 'Running' | 'Paused';
  version: string;
  record: PreviewRecord;
  since: string;
  lastActivity?: Date;
  costSoFar: number;
}

/**
 * Core's verbs as the app sees them, in memory, with core's rules (up refuses a paused cluster,
 * pause needs a running one). Each call takes a few milliseconds and records itself; two calls on
 * one cluster at the same time are recorded as an overlap (core would hold the lock).
 */
export class FakeVerbs implements ClusterVerbs {
  readonly clusters = new Map<string, FakeCluster>();
  readonly calls: { verb: string; name: string }[] = [];
  readonly overlaps: string[] = [];
  private readonly active = new Map<string, number>();
  constructor(private readonly delayMs = 3) {}

  private async run<T>(verb: string, name: string, fn: () => T): Promise<T> {
    this.calls.push({ verb, name });
    const now = (this.active.get(name) ?? 0) + 1;
    this.active.set(name, now);
    if (now > 1) this.overlaps.push(`${verb} ${name} while ${now - 1} other call(s) ran`);
    try {
      await new Promise((r) => setTimeout(r, Math.random() * this.delayMs));
      return fn();
    } finally {
      this.active.set(name, (this.active.get(name) ?? 1) - 1);
    }
  }

  private view(name: string): ClusterView {
    const c = this.clusters.get(name);
    if (!c) return { name, phase: 'Absent', cost: { soFar: 0, perDay: 0, currency: 'USD' } };
    return {
      name,
      phase: c.phase,
      kubernetesVersion: c.version,
      apiServerUrl: c.phase === 'Running' ? `https://${name}.eastus.azurecontainer.io:6443` : undefined,
      environmentUrl: c.phase === 'Running' ? `https://${name}.eastus.azurecontainer.io:6443` : undefined,
      createdAt: c.record.createdAt,
      cost: { soFar: c.costSoFar, perDay: c.phase === 'Running' ? 2.1336 : 0, currency: 'USD' },
    };
  }

  up(request: UpRequest) {
    return this.run('up', request.name, () => {
      const c = this.clusters.get(request.name);
      if (c?.phase === 'Paused')
        throw new Error(
          `cluster "${request.name}" is paused (since ${c.since}); resume it with \`frankenetes resume --name ${request.name}\``,
        );
      this.clusters.set(request.name, {
        phase: 'Running',
        version:
          request.kubernetesVersion.split('.').length === 2
            ? `${request.kubernetesVersion}.2`
            : request.kubernetesVersion,
        record: request.record,
        since: new Date().toISOString(),
        costSoFar: c?.costSoFar ?? 0,
      });
      return this.view(request.name);
    });
  }

  pause(name: string) {
    return this.run('pause', name, () => {
      const c = this.clusters.get(name);
      if (!c) throw new Error(`no cluster named "${name}" (see \`frankenetes list\`)`);
      if (c.phase === 'Running') Object.assign(c, { phase: 'Paused', since: new Date().toISOString() });
      return this.view(name);
    });
  }

  resume(name: string) {
    return this.run('resume', name, () => {
      const c = this.clusters.get(name);
      if (!c) throw new Error(`no cluster named "${name}" (see \`frankenetes list\`)`);
      if (c.phase === 'Paused') Object.assign(c, { phase: 'Running', since: new Date().toISOString() });
      return this.view(name);
    });
  }

  down(name: string) {
    return this.run('down', name, () => this.clusters.delete(name));
  }

  async status(name: string) {
    return this.view(name);
  }

  async candidates(): Promise<SweepCandidate[]> {
    return [...this.clusters].map(([name, c]) => ({
      name,
      record: c.record,
      phase: c.phase,
      since: c.since,
      lastActivity: c.lastActivity,
      costSoFar: c.costSoFar,
    }));
  }
}
