/** Classify file-system errors: transient ones are retried by core, configuration-level ones pause the plugin. */
import { ConfigurationError, RetryableError } from "../../sdk/index.js";

/** Transient: the disk is full or busy, too many open files, an I/O error that may pass. */
const RETRYABLE = new Set([
  "ENOSPC",
  "EDQUOT",
  "EIO",
  "EAGAIN",
  "EBUSY",
  "EMFILE",
  "ENFILE",
  "ETIMEDOUT",
  "EINTR",
]);
/** The configuration or the environment must change: permissions, read-only file system, a file where a directory should be. */
const CONFIGURATION = new Set([
  "EACCES",
  "EPERM",
  "EROFS",
  "ENOTDIR",
  "EISDIR",
  "EEXIST",
  "ENAMETOOLONG",
  "ELOOP",
]);

export function fsErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The error to throw for a failed file-system call: a `RetryableError` or a `ConfigurationError` with the same
 * code in its message, or the original error when its code is not known here.
 */
export function classifyFsError(error: unknown, action: string): unknown {
  const code = fsErrorCode(error);
  if (code === undefined) return error;
  const message = `${action}: ${(error as Error).message}`;
  if (RETRYABLE.has(code)) return new RetryableError(message, { cause: error, code: `LS_ERR_FILE_${code}` });
  if (CONFIGURATION.has(code))
    return new ConfigurationError(message, { cause: error, code: `LS_ERR_FILE_${code}` });
  return error;
}

/** Run an fs call, throwing the classified error when it fails. */
export async function withFsErrors<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classifyFsError(error, action);
  }
}
