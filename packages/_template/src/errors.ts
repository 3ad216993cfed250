/**
 * What the remote side's failures mean. The client (client.ts) reports what happened: a network error code, an
 * HTTP status, a response it could not read. `classify` turns that into one of the SDK's three error classes,
 * and core decides what to do with it:
 *
 * - `RetryableError`: transient (network, timeout, 429, 5xx). Core retries with exponential backoff and jitter,
 *   and waits at least `retryAfterMs` when the server said how long.
 * - `PermanentError`: this data is refused (400, 413, 422, ...). Core moves the batch to the dead letters with
 *   the reason, and goes on.
 * - `ConfigurationError`: nothing will work until the configuration changes (401, 403, 404, unknown host, bad
 *   certificate). Core pauses the destination and keeps its data; it tries again after `retry.pauseDelay`.
 *
 * Every error carries a stable code, so that operators can search for it and alerts can match it.
 */
import { RETRYABLE_NETWORK_CODES, CONFIGURATION_NETWORK_CODES, parseRetryAfter } from "@logshipper/core/sdk";
import { ConfigurationError, PermanentError, RetryableError } from "@logshipper/core/sdk";
import { ERROR_CODES } from "./error-codes.js";

/** A response whose status is not 2xx. Thrown by the client; `classify` decides what it means. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    /** The raw `Retry-After` header, when the server sent one. */
    readonly retryAfter: string | undefined,
    /** The start of the response body, for the error message. */
    readonly bodyExcerpt: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpStatusError";
  }
}

/** A response that does not follow the API's protocol. */
export class BadResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadResponseError";
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function classifyStatus(error: HttpStatusError, message: string, now: number): Error {
  const { status } = error;
  const cause = { cause: error };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(error.retryAfter, now);
    return new RetryableError(message, {
      ...cause,
      code: ERROR_CODES.TEMPLATE_THROTTLED,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  if (status >= 500 || status === 408) {
    const retryAfterMs = parseRetryAfter(error.retryAfter, now);
    return new RetryableError(message, {
      ...cause,
      code: ERROR_CODES.TEMPLATE_SERVER,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  if (status === 401 || status === 403)
    return new ConfigurationError(message, { ...cause, code: ERROR_CODES.TEMPLATE_AUTH });
  if (status === 404)
    return new ConfigurationError(message, { ...cause, code: ERROR_CODES.TEMPLATE_NOT_FOUND });
  if (status >= 300 && status < 400)
    return new ConfigurationError(message, { ...cause, code: ERROR_CODES.TEMPLATE_REDIRECT });
  if (status === 413) {
    return new PermanentError(
      `${message} (the request is too large; lower the destination's batch.maxBytes)`,
      {
        ...cause,
        code: ERROR_CODES.TEMPLATE_REJECTED,
      },
    );
  }
  return new PermanentError(message, { ...cause, code: ERROR_CODES.TEMPLATE_REJECTED });
}

/**
 * The SDK error for a failed request, or `error` itself when it is not a failure of the remote side (a bug in the
 * plugin should surface as it is, not be disguised as a remote failure). `action` says what was attempted, e.g.
 * `POST http://host/ingest`; it starts the message.
 */
export function classify(error: unknown, action: string, now: number = Date.now()): unknown {
  if (error instanceof HttpStatusError) return classifyStatus(error, `${action}: ${error.message}`, now);
  if (error instanceof BadResponseError) {
    return new ConfigurationError(`${action}: ${error.message}`, {
      cause: error,
      code: ERROR_CODES.TEMPLATE_BAD_RESPONSE,
    });
  }
  const code = errorCode(error);
  const message = `${action}: ${(error as Error | null)?.message ?? String(error)}`;
  if (code === "ETIMEDOUT")
    return new RetryableError(message, { cause: error, code: ERROR_CODES.TEMPLATE_TIMEOUT });
  if (code === "ABORT_ERR" || (error as Error | null)?.name === "AbortError") {
    return new RetryableError(message, { cause: error, code: ERROR_CODES.TEMPLATE_ABORTED });
  }
  if (code !== undefined && RETRYABLE_NETWORK_CODES.has(code)) {
    return new RetryableError(message, { cause: error, code: ERROR_CODES.TEMPLATE_NETWORK });
  }
  if (code !== undefined && CONFIGURATION_NETWORK_CODES.has(code)) {
    return new ConfigurationError(message, { cause: error, code: ERROR_CODES.TEMPLATE_CONNECT });
  }
  return error;
}

export { parseRetryAfter, MAX_RETRY_AFTER_MS } from "@logshipper/core/sdk";
