// The sweeper: pauses clusters idle past their timeout and removes those past their TTL or over
// their cost cap. Decisions are pure (sweepDecision); what a cluster's record, phase, API activity
// and cost are is read from the state store and the backend (readCandidate). Shared by the app's
// timer and `frankenetes sweep`.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ContainerGroupBackend } from './backend.js';
import { API_SERVER_CONTAINER, controlPlaneGroupName, nodeName, TAG } from './names.js';
import { readLifecycle, type ClusterPhase } from './snapshot.js';
import type { StateStore } from './state/index.js';
import { ACI_PRICES, billedSeconds, groupCost, groupResources, type AciPriceTable } from './cost.js';

/** What the app records beside a cluster it made for a PR (the sweeper's policy for it). */
export const PREVIEW_KEY = 'preview.json';
/** What the Action records for a cluster it keeps (`keep: true`); its TTL is honoured too. */
export const ACTION_KEEP_KEY = 'keep.json';

export interface PreviewRecord {
  /** "owner/repo" */
  repository: string;
  pullRequest: number;
  installationId?: number;
  createdAt: string;
  /** Removed after this time. */
  expiresAt: string;
  /** Paused after this many seconds without a user's API request; absent: never. */
  idleTimeoutSeconds?: number;
  /** Removed once its cost so far passes this many USD. */
  costCapUsd?: number;
  /** What earlier runs (before a pause) cost: a group's instance view only tells its current run. */
  spentBefore?: number;
}

export async function readPreviewRecord(
  store: StateStore,
  cluster: string,
): Promise<PreviewRecord | undefined> {
  const data = await store.get(cluster, PREVIEW_KEY);
  if (data) return JSON.parse(data.toString('utf8')) as PreviewRecord;
  const kept = await store.get(cluster, ACTION_KEEP_KEY);
  if (!kept) return undefined;
  const { expiresAt } = JSON.parse(kept.toString('utf8')) as { expiresAt?: string };
  return expiresAt
    ? { repository: '', pullRequest: 0, createdAt: new Date(0).toISOString(), expiresAt }
    : undefined;
}

