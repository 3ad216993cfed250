/**
 * Binary operators (`+ - * / %`, `= !=`, `< <= > >=`, `&`, `and`/`or`, `in`, `..`), with the interpreter's
 * type rules, error codes, and error positions: an error raised by the operator itself (or, for `and`/`or`,
 * anywhere in the right side) takes the operator's position and token.
 */
import type { Env } from "./env.js";
import { jerror } from "./errors.js";
import { isLosslessNumber, losslessOrder, toDouble } from "./lossless.js";
import { deepEqual, isFunction, isNumeric, toBoolean } from "./sequence.js";
import type { Code, Sequence } from "./types.js";

/** Marks an error as raised at `position` by `token`, as the interpreter does for operators. */
export function at(err: unknown, position: number | undefined, token: unknown): unknown {
  if (typeof err === "object" && err !== null) {
    const e = err as { position?: unknown; token?: unknown };
    e.position = position;
    e.token = token;
  }
  return err;
}

function numeric(lhs: unknown, rhs: unknown, op: string): number | undefined {
  // A number a double cannot hold computes as its nearest double (lossless.ts).
  lhs = toDouble(lhs);
  rhs = toDouble(rhs);
  if (lhs !== undefined && !isNumeric(lhs)) throw jerror("T2001", { value: lhs });
  if (rhs !== undefined && !isNumeric(rhs)) throw jerror("T2002", { value: rhs });
  if (lhs === undefined || rhs === undefined) return undefined;
  switch (op) {
    case "+":
      return lhs + rhs;
    case "-":
      return lhs - rhs;
    case "*":
      return lhs * rhs;
    case "/":
      return lhs / rhs;
    default:
      return lhs % rhs;
  }
}

function compare(lhs: unknown, rhs: unknown, op: string): boolean | undefined {
  if (isLosslessNumber(lhs) || isLosslessNumber(rhs)) {
    const exact = losslessOrder(lhs, rhs, op);
    if (exact !== "mismatch") return exact;
  }
  const ltype = typeof lhs;
  const rtype = typeof rhs;
  const lcomparable = ltype === "undefined" || ltype === "string" || ltype === "number";
  const rcomparable = rtype === "undefined" || rtype === "string" || rtype === "number";
  if (!lcomparable || !rcomparable) {
    throw jerror("T2010", { value: !(ltype === "string" || ltype === "number") ? lhs : rhs });
  }
  if (ltype === "undefined" || rtype === "undefined") return undefined;
  if (ltype !== rtype) throw jerror("T2009", { value: lhs, value2: rhs });
  const l = lhs as string;
  const r = rhs as string;
  switch (op) {
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    default:
      return l >= r;
  }
}

/** `fn.string`: JSON for anything but strings, numbers rounded to 15 significant digits. */
export function stringify(arg: unknown, prettify = false): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === "string") return arg;
  if (isLosslessNumber(arg)) return arg.value;
  if (typeof arg === "number" && Number.isFinite(arg)) {
    return String(Number.isInteger(arg) ? arg : Number(arg.toPrecision(15)));
  }
  if (typeof arg === "boolean") return arg ? "true" : "false";
  if (arg === null) return "null";
  if (isFunction(arg)) return "";
  if (typeof arg === "number" && !Number.isFinite(arg)) throw jerror("D3001", { value: arg });
  let value: unknown = arg;
  if (Array.isArray(value) && (value as Partial<Sequence>).outerWrapper) value = (value as unknown[])[0];
  return JSON.stringify(
    value,
    (_key, val: unknown) => {
      if (val !== undefined && val !== null && isNumeric(val)) {
        return !Number.isInteger(val) ? Number(val.toPrecision(15)) : val;
      }
      return val && isFunction(val) ? "" : val;
    },
    prettify ? 2 : 0,
  );
}

function concat(lhs: unknown, rhs: unknown): string {
  const l = lhs === undefined ? "" : (stringify(lhs) as string);
  const r = rhs === undefined ? "" : (stringify(rhs) as string);
  return l.concat(r);
}

function includes(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const list = Array.isArray(rhs) ? rhs : [rhs];
  for (let i = 0; i < list.length; i++) if (list[i] === lhs) return true;
  return false;
}

function range(lhs: unknown, rhs: unknown, env: Env): Sequence | undefined {
  if (lhs !== undefined && !Number.isInteger(lhs)) throw jerror("T2003", { value: lhs });
  if (rhs !== undefined && !Number.isInteger(rhs)) throw jerror("T2004", { value: rhs });
  if (lhs === undefined || rhs === undefined) return undefined;
  const from = lhs as number;
  const to = rhs as number;
  if (from > to) return undefined;
  const size = to - from + 1;
  if (size > 1e7) throw jerror("D2014", { value: size });
  env.root.meter.allocate(size);
  const result = new Array(size) as Sequence;
  for (let item = from, i = 0; item <= to; item++, i++) result[i] = item;
  result.sequence = true;
  return result;
}

