/**
 * Shared configuration of the AWS SDK clients (S3 and SQS): region, endpoint, credentials, timeouts.
 *
 * Credentials: static keys from the options (`accessKeyId` / `secretAccessKey`, usually `${ENV}` references),
 * else the SDK's default chain (environment, shared profile, SSO, web identity, container or instance role).
 * With `roleArn`, those credentials assume the role (STS AssumeRole with `externalId`): the way Cerby and
 * Panoptica are granted access to a customer's bucket.
 *
 * The SDK's own retries are turned off (`maxAttempts: 1`): core retries, with backoff, and counts the attempts.
 * The SDK modules load on first use, so that commands that never talk to AWS do not pay for loading them.
 */
import type { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsOptions } from "./config.js";

export const USER_AGENT = "logshipper-plugin-s3/0.1";
const DEFAULT_REGION = "us-east-1";

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: ReturnType<typeof fromTemporaryCredentials> | StaticCredentials;
  maxAttempts: number;
  customUserAgent: string;
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    throwOnRequestTimeout: boolean;
    socketTimeout: number;
    httpAgent: { keepAlive: boolean; maxSockets: number };
    httpsAgent: { keepAlive: boolean; maxSockets: number };
  };
}

interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function regionOf(options: Pick<AwsOptions, "region">): string {
  return options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
}

function staticCredentials(options: AwsOptions): StaticCredentials | undefined {
  if (options.accessKeyId === undefined || options.secretAccessKey === undefined) return undefined;
  return {
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    ...(options.sessionToken !== undefined && { sessionToken: options.sessionToken }),
  };
}

/**
 * Client configuration for one plugin instance. `name` (the configuration's name) becomes the assumed role's
 * session name, so CloudTrail shows which Log Shipper configuration did what.
 */
export async function awsClientConfig(
  options: AwsOptions,
  name: string,
  withEndpoint = true,
): Promise<AwsClientConfig> {
  const region = regionOf(options);
  const base = staticCredentials(options);
  let credentials: AwsClientConfig["credentials"] = base;
  if (options.roleArn !== undefined) {
    const { fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
    credentials = fromTemporaryCredentials({
      params: {
        RoleArn: options.roleArn,
        RoleSessionName: `logshipper-${name}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
        ...(options.externalId !== undefined && { ExternalId: options.externalId }),
      },
      ...(base !== undefined && { masterCredentials: base }),
      clientConfig: {
        region,
        maxAttempts: 1,
        ...(options.stsEndpoint !== undefined && { endpoint: options.stsEndpoint }),
      },
    });
  }
  const agent = { keepAlive: true, maxSockets: 16 };
  return {
    region,
    ...(withEndpoint && options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.forcePathStyle && { forcePathStyle: true }),
    ...(credentials !== undefined && { credentials }),
    maxAttempts: 1,
    customUserAgent: USER_AGENT,
    requestHandler: {
      connectionTimeout: Math.min(options.timeout, 10_000),
      requestTimeout: options.timeout,
      throwOnRequestTimeout: true,
      // Also bounds how long a GetObject body may sit unread while core applies backpressure; a longer pause
      // fails the read, and the next pull resumes at the last committed position.
      socketTimeout: options.timeout,
      httpAgent: agent,
      httpsAgent: agent,
    },
  };
}
