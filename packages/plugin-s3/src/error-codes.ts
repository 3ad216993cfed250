/**
 * Every error code of the `s3` plugins, in one catalog (key = the code without `LS_ERR_`). The README's error
 * table lists exactly these; code refers to `ERROR_CODES.X`, never to a string.
 */
export const ERROR_CODES = {
  S3_THROTTLED: "LS_ERR_S3_THROTTLED",
  S3_SERVER: "LS_ERR_S3_SERVER",
  S3_NETWORK: "LS_ERR_S3_NETWORK",
  S3_TIMEOUT: "LS_ERR_S3_TIMEOUT",
  S3_ABORTED: "LS_ERR_S3_ABORTED",
  S3_ACCESS_DENIED: "LS_ERR_S3_ACCESS_DENIED",
  S3_CREDENTIALS: "LS_ERR_S3_CREDENTIALS",
  S3_NO_SUCH_BUCKET: "LS_ERR_S3_NO_SUCH_BUCKET",
  S3_NO_SUCH_KEY: "LS_ERR_S3_NO_SUCH_KEY",
  S3_KMS: "LS_ERR_S3_KMS",
  S3_REGION: "LS_ERR_S3_REGION",
  S3_CONNECT: "LS_ERR_S3_CONNECT",
  S3_BAD_REQUEST: "LS_ERR_S3_BAD_REQUEST",
  S3_QUEUE_NOT_FOUND: "LS_ERR_S3_QUEUE_NOT_FOUND",
  S3_CHECKPOINT: "LS_ERR_S3_CHECKPOINT",
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
