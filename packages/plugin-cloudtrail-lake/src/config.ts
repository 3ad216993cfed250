/**
 * Options of the `cloudtrail-lake` destination: zod schemas that core validates when the configuration loads.
 * Core options (`plugin`, `dedup`, `batch`, `retry`) are split off by core before this schema sees the object.
 * The AWS options (credentials, roleArn, roleExternalId, roleSessionName, stsEndpoint) are the shared ones of
 * `@logshipper/aws` (docs/configuration.md, "AWS options"); `externalId` is the channel's, sent with
 * PutAuditEvents, and also AssumeRole's when `roleExternalId` is not set.
 */
import { awsOptions, checkAwsOptions, externalIdText, httpUrl } from "@logshipper/aws";
import { duration, secret, z } from "@logshipper/core/sdk";
import { CHANNEL_ARN_PATTERN } from "./arn.js";

export const cloudTrailLakeConfig = z
  .object({
    channelArn: z
      .string()
      .regex(
        CHANNEL_ARN_PATTERN,
        "expected a channel ARN, arn:aws:cloudtrail:<region>:<account>:channel/<id> (the region and account come from it)",
      )
      .describe("ARN of the CloudTrail Lake channel (integration) that receives the events"),
    externalId: secret(
      externalIdText.describe(
        "External ID of the channel's resource policy, sent with every PutAuditEvents call; also the ExternalId of AssumeRole when roleArn is set and roleExternalId is not",
      ),
    ).optional(),
    ...awsOptions,
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region such as us-east-1")
      .optional()
      .describe("Region of the API calls (default: the channel ARN's region)"),
    endpoint: httpUrl
      .optional()
      .describe("CloudTrail Data endpoint override (PutAuditEvents), e.g. a VPC endpoint"),
    controlEndpoint: httpUrl
      .optional()
      .describe("CloudTrail endpoint override (GetChannel, Lake queries); default: the regional endpoint"),
    fips: z.boolean().default(false).describe("Use the FIPS endpoints (cloudtrail-data-fips.<region>...)"),
    dualstack: z.boolean().default(false).describe("Use the dual-stack (IPv4 and IPv6) endpoints"),
    roleExternalId: secret(
      externalIdText.describe("ExternalId of AssumeRole (default: externalId)"),
    ).optional(),
    roleSessionName: awsOptions.roleSessionName
      .unwrap()
      .default("logshipper")
      .describe("RoleSessionName of AssumeRole (default: logshipper)"),
    additionalData: z
      .boolean()
      .default(false)
      .describe(
        "Also send the fields the mapping did not read, in eventData.additionalEventData (Cloud Exchange's Add Additional Data)",
      ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(8)
      .describe("PutAuditEvents requests in flight per batch (a batch is up to 100 x concurrency events)"),
    maxRequestsPerSecond: z
      .number()
      .positive()
      .max(99)
      .default(90)
      .describe(
        "Client-side limit of PutAuditEvents calls per second, shared by every destination of the channel's account (AWS allows 100)",
      ),
    timeout: duration().default(30_000).describe("Time limit of one API request (default 30s)"),
  })
  .superRefine(checkAwsOptions);

export type CloudTrailLakeConfig = z.output<typeof cloudTrailLakeConfig>;
