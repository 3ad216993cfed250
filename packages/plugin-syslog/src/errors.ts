/**
 * What the syslog plugin's failures mean. The client (send/client.ts) and the receiver (receive/server.ts)
 * report what happened (a socket error code, a timeout, a certificate that does not verify); `classify` turns
 * it into one of the SDK's three error classes, each with a stable code (error-codes.ts):
 *
 * - `RetryableError`: the receiver is down, restarting, slow or unreachable for now. Core retries with backoff.
 * - `ConfigurationError`: nothing will work until the configuration changes (unknown host, certificate that does
 *   not verify, unreadable PEM file, an address that cannot be bound). Core pauses and keeps the data.
 * - Per-record `permanent` outcomes (not thrown): a record whose payload cannot be encoded, or that is too large.
 */
import { ConfigurationError, RETRYABLE_NETWORK_CODES, RetryableError } from "@logshipper/core/sdk";
import { ERROR_CODES } from "./error-codes.js";

/** A timeout of our own making (connect, handshake, write). */
export class SyslogTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(message: string) {
    super(message);
    this.name = "SyslogTimeoutError";
  }
}

/** The peer closed the connection while records were being written. */
export class ConnectionClosedError extends Error {
  readonly code = "ECONNRESET";
  constructor(message = "the receiver closed the connection") {
    super(message);
    this.name = "ConnectionClosedError";
  }
}

/**
 * Under TLS 1.3 the client finishes its handshake before the server has checked the client's certificate; a
 * server that refuses it (or requires one) closes the connection just after. So does a server that is stopping.
 * Seen before any data is written.
 */
export class TlsRejectedError extends Error {
  readonly code = "ETLSREJECTED";
  constructor() {
    super(
      "the server closed the connection right after the TLS handshake: it may require a client certificate " +
        "(tls.cert, tls.key) or refuse the one given",
    );
    this.name = "TlsRejectedError";
  }
}

/** Socket errors of a stream or datagram client, beyond the SDK's common network list. */
const SOCKET_ERRORS = new Set([
  "ENOBUFS",
  "EMSGSIZE",
  "ERR_STREAM_WRITE_AFTER_END",
  "ERR_STREAM_DESTROYED",
  "ERR_SOCKET_CLOSED",
  "ERR_SOCKET_DGRAM_NOT_CONNECTED",
]);

const CERTIFICATE_ERRORS = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "HOSTNAME_MISMATCH",
  "INVALID_CA",
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** True for errors of the TLS layer: verification, handshake alerts, a peer that does not speak TLS. */
export function isTlsError(error: unknown): boolean {
  const code = errorCode(error);
  if (code === undefined) return false;
  return CERTIFICATE_ERRORS.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_");
}

/**
 * The SDK error for a failed connection or write, or `error` itself when it is not a failure of the remote side
 * (a bug should surface as it is). `action` says what was attempted (`connect tls://siem:6514`).
 */
export function classify(error: unknown, action: string): unknown {
  const code = errorCode(error);
  const message = `${action}: ${(error as Error | null)?.message ?? String(error)}`;
  const cause = { cause: error };
  if (code === "ETIMEDOUT")
    return new RetryableError(message, { ...cause, code: ERROR_CODES.SYSLOG_TIMEOUT });
  if (code === "ABORT_ERR" || (error as Error | null)?.name === "AbortError")
    return new RetryableError(message, { ...cause, code: ERROR_CODES.SYSLOG_ABORTED });
  if (error instanceof TlsRejectedError)
    return new RetryableError(message, { ...cause, code: ERROR_CODES.SYSLOG_TLS_REJECTED });
  if (isTlsError(error)) return new ConfigurationError(message, { ...cause, code: ERROR_CODES.SYSLOG_TLS });
  if (code === "ENOTFOUND")
    return new ConfigurationError(message, { ...cause, code: ERROR_CODES.SYSLOG_CONNECT });
  if (code !== undefined && (RETRYABLE_NETWORK_CODES.has(code) || SOCKET_ERRORS.has(code)))
    return new RetryableError(message, { ...cause, code: ERROR_CODES.SYSLOG_NETWORK });
  return error;
}

/** A listener that cannot be bound, or a TLS file that cannot be read, for the receiver. */
export function classifyListen(error: unknown, action: string): unknown {
  const code = errorCode(error);
  const message = `${action}: ${(error as Error | null)?.message ?? String(error)}`;
  if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new ConfigurationError(message, { cause: error, code: ERROR_CODES.SYSLOG_LISTEN });
  return error;
}
