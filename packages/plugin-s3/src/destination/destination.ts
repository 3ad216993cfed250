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
  type Destination,
  type OutputRecord,
  type PluginContext,
  type SendResult,
} from "@logshipper/core/sdk";
import { resolveAwsOptions, warnRenamedOptions } from "../aws-options.js";
import { S3Store } from "../client.js";
import { joinKey, type S3DestinationConfig } from "../config.js";
import { frameBytes, planObjects, separatorBytes } from "./encode.js";
import { ERROR_CODES } from "../error-codes.js";
import { call } from "../errors.js";
import { ObjectWriter, outcomesOf } from "./writer.js";

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

/** Where `test-destination` writes its test object, under `prefix`. */
export const TEST_KEY_DIR = "logshipper-test";

export interface S3Destination extends Destination {
  /** How long records may wait for their object (`maxObjectAge`): read by core as the batch age. */
  readonly batchMaxAgeMs: number;
}

export function createS3Destination(config: S3DestinationConfig, ctx: PluginContext): S3Destination {
  warnRenamedOptions(config, ctx.logger);
  const aws = resolveAwsOptions(config);
  let store: S3Store | undefined;
  const s3 = () => (store ??= new S3Store(aws, ctx.name));
  const writer = new ObjectWriter(config, ctx, s3);

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
      return outcomesOf(batch.length, await writer.writeAll(objects, signal), signal);
    },

    // `validate --connect`: the bucket exists and objects can be written with these options, without writing one.
    check: () => checkWritable(config, s3(), writer, ctx.signal),

    // `logshipper test-destination`: one object that an operator can find, like Panoptica's "Test Message".
    async test() {
      const time = new Date(ctx.clock.now()).toISOString();
      const stamp = time.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
      const record = JSON.stringify({ message: "Log Shipper test message", destination: ctx.name, time });
      const key = joinKey(config.prefix, `${TEST_KEY_DIR}/${ctx.name}-${stamp}.${config.format}`);
      const data = config.format === "json" ? `[\n${record}\n]\n` : `${record}\n`;
      const params = writer.params(config.format, false);
      await call(`PutObject ${writer.where(key)}`, () =>
        s3().put(config.bucket, key, Buffer.from(data), params, ctx.signal),
      );
      return `wrote a test object to ${writer.where(key)}`;
    },

    close() {
      store?.close();
      store = undefined;
      return Promise.resolve();
    },
  };
}

/** HeadBucket, then a write probe (a multipart upload started and aborted): writes nothing. */
async function checkWritable(
  config: S3DestinationConfig,
  store: S3Store,
  writer: ObjectWriter,
  signal: AbortSignal,
): Promise<string> {
  const probeKey = joinKey(config.prefix, `${TEST_KEY_DIR}/.write-probe`);
  let listNote = "";
  try {
    await call(`HeadBucket s3://${config.bucket}`, () => store.headBucket(config.bucket, signal));
  } catch (error) {
    const code = (error as { code?: string }).code;
    // HEAD responses have no body: a 404 is the bucket's.
    if (code === ERROR_CODES.S3_NO_SUCH_KEY) {
      throw new ConfigurationError(`HeadBucket s3://${config.bucket}: no such bucket`, {
        cause: error,
        code: ERROR_CODES.S3_NO_SUCH_BUCKET,
      });
    }
    // A writer often has s3:PutObject only; HeadBucket needs s3:ListBucket. The probe below decides.
    if (code !== ERROR_CODES.S3_ACCESS_DENIED) throw error;
    listNote = " (HeadBucket denied: no s3:ListBucket, which writing does not need)";
  }
  const abortFailure = await call(`write probe ${writer.where(probeKey)}`, () =>
    store.probeWrite(config.bucket, probeKey, writer.params(), signal),
  );
  const abortNote =
    abortFailure === undefined ? "" : "; the probe upload could not be aborted (no s3:AbortMultipartUpload)";
  return `s3://${config.bucket} accepts writes${config.sse ? ` with ${config.sse}` : ""}${listNote}${abortNote}`;
}
