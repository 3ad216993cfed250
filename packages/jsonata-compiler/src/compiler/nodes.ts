/**
 * Closures for the simple nodes: literals, unary minus, conditions, blocks, variable assignment, variables,
 * `in` against a literal list, and `~>` with a function value on the right. Each follows the interpreter's
 * evaluate* function of the same node.
 */
import { apply, compose } from "./calls.js";
import { Env } from "./env.js";
import { jerror } from "./errors.js";
import { toDouble } from "./lossless.js";
import { isFunction, isNumeric, toBoolean } from "./sequence.js";
import type { AstNode } from "../ast.js";
import type { Code, Sequence } from "./types.js";

export function literal(value: unknown): Code {
  return () => value;
}

/** `-x`: D1002 for anything but a number. */
export function negate(operand: Code, position: number | undefined): Code {
  return (input, env) => {
    const value = toDouble(operand(input, env)); // a LosslessNumber negates as its nearest double
    if (value === undefined) return undefined;
    if (isNumeric(value)) return -value;
    throw jerror("D1002", { position, token: "-", value });
  };
}

export function condition(test: Code, then: Code, otherwise: Code | undefined): Code {
  return (input, env) => {
    if (toBoolean(test(input, env))) return then(input, env);
    return otherwise === undefined ? undefined : otherwise(input, env);
  };
}

/** `(a; b; c)`: the value of the last; a frame of its own when it assigns variables itself. */
export function block(exprs: Code[], ownFrame: boolean): Code {
  if (exprs.length === 1 && !ownFrame) return exprs[0] as Code;
  return (input, env) => {
    const frame = ownFrame ? new Env(env, env.root) : env;
    let result: unknown;
    for (let i = 0; i < exprs.length; i++) result = (exprs[i] as Code)(input, frame);
    return result;
  };
}

/** `$name := value`, bound in the current frame. */
export function bind(name: string, value: Code): Code {
  return (input, env) => {
    const result = value(input, env);
    env.bind(name, result);
    return result;
  };
}

/** `$`: the context (the input document itself when it was wrapped as an array). */
export const context: Code = (input) =>
  input && (input as Partial<Sequence>).outerWrapper ? (input as unknown[])[0] : input;

/** `$name`: looked up through the frames, or straight at the root when no frame can bind it. */
export function variable(name: string, boundInFrames: boolean): Code {
  if (boundInFrames) return (_input, env) => env.lookup(name);
  return (_input, env) => env.root.lookupGlobal(name);
}

/** `x in [literals]`: the same test without building the array. */
export function inLiterals(lhs: Code, list: unknown[]): Code {
  return (input, env) => {
    const value = lhs(input, env);
    return value !== undefined && list.includes(value);
  };
}

/** `x ~> $f` with a function value on the right (not a call): applies it, or composes two functions. */
export function applyFunction(lhs: Code, rhs: Code, position: number | undefined): Code {
  return (input, env) => {
    const left = lhs(input, env);
    const func = rhs(input, env);
    if (!isFunction(func)) throw jerror("T2006", { position, value: func });
    if (isFunction(left)) return compose(left, func);
    return apply(func, [left], null, env);
  };
}

/** `[lit, lit, ...]` of strings, numbers, booleans or null, with nothing attached. */
export function isLiteralArray(node: AstNode): boolean {
  if (node.type !== "unary" || node.value !== "[" || node.predicate || node.group || node.keepArray)
    return false;
  return (node.expressions ?? []).every(
    (e) => ["string", "number", "value"].includes(e.type) && !e.predicate && !e.group && !e.keepArray,
  );
}
