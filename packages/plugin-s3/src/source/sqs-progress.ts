/**
 * What `mode: sqs` remembers between batches and across restarts (the checkpoint's `del`, `seen` and `parts`,
 * checkpoint.ts): messages finished but not deleted yet, ids recently deleted, and messages read in part.
 * It deletes the messages whose records are committed; sqs.ts decides when.
 */
import type { PluginContext } from "@logshipper/core/sdk";
import type { SqsCheckpoint } from "./checkpoint.js";
import { classify } from "../errors.js";
import type { MessageRef, Queue } from "./queue.js";
import type { VisibilityKeeper } from "./visibility.js";

/** Recently deleted message ids remembered in the checkpoint. */
const SEEN_IDS = 256;
/** Messages read in part remembered in the checkpoint, and for how long (SQS keeps a message 14 days at most). */
const MAX_PARTS = 100;
const PART_TTL_MS = 14 * 86_400_000;

export type Part = SqsCheckpoint["parts"][string];

export class SqsProgress {
  /** Messages whose records are committed (or handed over in the batch being committed): to delete. */
  private del: MessageRef[];
  private readonly seen: string[];
  /** Messages read in part: object index in the notification and position in that object. */
  readonly parts: Record<string, Part>;
  /** Messages finished since the last batch was handed over: deleted once that batch is committed. */
  private finished: MessageRef[] = [];
  /** Something changed that the next checkpoint should record, without records to go with it. */
  dirty = false;

  constructor(state: SqsCheckpoint | undefined) {
    this.del = (state?.del ?? []).map((d) => ({ id: d.id, receiptHandle: d.rh }));
    this.seen = [...(state?.seen ?? [])];
    this.parts = { ...state?.parts };
  }

  /** Messages finished and not handed over yet. */
  get hasFinished(): boolean {
    return this.finished.length > 0;
  }

  /** Ids of the messages that may be committed but are not deleted yet. */
  pendingIds(): Set<string> {
    return new Set(this.del.map((m) => m.id));
  }

  snapshot(now: number): SqsCheckpoint {
    const kept = Object.entries(this.parts)
      .filter(([, p]) => now - p.t < PART_TTL_MS)
      .sort((a, b) => b[1].t - a[1].t)
      .slice(0, MAX_PARTS);
    return {
      v: 1,
      mode: "sqs",
      del: [...this.del, ...this.finished].map((m) => ({ id: m.id, rh: m.receiptHandle })),
      seen: this.seen.slice(-SEEN_IDS),
      parts: Object.fromEntries(kept),
    };
  }

  /** Every record of `m` is in the batch: it is deleted after the batch that holds its last records. */
  finish(m: MessageRef): void {
    delete this.parts[m.id];
    this.finished.push(m);
  }

  /** The batch (with its snapshot) is handed to core: what it finished is deleted once it is committed. */
  handOver(): void {
    this.del = [...this.del, ...this.finished];
    this.finished = [];
    this.dirty = false;
  }

  /** True for a message delivered again after its records were committed. */
  isDone(id: string): boolean {
    return this.seen.includes(id) || this.del.some((d) => d.id === id);
  }

  /** A message delivered again after its records were committed: delete it (latest receipt handle). */
  deleteAgain(m: MessageRef): void {
    this.del = [...this.del.filter((d) => d.id !== m.id), m];
  }

  /** Delete messages whose records are committed. A failed delete is tried again at the next opportunity. */
  async deleteCommitted(
    queue: Queue,
    keeper: VisibilityKeeper,
    stop: AbortSignal,
    ctx: PluginContext,
  ): Promise<void> {
    if (this.del.length === 0) return;
    const refs = this.del;
    try {
      const result = await queue.delete(refs, stop);
      const keep = new Set(result.failed.filter((f) => f.code !== "ReceiptHandleIsInvalid").map((f) => f.id));
      for (const r of refs) {
        if (keep.has(r.id)) continue;
        keeper.forget(r.id);
        this.seen.push(r.id);
      }
      this.del = refs.filter((r) => keep.has(r.id));
      ctx.metrics.count("sqs_messages_deleted", refs.length - this.del.length);
    } catch (error) {
      ctx.logger.warn(
        { code: (classify(error, "DeleteMessageBatch") as { code?: string }).code },
        "delete failed",
      );
    }
    this.seen.splice(0, Math.max(0, this.seen.length - SEEN_IDS));
    this.dirty = true;
  }
}
