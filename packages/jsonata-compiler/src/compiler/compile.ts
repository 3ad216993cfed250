/**
 * Compiles the AST of a JSONata expression (jsonata 2.2.2, `jsonata(text).ast()`) into JavaScript closures
 * that give the interpreter's results synchronously. Nothing is generated as text and no value of the input
 * ever becomes code: each node becomes a closure over its children's closures (dispatch.ts). A node or
 * built-in outside the compiled subset makes `compileExpression` return the reason instead, and the caller
 * interprets the expression.
 */
import { engineLimit, Meter, type Budget } from "./budget.js";
import { Compiler, Unsupported } from "./dispatch.js";
import { RootEnv } from "./env.js";
import { asErrorLike, populateMessage } from "./errors.js";
import { BUILTINS } from "./functions.js";
import { createSequence, isSequence } from "./sequence.js";
import type { AstNode } from "../ast.js";
import type { Code } from "./types.js";

/** Evaluates a compiled expression: `input` is the input document, `bindings` the variables (without `$`). */
export type Evaluator = (input: unknown, bindings: Readonly<Record<string, unknown>>) => unknown;

export type CompileResult = { ok: true; evaluate: Evaluator } | { ok: false; reason: string };

export interface CompileOptions {
  /**
   * The names of the variables every evaluation binds (`id`, `type`, ...). When given, the evaluator must
   * be called with those names only, and calls of built-in functions no binding can shadow are resolved
   * once, here. When left out, every name is looked up at run time.
   */
  bindings?: readonly string[];
  /**
   * The limits of every evaluation (budget.ts); unlimited when left out. An evaluation that goes past one,
   * recurses deeper than the JavaScript stack or builds a value too large for it throws `BudgetExceeded`.
   */
  budget?: Budget | undefined;
}

/**
 * Compiles a processed AST. The evaluator behaves as `jsonata(text).evaluate(input, bindings)` but
 * synchronously, throwing jsonata-style errors (`code`, `position`, `token`, `message`).
 */
export function compileExpression(ast: AstNode, options: CompileOptions = {}): CompileResult {
  let code: Code;
  try {
    const bindings = options.bindings === undefined ? undefined : new Set(options.bindings);
    code = new Compiler(ast, bindings).node(ast, { parallel: false });
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message };
    throw err;
  }
  const meter = new Meter(options.budget);
  const evaluate: Evaluator = (input, bindings) => {
    meter.start();
    const root = new RootEnv(input, bindings, BUILTINS, meter);
    let context = input;
    if (Array.isArray(input) && !isSequence(input)) {
      const wrapper = createSequence(input);
      wrapper.outerWrapper = true;
      context = wrapper;
    }
    try {
      return code(context, root);
    } catch (err) {
      const limit = engineLimit(err, meter);
      if (limit) throw limit;
      const e = asErrorLike(err);
      if (e) populateMessage(e);
      throw err;
    }
  };
  return { ok: true, evaluate };
}
