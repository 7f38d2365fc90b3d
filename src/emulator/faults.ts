/**
 * Faults tests inject into the emulator, each used up as it fires: error answers (500 ×N, 429 with
 * Retry-After), long-running operations that fail, and groups that die once started.
 */

export type Fault =
  /** The next `count` matching requests are answered with this status in ARM's error shape. */
  | { kind: 'error'; count: number; status?: number; code?: string; method?: string; path?: string }
  /** The next `count` matching requests get 429 with `Retry-After: retryAfterSeconds`. */
  | { kind: 'throttle'; count: number; retryAfterSeconds?: number; method?: string; path?: string }
  /** The next matching long-running operation ends Failed with this error. */
  | { kind: 'failOperation'; group?: string; operation?: string; code?: string; message?: string }
  /** The next matching group that starts has its containers killed `afterMs` later. */
  | { kind: 'dieAfterStart'; group?: string; afterMs?: number };

type Counted = Fault & { remaining: number };

export class Faults {
  private list: Counted[] = [];

  add(fault: Fault): void {
    const remaining = 'count' in fault ? Math.max(1, fault.count) : 1;
    this.list.push({ ...fault, remaining });
  }

  clear(): void {
    this.list = [];
  }

  pending(): Fault[] {
    return this.list.map((f) => {
      const copy: Partial<Counted> = { ...f };
      delete copy.remaining;
      return copy as Fault;
    });
  }

  private take<K extends Fault['kind']>(kind: K, matches: (f: Extract<Fault, { kind: K }>) => boolean) {
    const found = this.list.find(
      (f) => f.kind === kind && matches(f as unknown as Extract<Fault, { kind: K }>),
    );
    if (!found) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.list = this.list.filter((f) => f !== found);
    return found as unknown as Extract<Fault, { kind: K }>;
  }

  /** An error or throttle fault for this request, if one is pending. */
  forRequest(method: string, path: string): Extract<Fault, { kind: 'error' | 'throttle' }> | undefined {
    const hit = (f: { method?: string; path?: string }) =>
      (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
      (!f.path || new RegExp(f.path, 'i').test(path));
    return this.take('error', hit) ?? this.take('throttle', hit);
  }

  forOperation(group: string, operation: string): Extract<Fault, { kind: 'failOperation' }> | undefined {
    return this.take(
      'failOperation',
      (f) => (!f.group || f.group === group) && (!f.operation || f.operation === operation),
    );
  }

  forStart(group: string): Extract<Fault, { kind: 'dieAfterStart' }> | undefined {
    return this.take('dieAfterStart', (f) => !f.group || f.group === group);
  }
}