/** `boolize`: the effective boolean value, false for undefined. */
function boolize(value: unknown): boolean {
  return toBoolean(value) ?? false;
}

/** Builds the code of one operator (or family of operators) from its compiled operands. */
type BinaryCompiler = (op: string, lhs: Code, rhs: Code, position: number | undefined) => Code;

// Each compiler returns a closure that runs for every record: they stay small, and errors of the operator
// itself are rethrown with its position (`at`), as the interpreter does.

/** `and`/`or` short-circuit; any error of the right side takes the operator's position. */
function compileLogical(op: string, lhs: Code, rhs: Code, position: number | undefined): Code {
  return op === "and"
    ? (input, env) => {
        const l = lhs(input, env);
        try {
          return boolize(l) && boolize(rhs(input, env));
        } catch (err) {
          throw at(err, position, op);
        }
      }
    : (input, env) => {
        const l = lhs(input, env);
        try {
          return boolize(l) || boolize(rhs(input, env));
        } catch (err) {
          throw at(err, position, op);
        }
      };
}

/** `+ - * / %`: finite numbers inline, everything else (errors, undefined) through `numeric`. */
function compileArithmetic(op: string, lhs: Code, rhs: Code, position: number | undefined): Code {
  return (input, env) => {
    const l = lhs(input, env);
    const r = rhs(input, env);
    if (Number.isFinite(l) && Number.isFinite(r)) {
      const a = l as number;
      const b = r as number;
      return op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : a % b;
    }
    try {
      return numeric(l, r, op);
    } catch (err) {
      throw at(err, position, op);
    }
  };
}

/** `=`: deep equality, false when either side is missing. */
function compileEqual(_op: string, lhs: Code, rhs: Code): Code {
  return (input, env) => {
    const l = lhs(input, env);
    const r = rhs(input, env);
    return l !== undefined && r !== undefined && deepEqual(l, r);
  };
}

/** `!=`: also false (not true) when either side is missing. */
function compileNotEqual(_op: string, lhs: Code, rhs: Code): Code {
  return (input, env) => {
    const l = lhs(input, env);
    const r = rhs(input, env);
    return l !== undefined && r !== undefined && !deepEqual(l, r);
  };
}

/** `< <= > >=` on two strings or two numbers. */
function compileComparison(op: string, lhs: Code, rhs: Code, position: number | undefined): Code {
  return (input, env) => {
    const l = lhs(input, env);
    const r = rhs(input, env);
    try {
      return compare(l, r, op);
    } catch (err) {
      throw at(err, position, op);
    }
  };
}

/** `&`: two strings inline, anything else stringified by `concat`. */
function compileConcat(op: string, lhs: Code, rhs: Code, position: number | undefined): Code {
  return (input, env) => {
    const l = lhs(input, env);
    const r = rhs(input, env);
    if (typeof l === "string" && typeof r === "string") return l + r;
    try {
      return concat(l, r);
    } catch (err) {
      throw at(err, position, op);
    }
  };
}

/** `in`: raises no errors of its own. */
function compileIn(_op: string, lhs: Code, rhs: Code): Code {
  return (input, env) => includes(lhs(input, env), rhs(input, env));
}

/** `..`: an integer range. */
function compileRange(op: string, lhs: Code, rhs: Code, position: number | undefined): Code {
  return (input, env) => {
    const l = lhs(input, env);
    const r = rhs(input, env);
    try {
      return range(l, r, env);
    } catch (err) {
      throw at(err, position, op);
    }
  };
}

/** The compiler of each operator; a Map, so that names like `constructor` are not found on a prototype. */
const COMPILERS = new Map<string, BinaryCompiler>([
  ["and", compileLogical],
  ["or", compileLogical],
  ["+", compileArithmetic],
  ["-", compileArithmetic],
  ["*", compileArithmetic],
  ["/", compileArithmetic],
  ["%", compileArithmetic],
  ["=", compileEqual],
  ["!=", compileNotEqual],
  ["<", compileComparison],
  ["<=", compileComparison],
  [">", compileComparison],
  [">=", compileComparison],
  ["&", compileConcat],
  ["in", compileIn],
  ["..", compileRange],
]);

/** Compiles `lhs op rhs`; `position` is the operator's. */
export function compileBinary(op: string, lhs: Code, rhs: Code, position: number | undefined): Code {
  const compiler = COMPILERS.get(op);
  if (compiler === undefined) throw new Error(`unsupported operator ${op}`);
  return compiler(op, lhs, rhs, position);
}

/** The binary operators `compileBinary` knows. */
export const BINARY_OPERATORS = new Set(COMPILERS.keys());
