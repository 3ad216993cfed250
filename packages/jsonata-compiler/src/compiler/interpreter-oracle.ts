/**
 * Test support (used by the differential and corpus tests, not exported): one expression compiled and run on
 * jsonata's interpreter, with records bound the way a log pipeline binds them (`$id`, `$type`, ...), and the
 * two outcomes compared. A caller that evaluates compiled code first and asks the interpreter again when the
 * compiled error may differ (`mayDiffer`) gives exactly the interpreter's results: `expectSame` checks that.
 */
import jsonata from "jsonata";
import { expect } from "vitest";
import type { AstNode } from "../ast.js";
import { analyzeReads } from "../reads/analyze.js";
import type { FieldReads } from "../reads/field-reads.js";
import { compileExpression, type CompileResult } from "./compile.js";
import { isAmbiguous } from "./errors.js";

/** A log record: the input document (`data`) and the metadata bound as variables. */
export interface TestRecord {
  id: string;
  type: string;
  subtype: string;
  source: string;
  time: number;
  data: unknown;
}

const RECORD_BINDINGS = ["id", "type", "subtype", "source", "time"];

function bindingsOf(record: TestRecord): Record<string, unknown> {
  const { id, type, subtype, source, time } = record;
  return { id, type, subtype, source, time };
}

export interface Evaluators {
  compiled: CompileResult;
  /** The fields the expression reads (analyzeReads of its AST). */
  reads: FieldReads;
  /** The compiled evaluation; throws when the expression did not compile. */
  evaluateSync(record: TestRecord): unknown;
  /** jsonata's interpreter. */
  interpret(record: TestRecord): Promise<unknown>;
}

/** Both evaluators of `text`; throws jsonata's error when the text does not parse. */
export function evaluators(text: string): Evaluators {
  const expression = jsonata(text);
  const ast = expression.ast() as AstNode;
  const compiled = compileExpression(ast, { bindings: RECORD_BINDINGS });
  return {
    compiled,
    reads: analyzeReads(ast),
    evaluateSync: (record) => {
      if (!compiled.ok) throw new Error(`not compiled: ${compiled.reason}`);
      return compiled.evaluate(record.data, bindingsOf(record));
    },
    interpret: async (record) => (await expression.evaluate(record.data, bindingsOf(record))) as unknown,
  };
}

/** A value as JSON (key order included), jsonata's error members, or another thrown value. */
export type Outcome =
  | { value: string | undefined }
  | { code: string; position: unknown; token: unknown; message: unknown; mayDiffer: boolean }
  | { thrown: string; mayDiffer: boolean };

/**
 * Whether a compiled error may name another failure than the interpreter: several members of one constructor
 * failed (jsonata's scheduler picks one), or the JavaScript stack ran out (the interpreter's does not).
 */
function mayDiffer(err: unknown): boolean {
  const overflow = err instanceof RangeError && err.message === "Maximum call stack size exceeded";
  return overflow || isAmbiguous(err);
}

export async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { value: JSON.stringify(await run()) };
  } catch (err) {
    const e = err as { code?: unknown; position?: unknown; token?: unknown; message?: unknown };
    if (typeof err === "object" && err !== null && typeof e.code === "string") {
      const { code, position, token, message } = e;
      return { code, position, token, message, mayDiffer: mayDiffer(err) };
    }
    const thrown = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { thrown, mayDiffer: mayDiffer(err) };
  }
}

/** The outcome without `mayDiffer` (a property of the compiled error only), for comparison. */
function comparable(o: Outcome): unknown {
  if ("value" in o) return o;
  return Object.fromEntries(Object.entries(o).filter(([key]) => key !== "mayDiffer"));
}

/**
 * The compiled evaluation gives the interpreter's value, or its error (code, position, token and message);
 * when the compiled error may differ (`mayDiffer`), only that both fail. `record` is called once for each.
 */
export async function expectSame(e: Evaluators, record: () => TestRecord, label?: string): Promise<void> {
  const want = await outcome(() => e.interpret(record()));
  const got = await outcome(() => e.evaluateSync(record()));
  if (!("value" in got) && got.mayDiffer) expect("value" in want, label).toBe(false);
  else expect(comparable(got), label).toEqual(comparable(want));
}
