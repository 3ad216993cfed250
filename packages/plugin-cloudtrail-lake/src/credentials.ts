/**
 * Credentials for the CloudTrail calls: static keys or a named profile from the options, else the AWS default
 * chain (environment variables, ~/.aws profile, web identity, container or instance role); then, with `roleArn`,
 * STS AssumeRole on top of those (with `roleExternalId`, or `externalId`).
 *
 * The provider is memoized: credentials are fetched once and again only when they come within 5 minutes of their
 * expiry. A failure is not cached, and surfaces as a `CredentialsError` (a configuration error for core).
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { CloudTrailLakeConfig } from "./config.js";
import { CredentialsError } from "./errors.js";

const REFRESH_BEFORE_MS = 5 * 60_000;

export type CredentialOptions = Pick<
  CloudTrailLakeConfig,
  "credentials" | "roleArn" | "roleExternalId" | "externalId" | "roleSessionName" | "stsEndpoint"
>;

/** Cache what `provider` returns until shortly before it expires; never cache a failure. */
export function memoize(
  provider: AwsCredentialIdentityProvider,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (cached) {
      const current = await cached.catch(() => undefined);
      const expires = current?.expiration?.getTime();
      if (current && (expires === undefined || expires - REFRESH_BEFORE_MS > now())) return current;
    }
    cached = provider().catch((error: unknown) => {
      cached = undefined;
      const e = error as Error | null;
      const named = e?.name && !["Error", "CredentialsProviderError"].includes(e.name) ? `${e.name}: ` : "";
      throw new CredentialsError(`no usable AWS credentials: ${named}${e?.message ?? String(error)}`, {
        cause: error,
      });
    });
    return cached;
  };
}

function baseProvider(options: CredentialOptions): AwsCredentialIdentityProvider {
  const c = options.credentials;
  if (c?.accessKeyId !== undefined && c.secretAccessKey !== undefined) {
    const identity: AwsCredentialIdentity = {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken !== undefined && { sessionToken: c.sessionToken }),
    };
    return () => Promise.resolve(identity);
  }
  if (c?.profile !== undefined) return fromIni({ profile: c.profile });
  return fromNodeProviderChain();
}

/** The memoized credential provider for these options; `region` is STS's region for AssumeRole. */
export function credentialProvider(
  options: CredentialOptions,
  region: string,
): AwsCredentialIdentityProvider {
  const base = baseProvider(options);
  if (options.roleArn === undefined) return memoize(base);
  const externalId = options.roleExternalId ?? options.externalId;
  return memoize(
    fromTemporaryCredentials({
      masterCredentials: base,
      params: {
        RoleArn: options.roleArn,
        RoleSessionName: options.roleSessionName,
        ...(externalId !== undefined && { ExternalId: externalId }),
      },
      clientConfig: {
        region,
        ...(options.stsEndpoint !== undefined && { endpoint: options.stsEndpoint }),
      },
    }),
  );
}
