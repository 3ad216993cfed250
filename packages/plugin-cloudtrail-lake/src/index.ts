/**
 * `@logshipper/plugin-cloudtrail-lake`: the `cloudtrail-lake` destination (PutAuditEvents into a CloudTrail Lake
 * channel) and the `lake query` command (`commands`). Bundled: core loads it without a `plugins:` entry.
 */
import { definePlugin, type PluginDefinition } from "@logshipper/core/sdk";
import { cloudTrailLakeConfig } from "./config.js";
import { DEFAULT_MAPPING } from "./destination/default-mapping.js";
import { createCloudTrailLakeDestination } from "./destination/destination.js";
import { outputSchema } from "./destination/event-schema.js";

export const cloudTrailLakeDestination = definePlugin({
  name: "cloudtrail-lake",
  kind: "destination",
  description:
    "Ingests events into an AWS CloudTrail Lake event data store through PutAuditEvents on a channel " +
    "(integration); the mapping produces eventData, the destination fills recipientAccountId, UID and version.",
  configSchema: cloudTrailLakeConfig,
  outputSchema,
  defaultMapping: DEFAULT_MAPPING,
  create: (config, ctx) => createCloudTrailLakeDestination(config, ctx),
});

/** Every plugin of this package: what core's registry reads first. */
export const plugins: PluginDefinition[] = [cloudTrailLakeDestination];

export { cloudTrailLakeConfig, type CloudTrailLakeConfig } from "./config.js";
export { parseChannelArn, parseEventDataStore, dataEndpoint, type ChannelArn } from "./arn.js";
export { outputSchema, LIMITS, wireTime, type WireEvent } from "./destination/event-schema.js";
export { checkWireEvent } from "./destination/check-event.js";
export {
  prepare,
  checksum,
  fitAdditionalData,
  MAX_REQUEST_BYTES,
  MAX_REQUEST_EVENTS,
} from "./destination/prepare.js";
export { pack, requestBody } from "./destination/pack.js";
export { auditEventId, uuidv5, AUDIT_EVENT_ID_PATTERN } from "./destination/ids.js";
export { CloudTrailDataClient, type PutAuditEventsResult } from "./client.js";
export { classify, AwsApiError, QueryUsageError } from "./errors.js";
export { ERROR_CODES } from "./error-codes.js";
export { createCloudTrailLakeDestination, testRecord } from "./destination/destination.js";
export {
  runLakeQuery,
  defaultStatement,
  lakeTime,
  type LakeQueryOptions,
  type LakeQuerySummary,
} from "./query/lake-query.js";
export { lakeQueryCommand, parseSince, commands, type LakeQueryCommandArgs } from "./query/cli.js";
export { DEFAULT_MAPPING } from "./destination/default-mapping.js";
