/**
 * Every error code the core package defines, in one place (the fastify model: one object of codes, with a test,
 * test/error-catalog.test.ts, that checks docs/errors.md lists exactly these). Non-test code refers to
 * `ERROR_CODES.X`, never to an `LS_ERR_` string literal. The key is the code without its `LS_ERR_` prefix.
 * The built-in file plugin keeps its own catalog in plugins/file/error-codes.ts.
 */
export const ERROR_CODES = {
  // Configuration and usage (exit code 2).
  CONFIG_INVALID: "LS_ERR_CONFIG_INVALID",
  RULE_SYNTAX: "LS_ERR_RULE_SYNTAX",
  MAPPING_SYNTAX: "LS_ERR_MAPPING_SYNTAX",
  MAPPING_REGEX: "LS_ERR_MAPPING_REGEX",
  // Runtime (exit code 1).
  STATE_LOCKED: "LS_ERR_STATE_LOCKED",
  STATE_CORRUPT: "LS_ERR_STATE_CORRUPT",
  STATE_FULL: "LS_ERR_STATE_FULL",
  STATE_DISK_LOW: "LS_ERR_STATE_DISK_LOW",
  // Records, kept as dead letters.
  INPUT_MALFORMED: "LS_ERR_INPUT_MALFORMED",
  RECORD_TOO_DEEP: "LS_ERR_RECORD_TOO_DEEP",
  MAPPING_EVAL: "LS_ERR_MAPPING_EVAL",
  MAPPING_EMPTY: "LS_ERR_MAPPING_EMPTY",
  MAPPING_BUDGET: "LS_ERR_MAPPING_BUDGET",
  MAPPING_SIZE: "LS_ERR_MAPPING_SIZE",
  OUTPUT_SCHEMA: "LS_ERR_OUTPUT_SCHEMA",
  RECORD_TOO_LARGE: "LS_ERR_RECORD_TOO_LARGE",
  DEST_REJECTED: "LS_ERR_DEST_REJECTED",
  DEST_PERMANENT: "LS_ERR_DEST_PERMANENT",
  // Destinations, retried or paused.
  DEST_RETRYABLE: "LS_ERR_DEST_RETRYABLE",
  DEST_CONFIG: "LS_ERR_DEST_CONFIG",
  DELIVERY_INTERRUPTED: "LS_ERR_DELIVERY_INTERRUPTED",
} as const;

/** One of core's codes. */
export type CoreErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
