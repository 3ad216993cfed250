/**
 * The `s3` source: reads objects from a bucket, found by listing it (`mode: poll`, poll.ts) or announced by S3
 * event notifications on an SQS queue (`mode: sqs`, sqs.ts). Objects are parsed by `format` (reader.ts), gzip
 * by content; SSE-S3 and SSE-KMS objects are decrypted by S3 (with SSE-KMS the role needs kms:Decrypt).
 * Malformed objects and lines become rejects (dead letters) with `s3://bucket/key:line` as their origin.
 */
import type { PluginContext, Source, SourceBatch } from "@logshipper/core/sdk";
import { resolveAwsOptions, warnRenamedOptions } from "../aws-options.js";
import { S3Store } from "../client.js";
import { DEFAULT_SOURCE_LIMITS, type SourceLimits } from "./checkpoint.js";
import type { S3SourceConfig } from "../config.js";
import { call } from "../errors.js";
import { keyFilter } from "./filters.js";
import { pullPoll } from "./poll.js";
import { Queue } from "./queue.js";
import { pullSqs } from "./sqs.js";

export function createS3Source(
  config: S3SourceConfig,
  ctx: PluginContext,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
): Source {
  const selected = keyFilter(config.include, config.exclude);
  warnRenamedOptions(config, ctx.logger);
  const aws = resolveAwsOptions(config);
  let store: S3Store | undefined;
  let queue: Queue | undefined;
  const s3 = () => (store ??= new S3Store(aws, ctx.name));
  const sqs = () => (queue ??= new Queue(config.queueUrl ?? "", aws, ctx.name));

  return {
    pull(checkpoint: unknown, signal: AbortSignal): AsyncIterable<SourceBatch> {
      const stop = AbortSignal.any([signal, ctx.signal]);
      if (config.mode === "sqs") return pullSqs(config, s3(), sqs(), selected, limits, checkpoint, stop, ctx);
      const bucket = config.bucket ?? "";
      return pullPoll({ ...config, bucket }, s3(), selected, limits, checkpoint, stop, ctx);
    },

    // `validate --connect`: the bucket can be listed (poll), or the queue can be read (sqs).
    async test() {
      if (config.mode === "sqs") {
        const depth = await call(`GetQueueAttributes ${config.queueUrl}`, () => sqs().depth(ctx.signal));
        ctx.logger.debug(depth, "queue reachable");
        return;
      }
      const bucket = config.bucket ?? "";
      await call(`ListObjectsV2 s3://${bucket}/${config.prefix}`, () =>
        s3().list(bucket, config.prefix, undefined, 1, ctx.signal),
      );
    },

    close() {
      store?.close();
      queue?.close();
      store = undefined;
      queue = undefined;
      return Promise.resolve();
    },
  };
}
