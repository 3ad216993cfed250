/**
 * Options of the `s3` destination and source (zod). Core validates them when the configuration loads, with the
 * path of every problem (`destinations.panoptica.kmsKeyId: ...`), before anything runs.
 */
import { byteSize, duration, validateKeyTemplate, z } from "@logshipper/core/sdk";
import { checkS3AwsOptions, s3AwsOptions } from "./aws-options.js";

export const DEFAULT_KEY_TEMPLATE = "{type}/{date}/{file}";
/** S3's smallest multipart part (except the last one). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

const bucket = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.\-_]{1,254}$/, "expected an S3 bucket name (lower case, digits, . - _)")
  .describe("Bucket name");

const prefix = z
  .string()
  .default("")
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), "must not contain . or .. segments")
  .describe("Key prefix, e.g. `Panoptica` or `AWSLogs/123456789012/`; a `/` is added between it and the key");

export const CANNED_ACLS = [
  "private",
  "public-read",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
] as const;

export const STORAGE_CLASSES = [
  "STANDARD",
  "REDUCED_REDUNDANCY",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
  "EXPRESS_ONEZONE",
] as const;

export const s3DestinationConfig = z
  .object({
    bucket,
    prefix,
    key: z
      .string()
      .superRefine((template, ctx) => {
        for (const problem of validateKeyTemplate(template))
          ctx.addIssue({ code: "custom", message: problem });
      })
      .default(DEFAULT_KEY_TEMPLATE)
      .describe(
        "Key of each object under prefix: {type} {subtype} {source} {destination} {date} {yyyy} {MM} {dd} {HH} {field:a.b} {file}",
      ),
    format: z
      .enum(["ndjson", "json"])
      .default("ndjson")
      .describe("ndjson (one record a line) or json (an array)"),
    gzip: z.boolean().default(false).describe("Compress objects (.ndjson.gz, Content-Encoding is not set)"),
    maxObjectBytes: byteSize()
      .default(16 * 1024 * 1024)
      .refine((n) => n >= 1024, "must be at least 1KiB")
      .describe("Largest object, in uncompressed bytes written (default 16MiB)"),
    maxObjectAge: duration()
      .default(60_000)
      .describe("Longest time a record waits for its object (default 60s)"),
    partitionTime: z
      .enum(["event", "ingest"])
      .default("event")
      .describe("Time of {date} {yyyy} {MM} {dd} {HH}: the event's time (UTC) or the time of delivery"),
    acl: z.enum(CANNED_ACLS).optional().describe("Canned ACL, e.g. bucket-owner-full-control"),
    sse: z
      .enum(["AES256", "aws:kms", "aws:kms:dsse"])
      .optional()
      .describe("Server-side encryption: AES256 (SSE-S3) or aws:kms"),
    kmsKeyId: z.string().min(1).optional().describe("KMS key id, alias or ARN for sse: aws:kms"),
    bucketKey: z.boolean().optional().describe("Use an S3 Bucket Key with SSE-KMS (fewer KMS calls)"),
    storageClass: z.enum(STORAGE_CLASSES).optional().describe("Storage class of the objects"),
    multipartThreshold: byteSize()
      .default(16 * 1024 * 1024)
      .refine((n) => n >= MIN_PART_BYTES, "must be at least 5MiB")
      .describe("Objects this large or larger are sent as a multipart upload (default 16MiB)"),
    partSize: byteSize()
      .default(8 * 1024 * 1024)
      .refine((n) => n >= MIN_PART_BYTES, "must be at least 5MiB")
      .describe("Part size of multipart uploads (default 8MiB)"),
    ...s3AwsOptions,
  })
  .superRefine((value, ctx) => {
    checkS3AwsOptions(value, ctx);
    if (
      (value.kmsKeyId !== undefined || value.bucketKey !== undefined) &&
      !value.sse?.startsWith("aws:kms")
    ) {
      ctx.addIssue({ code: "custom", path: ["sse"], message: "kmsKeyId and bucketKey need sse: aws:kms" });
    }
  });
export type S3DestinationConfig = z.output<typeof s3DestinationConfig>;

export const SOURCE_FORMATS = ["auto", "ndjson", "json", "cloudtrail", "concatenated", "members"] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

const patterns = (fallback: string[], what: string) =>
  z
    .array(z.string().min(1))
    .default(fallback)
    .describe(
      `Glob patterns of keys (relative to the bucket) ${what}; * stays within a segment, ** crosses them`,
    );

export const s3SourceConfig = z
  .object({
    mode: z
      .enum(["poll", "sqs"])
      .default("poll")
      .describe("poll: list the bucket; sqs: S3 event notifications"),
    bucket: bucket.optional().describe("Bucket to list (poll); with sqs, only notifications for it are read"),
    prefix: z
      .string()
      .default("")
      .describe("Read only keys that start with this, e.g. AWSLogs/123456789012/CloudTrail/"),
    queueUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("SQS queue receiving the bucket's event notifications (mode: sqs)"),
    format: z
      .enum(SOURCE_FORMATS)
      .default("auto")
      .describe("auto, ndjson, json, cloudtrail, concatenated, members"),
    include: patterns([], "to read (default: every key)"),
    exclude: patterns(["**/CloudTrail-Digest/**"], "to skip (default: CloudTrail digest files)"),
    visibilityTimeout: duration()
      .default(300_000)
      .refine((ms) => ms >= 1000 && ms <= 43_200_000, "must be between 1s and 12h")
      .describe("How long a received message stays hidden; extended while its object is read (default 5m)"),
    waitTime: duration()
      .default(20_000)
      .refine((ms) => ms <= 20_000, "must be at most 20s")
      .describe("SQS long polling wait (default 20s)"),
    maxReceives: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe("A message whose object still fails after this many receives goes to the dead letters"),
    ...s3AwsOptions,
  })
  .superRefine((value, ctx) => {
    checkS3AwsOptions(value, ctx);
    if (value.mode === "poll" && value.bucket === undefined) {
      ctx.addIssue({ code: "custom", path: ["bucket"], message: "mode poll needs a bucket" });
    }
    if (value.mode === "sqs" && value.queueUrl === undefined) {
      ctx.addIssue({ code: "custom", path: ["queueUrl"], message: "mode sqs needs a queueUrl" });
    }
  });
export type S3SourceConfig = z.output<typeof s3SourceConfig>;

/** `prefix` and `key` joined with exactly one `/`. */
export function joinKey(prefixText: string, key: string): string {
  const p = prefixText.replace(/^\/+|\/+$/g, "");
  return p === "" ? key : `${p}/${key}`;
}