export async function writePreviewRecord(
  store: StateStore,
  cluster: string,
  record: PreviewRecord,
): Promise<void> {
  await store.put(cluster, PREVIEW_KEY, `${JSON.stringify(record, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Activity from the API server's audit log

/** Where the API server writes its audit log (plan.ts), in the kube-apiserver container. */
export const AUDIT_LOG_PATH = '/var/log/kubernetes/audit/audit.log';
const HEALTH = /^\/(livez|readyz|healthz|version)(\/|\?|$)/;

/**
 * Whether an audit event is a user's request: not a health probe, not the agent (the node), not
 * the control plane's own components (controller-manager, scheduler, the API server itself and the
 * kube-system controllers' service accounts) and not anonymous.
 */
export function isUserRequest(
  event: { user?: { username?: string }; requestURI?: string },
  cluster: string,
): boolean {
  const user = event.user?.username ?? '';
  const uri = event.requestURI ?? '';
  if (HEALTH.test(uri)) return false;
  if (user === `system:node:${nodeName(cluster)}` || user.startsWith('system:node:')) return false;
  if (user === 'system:anonymous' || user === 'system:apiserver') return false;
  if (user.startsWith('system:kube-') || user.startsWith('system:serviceaccount:kube-system:')) return false;
  return user !== '';
}

/** The time of the last user request in audit-log lines (JSON per line), or undefined. */
export function lastUserRequest(lines: Iterable<string>, cluster: string): Date | undefined {
  let last: number | undefined;
  for (const line of lines) {
    const at = userRequestTime(line, cluster);
    if (at !== undefined && (last === undefined || at > last)) last = at;
  }
  return last === undefined ? undefined : new Date(last);
}

function userRequestTime(line: string, cluster: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  let event: { user?: { username?: string }; requestURI?: string; stageTimestamp?: string; stage?: string };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return undefined;
  }
  if (!isUserRequest(event, cluster)) return undefined;
  const at = Date.parse(event.stageTimestamp ?? '');
  return Number.isFinite(at) ? at : undefined;
}

/**
 * The last user request the running API server logged, read from its audit log file. Undefined
 * when the backend cannot read files (ACI) or the log is empty. Only the current file is read, not
 * the rotated ones (the log rotates at 50 MB): a cluster busy enough to rotate is not idle.
 */
export async function readLastActivity(
  backend: ContainerGroupBackend,
  cluster: string,
): Promise<Date | undefined> {
  if (!backend.readFile) return undefined;
  let stream: Readable;
  try {
    stream = await backend.readFile(controlPlaneGroupName(cluster), API_SERVER_CONTAINER, AUDIT_LOG_PATH);
  } catch {
    return undefined;
  }
  let last: number | undefined;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    const at = userRequestTime(line, cluster);
    if (at !== undefined && (last === undefined || at > last)) last = at;
  }
  return last === undefined ? undefined : new Date(last);
}

// ---------------------------------------------------------------------------------------------
// Cost

export interface CostView {
  /** USD so far: earlier runs (recorded at each pause) plus the current one. */
  soFar: number;
  /** USD per day at the current rate (0 when nothing runs). */
  perDay: number;
  currency: string;
}

export function costOf(
  groups: Parameters<typeof groupResources>[0][],
  spentBefore: number,
  now: Date,
  prices: AciPriceTable = ACI_PRICES,
): CostView {
  const running = groups.filter(
    (g) => !['Stopped', 'Succeeded', 'Failed'].includes(g.instanceView?.state ?? ''),
  );
  const current = groups.reduce(
    (sum, g) => sum + groupCost(groupResources(g), billedSeconds(g, now), prices).total,
    0,
  );
  const perDay = running.reduce((sum, g) => sum + groupCost(groupResources(g), 86400, prices).total, 0);
  return { soFar: spentBefore + current, perDay, currency: prices.currency };
}

export async function clusterGroups(backend: ContainerGroupBackend, cluster: string) {
  return backend.list({ [TAG.cluster]: cluster });
}

// ---------------------------------------------------------------------------------------------
// Decisions

export interface SweepCandidate {
  name: string;
  record: PreviewRecord;
  phase: ClusterPhase;
  /** Since when the cluster runs in its current phase (up or resume), ISO. */
  since: string;
  /** The last user request to its API, if known. */
  lastActivity?: Date;
  costSoFar: number;
}

export type SweepDecision =
  { action: 'none' } | { action: 'pause'; reason: string } | { action: 'down'; reason: string };

const minutes = (seconds: number) =>
  seconds % 86400 === 0
    ? `${seconds / 86400}d`
    : seconds % 3600 === 0
      ? `${seconds / 3600}h`
      : `${Math.round(seconds / 60)}m`;

/** What the sweeper does with a cluster now: TTL and cost cap first (down), then idleness (pause). */
export function sweepDecision(candidate: SweepCandidate, now: Date): SweepDecision {
  const { record } = candidate;
  const expires = Date.parse(record.expiresAt);
  if (Number.isFinite(expires) && now.getTime() >= expires)
    return { action: 'down', reason: `its TTL ended at ${record.expiresAt}` };
  if (record.costCapUsd !== undefined && candidate.costSoFar >= record.costCapUsd)
    return {
      action: 'down',
      reason: `its cost so far ($${candidate.costSoFar.toFixed(4)}) reached the cap of $${record.costCapUsd}`,
    };
  if (candidate.phase !== 'Running' || record.idleTimeoutSeconds === undefined) return { action: 'none' };
  const since = Math.max(
    Date.parse(candidate.since) || 0,
    Date.parse(record.createdAt) || 0,
    candidate.lastActivity?.getTime() ?? 0,
  );
  const idleSeconds = (now.getTime() - since) / 1000;
  if (idleSeconds >= record.idleTimeoutSeconds)
    return {
      action: 'pause',
      reason: `its API had no request for ${minutes(Math.floor(idleSeconds))} (idle timeout ${minutes(record.idleTimeoutSeconds)})`,
    };
  return { action: 'none' };
}

/** The clusters the sweeper looks after (those with a record), as they stand now. */
export async function readCandidates(
  store: StateStore,
  backendFor: (cluster: string) => Promise<ContainerGroupBackend>,
  now: Date,
  prices: AciPriceTable = ACI_PRICES,
): Promise<SweepCandidate[]> {
  const candidates: SweepCandidate[] = [];
  for (const name of await store.clusters()) {
    const record = await readPreviewRecord(store, name).catch(() => undefined);
    if (!record) continue;
    const lifecycle = await readLifecycle(store, name);
    const backend = await backendFor(name);
    const groups = await clusterGroups(backend, name);
    const running = lifecycle.phase === 'Running' && groups.length > 0;
    candidates.push({
      name,
      record,
      phase: lifecycle.phase,
      since:
        lifecycle.phase === 'Running' && lifecycle.since === new Date(0).toISOString()
          ? record.createdAt
          : lifecycle.since,
      lastActivity: running ? await readLastActivity(backend, name) : undefined,
      costSoFar: costOf(groups, record.spentBefore ?? 0, now, prices).soFar,
    });
  }
  return candidates;
}

export interface SweepOutcome {
  cluster: string;
  record: PreviewRecord;
  action: 'pause' | 'down';
  reason: string;
  error?: string;
}

/** One sweep: every candidate's decision carried out through the verbs given; failures are reported, not thrown. */
export async function sweep(
  candidates: SweepCandidate[],
  verbs: { pause(name: string): Promise<unknown>; down(name: string): Promise<unknown> },
  now: Date,
): Promise<SweepOutcome[]> {
  const outcomes: SweepOutcome[] = [];
  for (const candidate of candidates) {
    const decision = sweepDecision(candidate, now);
    if (decision.action === 'none') continue;
    const outcome: SweepOutcome = {
      cluster: candidate.name,
      record: candidate.record,
      action: decision.action,
      reason: decision.reason,
    };
    try {
      await (decision.action === 'pause' ? verbs.pause(candidate.name) : verbs.down(candidate.name));
    } catch (error) {
      outcome.error = (error as Error).message.split('\n')[0];
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
