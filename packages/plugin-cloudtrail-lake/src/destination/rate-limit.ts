/**
 * The client-side limit of PutAuditEvents calls. AWS allows 100 requests per second per account and does not
 * raise it; this process stays below that with one limiter per account, shared by every `cloudtrail-lake`
 * destination whose channel belongs to that account (module state: one per process).
 *
 * The limiter is GCRA (a leaky bucket as a meter): each call reserves the next slot, `1000 / rate` ms after the
 * previous one, with a burst of a few calls; at most `rate + burst - 1` calls start in any second. When several
 * destinations of one account configure different rates, the lowest wins. Other processes are not counted:
 * run one Log Shipper per channel account, or lower `maxRequestsPerSecond` so that their sum stays below 100.
 */

const DEFAULT_BURST = 5;

export class RateLimiter {
  private intervalMs: number;
  private tat = 0;
  rate: number;

  constructor(
    rate: number,
    readonly burst: number = DEFAULT_BURST,
  ) {
    this.rate = rate;
    this.intervalMs = 1000 / rate;
  }

  /** Lower the rate (never raise it: the strictest configuration wins). */
  limitTo(rate: number): void {
    if (rate >= this.rate) return;
    this.rate = rate;
    this.intervalMs = 1000 / rate;
  }

  /** Reserve the next slot at time `now` (ms): how long to wait before making the call. */
  reserve(now: number): number {
    const tat = Math.max(this.tat, now);
    const allowedAt = tat - this.intervalMs * (this.burst - 1);
    this.tat = tat + this.intervalMs;
    return Math.max(0, allowedAt - now);
  }
}

const limiters = new Map<string, RateLimiter>();

/** The limiter of an account (`partition:account`), created at `rate` or lowered to it. */
export function accountLimiter(key: string, rate: number): RateLimiter {
  const existing = limiters.get(key);
  if (existing) {
    existing.limitTo(rate);
    return existing;
  }
  const limiter = new RateLimiter(rate, Math.min(DEFAULT_BURST, Math.max(1, Math.floor(rate / 10))));
  limiters.set(key, limiter);
  return limiter;
}

/** Forget every limiter (tests). */
export function resetLimiters(): void {
  limiters.clear();
}

/** Wait for a slot; rejects with the signal's reason when it aborts first. */
export function acquire(
  limiter: RateLimiter,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const wait = limiter.reserve(now());
  if (wait <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, wait);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error("aborted"), { name: "AbortError" });
}
