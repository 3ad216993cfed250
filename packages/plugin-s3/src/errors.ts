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
import {
  CONFIGURATION_NETWORK_CODES,
  ConfigurationError,
  parseRetryAfter,
  RETRYABLE_NETWORK_CODES,
  RetryableError,
} from "@logshipper/core/sdk";
import { ERROR_CODES } from "./error-codes.js";

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
    const after = parseRetryAfter(
      (error as AwsErrorShape | null)?.$response?.headers?.["retry-after"],
      Date.now(),
    );
    return new RetryableError(message, {
      ...options,
      code,
      ...(after !== undefined && { retryAfterMs: after }),
    });
  };
  const config = (code: string, hint = "") =>
    new ConfigurationError(`${message}${hint}`, { ...options, code });

  if (name !== undefined && THROTTLING.has(name)) return retry(ERROR_CODES.S3_THROTTLED);
  if (status === 429 || status === 503) return retry(ERROR_CODES.S3_THROTTLED);
  if (name === "TimeoutError" || name === "RequestTimeout" || name === "ETIMEDOUT")
    return retry(ERROR_CODES.S3_TIMEOUT);
  if (name === "AbortError" || name === "ABORT_ERR") return retry(ERROR_CODES.S3_ABORTED);
  if (name !== undefined && (name.startsWith("KMS.") || name.startsWith("KMS")))
    return config(ERROR_CODES.S3_KMS);
  if (name !== undefined && ACCESS.has(name)) {
    const kms = typeof text === "string" && /\bkms\b/i.test(text);
    return kms
      ? config(ERROR_CODES.S3_KMS, " (the role needs kms:GenerateDataKey / kms:Decrypt on the key)")
      : config(ERROR_CODES.S3_ACCESS_DENIED);
  }
  if (name !== undefined && CREDENTIALS.has(name)) return config(ERROR_CODES.S3_CREDENTIALS);
  if (name === "NoSuchBucket") return config(ERROR_CODES.S3_NO_SUCH_BUCKET);
  if (name !== undefined && QUEUE_MISSING.has(name)) return config(ERROR_CODES.S3_QUEUE_NOT_FOUND);
  if (name !== undefined && REGION.has(name)) return config(ERROR_CODES.S3_REGION, " (check region)");
  if (status === 301 || status === 307) return config(ERROR_CODES.S3_REGION, " (check region)");
  if (isNoSuchKey(error)) return config(ERROR_CODES.S3_NO_SUCH_KEY);
  if (status === 403) return config(ERROR_CODES.S3_ACCESS_DENIED);
  if (status === 404) return config(ERROR_CODES.S3_NO_SUCH_BUCKET);
  if (status !== undefined && status >= 500) return retry(ERROR_CODES.S3_SERVER);
  if (name === "InternalError" || name === "ServiceUnavailable") return retry(ERROR_CODES.S3_SERVER);
  if (name !== undefined && RETRYABLE_NETWORK_CODES.has(name)) return retry(ERROR_CODES.S3_NETWORK);
  if (name !== undefined && CONFIGURATION_NETWORK_CODES.has(name)) return config(ERROR_CODES.S3_CONNECT);
  if (status !== undefined && status >= 400) return config(ERROR_CODES.S3_BAD_REQUEST);
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
