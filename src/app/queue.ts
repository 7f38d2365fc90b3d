// Work the webhook handler hands off: run later, one job at a time per cluster, in arrival order.

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  /** Queues job behind every job queued earlier for key; returns at once. */
  push(key: string, job: () => Promise<void>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(job).catch((error: unknown) => this.onError(key, error));
    this.tails.set(key, next);
    this.running.add(next);
    void next.finally(() => {
      this.running.delete(next);
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  /** How many jobs are queued or running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every queued job (and any they queue meanwhile) has ended. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/** Delivery ids seen recently (X-GitHub-Delivery), oldest forgotten first. */
export class DeliveryLog {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is seen, false for a replay. */
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
