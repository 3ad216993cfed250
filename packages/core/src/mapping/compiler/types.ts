/**
 * Shared types of the JSONata compiler: the AST that `jsonata(text).ast()` returns (the members the compiler
 * reads), compiled code, sequences and function values.
 */
import type { Env } from "./env.js";

/** A signature parsed by jsonata (`<s-:s>`): it validates and fixes up the arguments of a call. */
export interface Signature {
  definition: string;
  validate(args: unknown[], context: unknown): unknown[];
}

/** A node of the processed AST (jsonata 2.2.2). */
export interface Node {
  type: string;
  value?: unknown;
  position?: number;
  steps?: Node[];
  stages?: Stage[];
  predicate?: Stage[];
  expressions?: Node[];
  arguments?: Node[];
  procedure?: Node;
  body?: Node;
  signature?: Signature;
  thunk?: boolean;
  lhs?: Node | [Node, Node][];
  rhs?: Node | SortTerm[];
  condition?: Node;
  then?: Node;
  else?: Node;
  expression?: Node;
  terms?: SortTerm[];
  group?: Group;
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  consarray?: boolean;
  tuple?: boolean;
  focus?: string;
  index?: string;
  ancestor?: unknown;
  seekingParent?: unknown;
  pattern?: Node;
  update?: Node;
  delete?: Node;
}

/** A predicate (`[expr]`) or a positional variable binding (`#$i`) of a step. */
export interface Stage {
  type: string;
  expr?: Node;
  value?: string;
  position?: number;
}

export interface Group {
  lhs: [Node, Node][];
  position?: number;
}

export interface SortTerm {
  descending: boolean;
  expression: Node;
}

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
