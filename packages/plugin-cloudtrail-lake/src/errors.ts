/**
 * What CloudTrail's failures mean. The clients (client.ts, control.ts) report what happened: a network error
 * code, an `AwsApiError` with the HTTP status and the error type, a response that breaks the protocol, missing
 * credentials. `classify` turns each into one of the SDK's three error classes with a stable code:
 *
 * - `RetryableError`: network, timeouts, throttling, 5xx. Core retries with backoff, honouring `retryAfterMs`.
 * - `ConfigurationError`: nothing works until the configuration changes (credentials, permissions, a missing or
 *   wrong channel, an account without CloudTrail Lake). Core pauses the destination and keeps its data.
 * - `PermanentError`: this request is refused as it is (other 4xx). Core dead-letters its records.
 */
import { RETRYABLE_NETWORK_CODES, CONFIGURATION_NETWORK_CODES, parseRetryAfter } from "@logshipper/core/sdk";
import { ConfigurationError, LogShipperError, PermanentError, RetryableError } from "@logshipper/core/sdk";
import { ERROR_CODES } from "./error-codes.js";

const C = ERROR_CODES;

/** A `lake query` argument that cannot work: the CLI exits 2 (`exitCode`). */
export class QueryUsageError extends LogShipperError {
  readonly exitCode = 2;
  constructor(message: string) {
    super(C.CLOUDTRAIL_QUERY_USAGE, message);
  }
}

/** An AWS API answered with an error (HTTP status outside 2xx). */
export class AwsApiError extends Error {
  constructor(
    readonly status: number,
    /** The error type: `x-amzn-errortype`, else the body's `__type` / `code`, without namespace or URL. */
    readonly type: string,
    readonly detail: string,
    /** The raw `Retry-After` header, when sent. */
    readonly retryAfter?: string,
  ) {
    super(`HTTP ${status} ${type}${detail ? `: ${detail}` : ""}`);
    this.name = "AwsApiError";
  }
}

/** A 2xx response that does not follow the API. */
export class BadResponseError extends Error {
  override name = "BadResponseError";
}

/** The credential provider failed (no credentials found, AssumeRole refused, ...). */
export class CredentialsError extends Error {
  override name = "CredentialsError";
}

/** The request's own deadline (`timeout`) passed. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
  readonly code = "ETIMEDOUT";
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "SlowDown",
]);
const AUTH = new Set([
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "MissingAuthenticationToken",
  "AccessDeniedException",
  "AccessDenied",
  "ExpiredTokenException",
  "ExpiredToken",
  "RequestExpired",
  "NotAuthorized",
  "InsufficientDependencyServiceAccessPermissionException",
]);
const SERVER = new Set([
  "InternalFailure",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

/** Request-level errors of PutAuditEvents and of the CloudTrail API, with what they mean for the operator. */
const CONFIG_TYPES: Record<string, { code: string; hint: string }> = {
  ChannelNotFound: {
    code: C.CLOUDTRAIL_CHANNEL_NOT_FOUND,
    hint: "check channelArn: the channel does not exist",
  },
  ChannelNotFoundException: {
    code: C.CLOUDTRAIL_CHANNEL_NOT_FOUND,
    hint: "check channelArn: the channel does not exist",
  },
  ChannelInsufficientPermission: {
    code: C.CLOUDTRAIL_CHANNEL_PERMISSION,
    hint: "the channel's resource policy does not allow these credentials (or externalId does not match it)",
  },
  ChannelUnsupportedSchema: {
    code: C.CLOUDTRAIL_CHANNEL_SCHEMA,
    hint: "the channel's event data store does not take integration events (ActivityAuditLog)",
  },
  InvalidChannelARN: { code: C.CLOUDTRAIL_CHANNEL_ARN, hint: "channelArn is not a valid channel ARN" },
  ChannelARNInvalidException: {
    code: C.CLOUDTRAIL_CHANNEL_ARN,
    hint: "channelArn is not a valid channel ARN",
  },
  UnsupportedOperationException: {
    code: C.CLOUDTRAIL_UNSUPPORTED,
    hint: "this account or region does not support CloudTrail Lake ingestion (closed to new customers from 31 May 2026)",
  },
  EventDataStoreNotFoundException: { code: C.CLOUDTRAIL_QUERY_STORE, hint: "no such event data store" },
  InactiveEventDataStoreException: {
    code: C.CLOUDTRAIL_QUERY_STORE,
    hint: "the event data store is not enabled",
  },
  EventDataStoreARNInvalidException: { code: C.CLOUDTRAIL_QUERY_STORE, hint: "not a valid event data store" },
};

