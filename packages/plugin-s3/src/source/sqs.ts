/**
 * `mode: sqs`: receives S3 event notifications, reads the announced objects, and deletes each message only once
 * the batch holding its last records is committed.
 *
 * How the source knows: core commits a batch (records and checkpoint, in one transaction) before it asks for the
 * next one, so when `yield` returns, the batch is committed. The source then deletes the messages that batch
 * finished. Those messages are also listed in the batch's checkpoint (`del`, with their receipt handles): if the
 * process stops or crashes before the delete, the next pull deletes them first, and a message SQS delivers again
 * meanwhile is recognised by its id and deleted, not read again. A message whose object was read in part resumes
 * at the committed position when it comes back (`parts`). While messages are held, their visibility timeout is
 * extended (visibility.ts); messages received but not finished are handed back when the pull ends.
 *
 * A message whose object cannot be read (not a permissions or KMS problem, which stops the pull) is handed back
 * with a delay and read again; after `maxReceives` receives it goes to the dead letters, with the notification.
 */
import { RetryableError, SourceBatcher, type PluginContext, type SourceBatch } from "@logshipper/core/sdk";
import { addItem, readCheckpoint, storedPosition, type SourceLimits } from "./checkpoint.js";
import type { S3Store } from "../client.js";
import type { S3SourceConfig } from "../config.js";
import { classify, isNoSuchKey } from "../errors.js";
import type { KeyFilter } from "./filters.js";
import { parseNotification, type AnnouncedObject } from "./notifications.js";
import type { Queue, QueueMessage } from "./queue.js";
import { readObject } from "./reader.js";
import { SqsProgress } from "./sqs-progress.js";
import { VisibilityKeeper } from "./visibility.js";

export function pullSqs(
  config: S3SourceConfig,
  store: S3Store,
  queue: Queue,
  selected: KeyFilter,
  limits: SourceLimits,
  checkpoint: unknown,
  stop: AbortSignal,
  ctx: PluginContext,
): AsyncGenerator<SourceBatch> {
  const state = readCheckpoint("sqs", checkpoint, () =>
    ctx.logger.warn({}, "the saved checkpoint is from mode poll: starting with the queue"),
  );
  return new SqsPull(config, store, queue, selected, limits, stop, ctx, new SqsProgress(state)).run();
}

/** One pull: receive, read, batch, and delete after the commit. */
class SqsPull {
  private readonly batch: SourceBatcher;
  private readonly keeper: VisibilityKeeper;
  /** Visibility timeout of received messages, in seconds. */
  private readonly visibility: number;
  /** Long polling wait, in seconds (short with `--once`, which ends at the first empty receive). */
  private readonly wait: number;

  constructor(
    private readonly config: S3SourceConfig,
    private readonly store: S3Store,
    private readonly queue: Queue,
    private readonly selected: KeyFilter,
    limits: SourceLimits,
    private readonly stop: AbortSignal,
    private readonly ctx: PluginContext,
    private readonly progress: SqsProgress,
  ) {
    this.batch = new SourceBatcher({
      maxBatchRecords: limits.maxBatchRecords,
      maxBatchBytes: limits.maxBatchBytes,
    });
    this.visibility = Math.ceil(config.visibilityTimeout / 1000);
    this.keeper = new VisibilityKeeper(queue, this.visibility, ctx.logger, ctx.metrics);
    const waitMs = ctx.mode === "once" ? Math.min(config.waitTime, 1000) : config.waitTime;
    this.wait = Math.round(waitMs / 1000);
  }

  async *run(): AsyncGenerator<SourceBatch> {
    const { progress, batch, stop } = this;
    try {
      await this.deleteCommitted();
      while (!stop.aborted) {
        const messages = await this.receive();
        if (messages === undefined) break;
        if (messages.length === 0) {
          if (!batch.empty || progress.hasFinished || progress.dirty) yield* this.commit();
          if (this.ctx.mode === "once") break;
          continue;
        }
        this.keeper.hold(messages);
        for (const m of messages) {
          if (stop.aborted) break;
          const stopped: boolean = yield* this.handle(m);
          if (stopped) break;
        }
        if (!batch.empty || progress.hasFinished) yield* this.commit();
        else await this.deleteCommitted();
      }
    } finally {
      await this.keeper.stop();
      // Hand back what this pull did not commit; keep hidden what may be committed but is not deleted yet.
      const pending = progress.pendingIds();
      await this.keeper.release(
        this.keeper.ids.filter((id) => !pending.has(id)),
        0,
      );
    }
  }

  /** Up to ten messages; undefined when the pull is stopped meanwhile. */
  private async receive(): Promise<QueueMessage[] | undefined> {
    try {
      return await this.queue.receive(10, this.wait, this.visibility, this.stop);
    } catch (error) {
      if (this.stop.aborted) return undefined;
      throw classify(error, `ReceiveMessage ${this.queue.name}`);
    }
  }

