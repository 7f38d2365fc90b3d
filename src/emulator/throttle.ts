/**
 * ARM's request throttling: a token bucket per subscription and kind of request (reads, writes,
 * deletes). A request takes a token; tokens come back at a steady rate up to the bucket's size.
 * ARM's published defaults: reads 250 (+25/s), writes 200 (+10/s), deletes 200 (+10/s).
 */

export type RequestKind = 'read' | 'write' | 'delete';

export interface BucketSettings {
  size: number;
  refillPerSecond: number;
}

export type ThrottleSettings = Record<RequestKind, BucketSettings>;

export const ARM_THROTTLE: ThrottleSettings = {
  read: { size: 250, refillPerSecond: 25 },
  write: { size: 200, refillPerSecond: 10 },
  delete: { size: 200, refillPerSecond: 10 },
};

interface Bucket {
  tokens: number;
  at: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: ThrottleSettings = ARM_THROTTLE,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a token: the tokens left, or how many seconds to wait for the next one. */
  take(key: string, kind: RequestKind): { remaining: number } | { retryAfterSeconds: number } {
    const { size, refillPerSecond } = this.settings[kind];
    const now = this.clock();
    const id = `${kind}:${key}`;
    const bucket = this.buckets.get(id) ?? { tokens: size, at: now };
    bucket.tokens = Math.min(size, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { remaining: Math.floor(bucket.tokens) };
    }
    return { retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) };
  }
}
