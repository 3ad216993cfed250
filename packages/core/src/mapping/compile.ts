/**
 * SIEM mappings (docs/architecture.md, A record's path): one JSONata expression per file, compiled once at
 * load. The expression is compiled to JavaScript closures (@logshipper/jsonata-compiler) when it stays within
 * the compiled subset, else it runs on jsonata's interpreter; both give the same values and the same errors.
 */
import {
  analyzeReads,
  compileExpression,
  isAmbiguous,
  type AstNode,
  type FieldReads,
} from "@logshipper/jsonata-compiler";
import jsonata from "jsonata";
import { ERROR_CODES } from "../error-codes.js";
import type { LogRecord } from "../sdk/types.js";
import { MappingError } from "./errors.js";

export interface CompiledMapping {
  /** The mapping file (or a label such as `<default mapping of s3>`), used in every error message. */
  readonly file: string;
  /** The JSONata text as given. */
  readonly text: string;
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
   * first; `evaluateSync` reports the first in key order), and recursion too deep for the JavaScript stack
   * (about 800 nested calls of a lambda that are not tail calls), which the interpreter evaluates.
   */
  readonly evaluateSync?: (record: LogRecord) => unknown;
  /**
   * Evaluates the expression with `record.data` as input and `$id`, `$type`, `$subtype`, `$source`, `$time`
   * bound to the record's metadata. Rejects with a `MappingError` (`LS_ERR_MAPPING_EVAL`) when evaluation
   * fails. Resolves to `undefined` when the mapping produces nothing: use `mapRecord` to get that as an error.
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

/** Line and column (1-based) of a 0-based offset in `text`. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: clamped - lineStart + 1 };
}

interface JsonataErrorLike {
  code?: unknown;
  position?: unknown;
  token?: unknown;
  message?: unknown;
  index?: unknown;
  type?: unknown;
  functionName?: unknown;
}

function asJsonataError(err: unknown): JsonataErrorLike | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const j: JsonataErrorLike = err;
  return typeof j.code === "string" ? j : undefined;
}

/**
 * JSONata reports `position` as the offset just past the token it stopped at; point at the token's start
 * (or at the end of the text for `(end)`).
 */
function errorLocation(text: string, err: JsonataErrorLike): { line: number; column: number } | undefined {
  if (typeof err.position !== "number") return undefined;
  const token = typeof err.token === "string" && err.token !== "(end)" ? err.token : undefined;
  const offset = err.token === "(end)" ? err.position : err.position - (token?.length ?? 1);
  return lineColumn(text, offset);
}

/**
 * Messages of JSONata's run-time errors that quote values, which come from the record: rebuilt here with
 * `<value>` in their place, so that no record data reaches logs or dead-letter reasons.
 */
const VALUE_MESSAGES: Record<string, string> = {
  D1001: "Number out of range: {{value}}",
  D1002: "Cannot negate a non-numeric value: {{value}}",
  T1003: "Key in object structure must evaluate to a string; got: {{value}}",
  D1009: "Multiple key definitions evaluate to same key: {{value}}",
  D1013: "Object property names starting with _jsonata_ are reserved for internal use: {{value}}",
  T2007: "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause",
  T2009:
    "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type",
  T2011: "The insert/update clause of the transform expression must evaluate to an object: {{value}}",
  T2012:
    "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}",
  D2014:
    "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {{value}}.",
  D3030: "Unable to cast value to a number: {{value}}",
  D3060: "The sqrt function cannot be applied to a negative number: {{value}}",
  D3061:
    "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}",
  D3110: "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}",
  D3120: "Syntax error in expression passed to function eval: {{value}}",
  D3121: "Dynamic error evaluating the expression passed to function eval: {{value}}",
  D3140: "Malformed URL passed to ${{{functionName}}}(): {{value}}",
};
const REDACTED = new Set(["value", "value2", "exp"]);

function evaluationMessage(err: JsonataErrorLike, code: string): string {
  const template = VALUE_MESSAGES[code];
  if (template === undefined) return typeof err.message === "string" ? err.message : "evaluation failed";
  const field = (name: string): unknown => (err as Record<string, unknown>)[name];
  return template
    .replace(/\{\{\{([^}]+)\}\}\}/g, (_, name: string) =>
      REDACTED.has(name) ? "<value>" : String(field(name)),
    )
    .replace(/\{\{([^}]+)\}\}/g, (_, name: string) =>
      REDACTED.has(name) ? "<value>" : JSON.stringify(field(name)),
    );
}

/** Options of `compileMapping`. */
export interface CompileMappingOptions {
  /** false: always use jsonata's interpreter (for comparisons and benchmarks). Default true. */
  compile?: boolean;
}

/**
 * Compiles a mapping. Throws `MappingError` (`LS_ERR_MAPPING_SYNTAX`) with the file, line, column and
 * JSONata's message when the text is not a valid JSONata expression. The expression is compiled to
 * JavaScript when the compiler handles all of it (`evaluator: "compiled"`), else interpreted
 * (`evaluator: "interpreted"`, with `fallbackReason`).
 */
export function compileMapping(
  text: string,
  file: string,
  options: CompileMappingOptions = {},
): CompiledMapping {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source);
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
  const reads = analyzeReads(expression.ast());
  const common = {
    file,
    text,
    reads,
    readPaths: reads.readPaths,
    readsAll: reads.readsAll,
    unmappedFields: (data: unknown) => reads.unmappedFields(data),
  };

  const compiled =
    options.compile === false
      ? ({ ok: false, reason: "the interpreter was asked for" } as const)
      : compileExpression(expression.ast() as AstNode, { bindings: BINDING_NAMES });
  if (compiled.ok) {
    const run = compiled.evaluate;
    const evaluateSync = (record: LogRecord): unknown => {
      try {
        return run(record.data, bindingsOf(record));
      } catch (err) {
        throw evaluationError(err, source, file);
      }
    };
    return {
      ...common,
      evaluator: "compiled",
      evaluateSync,
      evaluate: async (record) => {
        try {
          return run(record.data, bindingsOf(record));
        } catch (err) {
          if (!isAmbiguous(err) && !isStackOverflow(err)) throw evaluationError(err, source, file);
        }
        // Several members of one constructor failed, and which error jsonata reports depends on its
        // scheduling; or the compiled code ran out of stack (deep non-tail recursion), where the
        // interpreter's asynchronous evaluation does not: let the interpreter say.
        try {
          return (await expression.evaluate(record.data, bindingsOf(record))) as unknown;
        } catch (err) {
          throw evaluationError(err, source, file);
        }
      },
    };
  }

  return {
    ...common,
    evaluator: "interpreted",
    fallbackReason: compiled.reason,
    evaluate: async (record) => {
      try {
        return (await expression.evaluate(record.data, bindingsOf(record))) as unknown;
      } catch (err) {
        throw evaluationError(err, source, file);
      }
    },
  };
}

const BINDING_NAMES = ["id", "type", "subtype", "source", "time"];

/** JavaScript's stack overflow (compiled code recurses on the stack; the interpreter does not). */
function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && err.message === "Maximum call stack size exceeded";
}

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
 * compiled code threw (then `mapRecord` re-runs the record so the error is exactly the interpreter's).
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
  } catch {
    return undefined;
  }
  return mapped(mapping, record, value, options);
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
