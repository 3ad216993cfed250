import { ERROR_CODES } from "../error-codes.js";
import { LogShipperError } from "../sdk/errors.js";

/** Where something is in the rule text. `line` and `column` count from 1; `offset` from 0 (UTF-16 units). */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

export interface RuleSyntaxErrorDetails extends SourcePosition {
  /** What the parser expected at this point, e.g. `a value after "=="`. */
  expected: string;
  /** What it found instead, e.g. `")"` or `the end of the rule`. */
  found: string;
  /** Extra explanation appended to the message (e.g. the RE2 error for a bad pattern). */
  detail?: string | undefined;
}

/** A business rule that does not parse, or a MATCHES pattern that RE2 does not accept. */
export class RuleSyntaxError extends LogShipperError {
  static readonly CODE = ERROR_CODES.RULE_SYNTAX;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly expected: string;
  readonly found: string;

  constructor(details: RuleSyntaxErrorDetails) {
    const detail = details.detail === undefined || details.detail === "" ? "" : ` (${details.detail})`;
    super(
      RuleSyntaxError.CODE,
      `line ${details.line}, column ${details.column}: expected ${details.expected} but found ${details.found}${detail}`,
    );
    this.line = details.line;
    this.column = details.column;
    this.offset = details.offset;
    this.expected = details.expected;
    this.found = details.found;
  }
}
