/** The steps of a pod's start that the agent sees, in order. */
export const START_STEPS = ['seen', 'create', 'running', 'ready'] as const;
export type StartStep = (typeof START_STEPS)[number];

/**
 * When each pod passed each step of its start on this node: first seen by the agent, the backend's
 * create call, its containers running, Ready written to the API. One log line per pod when it is
 * first Ready (`pod-start <ns>/<name> uid=… seen=… create=… running=… ready=…`, epoch ms), which
 * `npm run bench:pods` splits into phases. Only the first time of each step counts.
 */
export class PodStartTimings {
  private readonly marks = new Map<string, { key: string; at: Partial<Record<StartStep, number>> }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The pod `key` (namespace/name) reached `step`; 'seen' starts its record. */
  mark(uid: string, key: string, step: StartStep): void {
    if (!uid) return;
    const record = this.marks.get(uid);
    if (!record) {
      // Only pods the agent saw before they started are timed (not those found running at its start).
      if (step === 'seen') this.marks.set(uid, { key, at: { seen: this.now() } });
      return;
    }
    record.at[step] ??= this.now();
    if (step === 'ready') {
      this.marks.delete(uid);
      this.log(startTimingLine(record.key, uid, record.at));
    }
  }

  /** A pod (namespace/name) deleted, or failed, before it was Ready: no line. */
  forget(key: string): void {
    for (const [uid, record] of this.marks) if (record.key === key) this.marks.delete(uid);
  }
}

export function startTimingLine(key: string, uid: string, marks: Partial<Record<StartStep, number>>): string {
  return `pod-start ${key} uid=${uid} ${START_STEPS.map((s) => `${s}=${marks[s] ?? '-'}`).join(' ')}`;
}

/** Parses the lines startTimingLine writes (anywhere in a log line); others are skipped. */
export function parseStartTimings(text: string): Map<string, Partial<Record<StartStep, number>>> {
  const out = new Map<string, Partial<Record<StartStep, number>>>();
  for (const match of text.matchAll(/pod-start \S+ uid=(\S+)((?: \w+=[\d-]+)+)/g)) {
    const marks: Partial<Record<StartStep, number>> = {};
    for (const [, step, value] of (match[2] ?? '').matchAll(/ (\w+)=([\d-]+)/g)) {
      if ((START_STEPS as readonly string[]).includes(step ?? '') && value !== '-')
        marks[step as StartStep] = Number(value);
    }
    out.set(match[1] ?? '', marks);
  }
  return out;
}
