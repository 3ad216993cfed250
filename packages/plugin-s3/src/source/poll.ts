/**
 * `mode: poll`: lists the bucket under `prefix` in key order (ListObjectsV2, paged with StartAfter) and reads
 * each object that passes `include` / `exclude`, resuming exactly at the checkpoint: the last key read to its
 * end (`after`) and the position inside the object in progress (`cur`). A restart neither skips nor repeats.
 *
 * Keys that sort before `after` are never listed again: poll suits keys that grow in order (date-based layouts
 * such as CloudTrail's, Panoptica's or Cerby's). For other layouts use `mode: sqs`.
 */
import { SourceBatcher, type PluginContext, type SourceBatch } from "@logshipper/core/sdk";
import type { S3Store } from "../client.js";
import type { S3SourceConfig } from "../config.js";
import {
  addItem,
  readCheckpoint,
  storedPosition,
  type PollCheckpoint,
  type SourceLimits,
} from "./checkpoint.js";
import { classify, isNoSuchKey } from "../errors.js";
import type { KeyFilter } from "./filters.js";
import { readObject, type ObjectPosition } from "./reader.js";

export async function* pullPoll(
  config: S3SourceConfig & { bucket: string },
  store: S3Store,
  selected: KeyFilter,
  limits: SourceLimits,
  checkpoint: unknown,
  stop: AbortSignal,
  ctx: PluginContext,
): AsyncGenerator<SourceBatch> {
  const state = readCheckpoint("poll", checkpoint, () =>
    ctx.logger.warn({}, "the saved checkpoint is from mode sqs: listing the bucket from the start"),
  );
  const pull = new PollProgress(config, store, limits, state, stop, ctx);
  let startAfter = state?.after;
  for (;;) {
    if (stop.aborted) return;
    const page = await pull.list(startAfter);
    for (const object of page.objects) {
      if (stop.aborted) return;
      startAfter = object.key;
      pull.listed(object.key);
      if (selected(object.key) && !object.key.endsWith("/")) {
        const stopped = yield* pull.read(object.key);
        if (stopped) return;
      }
      pull.passed(object.key);
    }
    if (!page.truncated) break;
  }
  if (!pull.batch.empty || pull.moved) yield pull.take();
}

/** Where one pull stands (the checkpoint it would write) and the batch it fills. */
class PollProgress {
  readonly batch: SourceBatcher;
  /** The last key read to its end. */
  private after: string | undefined;
  /** The object in progress and the position after its last record in a batch. */
  private cur: { key: string; pos?: ObjectPosition | undefined } | undefined;
  /** Objects were passed since the last batch: the checkpoint moved, so a last (maybe empty) batch carries it. */
  moved = false;

  constructor(
    private readonly config: S3SourceConfig & { bucket: string },
    private readonly store: S3Store,
    private readonly limits: SourceLimits,
    state: PollCheckpoint | undefined,
    private readonly stop: AbortSignal,
    private readonly ctx: PluginContext,
  ) {
    this.after = state?.after;
    this.cur = state?.cur;
    this.batch = new SourceBatcher({
      maxBatchRecords: limits.maxBatchRecords,
      maxBatchBytes: limits.maxBatchBytes,
    });
  }

  /** One page of the listing, keys after `startAfter`. */
  async list(startAfter: string | undefined): Promise<Awaited<ReturnType<S3Store["list"]>>> {
    const { bucket, prefix } = this.config;
    try {
      return await this.store.list(bucket, prefix, startAfter, this.limits.pageKeys, this.stop);
    } catch (error) {
      throw classify(error, `ListObjectsV2 s3://${bucket}/${prefix}`);
    }
  }

  /** The listing reached `key`: an object in progress that sorts before it is gone. */
  listed(key: string): void {
    if (this.cur !== undefined && this.cur.key !== key) {
      this.ctx.logger.info(
        { key: this.cur.key },
        "the object in progress is gone: going on with the next one",
      );
      this.cur = undefined;
    }
  }

  /** Read `key` from the checkpoint's position into the batch, yielding each full batch; true if stopped. */
  async *read(key: string): AsyncGenerator<SourceBatch, boolean> {
    const { bucket, format } = this.config;
    const resume = this.cur?.pos;
    this.cur = { key, pos: resume };
    try {
      for await (const items of readObject(
        this.store,
        { bucket, key },
        format,
        resume,
        this.stop,
        this.ctx,
      )) {
        for (const item of items) {
          if (this.batch.full) yield this.take();
          addItem(this.batch, item);
          this.cur = { key, pos: item.next };
        }
        if (this.stop.aborted) return true;
      }
    } catch (error) {
      if (!isNoSuchKey(error)) throw classify(error, `GetObject s3://${bucket}/${key}`);
      this.ctx.logger.info({ key }, "object deleted after it was listed: skipped");
    }
    return false;
  }

  /** `key` is behind: read to its end, deleted, or not wanted. */
  passed(key: string): void {
    this.after = key;
    this.cur = undefined;
    this.moved = true;
  }

  /** The batch so far, with the checkpoint that covers it. */
  take(): SourceBatch {
    this.moved = false;
    return this.batch.take(this.checkpoint());
  }

  private checkpoint(): PollCheckpoint {
    const pos = storedPosition(this.cur?.pos);
    return {
      v: 1,
      mode: "poll",
      ...(this.after !== undefined && { after: this.after }),
      ...(this.cur !== undefined && { cur: { key: this.cur.key, ...(pos !== undefined && { pos }) } }),
    };
  }
}
