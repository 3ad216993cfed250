/**
 * The AWS options of the `s3` plugins: the shared ones of `@logshipper/aws` (docs/configuration.md, "AWS
 * options"), S3's `endpoint` and `forcePathStyle`, and the request `timeout`.
 *
 * The flat spellings of earlier versions still work: `accessKeyId`, `secretAccessKey`, `sessionToken` (now
 * `credentials: {...}`) and `externalId` (now `roleExternalId`, the name every AWS plugin uses for STS's
 * ExternalId). `resolveAwsOptions` maps them to the new shape; the plugin logs a warning naming the new option.
 */
import { awsOptions, checkAwsOptions, httpUrl, type AwsCredentials } from "@logshipper/aws";
import { duration, secret, z, type Logger } from "@logshipper/core/sdk";

/** Deprecated spellings, and what replaces each. */
export const RENAMED_OPTIONS = {
  accessKeyId: "credentials.accessKeyId",
  secretAccessKey: "credentials.secretAccessKey",
  sessionToken: "credentials.sessionToken",
  externalId: "roleExternalId",
} as const;
type RenamedOption = keyof typeof RENAMED_OPTIONS;

const deprecated = (option: RenamedOption) => `Deprecated: use ${RENAMED_OPTIONS[option]}`;

export const s3AwsOptions = {
  ...awsOptions,
  region: awsOptions.region.describe("AWS region (default: AWS_REGION, then us-east-1)"),
  endpoint: httpUrl
    .optional()
    .describe("S3-compatible endpoint (MinIO, Ceph, a VPC endpoint); usually with forcePathStyle"),
  forcePathStyle: z.boolean().default(false).describe("Address buckets as endpoint/bucket/key"),
  timeout: duration().default(120_000).describe("Time limit of one request (default 2m)"),
  accessKeyId: z.string().min(1).optional().describe(deprecated("accessKeyId")),
  secretAccessKey: secret(z.string().min(1).describe(deprecated("secretAccessKey"))).optional(),
  sessionToken: secret(z.string().min(1).describe(deprecated("sessionToken"))).optional(),
  externalId: secret(z.string().min(2).describe(deprecated("externalId"))).optional(),
};

type S3AwsInput = z.output<z.ZodObject<typeof s3AwsOptions>>;

/** The AWS options with the deprecated spellings mapped to the new ones. */
export type S3AwsOptions = Omit<S3AwsInput, RenamedOption>;

/** The checks across options, for the schemas' `superRefine`. */
export function checkS3AwsOptions(
  value: Pick<S3AwsInput, RenamedOption | "credentials" | "roleArn" | "roleExternalId">,
  ctx: z.RefinementCtx,
): void {
  checkAwsOptions(value, ctx);
  const flat = value.accessKeyId !== undefined || value.secretAccessKey !== undefined;
  if (flat && value.credentials !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["credentials"],
      message: "set credentials or the deprecated accessKeyId / secretAccessKey, not both",
    });
  } else if ((value.accessKeyId === undefined) !== (value.secretAccessKey === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["secretAccessKey"],
      message: "accessKeyId and secretAccessKey go together",
    });
  }
  if (value.externalId !== undefined && value.roleExternalId !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["externalId"],
      message: "set roleExternalId or the deprecated externalId, not both",
    });
  } else if (value.externalId !== undefined && value.roleArn === undefined) {
    ctx.addIssue({ code: "custom", path: ["externalId"], message: "externalId needs roleArn" });
  }
}

/** The deprecated spellings `config` uses. */
export function renamedOptionsIn(config: Partial<Record<RenamedOption, unknown>>): RenamedOption[] {
  return (Object.keys(RENAMED_OPTIONS) as RenamedOption[]).filter((k) => config[k] !== undefined);
}

/** The options in the new shape: flat keys become `credentials`, `externalId` becomes `roleExternalId`. */
export function resolveAwsOptions(config: S3AwsInput): S3AwsOptions {
  const { accessKeyId, secretAccessKey, sessionToken, externalId, ...rest } = config;
  const flat: AwsCredentials | undefined =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { accessKeyId, secretAccessKey, ...(sessionToken !== undefined && { sessionToken }) }
      : undefined;
  const credentials = rest.credentials ?? flat;
  const roleExternalId = rest.roleExternalId ?? externalId;
  return {
    ...rest,
    ...(credentials !== undefined && { credentials }),
    ...(roleExternalId !== undefined && { roleExternalId }),
  };
}

/** One warning per deprecated spelling, naming the option that replaces it. */
export function warnRenamedOptions(config: S3AwsInput, logger: Logger): void {
  for (const option of renamedOptionsIn(config)) {
    const use = RENAMED_OPTIONS[option];
    logger.warn(
      { option, use },
      `option ${option} is deprecated: use ${use} (docs/configuration.md, AWS options)`,
    );
  }
}
