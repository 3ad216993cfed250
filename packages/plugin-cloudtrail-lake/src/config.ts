/**
 * Options of the `cloudtrail-lake` destination: zod schemas that core validates when the configuration loads.
 * Core options (`plugin`, `dedup`, `batch`, `retry`) are split off by core before this schema sees the object.
 */
import { duration, secret, z } from "@logshipper/core/sdk";
import { CHANNEL_ARN_PATTERN } from "./arn.js";

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/** PutAuditEvents' `externalId` (and STS's): 2-1224 characters of `[\w+=,.@:/-]`. */
const externalIdText = z
  .string()
  .min(2)
  .max(1224)
  .regex(/^[\w+=,.@:/-]*$/, "may contain only letters, digits and + = , . @ : / - _");

const credentials = z
  .object({
    accessKeyId: z.string().min(16).max(128).optional().describe("Static access key id"),
    secretAccessKey: secret(z.string().min(1).describe("Static secret access key")).optional(),
    sessionToken: secret(z.string().min(1).describe("Session token of temporary static keys")).optional(),
    profile: z.string().min(1).optional().describe("Named profile of ~/.aws/config and ~/.aws/credentials"),
  })
  .strict()
  .superRefine((c, ctx) => {
    const hasKeys = c.accessKeyId !== undefined || c.secretAccessKey !== undefined;
    if (hasKeys && (c.accessKeyId === undefined || c.secretAccessKey === undefined))
      ctx.addIssue({ code: "custom", message: "set accessKeyId and secretAccessKey together" });
    if (hasKeys && c.profile !== undefined)
      ctx.addIssue({ code: "custom", message: "set either static keys or profile, not both" });
    if (!hasKeys && c.profile === undefined)
      ctx.addIssue({ code: "custom", message: "set accessKeyId + secretAccessKey, or profile" });
  })
  .describe(
    "Credentials; default: the AWS default chain (environment, ~/.aws profile, web identity, container or instance role)",
  );

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
    stsEndpoint: httpUrl.optional().describe("STS endpoint override for AssumeRole"),
    fips: z.boolean().default(false).describe("Use the FIPS endpoints (cloudtrail-data-fips.<region>...)"),
    dualstack: z.boolean().default(false).describe("Use the dual-stack (IPv4 and IPv6) endpoints"),
    credentials: credentials.optional(),
    roleArn: z
      .string()
      .regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "expected an IAM role ARN")
      .optional()
      .describe("Assume this role (STS AssumeRole) with the base credentials before calling CloudTrail"),
    roleExternalId: secret(
      externalIdText.describe("ExternalId of AssumeRole (default: externalId)"),
    ).optional(),
    roleSessionName: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, "2-64 characters of letters, digits and + = , . @ - _")
      .default("logshipper")
      .describe("RoleSessionName of AssumeRole"),
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
  .superRefine((c, ctx) => {
    if (c.roleExternalId !== undefined && c.roleArn === undefined)
      ctx.addIssue({ code: "custom", path: ["roleExternalId"], message: "only used with roleArn" });
  });

export type CloudTrailLakeConfig = z.output<typeof cloudTrailLakeConfig>;
