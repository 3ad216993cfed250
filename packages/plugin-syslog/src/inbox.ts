/**
 * What the receiver collected and the source has not yielded yet: parsed records and rejects, in arrival order,
 * with the times the source's batching and idle rules need (a monotonic clock, `performance.now()`).
 */
import { performance } from "node:perf_hooks";
import type { RecordInput, RejectedInput } from "@logshipper/core/sdk";

export class Inbox {
  records: RecordInput[] = [];
  rejects: RejectedInput[] = [];
  /** When the oldest pending message arrived. */
  firstAt = 0;
  /** When the last message arrived (or when the inbox was made). */
  lastAt = performance.now();
  private wake: (() => void) | undefined;

  /** `wait` also ends when this many messages are pending (and always on the first one). */
  constructor(private readonly wakeAt: number) {}

  get count(): number {
    return this.records.length + this.rejects.length;
  }

  add(record: RecordInput): void {
    this.arrived();
    this.records.push(record);
    this.notify();
  }

  reject(reject: RejectedInput): void {
    this.arrived();
    this.rejects.push(reject);
    this.notify();
  }

  /** Everything pending, oldest first; the inbox is empty afterwards. */
  take(): { records: RecordInput[]; rejects: RejectedInput[] } {
    const taken = { records: this.records, rejects: this.rejects };
    this.records = [];
    this.rejects = [];
    return taken;
  }

  /** Resolves on the next message, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(1, ms)) : undefined;
      signal.addEventListener("abort", done, { once: true });
      this.wake = done;
    });
  }

  private arrived(): void {
    const now = performance.now();
    if (this.count === 0) this.firstAt = now;
    this.lastAt = now;
  }

  private notify(): void {
    if (this.count === 1 || this.count >= this.wakeAt) this.wake?.();
  }
}
