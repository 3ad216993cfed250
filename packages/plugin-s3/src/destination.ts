/**
 * The `s3` destination: writes each batch as NDJSON (or JSON array) objects, optionally gzip, one or more per
 * rendered key (encode.ts). Core forms the batches: up to `maxObjectBytes`, at most `maxObjectAge` old
 * (`batchMaxAgeMs`, 60 s by default as Panoptica promises), and what is pending at shutdown. So an object is
 * closed on size, on age and at shutdown, and its records are acknowledged only once S3 has the object.
 *
 * Objects at or above `multipartThreshold` (bytes uploaded) go as a multipart upload, aborted on failure.
 * A failure after some objects of the batch were written acknowledges those and asks core to retry the rest
 * (a retryable failure) or throws (configuration: core pauses the destination and keeps the whole batch; the
 * objects already written are overwritten with the same bytes when it is sent again).
 */
import {
  ConfigurationError,
  RetryableError,
  type Destination,
  type OutputRecord,
  type PluginContext,
  type RecordOutcome,
  type SendResult,
} from "@logshipper/core/sdk";
import { S3Store, type WriteParams } from "./client.js";
import { joinKey, type S3DestinationConfig } from "./config.js";
import {
  contentType,
  frameBytes,
  payload,
  planObjects,
  separatorBytes,
  type PlannedObject,
} from "./encode.js";
import { call, errorName, S3_ERROR_CODES } from "./errors.js";

/** Most records in one batch; the real bound is `maxObjectBytes`. */
export const S3_MAX_BATCH_RECORDS = 100_000;

/**
 * Batch limits such that one batch fills at most one object per key: core counts the records' JSON bytes, the
 * object also holds a separator per record and the frame, so those are set aside.
 */
export function batchLimits(config: Pick<S3DestinationConfig, "maxObjectBytes" | "format">) {
  const sep = separatorBytes(config.format);
  const frame = frameBytes(config.format);
  const maxBatchRecords = Math.max(
    1,
    Math.min(S3_MAX_BATCH_RECORDS, Math.floor(config.maxObjectBytes / 100)),
  );
  return {
    maxBatchRecords,
    maxBatchBytes: Math.max(1, config.maxObjectBytes - frame - maxBatchRecords * sep),
    maxRecordBytes: config.maxObjectBytes - frame - sep,
  };
}
/** Objects of one batch uploaded at the same time. */
const UPLOAD_CONCURRENCY = 4;
/** Where `test-destination` writes its test object, under `prefix`. */
export const TEST_KEY_DIR = "logshipper-test";

export interface S3Destination extends Destination {
  /** How long records may wait for their object (`maxObjectAge`): read by core as the batch age. */
  readonly batchMaxAgeMs: number;
}

