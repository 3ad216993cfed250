/**
 * Shared classification of network failures, for plugins that talk to remote services: which socket and TLS
 * error codes may pass on their own (retry) and which need a change of configuration (pause), and the
 * `Retry-After` header. One list, so every plugin treats a refused connection or a bad certificate alike.
 */

/** Network errors that may pass on their own: core retries. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

/** Connection errors that need a change of configuration: unknown host, certificates that do not verify. */
export const CONFIGURATION_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ENOTFOUND",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** What a network error code calls for, or undefined when it is not a known network failure. */
export function networkErrorKind(code: string | undefined): "retryable" | "config" | undefined {
  if (code === undefined) return undefined;
  if (RETRYABLE_NETWORK_CODES.has(code)) return "retryable";
  if (CONFIGURATION_NETWORK_CODES.has(code)) return "config";
  return undefined;
}

/** Longest throttling hint honoured, so that a bogus header cannot stall a destination for days. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), as milliseconds from `now`, capped. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}
