/**
 * Errors plugins throw to classify a failed request. Core decides what to do: retry, dead-letter, or pause.
 * Every error carries a stable code listed in docs/errors.md.
 */
import { ERROR_CODES } from "../error-codes.js";

export type ErrorKind = "retryable" | "permanent" | "config";

export class LogShipperError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class DestinationError extends LogShipperError {
  readonly kind: ErrorKind;
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number | undefined },
  ) {
    super(code, message, options);
    this.kind = kind;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Transient: network, throttling, 5xx. Core retries with backoff, honouring `retryAfterMs`. */
export class RetryableError extends DestinationError {
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number; code?: string }) {
    super("retryable", options?.code ?? ERROR_CODES.DEST_RETRYABLE, message, options);
  }
}

/** The data itself is refused: the whole batch goes to the dead letters with this reason. */
export class PermanentError extends DestinationError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super("permanent", options?.code ?? ERROR_CODES.DEST_PERMANENT, message, options);
  }
}

/** Configuration-level (bad credentials, missing bucket or channel): core pauses the destination and keeps its data. */
export class ConfigurationError extends DestinationError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super("config", options?.code ?? ERROR_CODES.DEST_CONFIG, message, options);
  }
}