export function createS3Destination(config: S3DestinationConfig, ctx: PluginContext): S3Destination {
  let store: S3Store | undefined;
  const s3 = () => (store ??= new S3Store(config, ctx.name));
  const where = (key: string) => `s3://${config.bucket}/${key}`;
  const params = (format = config.format, gzip = config.gzip): WriteParams => ({
    acl: config.acl,
    sse: config.sse,
    kmsKeyId: config.kmsKeyId,
    bucketKey: config.bucketKey,
    storageClass: config.storageClass,
    contentType: contentType(format, gzip),
  });

  async function upload(object: PlannedObject, signal: AbortSignal): Promise<void> {
    const data = await payload(object, config.gzip);
    const multipart = data.length >= config.multipartThreshold;
    await call(`${multipart ? "multipart upload" : "PutObject"} ${where(object.key)}`, () =>
      multipart
        ? s3().putMultipart(
            config.bucket,
            object.key,
            data,
            params(),
            {
              partSize: config.partSize,
              onAbortFailure: (error) => {
                ctx.metrics.count("s3_multipart_abort_failed");
                ctx.logger.warn(
                  { key: object.key, error: errorName(error) },
                  "could not abort a failed multipart upload; a lifecycle rule removes its parts",
                );
              },
            },
            signal,
          )
        : s3().put(config.bucket, object.key, data, params(), signal),
    );
    ctx.metrics.count("s3_objects_written");
    ctx.logger.debug(
      { key: object.key, records: object.indexes.length, bytes: data.length, multipart },
      "wrote object",
    );
  }

  return {
    limits: batchLimits(config),
    batchMaxAgeMs: config.maxObjectAge,

    async send(batch: OutputRecord[], signal: AbortSignal): Promise<SendResult> {
      const objects = planObjects(batch, {
        prefix: config.prefix,
        key: config.key,
        format: config.format,
        gzip: config.gzip,
        maxObjectBytes: config.maxObjectBytes,
        partitionTime: config.partitionTime === "ingest" ? ctx.clock.now() : undefined,
      });
      const outcomes: RecordOutcome[] = batch.map(() => ({ status: "ok" }));
      const failures: { object: PlannedObject; error: unknown }[] = [];
      const skipped: PlannedObject[] = [];
      let written = 0;
      let next = 0;
      const worker = async () => {
        while (next < objects.length) {
          const object = objects[next++]!;
          if (signal.aborted || failures.length > 0) {
            skipped.push(object);
            continue;
          }
          try {
            await upload(object, signal);
            written++;
          } catch (error) {
            failures.push({ object, error });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, objects.length) }, worker));
      const error = failures.find((f) => !(f.error instanceof RetryableError))?.error ?? failures[0]?.error;
      if (error === undefined && skipped.length === 0) return { outcomes };
      // Nothing written, or nothing a retry can fix: the whole batch waits (re-sent objects overwrite themselves).
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
    },

    // `validate --connect`: the bucket exists and objects can be written with these options, without writing one.
    async check() {
      const probeKey = joinKey(config.prefix, `${TEST_KEY_DIR}/.write-probe`);
      let listNote = "";
      try {
        await call(`HeadBucket s3://${config.bucket}`, () => s3().headBucket(config.bucket, ctx.signal));
      } catch (error) {
        const code = (error as { code?: string }).code;
        // HEAD responses have no body: a 404 is the bucket's.
        if (code === S3_ERROR_CODES.noSuchKey) {
          throw new ConfigurationError(`HeadBucket s3://${config.bucket}: no such bucket`, {
            cause: error,
            code: S3_ERROR_CODES.noSuchBucket,
          });
        }
        // A writer often has s3:PutObject only; HeadBucket needs s3:ListBucket. The probe below decides.
        if (code !== S3_ERROR_CODES.accessDenied) throw error;
        listNote = " (HeadBucket denied: no s3:ListBucket, which writing does not need)";
      }
      const abortFailure = await call(`write probe ${where(probeKey)}`, () =>
        s3().probeWrite(config.bucket, probeKey, params(), ctx.signal),
      );
      const abortNote =
        abortFailure === undefined
          ? ""
          : "; the probe upload could not be aborted (no s3:AbortMultipartUpload)";
      return `s3://${config.bucket} accepts writes${config.sse ? ` with ${config.sse}` : ""}${listNote}${abortNote}`;
    },

    // `logshipper test-destination`: one object that an operator can find, like Panoptica's "Test Message".
    async test() {
      const time = new Date(ctx.clock.now()).toISOString();
      const stamp = time.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
      const record = JSON.stringify({ message: "Log Shipper test message", destination: ctx.name, time });
      const key = joinKey(config.prefix, `${TEST_KEY_DIR}/${ctx.name}-${stamp}.${config.format}`);
      const data = config.format === "json" ? `[\n${record}\n]\n` : `${record}\n`;
      await call(`PutObject ${where(key)}`, () =>
        s3().put(config.bucket, key, Buffer.from(data), params(config.format, false), ctx.signal),
      );
      return `wrote a test object to ${where(key)}`;
    },

    close() {
      store?.close();
      store = undefined;
      return Promise.resolve();
    },
  };
}
