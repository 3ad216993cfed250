/**
 * Function values and calls, as the interpreter's evaluateFunction, apply, applyInner and evaluateLambda do
 * them: arguments are evaluated first, function arguments are wrapped in closures (which call with no
 * context), a lambda validates its arguments against its signature and runs its body in a new frame with
 * the input it was defined in, and calls in tail position return thunks that the caller's trampoline runs,
 * so that tail recursion does not grow the stack.
 *
 * Error positions follow the interpreter too, which marks the function it calls with the call's `token`
 * and `position` (built-ins and lambdas are objects there; the marks outlive the call) and, as an error
 * leaves an application, gives it the function's marks.
 */
import { Env } from "./env.js";
import { jerror } from "./errors.js";
import { partialNative, PLACEHOLDER } from "./partial.js";
import type { AstNode, Signature } from "../ast.js";
import type { Code, JFn } from "./types.js";

/** How the interpreter holds a function: built-ins and lambdas are objects, closures are JS functions. */
export type FnKind = "object" | "function";

/**
 * A function value. Called as a JS function it is the interpreter's `apply` (applyInner, then the
 * trampoline); `inner` is one application (applyInner without its error handling), which for a lambda may
 * return a tail-call thunk.
 */
export interface CompiledFn extends JFn {
  kind: FnKind;
  inner: (args: unknown[], input: unknown, env: Env) => unknown;
  /** Partial application with these arguments (PLACEHOLDER for `?`). */
  partial?: (args: unknown[]) => CompiledFn;
  /** The marks of the last call (see above). */
  token?: unknown;
  position?: unknown;
}

/** Makes a function value from its single application. */
export function functionValue(
  kind: FnKind,
  arity: number,
  inner: (args: unknown[], input: unknown, env: Env) => unknown,
): CompiledFn {
  const fn = ((args: unknown[], input: unknown, env: Env) => apply(fn, args, input, env)) as CompiledFn;
  fn.kind = kind;
  fn.arity = arity;
  fn.inner = inner;
  return fn;
}

/** A pending tail call (the interpreter's thunk lambda): procedure and arguments not yet evaluated. */
export class Thunk {
  readonly _jsonata_lambda = true;
  constructor(
    readonly procedure: Code,
    readonly procNode: AstNode,
    readonly args: Code[],
    readonly input: unknown,
    readonly env: Env,
  ) {}
}

interface Marks {
  token?: unknown;
  position?: unknown;
}

/** applyInner: one application of any value as a function; an error leaving it gets the function's marks. */
export function applyInner(proc: unknown, args: unknown[], input: unknown, env: Env): unknown {
  env.root.meter.tick();
  try {
    if (typeof proc === "function") return (proc as CompiledFn).inner(args, input, env);
    throw jerror("T1006");
  } catch (err) {
    if (proc && typeof err === "object" && err !== null) {
      const e = err as Marks;
      const p = proc as Marks;
      if (e.token === undefined && p.token !== undefined) e.token = p.token;
      e.position = p.position || e.position;
    }
    throw err;
  }
}

/** apply: applyInner, then the trampoline that runs tail calls until a value comes out. */
export function apply(proc: unknown, args: unknown[], input: unknown, env: Env): unknown {
  let result = applyInner(proc, args, input, env);
  while (result instanceof Thunk) {
    const thunk = result;
    const node = thunk.procNode;
    const next = thunk.procedure(thunk.input, thunk.env);
    // Marks the procedure as jsonata does (failing as it does on undefined, null and primitives).
    if (node.type === "variable") (next as Marks).token = node.value;
    (next as Marks).position = node.position;
    const evaluated = thunk.args.map((arg) => arg(thunk.input, thunk.env));
    result = applyInner(next, evaluated, input, env);
  }
  return result;
}

