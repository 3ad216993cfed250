/**
 * The `s3` plugins: a destination that writes objects the way SaaS products export to a customer's bucket
 * (Panoptica, Cerby), and a source that reads such exports and CloudTrail logs, by listing or from S3 event
 * notifications on SQS. Core loads this package by default when it is installed.
 */
import { definePlugin, type PluginDefinition } from "@logshipper/core/sdk";
import { s3DestinationConfig, s3SourceConfig } from "./config.js";
import { createS3Destination } from "./destination/destination.js";
import { createS3Source } from "./source/source.js";

export const s3Destination = definePlugin({
  name: "s3",
  kind: "destination",
  description:
    "Writes NDJSON or JSON-array objects (optionally gzip) to an S3 bucket under a key template, named after " +
    "their content; closes objects on size, age and shutdown; multipart uploads; ACL, SSE-S3 / SSE-KMS, " +
    "assume-role with external ID.",
  configSchema: s3DestinationConfig,
  // No outputSchema: any JSON value is a valid line (or array element); checking each record would cost time.
  create: (config, ctx) => createS3Destination(config, ctx),
});

export const s3Source = definePlugin({
  name: "s3",
  kind: "source",
  description:
    "Reads objects from S3, by listing a prefix (mode: poll) or from S3 event notifications on SQS (mode: sqs, " +
    "raw or SNS); NDJSON, JSON, CloudTrail, concatenated, members, gzip by content. Resumes inside an object; " +
    "deletes a message only after its records are committed.",
  configSchema: s3SourceConfig,
  create: (config, ctx) => createS3Source(config, ctx),
});

/** Every plugin of this package: what core's registry reads first. */
export const plugins: PluginDefinition[] = [s3Source, s3Destination];

export { s3DestinationConfig, s3SourceConfig, DEFAULT_KEY_TEMPLATE } from "./config.js";
export type { S3DestinationConfig, S3SourceConfig } from "./config.js";
export {
  createS3Destination,
  S3_MAX_BATCH_RECORDS,
  TEST_KEY_DIR,
  type S3Destination,
} from "./destination/destination.js";
export { createS3Source } from "./source/source.js";
export { classify } from "./errors.js";
export { ERROR_CODES } from "./error-codes.js";
export { parseNotification, decodeEventKey, type Notification } from "./source/notifications.js";
export { planObjects } from "./destination/encode.js";
