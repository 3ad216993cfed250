/**
 * SIEM mappings (docs/architecture.md, A record's path): one JSONata expression per file, compiled once at
 * load. The expression is compiled to JavaScript closures (@logshipper/jsonata-compiler) when it stays within
 * the compiled subset, else it runs on jsonata's interpreter; both give the same values and the same errors.
 */
import {
  analyzeReads,
  checkRegexes,
  compileExpression,
  isAmbiguous,
  type AstNode,
  type FieldReads,
} from "@logshipper/jsonata-compiler";
import jsonata from "jsonata";
import { ERROR_CODES } from "../error-codes.js";
import type { LogRecord } from "../sdk/types.js";
import {
  budgetError,
  compilerBudget,
  DEFAULT_MAPPING_BUDGET,
  interpreterOptions,
  regexError,
  type MappingBudget,
} from "./budget.js";
import { MappingError } from "./errors.js";
import { asJsonataError, errorLocation, evaluationMessage, lineColumn } from "./messages.js";

export interface CompiledMapping {
  /** The mapping file (or a label such as `<default mapping of s3>`), used in every error message. */
  readonly file: string;
  /** The JSONata text as given. */
  readonly text: string;
  /** The limits of each record's evaluation. */
  readonly budget: MappingBudget;
  /** The input fields the expression reads, in JSONata notation (`user.name`); `{"$"}` when it reads all. */
  readonly readPaths: ReadonlySet<string>;
  /** True when the expression reads the whole input (`$`, `$keys($)`, `*`, `**`, ...): nothing is unmapped. */
  readonly readsAll: boolean;
  /** The analysis behind `readPaths`, `readsAll` and `unmappedFields`. */
  readonly reads: FieldReads;
  /** `compiled`: the expression runs as JavaScript closures; `interpreted`: on jsonata's interpreter. */
  readonly evaluator: "compiled" | "interpreted";
  /** Why the expression is interpreted (the construct or function the compiler does not handle). */
  readonly fallbackReason?: string;
  /**
   * Present when compiled: `evaluate` without a promise, and the fast way to map. Returns the value
   * (`undefined` when the mapping produces nothing), the interpreter's value, or throws a `MappingError`
   * (`LS_ERR_MAPPING_EVAL`). When it throws, `evaluate` gives the authoritative outcome: it differs in two
   * cases, where `evaluate` asks the interpreter: several members of one object or array constructor fail
   * on the record (jsonata evaluates them concurrently and reports whichever failure its scheduler reaches
   * first; `evaluateSync` reports the first in key order). A record past the budget throws
   * `LS_ERR_MAPPING_BUDGET` or `LS_ERR_MAPPING_SIZE` from both.
   */
  readonly evaluateSync?: (record: LogRecord) => unknown;
  /**
   * Evaluates the expression with `record.data` as input and `$id`, `$type`, `$subtype`, `$source`, `$time`
   * bound to the record's metadata. Rejects with a `MappingError` (`LS_ERR_MAPPING_EVAL`) when evaluation
   * fails, `LS_ERR_MAPPING_BUDGET` or `LS_ERR_MAPPING_SIZE` when it goes past the budget. Resolves to `undefined` when the mapping produces nothing: use `mapRecord` to get that as an error.
   * The value may hold JSONata sequences (arrays with extra hidden members); `JSON.stringify` it.
   */
  evaluate(record: LogRecord): Promise<unknown>;
  /** A copy of `data` without the fields the expression reads; undefined when nothing is left. */
  unmappedFields(data: unknown): Record<string, unknown> | undefined;
}

/** What `mapRecord` returns for one record. */
export interface MappedRecord {
  value: unknown;
  /** Present when `additionalData` was asked for and some input fields were never read. */
  unmapped?: Record<string, unknown>;
}

/** Options of `compileMapping`. */
export interface CompileMappingOptions {
  /** false: always use jsonata's interpreter (for comparisons and benchmarks). Default true. */
  compile?: boolean;
  /** The limits of each record's evaluation (default DEFAULT_MAPPING_BUDGET). */
  budget?: MappingBudget;
}

/** Parses the text with jsonata (its guards and RE2 regexes for the interpreter), or throws the syntax error. */
function parse(source: string, file: string, budget: MappingBudget): jsonata.Expression {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, interpreterOptions(budget));
  } catch (err) {
    const j = asJsonataError(err);
    const jsonataCode = j ? String(j.code) : undefined;
    const where = j ? errorLocation(source, j) : undefined;
    const detail =
      typeof j?.message === "string" ? j.message : err instanceof Error ? err.message : String(err);
    const at = where ? `:${where.line}:${where.column}` : "";
    throw new MappingError(
      ERROR_CODES.MAPPING_SYNTAX,
      `${file}${at}: ${detail}${jsonataCode ? ` (${jsonataCode})` : ""}`,
      { file, jsonataCode, line: where?.line, column: where?.column, cause: err },
    );
  }
  try {
    checkRegexes(expression.ast());
  } catch (err) {
    // jsonata's position of a regex is just past its closing slash and flags; point at the literal's end.
    throw regexError(err, file, (position) => lineColumn(source, position - 1)) ?? err;
  }
  return expression;
}

