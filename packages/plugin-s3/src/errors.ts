/**
 * What S3, SQS and STS failures mean. The AWS SDK reports a service error by its code (`error.name`: SlowDown,
 * AccessDenied, NoSuchBucket, KMS.DisabledException, ...) and HTTP status (`$metadata.httpStatusCode`), and a
 * network failure by its Node error code. `classify` maps them to the SDK's classes with a stable code:
 *
 * - RetryableError: throttling, 5xx, network errors, timeouts. Core retries with backoff.
 * - ConfigurationError: credentials, permissions, missing bucket or queue, KMS, wrong region, any request S3
 *   refuses because of an option (ACL, storage class). Core pauses the destination and keeps its data.
 *
 * S3 never refuses the data itself (the plugin bounds object sizes), so there is no PermanentError here.
 */
import { RETRYABLE_NETWORK_CODES, CONFIGURATION_NETWORK_CODES } from "@logshipper/core/sdk";
import { ConfigurationError, RetryableError } from "@logshipper/core/sdk";

export const S3_ERROR_CODES = {
  throttled: "LS_ERR_S3_THROTTLED",
  server: "LS_ERR_S3_SERVER",
  network: "LS_ERR_S3_NETWORK",
  timeout: "LS_ERR_S3_TIMEOUT",
  aborted: "LS_ERR_S3_ABORTED",
  accessDenied: "LS_ERR_S3_ACCESS_DENIED",
  credentials: "LS_ERR_S3_CREDENTIALS",
  noSuchBucket: "LS_ERR_S3_NO_SUCH_BUCKET",
  noSuchKey: "LS_ERR_S3_NO_SUCH_KEY",
  kms: "LS_ERR_S3_KMS",
  region: "LS_ERR_S3_REGION",
  connect: "LS_ERR_S3_CONNECT",
  badRequest: "LS_ERR_S3_BAD_REQUEST",
  queueNotFound: "LS_ERR_S3_QUEUE_NOT_FOUND",
  checkpoint: "LS_ERR_S3_CHECKPOINT",
} as const;

/** Codes S3, SQS and STS use to ask a client to slow down. */
const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "OverLimit",
  "KMS.ThrottlingException",
]);
const CREDENTIALS = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidToken",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "IncompleteSignature",
  "InvalidSignatureException",
  "CredentialsProviderError",
  "RequestTimeTooSkewed",
]);
const ACCESS = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AllAccessDisabled",
  "Forbidden",
  "AccountProblem",
]);
const REGION = new Set([
  "PermanentRedirect",
  "AuthorizationHeaderMalformed",
  "IllegalLocationConstraintException",
  "Redirect",
]);
const QUEUE_MISSING = new Set([
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "NonExistentQueue",
]);

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** The service's error code, or the Node error code. */
export function errorName(error: unknown): string | undefined {
  const e = error as AwsErrorShape | null;
  if (!e || typeof e !== "object") return undefined;
  for (const v of [e.Code, e.code, e.name]) {
    // JSON protocols may name the error with its namespace: com.amazon.coral.service#AccessDeniedException.
    if (typeof v === "string" && v !== "" && v !== "Error") return v.slice(v.lastIndexOf("#") + 1);
  }
  return undefined;
}

export function httpStatus(error: unknown): number | undefined {
  return (error as AwsErrorShape | null)?.$metadata?.httpStatusCode;
}

/** True for a failure S3 reports about a missing object (the object was deleted after it was announced). */
export function isNoSuchKey(error: unknown): boolean {
  const name = errorName(error);
  return name === "NoSuchKey" || (name === "NotFound" && httpStatus(error) === 404);
}

function retryAfterMs(error: unknown): number | undefined {
  const header = (error as AwsErrorShape | null)?.$response?.headers?.["retry-after"];
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header) * 1000, 15 * 60_000);
}

/**
 * The SDK error for a failed call, or `error` itself when it is not a failure of the remote side (a bug should
 * surface as it is). `action` names the call, e.g. `PutObject s3://bucket/key`; it starts the message.
 */
export function classify(error: unknown, action: string): unknown {
  if (error instanceof RetryableError || error instanceof ConfigurationError) return error;
  const name = errorName(error);
  const status = httpStatus(error);
  const text = (error as AwsErrorShape | null)?.message;
  const detail = [name, typeof text === "string" && text !== name ? text : undefined]
    .filter(Boolean)
    .join(": ");
  const message = `${action}: ${status !== undefined ? `HTTP ${status} ` : ""}${detail || String(error)}`;
  const options = { cause: error };
  const retry = (code: string) => {
    const after = retryAfterMs(error);
    return new RetryableError(message, {
      ...options,
      code,
      ...(after !== undefined && { retryAfterMs: after }),
    });
  };
  const config = (code: string, hint = "") =>
    new ConfigurationError(`${message}${hint}`, { ...options, code });

  if (name !== undefined && THROTTLING.has(name)) return retry(S3_ERROR_CODES.throttled);
  if (status === 429 || status === 503) return retry(S3_ERROR_CODES.throttled);
  if (name === "TimeoutError" || name === "RequestTimeout" || name === "ETIMEDOUT")
    return retry(S3_ERROR_CODES.timeout);
  if (name === "AbortError" || name === "ABORT_ERR") return retry(S3_ERROR_CODES.aborted);
  if (name !== undefined && (name.startsWith("KMS.") || name.startsWith("KMS")))
    return config(S3_ERROR_CODES.kms);
  if (name !== undefined && ACCESS.has(name)) {
    const kms = typeof text === "string" && /\bkms\b/i.test(text);
    return kms
      ? config(S3_ERROR_CODES.kms, " (the role needs kms:GenerateDataKey / kms:Decrypt on the key)")
      : config(S3_ERROR_CODES.accessDenied);
  }
  if (name !== undefined && CREDENTIALS.has(name)) return config(S3_ERROR_CODES.credentials);
  if (name === "NoSuchBucket") return config(S3_ERROR_CODES.noSuchBucket);
  if (name !== undefined && QUEUE_MISSING.has(name)) return config(S3_ERROR_CODES.queueNotFound);
  if (name !== undefined && REGION.has(name)) return config(S3_ERROR_CODES.region, " (check region)");
  if (status === 301 || status === 307) return config(S3_ERROR_CODES.region, " (check region)");
  if (isNoSuchKey(error)) return config(S3_ERROR_CODES.noSuchKey);
  if (status === 403) return config(S3_ERROR_CODES.accessDenied);
  if (status === 404) return config(S3_ERROR_CODES.noSuchBucket);
  if (status !== undefined && status >= 500) return retry(S3_ERROR_CODES.server);
  if (name === "InternalError" || name === "ServiceUnavailable") return retry(S3_ERROR_CODES.server);
  if (name !== undefined && RETRYABLE_NETWORK_CODES.has(name)) return retry(S3_ERROR_CODES.network);
  if (name !== undefined && CONFIGURATION_NETWORK_CODES.has(name)) return config(S3_ERROR_CODES.connect);
  if (status !== undefined && status >= 400) return config(S3_ERROR_CODES.badRequest);
  return error;
}

/** Run an AWS call, throwing the classified error when it fails. */
export async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(error, action);
  }
}
