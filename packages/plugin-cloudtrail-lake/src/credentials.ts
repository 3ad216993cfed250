/**
 * Credentials for the CloudTrail calls: those of the shared AWS options (`@logshipper/aws`: static keys or a
 * profile, else the AWS default chain; then, with `roleArn`, STS AssumeRole), with this plugin's two
 * particulars: AssumeRole's ExternalId defaults to the channel's `externalId`, and a failure of the provider
 * surfaces as a `CredentialsError` (a configuration error for core, errors.ts).
 */
import {
  credentialProvider as awsCredentialProvider,
  type AwsCredentialIdentityProvider,
} from "@logshipper/aws";
import type { CloudTrailLakeConfig } from "./config.js";
import { CredentialsError } from "./errors.js";

export type CredentialOptions = Pick<
  CloudTrailLakeConfig,
  "credentials" | "roleArn" | "roleExternalId" | "externalId" | "roleSessionName" | "stsEndpoint"
>;

/** A provider's failure as a `CredentialsError`, its message naming the AWS error. */
export function credentialsFailure(error: unknown): CredentialsError {
  const e = error as Error | null;
  const named = e?.name && !["Error", "CredentialsProviderError"].includes(e.name) ? `${e.name}: ` : "";
  return new CredentialsError(`no usable AWS credentials: ${named}${e?.message ?? String(error)}`, {
    cause: error,
  });
}

/** The memoized credential provider for these options; `region` is STS's region for AssumeRole. */
export function credentialProvider(
  options: CredentialOptions,
  region: string,
): AwsCredentialIdentityProvider {
  const roleExternalId = options.roleExternalId ?? options.externalId;
  return awsCredentialProvider(
    { ...options, ...(roleExternalId !== undefined && { roleExternalId }) },
    { region, defaultSessionName: "logshipper", onError: credentialsFailure },
  );
}