/**
 * Compiles a mapping. Throws `MappingError` (`LS_ERR_MAPPING_SYNTAX`) with the file, line, column and
 * JSONata's message when the text is not a valid JSONata expression, `LS_ERR_MAPPING_REGEX` when a regex
 * is one RE2 cannot run. The expression is compiled to JavaScript when the compiler handles all of it
 * (`evaluator: "compiled"`), else interpreted (`evaluator: "interpreted"`, with `fallbackReason`); both
 * evaluate within the budget.
 */
export function compileMapping(
  text: string,
  file: string,
  options: CompileMappingOptions = {},
): CompiledMapping {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const budget = options.budget ?? DEFAULT_MAPPING_BUDGET;
  const expression = parse(source, file, budget);
  const reads = analyzeReads(expression.ast());
  const common = {
    file,
    text,
    budget,
    reads,
    readPaths: reads.readPaths,
    readsAll: reads.readsAll,
    unmappedFields: (data: unknown) => reads.unmappedFields(data),
  };
  const interpret = async (record: LogRecord): Promise<unknown> => {
    try {
      return (await expression.evaluate(record.data, bindingsOf(record))) as unknown;
    } catch (err) {
      throw evaluationError(err, source, file);
    }
  };
  const compiled =
    options.compile === false
      ? ({ ok: false, reason: "the interpreter was asked for" } as const)
      : compileExpression(expression.ast() as AstNode, {
          bindings: BINDING_NAMES,
          budget: compilerBudget(budget),
        });
  if (!compiled.ok)
    return { ...common, evaluator: "interpreted", fallbackReason: compiled.reason, evaluate: interpret };
  const run = compiled.evaluate;
  return {
    ...common,
    evaluator: "compiled",
    evaluateSync: (record) => {
      try {
        return run(record.data, bindingsOf(record));
      } catch (err) {
        throw evaluationError(err, source, file);
      }
    },
    evaluate: async (record) => {
      try {
        return run(record.data, bindingsOf(record));
      } catch (err) {
        if (!isAmbiguous(err)) throw evaluationError(err, source, file);
      }
      // Several members of one constructor failed, and which error jsonata reports depends on its
      // scheduling: let the interpreter say.
      return interpret(record);
    },
  };
}

const BINDING_NAMES = ["id", "type", "subtype", "source", "time"];

/** The variables a mapping sees besides its input: the record's metadata (BINDING_NAMES). */
function bindingsOf(record: LogRecord): Record<string, unknown> {
  return {
    id: record.id,
    type: record.type,
    subtype: record.subtype,
    source: record.source,
    time: record.time,
  };
}

/**
 * The `MappingError` for an evaluation failure, from jsonata's error or the compiled code's (which carry the
 * same members). No `cause`: jsonata's error object holds the offending value, i.e. record data.
 */
function evaluationError(err: unknown, source: string, file: string): MappingError {
  const overBudget = budgetError(err, file);
  if (overBudget) return overBudget;
  const j = asJsonataError(err);
  if (!j) {
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : "evaluation failed";
    return new MappingError(ERROR_CODES.MAPPING_EVAL, `${file}: ${detail}`, { file });
  }
  const jsonataCode = String(j.code);
  const where = errorLocation(source, j);
  const at = where ? `:${where.line}:${where.column}` : "";
  return new MappingError(
    ERROR_CODES.MAPPING_EVAL,
    `${file}${at}: ${evaluationMessage(j, jsonataCode)} (${jsonataCode})`,
    { file, jsonataCode, line: where?.line, column: where?.column },
  );
}

/**
 * Maps one record as the engine does: evaluates, turns an `undefined` result into a `MappingError`
 * (`LS_ERR_MAPPING_EMPTY`, "mapping produced nothing") and, when `additionalData` is set, adds the unmapped
 * fields. Every rejection is a `MappingError`; its message is a safe dead-letter reason.
 */
export async function mapRecord(
  mapping: CompiledMapping,
  record: LogRecord,
  options?: { additionalData?: boolean },
): Promise<MappedRecord> {
  return mapped(mapping, record, await mapping.evaluate(record), options);
}

/**
 * `mapRecord` without a promise, for the hot path: undefined when the mapping is interpreted, or when the
 * compiled code threw (then `mapRecord` re-runs the record so the error is exactly the interpreter's). A
 * record past its budget throws its `MappingError` here: running it again would only spend the budget twice.
 */
export function mapRecordSync(
  mapping: CompiledMapping,
  record: LogRecord,
  options?: { additionalData?: boolean },
): MappedRecord | undefined {
  const evaluateSync = mapping.evaluateSync;
  if (!evaluateSync) return undefined;
  let value: unknown;
  try {
    value = evaluateSync(record);
  } catch (err) {
    if (isOverBudget(err)) throw err;
    return undefined;
  }
  return mapped(mapping, record, value, options);
}

function isOverBudget(err: unknown): boolean {
  const code = (err as MappingError).code;
  return code === ERROR_CODES.MAPPING_BUDGET || code === ERROR_CODES.MAPPING_SIZE;
}

function mapped(
  mapping: CompiledMapping,
  record: LogRecord,
  value: unknown,
  options: { additionalData?: boolean } | undefined,
): MappedRecord {
  if (value === undefined) {
    throw new MappingError(
      ERROR_CODES.MAPPING_EMPTY,
      `${mapping.file}: mapping produced nothing for this record (the expression evaluated to undefined)`,
      { file: mapping.file },
    );
  }
  if (!options?.additionalData) return { value };
  const unmapped = mapping.unmappedFields(record.data);
  return unmapped === undefined ? { value } : { value, unmapped };
}