function classifyApi(error: AwsApiError, message: string, now: number): Error {
  const cause = { cause: error };
  const { status, type } = error;
  const retryAfterMs = parseRetryAfter(error.retryAfter, now);
  const hint = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (status === 429 || THROTTLING.has(type))
    return new RetryableError(message, { ...cause, ...hint, code: C.CLOUDTRAIL_THROTTLED });
  const config = CONFIG_TYPES[type];
  if (config) return new ConfigurationError(`${message} (${config.hint})`, { ...cause, code: config.code });
  if (type === "DuplicatedAuditEventId")
    return new PermanentError(message, { ...cause, code: C.CLOUDTRAIL_DUPLICATE_ID });
  if (type === "InvalidQueryStatementException" || type === "InvalidParameterException")
    return new PermanentError(message, { ...cause, code: C.CLOUDTRAIL_QUERY_INVALID });
  if (status >= 500 || SERVER.has(type))
    return new RetryableError(message, { ...cause, ...hint, code: C.CLOUDTRAIL_SERVER });
  if (status === 401 || status === 403 || AUTH.has(type)) {
    const why =
      type === "RequestExpired" || type === "InvalidSignatureException"
        ? "check the credentials and this machine's clock"
        : "check the credentials and their IAM permissions";
    return new ConfigurationError(`${message} (${why})`, { ...cause, code: C.CLOUDTRAIL_AUTH });
  }
  if (status === 404 || (status >= 300 && status < 400)) {
    return new ConfigurationError(`${message} (is endpoint right?)`, {
      ...cause,
      code: C.CLOUDTRAIL_ENDPOINT,
    });
  }
  return new PermanentError(message, { ...cause, code: C.CLOUDTRAIL_REJECTED });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The SDK error for a failed call, or `error` itself when it is not a failure of the remote side (a bug should
 * surface as it is). `action` says what was attempted (`PutAuditEvents https://...`) and starts the message.
 */
export function classify(error: unknown, action: string, now: number = Date.now()): unknown {
  const text = (error as Error | null)?.message ?? String(error);
  const message = `${action}: ${text}`;
  if (error instanceof AwsApiError) return classifyApi(error, message, now);
  if (error instanceof BadResponseError)
    return new ConfigurationError(message, { cause: error, code: C.CLOUDTRAIL_BAD_RESPONSE });
  if (error instanceof CredentialsError)
    return new ConfigurationError(message, { cause: error, code: C.CLOUDTRAIL_CREDENTIALS });
  const code = errorCode(error);
  const name = (error as Error | null)?.name;
  if (error instanceof RequestTimeoutError || code === "ETIMEDOUT")
    return new RetryableError(message, { cause: error, code: C.CLOUDTRAIL_TIMEOUT });
  // Before the name: the SDK's HTTP handler names ECONNRESET and EPIPE "TimeoutError".
  if (code !== undefined && RETRYABLE_NETWORK_CODES.has(code))
    return new RetryableError(message, { cause: error, code: C.CLOUDTRAIL_NETWORK });
  if (name === "TimeoutError")
    return new RetryableError(message, { cause: error, code: C.CLOUDTRAIL_TIMEOUT });
  if (code === "ABORT_ERR" || name === "AbortError")
    return new RetryableError(message, { cause: error, code: C.CLOUDTRAIL_ABORTED });
  if (code !== undefined && CONFIGURATION_NETWORK_CODES.has(code))
    return new ConfigurationError(message, { cause: error, code: C.CLOUDTRAIL_CONNECT });
  return error;
}

export { parseRetryAfter, MAX_RETRY_AFTER_MS } from "@logshipper/core/sdk";
