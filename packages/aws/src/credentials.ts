/**
 * Credentials of the AWS options: static keys or a named profile, else the AWS default chain (environment,
 * ~/.aws profile, SSO, web identity, container or instance role); then, with `roleArn`, STS AssumeRole on top of
 * those, with `roleExternalId` and `roleSessionName`.
 *
 * The provider is memoized: credentials are fetched once and again only when they come within 5 minutes of
 * their expiry; a failure is never cached. `@aws-sdk/credential-providers` loads on the first fetch, so that
 * commands that never talk to AWS do not pay for loading it.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { AwsOptions } from "./options.js";

export type { AwsCredentialIdentity, AwsCredentialIdentityProvider };

const REFRESH_BEFORE_MS = 5 * 60_000;

export type CredentialOptions = Pick<
  AwsOptions,
  "credentials" | "roleArn" | "roleExternalId" | "roleSessionName" | "stsEndpoint"
>;

export interface CredentialSettings {
  /** STS's region, for AssumeRole. */
  region: string;
  /** RoleSessionName when the options set none (default `logshipper`). */
  defaultSessionName?: string;
  /** Attempts of the AssumeRole call (default: the SDK's). */
  stsMaxAttempts?: number;
  /** What a failure of the provider becomes (default: the error as it is). */
  onError?: (error: unknown) => unknown;
  now?: () => number;
}

export interface MemoizeOptions {
  now?: () => number;
  onError?: (error: unknown) => unknown;
}

/** Cache what `provider` returns until shortly before it expires; never cache a failure. */
export function memoize(
  provider: AwsCredentialIdentityProvider,
  options: MemoizeOptions = {},
): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => error);
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (cached) {
      const current = await cached.catch(() => undefined);
      const expires = current?.expiration?.getTime();
      if (current && (expires === undefined || expires - REFRESH_BEFORE_MS > now())) return current;
    }
    cached = provider().catch((error: unknown) => {
      cached = undefined;
      throw onError(error);
    });
    return cached;
  };
}

type Providers = typeof import("@aws-sdk/credential-providers");
let providersModule: Promise<Providers> | undefined;
const providers = (): Promise<Providers> => (providersModule ??= import("@aws-sdk/credential-providers"));

/** A provider built from the credential-providers module once it is loaded (on the first fetch). */
function lazy(make: (p: Providers) => AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let made: Promise<AwsCredentialIdentityProvider> | undefined;
  return async (properties) => (await (made ??= providers().then(make)))(properties);
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
  const profile = c?.profile;
  if (profile !== undefined) return lazy((p) => p.fromIni({ profile }));
  return lazy((p) => p.fromNodeProviderChain());
}

/** The memoized credential provider for these options. */
export function credentialProvider(
  options: CredentialOptions,
  settings: CredentialSettings,
): AwsCredentialIdentityProvider {
  const memo = {
    ...(settings.now && { now: settings.now }),
    ...(settings.onError && { onError: settings.onError }),
  };
  const base = baseProvider(options);
  const roleArn = options.roleArn;
  if (roleArn === undefined) return memoize(base, memo);
  const externalId = options.roleExternalId;
  const role = lazy((p) =>
    p.fromTemporaryCredentials({
      masterCredentials: base,
      params: {
        RoleArn: roleArn,
        RoleSessionName: options.roleSessionName ?? settings.defaultSessionName ?? "logshipper",
        ...(externalId !== undefined && { ExternalId: externalId }),
      },
      clientConfig: {
        region: settings.region,
        ...(settings.stsMaxAttempts !== undefined && { maxAttempts: settings.stsMaxAttempts }),
        ...(options.stsEndpoint !== undefined && { endpoint: options.stsEndpoint }),
      },
    }),
  );
  return memoize(role, memo);
}

/** A RoleSessionName from a configuration's name: `logshipper-<name>`, in STS's characters and length. */
export function sessionNameFor(name: string): string {
  return `logshipper-${name}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}
