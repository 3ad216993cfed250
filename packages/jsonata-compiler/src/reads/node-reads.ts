/**
 * The read analysis of each AST node type (analyze.ts): what the node's value may be, given the origins of
 * its context, and which of its parts it uses (consumes). Function calls, which need the analyser's state of
 * lambdas being called, stay in the analyser; everything else is a small function here, one per node type.
 */
import type { AstNode } from "../ast.js";
import { signatureTakesContext } from "./context-functions.js";
import type { FieldPath } from "./field-reads.js";
import { ROOT, Scope, union, type Binding } from "./scope.js";

/** What the node functions need of the analyser. */
export interface Reader {
  /** Set when the whole input counts as read. */
  readsAll: boolean;
  /** The value at these paths is used: they (and everything beneath) are read. */
  consume(origins: readonly FieldPath[]): void;
  /** The origins of a sub-expression's value, its filters and group-by included. */
  eval(node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[];
  /** A call `$f(...)`, with `applied` as its first argument for `applied ~> $f(...)`. */
  evalCall(node: AstNode, ctx: FieldPath[], scope: Scope, applied: AstNode | undefined): FieldPath[];
  /** A lambda's body with its parameters bound to `params`. */
  evalLambda(node: AstNode, ctx: FieldPath[], scope: Scope, params: FieldPath[][]): FieldPath[];
  consumeArgument(arg: AstNode, ctx: FieldPath[], scope: Scope): void;
}

type NodeReads = (reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope) => FieldPath[];

/** Each step navigates from the previous one's origins; `a@$x` binds $x instead of moving on. */
function path(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  let current = ctx;
  let pathScope = scope;
  for (const step of node.steps ?? []) {
    const result = reader.eval(step, current, pathScope);
    if (step.focus !== undefined) {
      // `a@$x`: binds $x to each item of `a`; the context does not move on.
      pathScope = new Scope(pathScope);
      pathScope.set(step.focus, { origins: result });
    } else {
      current = result;
    }
  }
  return current;
}

/** A field name navigates without reading. */
function name(_reader: Reader, node: AstNode, ctx: FieldPath[]): FieldPath[] {
  const field = String(node.value);
  return ctx.map((p) => [...p, field]);
}

/** Literals (and an operator node as a value) are not input. */
function literal(): FieldPath[] {
  return [];
}

function variable(_reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  const varName = String(node.value);
  if (varName === "") return ctx; // $: the context
  if (varName === "$") return [ROOT]; // $$: the input
  return scope.lookup(varName)?.origins ?? []; // $id, $type... and functions are not input
}

/** `*` and `**` look at every field of the context. */
function wildcard(reader: Reader, _node: AstNode, ctx: FieldPath[]): FieldPath[] {
  reader.consume(ctx);
  return [];
}

function parent(reader: Reader, _node: AstNode, ctx: FieldPath[]): FieldPath[] {
  // `a.b.%` is `a` only where `a.b` exists: the step before counts as read.
  reader.consume(ctx);
  const parents: FieldPath[] = [];
  for (const p of ctx) {
    if (p.length === 0) reader.readsAll = true;
    else parents.push(p.slice(0, -1));
  }
  if (ctx.length === 0) reader.readsAll = true; // cannot tell which object: be safe
  return parents;
}

/** `(a; b)`: the value of the last expression, with the block's own variables. */
function block(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  const inner = new Scope(scope);
  let last: FieldPath[] = [];
  for (const expr of node.expressions ?? []) last = reader.eval(expr, ctx, inner);
  return last;
}

/** `$x := value`: remembers the origins, and a lambda's body for analysing its calls. */
function bind(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  const lhs = node.lhs as AstNode | undefined;
  const rhs = node.rhs as AstNode | undefined;
  const origins = rhs ? reader.eval(rhs, ctx, scope) : [];
  if (lhs) {
    const binding: Binding = { origins };
    if (rhs?.type === "lambda") {
      binding.contextFn = signatureTakesContext(rhs);
      binding.lambda = { node: rhs, scope, ctx };
    }
    scope.set(String(lhs.value), binding);
  }
  return origins;
}

/** `c ? a : b`: the condition is read; the value is either branch. */
function condition(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  if (node.condition) reader.consume(reader.eval(node.condition, ctx, scope));
  const then = node.then ? reader.eval(node.then, ctx, scope) : [];
  const otherwise = node.else ? reader.eval(node.else, ctx, scope) : [];
  return union(then, otherwise);
}

/** Operators use both operands; their result is a new value. */
function binary(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  if (node.lhs) reader.consume(reader.eval(node.lhs as AstNode, ctx, scope));
  if (node.rhs) reader.consume(reader.eval(node.rhs as AstNode, ctx, scope));
  return [];
}

function unary(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  switch (node.value) {
    case "[": {
      // An array constructor holds references: `[a, b].c` reads a.c and b.c.
      let out: FieldPath[] = [];
      for (const expr of node.expressions ?? []) out = union(out, reader.eval(expr, ctx, scope));
      return out;
    }
    case "{": {
      const pairs = Array.isArray(node.lhs) ? node.lhs : [];
      for (const [key, value] of pairs) {
        reader.consume(reader.eval(key, ctx, scope));
        reader.consume(reader.eval(value, ctx, scope));
      }
      return [];
    }
    default:
      if (node.expression) reader.consume(reader.eval(node.expression, ctx, scope));
      return [];
  }
}

function call(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  return reader.evalCall(node, ctx, scope, undefined);
}

/** `$f(?, x)`: the bound arguments and the function are used. */
function partial(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  for (const arg of node.arguments ?? []) reader.consumeArgument(arg, ctx, scope);
  if (node.procedure) reader.consume(reader.eval(node.procedure, ctx, scope));
  return [];
}

/** `x ~> $f(y)` is the call `$f(x, y)`; `x ~> $g` uses both sides. */
function apply(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  const lhs = node.lhs as AstNode | undefined;
  const rhs = node.rhs as AstNode | undefined;
  if (rhs?.type === "function" && lhs) return reader.evalCall(rhs, ctx, scope, lhs);
  if (lhs) reader.consume(reader.eval(lhs, ctx, scope));
  if (rhs) reader.consumeArgument(rhs, ctx, scope);
  return [];
}

/** A lambda used as a value: its body may run with unknown arguments, so whatever it yields is read. */
function lambda(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  reader.consume(reader.evalLambda(node, ctx, scope, []));
  return [];
}

function transform(reader: Reader, node: AstNode, _ctx: FieldPath[], scope: Scope): FieldPath[] {
  // A function that copies its argument: whoever applies it consumes the argument. Inside, `$` is that copy.
  const inner = new Scope(scope);
  for (const part of [node.pattern, node.update, node.delete]) {
    if (part) reader.consume(reader.eval(part, [], inner));
  }
  return [];
}

/** `^(key)` reads the sort keys and keeps the items as they are. */
function sort(reader: Reader, node: AstNode, ctx: FieldPath[], scope: Scope): FieldPath[] {
  for (const term of node.terms ?? []) {
    if (term.expression) reader.consume(reader.eval(term.expression, ctx, scope));
  }
  return ctx;
}

/** The analysis of each node type; a Map, so that a type like `constructor` is not found on a prototype. */
export const NODE_READS: ReadonlyMap<string, NodeReads> = new Map<string, NodeReads>([
  ["path", path],
  ["name", name],
  ["string", literal],
  ["number", literal],
  ["value", literal],
  ["regex", literal],
  ["regexp", literal],
  ["operator", literal],
  ["variable", variable],
  ["wildcard", wildcard],
  ["descendant", wildcard],
  ["parent", parent],
  ["block", block],
  ["bind", bind],
  ["condition", condition],
  ["binary", binary],
  ["unary", unary],
  ["function", call],
  ["partial", partial],
  ["apply", apply],
  ["lambda", lambda],
  ["transform", transform],
  ["sort", sort],
]);
