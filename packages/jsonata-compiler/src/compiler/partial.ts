/**
 * Partial application (`$substring(?, 1)`), as the interpreter's evaluatePartialApplication does it: the
 * arguments other than `?` are evaluated and bound, and the result is a function of the `?` parameters. A
 * lambda keeps its body (and loses its signature); a built-in is called with its arguments in place,
 * without validation, its parameters being those of jsonata's JavaScript implementation (a built-in whose
 * parameter list jsonata cannot read fails as it does in jsonata).
 */
import jsonata from "jsonata";
import { functionValue, type CompiledFn } from "./calls.js";
import type { Env } from "./env.js";
import { jerror } from "./errors.js";
import type { AstNode } from "../ast.js";
import type { Code } from "./types.js";

/** An argument left open with `?`. */
export const PLACEHOLDER: unique symbol = Symbol("?");

/**
 * What partial application makes of a built-in or native closure: `impl` receives the arguments in place.
 * The parameter names are read from the JavaScript source, as jsonata reads them.
 */
export function partialNative(
  source: (...args: never[]) => unknown,
  args: unknown[],
  impl: (env: Env, args: unknown[]) => unknown,
): CompiledFn {
  const params = nativeParams(source);
  return withArguments(
    params.map((_, i) => args[i]),
    impl,
  );
}

/** A function of the PLACEHOLDER positions of `bound`, which fill them in order. */
function withArguments(bound: unknown[], impl: (env: Env, args: unknown[]) => unknown): CompiledFn {
  const fill = (given: unknown[]): unknown[] => {
    let next = 0;
    return bound.map((a) => (a === PLACEHOLDER ? given[next++] : a));
  };
  const arity = bound.filter((a) => a === PLACEHOLDER).length;
  const fn = functionValue("object", arity, (callArgs, _input, env) => impl(env, fill(callArgs)));
  // Partial application again binds some of the open parameters (a placeholder stays open).
  fn.partial = (args) => withArguments(fill(args), impl);
  return fn;
}

const paramCache = new WeakMap<object, string[]>();

/** getNativeFunctionArguments, and the parse of `function($a, $b){ _ }` that jsonata does with them. */
function nativeParams(source: (...args: never[]) => unknown): string[] {
  const cached = paramCache.get(source);
  if (cached) return cached;
  const inParens = /\(([^)]*)\)/.exec(source.toString())?.[1] ?? "";
  const params = inParens.split(",").map((p) => p.trim());
  // Throws jsonata's syntax error when the names are not plain identifiers (as the interpreter does).
  jsonata(`function(${params.map((p) => `$${p}`).join(", ")}){ _ }`);
  paramCache.set(source, params);
  return params;
}

export interface PartialParts {
  node: AstNode;
  procedure: Code;
  /** Compiled arguments; PLACEHOLDER for `?`. */
  args: (Code | typeof PLACEHOLDER)[];
}

export function compilePartial({ node, procedure, args }: PartialParts): Code {
  const procNode = node.procedure as AstNode;
  const firstStep = procNode.type === "path" ? (procNode.steps?.[0]?.value as string | undefined) : undefined;
  const procName = firstStep ?? procNode.value;
  const position = node.position;
  return (input, env) => {
    const evaluated = args.map((arg) => (arg === PLACEHOLDER ? PLACEHOLDER : arg(input, env)));
    const proc = procedure(input, env);
    if (proc === undefined && firstStep !== undefined && env.lookup(firstStep)) {
      throw jerror("T1007", { position, token: firstStep });
    }
    const partial = typeof proc === "function" ? (proc as CompiledFn).partial : undefined;
    if (partial === undefined) throw jerror("T1008", { position, token: procName });
    return partial(evaluated);
  };
}
