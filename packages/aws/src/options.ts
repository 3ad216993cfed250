/**
 * The AWS options every AWS plugin takes, with the same names and the same checks (documented once, in
 * docs/configuration.md, "AWS options"):
 *
 *   region, credentials: { accessKeyId, secretAccessKey, sessionToken, profile }, roleArn, roleExternalId,
 *   roleSessionName, stsEndpoint
 *
 * `roleExternalId` is STS's ExternalId (the role's trust policy). It is named apart from any `externalId` a
 * service has of its own (CloudTrail Lake's PutAuditEvents takes one), so the two are never confused.
 * A plugin spreads `awsOptions` into its object schema, adds its `endpoint` (whose meaning is the service's),
 * and calls `checkAwsOptions` from its `superRefine`.
 */
import { secret, z } from "@logshipper/core/sdk";

export const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/** STS's ExternalId (and CloudTrail's): 2-1224 characters of `[\w+=,.@:/-]`. */
export const externalIdText = z
  .string()
  .min(2)
  .max(1224)
  .regex(/^[\w+=,.@:/-]*$/, "may contain only letters, digits and + = , . @ : / - _");

export const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export const awsCredentials = z
  .object({
    // Not 16+ characters as AWS's own keys: S3-compatible stores (MinIO, Ceph) issue shorter ones.
    accessKeyId: z.string().min(1).max(128).optional().describe("Static access key id, e.g. ${AWS_KEY_ID}"),
    secretAccessKey: secret(
      z.string().min(1).describe("Static secret access key, e.g. ${AWS_SECRET}"),
    ).optional(),
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
export type AwsCredentials = z.output<typeof awsCredentials>;

/** The shared fragment: spread it into a plugin's `z.object({...})`. */
export const awsOptions = {
  region: z.string().min(1).optional().describe("AWS region of the calls"),
  credentials: awsCredentials.optional(),
  roleArn: z
    .string()
    .regex(ROLE_ARN_PATTERN, "expected an IAM role ARN (arn:aws:iam::123456789012:role/name)")
    .optional()
    .describe("Assume this role (STS AssumeRole) with the credentials above before calling the service"),
  roleExternalId: secret(
    externalIdText.describe("ExternalId of AssumeRole, as the role's trust policy requires"),
  ).optional(),
  roleSessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, "2-64 characters of letters, digits and + = , . @ - _")
    .optional()
    .describe("RoleSessionName of AssumeRole (shows in the account's CloudTrail)"),
  stsEndpoint: httpUrl.optional().describe("STS endpoint for roleArn (default: the regional endpoint)"),
};

export const awsOptionsSchema = z.object(awsOptions);
export type AwsOptions = z.output<typeof awsOptionsSchema>;

/** The checks across options; call it from the plugin schema's `superRefine`. */
export function checkAwsOptions(
  value: { roleArn?: unknown; roleExternalId?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (value.roleExternalId !== undefined && value.roleArn === undefined)
    ctx.addIssue({ code: "custom", path: ["roleExternalId"], message: "roleExternalId needs roleArn" });
}
