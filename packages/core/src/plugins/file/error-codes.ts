/**
 * Every error code of the built-in `file` plugin, in one catalog (key = the code without `LS_ERR_`). A failed
 * file-system call gets the code of its errno; docs/errors.md ("file plugin") lists exactly these. Code refers
 * to `ERROR_CODES.X`, never to a string.
 */
export const ERROR_CODES = {
  // Retryable: the condition may pass (disk full or busy, too many open files, an I/O error).
  FILE_ENOSPC: "LS_ERR_FILE_ENOSPC",
  FILE_EDQUOT: "LS_ERR_FILE_EDQUOT",
  FILE_EIO: "LS_ERR_FILE_EIO",
  FILE_EAGAIN: "LS_ERR_FILE_EAGAIN",
  FILE_EBUSY: "LS_ERR_FILE_EBUSY",
  FILE_EMFILE: "LS_ERR_FILE_EMFILE",
  FILE_ENFILE: "LS_ERR_FILE_ENFILE",
  FILE_ETIMEDOUT: "LS_ERR_FILE_ETIMEDOUT",
  FILE_EINTR: "LS_ERR_FILE_EINTR",
  FILE_ENOENT: "LS_ERR_FILE_ENOENT",
  // Configuration: the options or the environment must change (permissions, a file where a directory should be).
  FILE_EACCES: "LS_ERR_FILE_EACCES",
  FILE_EPERM: "LS_ERR_FILE_EPERM",
  FILE_EROFS: "LS_ERR_FILE_EROFS",
  FILE_ENOTDIR: "LS_ERR_FILE_ENOTDIR",
  FILE_EISDIR: "LS_ERR_FILE_EISDIR",
  FILE_EEXIST: "LS_ERR_FILE_EEXIST",
  FILE_ENAMETOOLONG: "LS_ERR_FILE_ENAMETOOLONG",
  FILE_ELOOP: "LS_ERR_FILE_ELOOP",
  // Any other errno: retried.
  FILE_IO: "LS_ERR_FILE_IO",
} as const;

export type FileErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
