/**
 * Every error code of the `template` plugins, in one catalog (key = the code without `LS_ERR_`). The README's
 * error table lists exactly these (test/error-catalog.test.ts checks it); code refers to the catalog, never to a
 * string.
 */
export const ERROR_CODES = {
  /** Connection refused or reset, network unreachable, temporary DNS failure. Retryable. */
  TEMPLATE_NETWORK: "LS_ERR_TEMPLATE_NETWORK",
  /** No complete response within `timeout`. Retryable. */
  TEMPLATE_TIMEOUT: "LS_ERR_TEMPLATE_TIMEOUT",
  /** The request was cancelled (shutdown). Retryable: nothing was acknowledged. */
  TEMPLATE_ABORTED: "LS_ERR_TEMPLATE_ABORTED",
  /** HTTP 429. Retryable, with the server's Retry-After. */
  TEMPLATE_THROTTLED: "LS_ERR_TEMPLATE_THROTTLED",
  /** HTTP 5xx or 408. Retryable. */
  TEMPLATE_SERVER: "LS_ERR_TEMPLATE_SERVER",
  /** HTTP 401 or 403: the token is missing, wrong or lacks a permission. Configuration. */
  TEMPLATE_AUTH: "LS_ERR_TEMPLATE_AUTH",
  /** HTTP 404: the url names nothing on that server. Configuration. */
  TEMPLATE_NOT_FOUND: "LS_ERR_TEMPLATE_NOT_FOUND",
  /** HTTP 3xx: the client does not follow redirects; set `url` to the final address. Configuration. */
  TEMPLATE_REDIRECT: "LS_ERR_TEMPLATE_REDIRECT",
  /** Unknown host, or a TLS certificate that does not verify. Configuration. */
  TEMPLATE_CONNECT: "LS_ERR_TEMPLATE_CONNECT",
  /** A 2xx response that does not follow the API (not JSON where JSON is due, wrong number of results). Configuration. */
  TEMPLATE_BAD_RESPONSE: "LS_ERR_TEMPLATE_BAD_RESPONSE",
  /** Any other HTTP 4xx: the request itself is refused. Permanent. */
  TEMPLATE_REJECTED: "LS_ERR_TEMPLATE_REJECTED",
  /** The server refused one record in a per-record result. Permanent, for that record only. */
  TEMPLATE_RECORD_REJECTED: "LS_ERR_TEMPLATE_RECORD_REJECTED",
  /** The source's stored checkpoint is not one it writes. */
  TEMPLATE_CHECKPOINT: "LS_ERR_TEMPLATE_CHECKPOINT",
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