/** How a built-in calls a function it was given (a closure, or a lambda in a partial application). */
export function callback(func: unknown, args: unknown[], env: Env): unknown {
  const fn = func as CompiledFn;
  return fn.kind === "function" ? fn.inner(args, null, env) : fn(args, null, env);
}

/** A lambda's value: `function($a, $b)<sig> { body }` evaluated in `env` with context `input`. */
export function makeLambda(
  params: string[],
  signature: Signature | undefined,
  body: Code,
  input: unknown,
  env: Env,
): CompiledFn {
  const fn = functionValue("object", params.length, (args, callInput) => {
    const validated = signature === undefined ? args : signature.validate(args, callInput);
    const frame = new Env(env, env.root);
    for (let i = 0; i < params.length; i++) frame.bind(params[i] as string, validated[i]);
    return body(input, frame);
  });
  fn.partial = (args) => {
    // partialApplyProcedure: the given arguments bound in a frame of their own; no signature.
    const frame = new Env(env, env.root);
    const open: string[] = [];
    params.forEach((param, i) => {
      if (args[i] === PLACEHOLDER) open.push(param);
      else frame.bind(param, args[i]);
    });
    return makeLambda(open, undefined, body, input, frame);
  };
  return fn;
}

/** What jsonata's closures look like to partial application: their parameters cannot be read. */
function closure(...params: unknown[]): unknown[] {
  return params;
}

/** The closure the interpreter wraps a function argument in: applies it with no context. */
export function wrapArgument(target: unknown): CompiledFn {
  const fn = functionValue("function", (target as JFn).arity, (args, _input, env) =>
    apply(target, args, null, env),
  );
  fn.partial = (args) => partialNative(closure, args, () => undefined);
  return fn;
}

/** `f ~> g` with two functions: the interpreter's `function($x){ $g($f($x)) }`. */
export function compose(f: unknown, g: unknown): CompiledFn {
  const fn = functionValue("object", 1, (args, _input, env) => {
    const x = args[0];
    const fx = apply(f, [typeof x === "function" ? wrapArgument(x) : x], null, env);
    return apply(g, [fx], null, env);
  });
  fn.partial = (args) => {
    if (args[0] === PLACEHOLDER) return compose(f, g);
    return functionValue("object", 0, (_args, input, env) => fn([args[0]], input, env));
  };
  return fn;
}

export interface CallParts {
  node: AstNode;
  procedure: Code;
  args: Code[];
  /** The function when it is known at compile time (a built-in no frame can rebind). */
  known?: CompiledFn | undefined;
}

/** evaluateFunction: `$f(a, b)`; `context` is the value on the left of `~>`, passed first. */
export function compileCall({ node, procedure, args, known }: CallParts) {
  const procNode = node.procedure as AstNode;
  const firstStep = procNode.type === "path" ? (procNode.steps?.[0]?.value as string | undefined) : undefined;
  const procName = firstStep ?? procNode.value;
  const position = node.position;
  return (input: unknown, env: Env, applyTo?: { context: unknown }): unknown => {
    const proc = known ?? procedure(input, env);
    if (proc === undefined && firstStep !== undefined && env.lookup(firstStep)) {
      throw jerror("T1005", { position, token: firstStep });
    }
    const evaluated: unknown[] = applyTo === undefined ? [] : [applyTo.context];
    for (const arg of args) {
      const value = arg(input, env);
      evaluated.push(typeof value === "function" ? wrapArgument(value) : value);
    }
    try {
      if (
        typeof proc === "object" ||
        (typeof proc === "function" && (proc as CompiledFn).kind === "object")
      ) {
        // The interpreter marks the procedure it calls (null and data objects included).
        (proc as Marks).token = procName;
        (proc as Marks).position = position;
      }
      return apply(proc, evaluated, input, env);
    } catch (err) {
      if (typeof err === "object" && err !== null) {
        const e = err as Marks;
        if (!e.position) e.position = position;
        if (!e.token) e.token = procName;
      }
      throw err;
    }
  };
}
