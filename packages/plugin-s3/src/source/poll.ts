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
  const bucket = config.bucket;
  let after = state?.after;
  let cur: { key: string; pos?: ObjectPosition | undefined } | undefined = state?.cur;
  let moved = false;
  const batch = new SourceBatcher({
    maxBatchRecords: limits.maxBatchRecords,
    maxBatchBytes: limits.maxBatchBytes,
  });
  const snapshot = (): PollCheckpoint => {
    const pos = storedPosition(cur?.pos);
    return {
      v: 1,
      mode: "poll",
      ...(after !== undefined && { after }),
      ...(cur !== undefined && { cur: { key: cur.key, ...(pos !== undefined && { pos }) } }),
    };
  };

  let startAfter = after;
  for (;;) {
    if (stop.aborted) return;
    const listing = `ListObjectsV2 s3://${bucket}/${config.prefix}`;
    let page: Awaited<ReturnType<S3Store["list"]>>;
    try {
      page = await store.list(bucket, config.prefix, startAfter, limits.pageKeys, stop);
    } catch (error) {
      throw classify(error, listing);
    }
    for (const object of page.objects) {
      if (stop.aborted) return;
      startAfter = object.key;
      if (cur !== undefined && cur.key !== object.key) {
        ctx.logger.info({ key: cur.key }, "the object in progress is gone: going on with the next one");
        cur = undefined;
      }
      const wanted = selected(object.key) && !object.key.endsWith("/");
      if (wanted) {
        const resume = cur?.pos;
        cur = { key: object.key, pos: resume };
        try {
          for await (const items of readObject(
            store,
            { bucket, key: object.key },
            config.format,
            resume,
            stop,
            ctx,
          )) {
            for (const item of items) {
              if (batch.full) {
                moved = false;
                yield batch.take(snapshot());
              }
              addItem(batch, item);
              cur = { key: object.key, pos: item.next };
            }
            if (stop.aborted) return;
          }
        } catch (error) {
          if (!isNoSuchKey(error)) throw classify(error, `GetObject s3://${bucket}/${object.key}`);
          ctx.logger.info({ key: object.key }, "object deleted after it was listed: skipped");
        }
      }
      after = object.key;
      cur = undefined;
      moved = true;
    }
    if (!page.truncated) break;
  }
  if (!batch.empty || moved) yield batch.take(snapshot());
}
