/**
 * The budget of a mapping's evaluation on one record (docs/mappings.md, "Budget"): time, steps and the size of
 * a range, so that no record can stop the lanes, `/metrics` or SIGTERM. Compiled mappings count them in the
 * compiled code (@logshipper/jsonata-compiler); interpreted ones use jsonata's own guards (timeout, stack
 * depth, sequence size). Both run regexes on RE2 (linear time). A record past its budget is dead-lettered.
 */
import { BudgetExceeded, RegexSyntaxError, Re2RegExp, type Budget } from "@logshipper/jsonata-compiler";
import type jsonata from "jsonata";
import { ERROR_CODES } from "../error-codes.js";
import { MappingError } from "./errors.js";

/** The limits of one evaluation, as the configuration gives them (`siemMappings[].budget`). */
export interface MappingBudget {
  /** Milliseconds one record's evaluation may take. */
  maxMillis: number;
  /** Steps (function calls, items a path or predicate visits, items of ranges) it may take. */
  maxSteps: number;
  /** Items one range (`[1..n]`) or sequence may hold. */
  maxItems: number;
}

/**
 * The defaults: a library mapping takes well under a millisecond and a few hundred steps per record, so
 * these only stop runaways; 200 ms keeps SIGTERM and `/metrics` answering within a second.
 */
export const DEFAULT_MAPPING_BUDGET: Readonly<MappingBudget> = {
  maxMillis: 200,
  maxSteps: 5_000_000,
  maxItems: 1_000_000,
};

/** The interpreter's stack guard: nested evaluations (jsonata's depth), far past any sane mapping. */
const INTERPRETER_DEPTH = 5000;

/** The compiler's budget for `budget`. */
export function compilerBudget(budget: MappingBudget): Budget {
  return { maxMillis: budget.maxMillis, maxSteps: budget.maxSteps, maxItems: budget.maxItems };
}

/** jsonata's options for an interpreted mapping: its guards, and regexes on RE2. */
export function interpreterOptions(budget: MappingBudget): jsonata.JsonataOptions {
  return {
    RegexEngine: Re2RegExp as unknown as RegExpConstructor,
    timeout: budget.maxMillis,
    stack: INTERPRETER_DEPTH,
    sequence: budget.maxItems,
  };
}

/** jsonata's codes for its guards: D1011 stack too deep, D1012 timeout, D2015 sequence too long. */
const INTERPRETER_LIMITS: Record<string, string> = {
  D1011: "evaluation exceeded the interpreter's stack depth (recursion too deep)",
  D1012: "evaluation exceeded its time budget",
  D2015: "evaluation built a sequence larger than its budget",
};

/**
 * The `MappingError` for an evaluation that went past its budget (compiled code's `BudgetExceeded`, a guard
 * of the interpreter, or the JavaScript engine's own limits), else undefined.
 */
export function budgetError(err: unknown, file: string): MappingError | undefined {
  let kind: "size" | "other";
  let detail: string;
  if (err instanceof BudgetExceeded) {
    kind = err.kind === "size" ? "size" : "other";
    detail = err.message;
  } else if (
    err instanceof RangeError &&
    /call stack|Invalid (string|array|typed array) length/.test(err.message)
  ) {
    kind = err.message.includes("call stack") ? "other" : "size";
    detail = err.message;
  } else {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code !== "string" || INTERPRETER_LIMITS[code] === undefined) return undefined;
    kind = code === "D2015" ? "size" : "other";
    detail = `${INTERPRETER_LIMITS[code]} (${code})`;
  }
  const code = kind === "size" ? ERROR_CODES.MAPPING_SIZE : ERROR_CODES.MAPPING_BUDGET;
  return new MappingError(code, `${file}: ${detail}; the record is dead-lettered`, { file });
}

/** The `MappingError` (`LS_ERR_MAPPING_REGEX`, at load) for a regex RE2 cannot run, else undefined. */
export function regexError(
  err: unknown,
  file: string,
  locate: (position: number) => { line: number; column: number },
): MappingError | undefined {
  if (!(err instanceof RegexSyntaxError)) return undefined;
  const where = err.position === undefined ? undefined : locate(err.position);
  const at = where ? `:${where.line}:${where.column}` : "";
  return new MappingError(
    ERROR_CODES.MAPPING_REGEX,
    `${file}${at}: ${err.message} (mapping regexes run on RE2: no backreferences, no lookaround)`,
    { file, line: where?.line, column: where?.column },
  );
}
