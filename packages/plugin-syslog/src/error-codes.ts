/**
 * Every error code of the `syslog` plugins, in one catalog (key = the code without `LS_ERR_`). The README's error
 * table lists exactly these; code refers to `ERROR_CODES.X`, never to a string. errors.ts says which SDK error
 * class each one comes with.
 */
export const ERROR_CODES = {
  /** Connection refused, reset or closed, network unreachable, temporary DNS failure. Retryable. */
  SYSLOG_NETWORK: "LS_ERR_SYSLOG_NETWORK",
  /** No connection, TLS handshake or write completion within `connectTimeout` / `writeTimeout`. Retryable. */
  SYSLOG_TIMEOUT: "LS_ERR_SYSLOG_TIMEOUT",
  /** The send was cancelled at shutdown before the socket took every record. Retryable. */
  SYSLOG_ABORTED: "LS_ERR_SYSLOG_ABORTED",
  /** Unknown host. Configuration. */
  SYSLOG_CONNECT: "LS_ERR_SYSLOG_CONNECT",
  /** The TLS handshake failed: certificate does not verify, wrong name, refused client certificate. Configuration. */
  SYSLOG_TLS: "LS_ERR_SYSLOG_TLS",
  /**
   * The server closed the connection right after the TLS 1.3 handshake, before any data: it refuses our client
   * certificate (or wants one), or it was shutting down. Retryable: a restarting receiver must not pause delivery.
   */
  SYSLOG_TLS_REJECTED: "LS_ERR_SYSLOG_TLS_REJECTED",
  /** A `tls` file (ca, cert, key) cannot be read or parsed. Configuration. */
  SYSLOG_TLS_FILE: "LS_ERR_SYSLOG_TLS_FILE",
  /** The mapped record's `message` cannot be encoded as the configured payload (CEF, LEEF, ...). Permanent. */
  SYSLOG_PAYLOAD: "LS_ERR_SYSLOG_PAYLOAD",
  /** The header and structured data alone exceed maxMessageSize, or `oversize: reject`. Permanent. */
  SYSLOG_TOO_LARGE: "LS_ERR_SYSLOG_TOO_LARGE",
  /** The receiver cannot listen on an address (in use, permission denied, no such address). Configuration. */
  SYSLOG_LISTEN: "LS_ERR_SYSLOG_LISTEN",
  /** The source's stored checkpoint is not `{received}`. */
  SYSLOG_CHECKPOINT: "LS_ERR_SYSLOG_CHECKPOINT",
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
