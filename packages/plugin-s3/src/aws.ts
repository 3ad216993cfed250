/**
 * Shared configuration of the AWS SDK clients (S3 and SQS): region, endpoint, credentials, timeouts.
 *
 * Credentials come from `@logshipper/aws` (static keys or a profile, else the AWS default chain; with
 * `roleArn`, STS AssumeRole with `roleExternalId`: the way Cerby and Panoptica are granted access to a
 * customer's bucket). The assumed role's session name defaults to `logshipper-<configuration name>`, so
 * CloudTrail shows which Log Shipper configuration did what.
 *
 * The SDK's own retries are turned off (`maxAttempts: 1`), for STS too: core retries, with backoff, and counts
 * the attempts.
 */
import {
  credentialProvider,
  resolveRegion,
  sessionNameFor,
  type AwsCredentialIdentityProvider,
} from "@logshipper/aws";
import type { S3AwsOptions } from "./aws-options.js";

export const USER_AGENT = "logshipper-plugin-s3/0.1";

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials: AwsCredentialIdentityProvider;
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

export function regionOf(options: Pick<S3AwsOptions, "region">): string {
  return resolveRegion([options.region]);
}

/** Client configuration for one plugin instance; `name` is the configuration's name. */
export function awsClientConfig(options: S3AwsOptions, name: string, withEndpoint = true): AwsClientConfig {
  const region = regionOf(options);
  const credentials = credentialProvider(options, {
    region,
    defaultSessionName: sessionNameFor(name),
    stsMaxAttempts: 1,
  });
  const agent = { keepAlive: true, maxSockets: 16 };
  return {
    region,
    ...(withEndpoint && options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.forcePathStyle && { forcePathStyle: true }),
    credentials,
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
