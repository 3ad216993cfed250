/**
 * Shared types of the JSONata compiler: compiled code, sequences and function values (the AST is in
 * ../ast.ts).
 */
import type { Env } from "./env.js";

/** Compiled code of one node: evaluates it against `input` (the context) in `env`. */
export type Code = (input: unknown, env: Env) => unknown;

/** A JSONata sequence: an array marked the way the interpreter marks it (same enumerable flags). */
export interface Sequence extends Array<unknown> {
  sequence: true;
  keepSingleton?: boolean;
  outerWrapper?: boolean;
  tupleStream?: boolean;
  cons?: boolean;
}

/**
 * A function value (built-in, lambda, or a closure around either). Calling it is the interpreter's
 * `apply(proc, args, input)`: arguments are validated against its signature, `input` is the context for
 * parameters that take it (`-`), `env` the frame of the caller (for the evaluation's timestamp). `arity` is
 * what the higher-order functions look at.
 */
export interface JFn {
  (args: unknown[], input: unknown, env: Env): unknown;
  arity: number;
}

export type Obj = Record<string, unknown>;
