import { ERROR_CODES } from "../error-codes.js";
import { LogShipperError } from "../sdk/errors.js";

/**
 * Stable codes of mapping errors (listed in docs/errors.md):
 * - `LS_ERR_MAPPING_SYNTAX`: the JSONata text does not compile (found at load, with file, line and column);
 * - `LS_ERR_MAPPING_EVAL`: evaluation failed on one record (the record goes to the dead letters);
 * - `LS_ERR_MAPPING_REGEX`: a regex of the mapping is one RE2 cannot run (backreferences, lookaround; at load);
 * - `LS_ERR_MAPPING_EMPTY`: the mapping produced nothing (`undefined`) for one record (dead letters too);
 * - `LS_ERR_MAPPING_BUDGET`: the evaluation of one record ran past its time or step budget, or recursed too
 *   deep (dead letters);
 * - `LS_ERR_MAPPING_SIZE`: it built a range or value larger than its budget allows (dead letters).
 */
export type MappingErrorCode =
  | typeof ERROR_CODES.MAPPING_SYNTAX
  | typeof ERROR_CODES.MAPPING_REGEX
  | typeof ERROR_CODES.MAPPING_EVAL
  | typeof ERROR_CODES.MAPPING_EMPTY
  | typeof ERROR_CODES.MAPPING_BUDGET
  | typeof ERROR_CODES.MAPPING_SIZE;

export interface MappingErrorDetails {
  /** The mapping file (or a label such as `(default mapping of s3)`); "" when not known. */
  file?: string | undefined;
  /** JSONata's own error code (`S0201`, `T2001`, ...), when the error came from JSONata. */
  jsonataCode?: string | undefined;
  /** 1-based line and column in the mapping text, when JSONata reported a position. */
  line?: number | undefined;
  column?: number | undefined;
  cause?: unknown;
}

/**
 * A mapping failed to compile or to evaluate. Messages never contain record data: values JSONata would quote
 * from the record (`The values "x" and 1 either side of operator "<" ...`) are replaced by `<value>`.
 */
export class MappingError extends LogShipperError {
  readonly file: string;
  readonly jsonataCode: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: MappingErrorCode, message: string, details: MappingErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.file = details.file ?? "";
    this.jsonataCode = details.jsonataCode;
    this.line = details.line;
    this.column = details.column;
  }
}
