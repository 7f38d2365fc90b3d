/**
 * Container logs on ACI: `listLogs` answers the whole log (up to its last 4 MB) each time, so
 * following it means asking again and passing on only the lines not seen yet. Lines are asked
 * for with timestamps, which tell new lines from old ones even when the log is cut at 4 MB or
 * the container restarted.
 */

export interface LogLine {
  /** The timestamp, normalised to nanosecond digits so that strings compare in time order. */
  at?: string;
  /** The line as ACI gave it, timestamp included. */
  raw: string;
  /** The line without its timestamp. */
  text: string;
}

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z (.*)$/s;

export function parseLogLine(raw: string): LogLine {
  const m = STAMP.exec(raw);
  if (!m) return { raw, text: raw };
  return { at: `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`, raw, text: m[3] ?? '' };
}

/** Complete lines of a log (a last line without its newline is still being written). */
export function splitLog(content: string, complete: boolean): { lines: LogLine[]; partial: string } {
  const parts = content.split('\n');
  const partial = complete ? '' : (parts.pop() ?? '');
  if (complete && parts[parts.length - 1] === '') parts.pop();
  return { lines: parts.map(parseLogLine), partial };
}

/** Remembers how far a followed log was passed on. */
export class LogCursor {
  private at: string | undefined;
  /** Lines passed on that carry exactly `at` (several lines may share a timestamp). */
  private atCount = 0;
  /** Fallback for logs without timestamps: lines passed on. */
  private count = 0;

  /** The lines of this answer not passed on before; they count as passed on now. */
  fresh(lines: LogLine[]): LogLine[] {
    if (!lines.length) return [];
    if (lines.some((l) => !l.at)) {
      const out = lines.slice(this.count);
      this.count = Math.max(this.count, lines.length);
      return out;
    }
    const out: LogLine[] = [];
    let seenAtCursor = 0;
    for (const line of lines) {
      const at = line.at as string;
      if (this.at !== undefined && at < this.at) continue;
      if (this.at !== undefined && at === this.at && seenAtCursor++ < this.atCount) continue;
      out.push(line);
    }
    const last = lines[lines.length - 1]?.at as string;
    this.atCount = lines.filter((l) => l.at === last).length;
    this.at = last;
    return out;
  }
}

/** The lines of a non-followed request: since a time (by timestamp) and the last N. */
export function selectLines(lines: LogLine[], o: { sinceMs?: number; tailLines?: number }): LogLine[] {
  let selected = lines;
  if (o.sinceMs !== undefined) {
    const since = new Date(o.sinceMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
    selected = selected.filter((l) => !l.at || l.at >= since);
  }
  if (o.tailLines !== undefined) selected = o.tailLines <= 0 ? [] : selected.slice(-o.tailLines);
  return selected;
}

export function renderLines(lines: LogLine[], timestamps: boolean): string {
  return lines.map((l) => `${timestamps ? l.raw : l.text}\n`).join('');
}
