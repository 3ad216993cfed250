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

export const CLOUDTRAIL_ERROR_CODES = {
  network: "LS_ERR_CLOUDTRAIL_NETWORK",
  timeout: "LS_ERR_CLOUDTRAIL_TIMEOUT",
  aborted: "LS_ERR_CLOUDTRAIL_ABORTED",
  throttled: "LS_ERR_CLOUDTRAIL_THROTTLED",
  server: "LS_ERR_CLOUDTRAIL_SERVER",
  auth: "LS_ERR_CLOUDTRAIL_AUTH",
  credentials: "LS_ERR_CLOUDTRAIL_CREDENTIALS",
  connect: "LS_ERR_CLOUDTRAIL_CONNECT",
  endpoint: "LS_ERR_CLOUDTRAIL_ENDPOINT",
  badResponse: "LS_ERR_CLOUDTRAIL_BAD_RESPONSE",
  channelNotFound: "LS_ERR_CLOUDTRAIL_CHANNEL_NOT_FOUND",
  channelPermission: "LS_ERR_CLOUDTRAIL_CHANNEL_PERMISSION",
  channelSchema: "LS_ERR_CLOUDTRAIL_CHANNEL_SCHEMA",
  channelArn: "LS_ERR_CLOUDTRAIL_CHANNEL_ARN",
  unsupported: "LS_ERR_CLOUDTRAIL_UNSUPPORTED",
  account: "LS_ERR_CLOUDTRAIL_ACCOUNT",
  duplicateId: "LS_ERR_CLOUDTRAIL_DUPLICATE_ID",
  rejected: "LS_ERR_CLOUDTRAIL_REJECTED",
  eventRejected: "LS_ERR_CLOUDTRAIL_EVENT_REJECTED",
  eventInvalid: "LS_ERR_CLOUDTRAIL_EVENT_INVALID",
  eventTooLarge: "LS_ERR_CLOUDTRAIL_EVENT_TOO_LARGE",
  queryFailed: "LS_ERR_CLOUDTRAIL_QUERY_FAILED",
  queryInvalid: "LS_ERR_CLOUDTRAIL_QUERY_INVALID",
  queryStore: "LS_ERR_CLOUDTRAIL_QUERY_STORE",
  queryUsage: "LS_ERR_CLOUDTRAIL_QUERY_USAGE",
} as const;

const C = CLOUDTRAIL_ERROR_CODES;

/** A `lake query` argument that cannot work: the CLI exits 2 (`exitCode`). */
export class QueryUsageError extends LogShipperError {
  readonly exitCode = 2;
  constructor(message: string) {
    super(CLOUDTRAIL_ERROR_CODES.queryUsage, message);
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
  ChannelNotFound: { code: C.channelNotFound, hint: "check channelArn: the channel does not exist" },
  ChannelNotFoundException: { code: C.channelNotFound, hint: "check channelArn: the channel does not exist" },
  ChannelInsufficientPermission: {
    code: C.channelPermission,
    hint: "the channel's resource policy does not allow these credentials (or externalId does not match it)",
  },
  ChannelUnsupportedSchema: {
    code: C.channelSchema,
    hint: "the channel's event data store does not take integration events (ActivityAuditLog)",
  },
  InvalidChannelARN: { code: C.channelArn, hint: "channelArn is not a valid channel ARN" },
  ChannelARNInvalidException: { code: C.channelArn, hint: "channelArn is not a valid channel ARN" },
  UnsupportedOperationException: {
    code: C.unsupported,
    hint: "this account or region does not support CloudTrail Lake ingestion (closed to new customers from 31 May 2026)",
  },
  EventDataStoreNotFoundException: { code: C.queryStore, hint: "no such event data store" },
  InactiveEventDataStoreException: { code: C.queryStore, hint: "the event data store is not enabled" },
  EventDataStoreARNInvalidException: { code: C.queryStore, hint: "not a valid event data store" },
};

function classifyApi(error: AwsApiError, message: string, now: number): Error {
  const cause = { cause: error };
  const { status, type } = error;
  const retryAfterMs = parseRetryAfter(error.retryAfter, now);
  const hint = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (status === 429 || THROTTLING.has(type))
    return new RetryableError(message, { ...cause, ...hint, code: C.throttled });
  const config = CONFIG_TYPES[type];
  if (config) return new ConfigurationError(`${message} (${config.hint})`, { ...cause, code: config.code });
  if (type === "DuplicatedAuditEventId")
    return new PermanentError(message, { ...cause, code: C.duplicateId });
  if (type === "InvalidQueryStatementException" || type === "InvalidParameterException")
    return new PermanentError(message, { ...cause, code: C.queryInvalid });
  if (status >= 500 || SERVER.has(type))
    return new RetryableError(message, { ...cause, ...hint, code: C.server });
  if (status === 401 || status === 403 || AUTH.has(type)) {
    const why =
      type === "RequestExpired" || type === "InvalidSignatureException"
        ? "check the credentials and this machine's clock"
        : "check the credentials and their IAM permissions";
    return new ConfigurationError(`${message} (${why})`, { ...cause, code: C.auth });
  }
  if (status === 404 || (status >= 300 && status < 400)) {
    return new ConfigurationError(`${message} (is endpoint right?)`, { ...cause, code: C.endpoint });
  }
  return new PermanentError(message, { ...cause, code: C.rejected });
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
    return new ConfigurationError(message, { cause: error, code: C.badResponse });
  if (error instanceof CredentialsError)
    return new ConfigurationError(message, { cause: error, code: C.credentials });
  const code = errorCode(error);
  const name = (error as Error | null)?.name;
  if (error instanceof RequestTimeoutError || code === "ETIMEDOUT")
    return new RetryableError(message, { cause: error, code: C.timeout });
  // Before the name: the SDK's HTTP handler names ECONNRESET and EPIPE "TimeoutError".
  if (code !== undefined && RETRYABLE_NETWORK_CODES.has(code))
    return new RetryableError(message, { cause: error, code: C.network });
  if (name === "TimeoutError") return new RetryableError(message, { cause: error, code: C.timeout });
  if (code === "ABORT_ERR" || name === "AbortError")
    return new RetryableError(message, { cause: error, code: C.aborted });
  if (code !== undefined && CONFIGURATION_NETWORK_CODES.has(code))
    return new ConfigurationError(message, { cause: error, code: C.connect });
  return error;
}

export { parseRetryAfter, MAX_RETRY_AFTER_MS } from "@logshipper/core/sdk";