  private deleteCommitted(): Promise<void> {
    return this.progress.deleteCommitted(this.queue, this.keeper, this.stop, this.ctx);
  }

  /** Yield the batch; once core asks for more, it is committed: delete what it finished. */
  private async *commit(): AsyncGenerator<SourceBatch> {
    const out = this.batch.take(this.progress.snapshot(this.ctx.clock.now()));
    this.progress.handOver();
    yield out;
    await this.deleteCommitted();
  }

  /** One received message into the batch. Returns true when the pull was stopped meanwhile. */
  private async *handle(m: QueueMessage): AsyncGenerator<SourceBatch, boolean> {
    const { progress, batch } = this;
    if (progress.isDone(m.id)) {
      // Delivered again after its records were committed: delete it, do not read it again.
      progress.deleteAgain(m);
      return false;
    }
    const notification = parseNotification(m.body);
    if (notification.kind === "test") {
      this.ctx.logger.debug({ message: m.id }, "s3:TestEvent skipped");
      progress.finish(m);
      return false;
    }
    if (notification.kind === "invalid") {
      batch.reject({ origin: `sqs:${this.queue.name}/${m.id}`, reason: notification.reason, raw: m.body });
      progress.finish(m);
      return false;
    }
    try {
      yield* this.readMessage(m, notification.objects);
    } catch (error) {
      if (this.stop.aborted) return true;
      await this.unread(m, error);
    }
    return false;
  }

  /** Read a message's objects into the batch, yielding full batches on the way. */
  private async *readMessage(m: QueueMessage, objects: AnnouncedObject[]): AsyncGenerator<SourceBatch> {
    const config = this.config;
    const parts = this.progress.parts;
    for (let o = parts[m.id]?.o ?? 0; o < objects.length; o++) {
      const target = objects[o]!;
      const where = `s3://${target.bucket}/${target.key}`;
      if (config.bucket !== undefined && target.bucket !== config.bucket) {
        const reason = `notification for bucket ${target.bucket}; this source reads ${config.bucket} only`;
        this.batch.reject({ origin: `${where} (SQS message ${m.id})`, reason, raw: m.body });
      } else if (target.key.startsWith(config.prefix) && this.selected(target.key)) {
        const aborted: boolean = yield* this.readTarget(m, o, target);
        if (aborted) return;
      }
      parts[m.id] = { o: o + 1, t: this.ctx.clock.now() };
    }
    this.progress.finish(m);
  }

  /** Object `o` of message `m`, from where its committed records end. Returns true when stopped in it. */
  private async *readTarget(
    m: QueueMessage,
    o: number,
    target: AnnouncedObject,
  ): AsyncGenerator<SourceBatch, boolean> {
    const parts = this.progress.parts;
    const resume = parts[m.id]?.o === o ? parts[m.id]?.pos : undefined;
    for await (const items of readObject(
      this.store,
      target,
      this.config.format,
      resume,
      this.stop,
      this.ctx,
    )) {
      for (const item of items) {
        if (this.batch.full) yield* this.commit();
        addItem(this.batch, item);
        const pos = storedPosition(item.next);
        parts[m.id] = { o, t: this.ctx.clock.now(), ...(pos !== undefined && { pos }) };
      }
      if (this.stop.aborted) return true;
    }
    return false;
  }

  /**
   * A message whose object could not be read: handed back to be read again later, or kept as a dead letter
   * (its object is gone, or it has had `maxReceives` chances). Other failures stop the pull.
   */
  private async unread(m: QueueMessage, error: unknown): Promise<void> {
    const failure = classify(error, `GetObject for SQS message ${m.id}`);
    const gone = isNoSuchKey(error);
    // Permissions, KMS, a bug: nothing a retry of this message can fix. Stop the pull; core logs it.
    if (!(failure instanceof RetryableError) && !gone) throw failure;
    const reason = failure instanceof Error ? failure.message : String(failure);
    if (gone || m.receiveCount >= this.config.maxReceives) {
      // A deleted object will not come back; a poison message has had its chances. Keep it as a dead letter.
      this.batch.reject({
        origin: `sqs:${this.queue.name}/${m.id}`,
        reason: gone ? reason : `${reason} (received ${m.receiveCount} times)`,
        raw: m.body,
      });
      this.progress.finish(m);
      return;
    }
    this.ctx.logger.warn(
      { message: m.id, receives: m.receiveCount, reason },
      "object not read; the message is retried later",
    );
    await this.keeper.release([m.id], Math.min(this.visibility, 30 * m.receiveCount));
  }
}
