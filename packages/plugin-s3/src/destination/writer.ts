/**
 * Writes the planned objects of a batch (encode.ts) to the bucket: PutObject, or a multipart upload at or above
 * `multipartThreshold` (aborted on failure), up to four objects at a time. After the first failure no further
 * object is started; the report says which objects were written, which failed and which were not tried, and
 * `outcomesOf` turns it into one outcome per record.
 */
import {
  RetryableError,
  type PluginContext,
  type RecordOutcome,
  type SendResult,
} from "@logshipper/core/sdk";
import type { S3Store, WriteParams } from "../client.js";
import type { S3DestinationConfig } from "../config.js";
import { contentType, payload, type ObjectFormat, type PlannedObject } from "./encode.js";
import { call, errorName } from "../errors.js";

/** Objects of one batch uploaded at the same time. */
const UPLOAD_CONCURRENCY = 4;

export interface WriteReport {
  written: number;
  failures: { object: PlannedObject; error: unknown }[];
  /** Objects not tried: the send was cancelled, or an earlier object failed. */
  skipped: PlannedObject[];
}

export class ObjectWriter {
  constructor(
    private readonly config: S3DestinationConfig,
    private readonly ctx: PluginContext,
    private readonly s3: () => S3Store,
  ) {}

  /** How objects are written (ACL, encryption, storage class, content type). */
  params(format: ObjectFormat = this.config.format, gzip = this.config.gzip): WriteParams {
    const c = this.config;
    return {
      acl: c.acl,
      sse: c.sse,
      kmsKeyId: c.kmsKeyId,
      bucketKey: c.bucketKey,
      storageClass: c.storageClass,
      contentType: contentType(format, gzip),
    };
  }

  where(key: string): string {
    return `s3://${this.config.bucket}/${key}`;
  }

  async writeAll(objects: readonly PlannedObject[], signal: AbortSignal): Promise<WriteReport> {
    const report: WriteReport = { written: 0, failures: [], skipped: [] };
    let next = 0;
    const worker = async () => {
      while (next < objects.length) {
        const object = objects[next++]!;
        if (signal.aborted || report.failures.length > 0) {
          report.skipped.push(object);
          continue;
        }
        try {
          await this.upload(object, signal);
          report.written++;
        } catch (error) {
          report.failures.push({ object, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, objects.length) }, worker));
    return report;
  }

  private async upload(object: PlannedObject, signal: AbortSignal): Promise<void> {
    const { config, ctx } = this;
    const data = await payload(object, config.gzip);
    const multipart = data.length >= config.multipartThreshold;
    const onAbortFailure = (error: unknown) => {
      ctx.metrics.count("s3_multipart_abort_failed");
      ctx.logger.warn(
        { key: object.key, error: errorName(error) },
        "could not abort a failed multipart upload; a lifecycle rule removes its parts",
      );
    };
    await call(`${multipart ? "multipart upload" : "PutObject"} ${this.where(object.key)}`, () =>
      multipart
        ? this.s3().putMultipart(
            config.bucket,
            object.key,
            data,
            this.params(),
            { partSize: config.partSize, onAbortFailure },
            signal,
          )
        : this.s3().put(config.bucket, object.key, data, this.params(), signal),
    );
    ctx.metrics.count("s3_objects_written");
    ctx.logger.debug(
      { key: object.key, records: object.indexes.length, bytes: data.length, multipart },
      "wrote object",
    );
  }
}

/**
 * One outcome per record of the batch. Nothing written, or a failure no retry can fix: throws, and the whole
 * batch waits (re-sent objects overwrite themselves). Otherwise the written objects' records are ok and the
 * others retryable.
 */
export function outcomesOf(batchSize: number, report: WriteReport, signal: AbortSignal): SendResult {
  const outcomes: RecordOutcome[] = Array.from({ length: batchSize }, () => ({ status: "ok" }));
  const { failures, skipped, written } = report;
  const error = failures.find((f) => !(f.error instanceof RetryableError))?.error ?? failures[0]?.error;
  if (error === undefined && skipped.length === 0) return { outcomes };
  if (error !== undefined && (written === 0 || !(error instanceof RetryableError))) throw error as Error;
  const retry = (object: PlannedObject, reason: string, retryAfterMs?: number) => {
    for (const i of object.indexes)
      outcomes[i] = { status: "retryable", reason, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  };
  for (const f of failures) {
    const e = f.error as RetryableError;
    retry(f.object, e.message, e.retryAfterMs);
  }
  for (const object of skipped)
    retry(object, signal.aborted ? "shutting down" : "not sent after an earlier failure");
  return { outcomes };
}
