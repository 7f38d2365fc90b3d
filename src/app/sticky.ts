// The sticky status comment: one per PR, edited in place. Its state (approval, last command,
// timeline) rides along in a hidden marker, so the app keeps no database; only the app's own
// comment is ever trusted. It never holds a credential.
import { formatCommand, type Command } from './commands.js';
import type { ClusterView } from './verbs.js';

export const STICKY_MARKER = '<!-- frankenetes:sticky -->';
const DATA = /<!-- frankenetes:data ([A-Za-z0-9+/=]*) -->/;

export type TimelineEvent = 'up' | 'pause' | 'resume' | 'down' | 'failed';

export interface StickyData {
  cluster: string;
  /** A maintainer's approval of a fork PR, valid for this head commit only. */
  approval?: { sha: string; by: string; at: string };
  /** Why the last approval ended (a push). */
  revoked?: { sha: string; at: string };
  last?: { command: string; actor: string; ok: boolean; message: string; at: string };
  timeline: { event: TimelineEvent; at: string; by: string }[];
}

const MAX_TIMELINE = 12;

export function emptySticky(cluster: string): StickyData {
  return { cluster, timeline: [] };
}

/** The data in a comment body, or undefined when it is not a sticky comment (or is damaged). */
export function readSticky(body: string | null | undefined): StickyData | undefined {
  if (!body?.includes(STICKY_MARKER)) return undefined;
  const match = DATA.exec(body);
  if (!match?.[1]) return undefined;
  try {
    const data = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as StickyData;
    return typeof data.cluster === 'string' && Array.isArray(data.timeline) ? data : undefined;
  } catch {
    return undefined;
  }
}

export function recordCommand(
  data: StickyData,
  entry: {
    command: Command | string;
    actor: string;
    ok: boolean;
    message: string;
    at: Date;
    event?: TimelineEvent;
  },
): StickyData {
  const at = entry.at.toISOString();
  const timeline = entry.event
    ? [...data.timeline, { event: entry.event, at, by: entry.actor }]
    : data.timeline;
  return {
    ...data,
    last: {
      command: typeof entry.command === 'string' ? entry.command : formatCommand(entry.command),
      actor: entry.actor,
      ok: entry.ok,
      message: entry.message,
      at,
    },
    timeline: timeline.slice(-MAX_TIMELINE),
  };
}

/** Text from elsewhere (error messages) as plain, single-line markdown that cannot open HTML. */
export function plain(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const money = (amount: number, currency: string) =>
  `${currency === 'USD' ? '$' : `${currency} `}${amount.toFixed(amount > 0 && amount < 0.01 ? 5 : 4)}`;

export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return days ? `${days}d ${hours}h` : hours ? `${hours}h ${rest}m` : `${rest}m`;
}

/** Mermaid's timeline takes ":" as its separator, so times are written without one. */
function timelineTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 13)}.${iso.slice(14, 16)} UTC`;
}

export interface RenderInput {
  data: StickyData;
  view?: ClusterView;
  /** Where the state store is, for the kubeconfig how-to (a location, never a secret). */
  stateLocation: string;
  now: Date;
}

export function renderSticky({ data, view, stateLocation, now }: RenderInput): string {
  const phase = view?.phase ?? 'Absent';
  const state = phase === 'Absent' ? 'No cluster' : phase;
  const rows: [string, string][] = [['State', `**${state}**`]];
  if (view && phase !== 'Absent') {
    if (view.kubernetesVersion) rows.push(['Kubernetes', `v${view.kubernetesVersion}`]);
    if (view.apiServerUrl) rows.push(['API server', view.apiServerUrl]);
    if (view.environmentUrl && view.environmentUrl !== view.apiServerUrl)
      rows.push(['Preview', view.environmentUrl]);
    if (view.createdAt) rows.push(['Age', formatAge(now.getTime() - Date.parse(view.createdAt))]);
    rows.push(['Cost so far', `${money(view.cost.soFar, view.cost.currency)} (ACI pay-as-you-go rates)`]);
    rows.push([
      'Projected per day',
      phase === 'Running' ? money(view.cost.perDay, view.cost.currency) : 'nothing while paused',
    ]);
  }
  if (data.last)
    rows.push([
      'Last command',
      `\`${data.last.command}\` by @${data.last.actor}: ${data.last.ok ? '✅' : '❌'} ${plain(data.last.message)}`,
    ]);
  if (data.approval)
    rows.push(['Fork approval', `head ${data.approval.sha.slice(0, 7)} approved by @${data.approval.by}`]);
  else if (data.revoked)
    rows.push(['Fork approval', `revoked by a push (now at ${data.revoked.sha.slice(0, 7)})`]);
  const lines = [
    STICKY_MARKER,
    `### Frankenetes cluster \`${data.cluster}\``,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    '',
  ];
  if (data.timeline.length) {
    lines.push('```mermaid', 'timeline', `    title ${data.cluster}`);
    for (const item of data.timeline)
      lines.push(`    ${timelineTime(item.at)} : ${item.event} by ${item.by}`);
    lines.push('```', '');
  }
  lines.push(
    `A kubeconfig is never posted here. With write access and your own Azure identity, get one with \`frankenetes kubeconfig --name ${data.cluster} --state ${stateLocation}\`.`,
    '',
    `<!-- frankenetes:data ${Buffer.from(JSON.stringify(data)).toString('base64')} -->`,
  );
  return lines.join('\n');
}
