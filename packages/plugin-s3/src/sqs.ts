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
import { RetryableError, type PluginContext, type SourceBatch } from "@logshipper/core/sdk";
import type { S3Store } from "./client.js";
import type { S3SourceConfig } from "./config.js";
import {
  BatchBuilder,
  readCheckpoint,
  storedPosition,
  type SourceLimits,
  type SqsCheckpoint,
} from "./checkpoint.js";
import { classify, isNoSuchKey } from "./errors.js";
import type { KeyFilter } from "./filters.js";
import { parseNotification, type AnnouncedObject } from "./notifications.js";
import type { MessageRef, Queue, QueueMessage } from "./queue.js";
import { readObject } from "./reader.js";
import { VisibilityKeeper } from "./visibility.js";

/** Recently deleted message ids remembered in the checkpoint. */
const SEEN_IDS = 256;
/** Messages read in part remembered in the checkpoint, and for how long (SQS keeps a message 14 days at most). */
const MAX_PARTS = 100;
const PART_TTL_MS = 14 * 86_400_000;

type Parts = SqsCheckpoint["parts"];

export async function* pullSqs(
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
  let del: MessageRef[] = (state?.del ?? []).map((d) => ({ id: d.id, receiptHandle: d.rh }));
  const seen: string[] = [...(state?.seen ?? [])];
  const parts: Parts = { ...state?.parts };
  const visibility = Math.ceil(config.visibilityTimeout / 1000);
  const keeper = new VisibilityKeeper(queue, visibility, ctx.logger, ctx.metrics);
  const batch = new BatchBuilder(limits);
  /** Messages finished since the last yield: deleted once that batch is committed. */
  let finished: MessageRef[] = [];
  let dirty = false;
  const wait = Math.round((ctx.mode === "once" ? Math.min(config.waitTime, 1000) : config.waitTime) / 1000);

  const snapshot = (): SqsCheckpoint => {
    const now = ctx.clock.now();
    const kept = Object.entries(parts)
      .filter(([, p]) => now - p.t < PART_TTL_MS)
      .sort((a, b) => b[1].t - a[1].t)
      .slice(0, MAX_PARTS);
    return {
      v: 1,
      mode: "sqs",
      del: [...del, ...finished].map((m) => ({ id: m.id, rh: m.receiptHandle })),
      seen: seen.slice(-SEEN_IDS),
      parts: Object.fromEntries(kept),
    };
  };

  /** Delete messages whose records are committed. A failed delete is tried again at the next opportunity. */
  async function deleteCommitted(): Promise<void> {
    if (del.length === 0) return;
    const refs = del;
    try {
      const result = await queue.delete(refs, stop);
      const keep = new Set(result.failed.filter((f) => f.code !== "ReceiptHandleIsInvalid").map((f) => f.id));
      for (const r of refs) {
        if (keep.has(r.id)) continue;
        keeper.forget(r.id);
        seen.push(r.id);
      }
      del = refs.filter((r) => keep.has(r.id));
      ctx.metrics.count("sqs_messages_deleted", refs.length - del.length);
    } catch (error) {
      ctx.logger.warn(
        { code: (classify(error, "DeleteMessageBatch") as { code?: string }).code },
        "delete failed",
      );
    }
    seen.splice(0, Math.max(0, seen.length - SEEN_IDS));
    dirty = true;
  }

  /** Yield the batch; once core asks for more, it is committed: delete what it finished. */
  async function* commit(): AsyncGenerator<SourceBatch> {
    const out = batch.take(snapshot());
    del = [...del, ...finished];
    finished = [];
    dirty = false;
    yield out;
    await deleteCommitted();
  }

  const finish = (m: QueueMessage) => {
    delete parts[m.id];
    finished.push(m);
  };

  /** Read a message's objects into the batch, yielding full batches on the way. */
  async function* readMessage(m: QueueMessage, objects: AnnouncedObject[]): AsyncGenerator<SourceBatch> {
    for (let o = parts[m.id]?.o ?? 0; o < objects.length; o++) {
      const target = objects[o]!;
      const where = `s3://${target.bucket}/${target.key}`;
      if (config.bucket !== undefined && target.bucket !== config.bucket) {
        const reason = `notification for bucket ${target.bucket}; this source reads ${config.bucket} only`;
        batch.reject({ origin: `${where} (SQS message ${m.id})`, reason, raw: m.body });
      } else if (target.key.startsWith(config.prefix) && selected(target.key)) {
        const resume = parts[m.id]?.o === o ? parts[m.id]?.pos : undefined;
        for await (const items of readObject(store, target, config.format, resume, stop, ctx)) {
          for (const item of items) {
            if (batch.full) yield* commit();
            batch.add(item);
            const pos = storedPosition(item.next);
            parts[m.id] = { o, t: ctx.clock.now(), ...(pos !== undefined && { pos }) };
          }
          if (stop.aborted) return;
        }
      }
      parts[m.id] = { o: o + 1, t: ctx.clock.now() };
    }
    finish(m);
  }

  try {
    await deleteCommitted();
    while (!stop.aborted) {
      let messages: QueueMessage[];
      try {
        messages = await queue.receive(10, wait, visibility, stop);
      } catch (error) {
        if (stop.aborted) break;
        throw classify(error, `ReceiveMessage ${queue.name}`);
      }
      if (messages.length === 0) {
        if (batch.count > 0 || finished.length > 0 || dirty) yield* commit();
        if (ctx.mode === "once") break;
        continue;
      }
      keeper.hold(messages);
      for (const m of messages) {
        if (stop.aborted) break;
        if (seen.includes(m.id) || del.some((d) => d.id === m.id)) {
          // Delivered again after its records were committed: delete it, do not read it again.
          del = [...del.filter((d) => d.id !== m.id), m];
          continue;
        }
        const notification = parseNotification(m.body);
        if (notification.kind === "test") {
          ctx.logger.debug({ message: m.id }, "s3:TestEvent skipped");
          finish(m);
          continue;
        }
        if (notification.kind === "invalid") {
          batch.reject({ origin: `sqs:${queue.name}/${m.id}`, reason: notification.reason, raw: m.body });
          finish(m);
          continue;
        }
        try {
          yield* readMessage(m, notification.objects);
        } catch (error) {
          if (stop.aborted) break;
          const failure = classify(error, `GetObject for SQS message ${m.id}`);
          const gone = isNoSuchKey(error);
          // Permissions, KMS, a bug: nothing a retry of this message can fix. Stop the pull; core logs it.
          if (!(failure instanceof RetryableError) && !gone) throw failure;
          const reason = failure instanceof Error ? failure.message : String(failure);
          if (gone || m.receiveCount >= config.maxReceives) {
            // A deleted object will not come back; a poison message has had its chances. Keep it as a dead letter.
            const origin = `sqs:${queue.name}/${m.id}`;
            batch.reject({
              origin,
              reason: gone ? reason : `${reason} (received ${m.receiveCount} times)`,
              raw: m.body,
            });
            finish(m);
          } else {
            ctx.logger.warn(
              { message: m.id, receives: m.receiveCount, reason },
              "object not read; the message is retried later",
            );
            await keeper.release([m.id], Math.min(visibility, 30 * m.receiveCount));
          }
        }
      }
      if (batch.count > 0 || finished.length > 0) yield* commit();
      else await deleteCommitted();
    }
  } finally {
    await keeper.stop();
    // Hand back what this pull did not commit; keep hidden what may be committed but is not deleted yet.
    const pending = new Set(del.map((m) => m.id));
    await keeper.release(
      keeper.ids.filter((id) => !pending.has(id)),
      0,
    );
  }
}
