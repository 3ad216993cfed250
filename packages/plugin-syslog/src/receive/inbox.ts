/**
 * What the receiver collected and the source has not yielded yet: the SDK's `SourceBatcher` (records and
 * rejects in arrival order, due by count or age), plus what a receiver's loop needs on top of it: a wake-up
 * when a message arrives that may make the batch ready, and the time of the last message for the `run --once`
 * idle rule (a monotonic clock, `performance.now()`, as the batcher's).
 */
import { performance } from "node:perf_hooks";
import { SourceBatcher, type RecordInput, type RejectedInput } from "@logshipper/core/sdk";

export class Inbox extends SourceBatcher {
  /** When the last message arrived (or when the inbox was made). */
  lastAt = performance.now();
  private wake: (() => void) | undefined;

  override add(record: RecordInput, bytes: number): void {
    super.add(record, bytes);
    this.noteArrival();
  }

  override reject(reject: RejectedInput, bytes?: number): void {
    super.reject(reject, bytes);
    this.noteArrival();
  }

  /** Resolves on the next message that starts a batch or fills it, after `ms`, or when `signal` aborts. */
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

  private noteArrival(): void {
    this.lastAt = performance.now();
    if (this.count === 1 || this.full) this.wake?.();
  }
}
