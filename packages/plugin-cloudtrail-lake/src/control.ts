/**
 * The CloudTrail control plane, through `@aws-sdk/client-cloudtrail`: GetChannel for `validate --connect` and
 * `test-destination`, StartQuery / DescribeQuery / GetQueryResults for `lake query`. The SDK's errors are turned
 * into the same `AwsApiError` the data-plane client reports, so that errors.ts classifies both alike.
 */
import {
  CloudTrailClient,
  GetChannelCommand,
  type GetChannelCommandOutput,
} from "@aws-sdk/client-cloudtrail";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@logshipper/aws";
import { AwsApiError, CredentialsError } from "./errors.js";

export interface ControlClientOptions {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  endpoint?: string | undefined;
  fips?: boolean;
  dualstack?: boolean;
  timeoutMs: number;
  /** Attempts per call; 1 (no SDK retries) for checks, more for interactive queries. */
  maxAttempts?: number;
}

export function createControlClient(options: ControlClientOptions): CloudTrailClient {
  return new CloudTrailClient({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    useFipsEndpoint: options.fips ?? false,
    useDualstackEndpoint: options.dualstack ?? false,
    maxAttempts: options.maxAttempts ?? 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
    }),
  });
}

interface SdkServiceError {
  name: string;
  message: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

/** An SDK service error as an `AwsApiError`; a credential failure as a `CredentialsError`; others unchanged. */
export function fromSdkError(error: unknown): unknown {
  const e = error as Partial<SdkServiceError> | null;
  if (!e || typeof e !== "object") return error;
  if (e.name === "CredentialsProviderError" || e instanceof CredentialsError) {
    return e instanceof CredentialsError
      ? e
      : new CredentialsError(e.message ?? "no credentials", { cause: e });
  }
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && typeof e.name === "string" && e.$fault !== undefined) {
    return new AwsApiError(status, e.name, e.message ?? "");
  }
  return error;
}

export type ChannelInfo = GetChannelCommandOutput;

export async function getChannel(
  client: CloudTrailClient,
  channelArn: string,
  signal: AbortSignal,
): Promise<ChannelInfo> {
  try {
    return await client.send(new GetChannelCommand({ Channel: channelArn }), { abortSignal: signal });
  } catch (error) {
    throw fromSdkError(error);
  }
}

/** The event data store ids a channel delivers to (the last part of each destination ARN). */
export function channelStores(channel: ChannelInfo): string[] {
  return (channel.Destinations ?? [])
    .filter((d) => d.Type === "EVENT_DATA_STORE" && typeof d.Location === "string")
    .map((d) => d.Location!.split("/").pop()!);
}

/** One line about a channel, for `validate --connect`. */
export function describeChannel(channel: ChannelInfo): string {
  const parts = [`channel ${channel.Name ?? channel.ChannelArn ?? "?"} (source ${channel.Source ?? "?"})`];
  const stores = channelStores(channel);
  parts.push(stores.length ? `delivers to event data store ${stores.join(", ")}` : "has no event data store");
  const s = channel.IngestionStatus;
  const at = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : undefined);
  if (!s || (!s.LatestIngestionAttemptTime && !s.LatestIngestionSuccessTime)) parts.push("no ingestion yet");
  else {
    const success = at(s.LatestIngestionSuccessTime);
    parts.push(success ? `last ingestion ${success}` : "no successful ingestion yet");
    if (s.LatestIngestionErrorCode) {
      parts.push(`last error ${s.LatestIngestionErrorCode} at ${at(s.LatestIngestionAttemptTime) ?? "?"}`);
    }
  }
  return parts.join("; ");
}
