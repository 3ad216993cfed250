/** Classify file-system errors: transient ones are retried by core, configuration-level ones pause the plugin. */
import { ConfigurationError, RetryableError } from "../../sdk/index.js";
import { ERROR_CODES, type FileErrorCode } from "./error-codes.js";

/** Transient, by errno: the disk is full or busy, too many open files, an I/O error that may pass. */
const RETRYABLE = new Map<string, FileErrorCode>([
  ["ENOSPC", ERROR_CODES.FILE_ENOSPC],
  ["EDQUOT", ERROR_CODES.FILE_EDQUOT],
  ["EIO", ERROR_CODES.FILE_EIO],
  ["EAGAIN", ERROR_CODES.FILE_EAGAIN],
  ["EBUSY", ERROR_CODES.FILE_EBUSY],
  ["EMFILE", ERROR_CODES.FILE_EMFILE],
  ["ENFILE", ERROR_CODES.FILE_ENFILE],
  ["ETIMEDOUT", ERROR_CODES.FILE_ETIMEDOUT],
  ["EINTR", ERROR_CODES.FILE_EINTR],
  // A file or directory that vanished while it was being read or written (the source skips files that go).
  ["ENOENT", ERROR_CODES.FILE_ENOENT],
]);
/** The configuration or the environment must change: permissions, read-only file system, a file where a directory should be. */
const CONFIGURATION = new Map<string, FileErrorCode>([
  ["EACCES", ERROR_CODES.FILE_EACCES],
  ["EPERM", ERROR_CODES.FILE_EPERM],
  ["EROFS", ERROR_CODES.FILE_EROFS],
  ["ENOTDIR", ERROR_CODES.FILE_ENOTDIR],
  ["EISDIR", ERROR_CODES.FILE_EISDIR],
  ["EEXIST", ERROR_CODES.FILE_EEXIST],
  ["ENAMETOOLONG", ERROR_CODES.FILE_ENAMETOOLONG],
  ["ELOOP", ERROR_CODES.FILE_ELOOP],
]);
/** An errno name (`EXDEV`), not one of Node's own codes (`ERR_STREAM_PREMATURE_CLOSE`) or zlib's (`Z_DATA_ERROR`). */
const ERRNO = /^E[A-Z0-9]+$/;

export function fsErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The error to throw for a failed file-system call: a `RetryableError` or a `ConfigurationError` with the code
 * of its errno (another errno: `LS_ERR_FILE_IO`, retryable), or the original error when it has no errno.
 */
export function classifyFsError(error: unknown, action: string): unknown {
  const code = fsErrorCode(error);
  if (code === undefined) return error;
  const message = `${action}: ${(error as Error).message}`;
  const configuration = CONFIGURATION.get(code);
  if (configuration) return new ConfigurationError(message, { cause: error, code: configuration });
  const retryable = RETRYABLE.get(code) ?? (ERRNO.test(code) ? ERROR_CODES.FILE_IO : undefined);
  if (retryable) return new RetryableError(message, { cause: error, code: retryable });
  return error;
}
