/**
 * Numbers a double cannot hold, in the input: objects that lossless-json's `isLosslessNumber` knows (a
 * 64-bit id, 1e400, 1e-400, -0), whose `value` is the number's JSON text. Compiled expressions pass them
 * through untouched (paths, object and array constructors, `$append`, `$lookup`, ...), so they leave as they
 * came; `=`, `!=`, `<`, `<=`, `>`, `>=` compare them exactly; `$string` and `&` give their text; `$type` says
 * "number"; arithmetic, unary minus and the other built-ins see the nearest double.
 */
import { compareNumber, isLosslessNumber } from "lossless-json";

export { isLosslessNumber };

interface LosslessNumberLike {
  value: string;
}

function textOf(value: number | LosslessNumberLike): string {
  return typeof value === "number" ? String(value) : value.value;
}

/** The nearest double of a LosslessNumber; any other value as it is. */
export function toDouble(value: unknown): unknown {
  return isLosslessNumber(value) ? Number((value as LosslessNumberLike).value) : value;
}

/** Whether a LosslessNumber is zero (1e-400 is not, though its nearest double is). */
export function losslessIsZero(value: LosslessNumberLike): boolean {
  return compareNumber(value.value, "0") === 0;
}

/** `=` with a LosslessNumber on a side: equal numbers by exact value; never equal to anything else. */
export function losslessEqual(lhs: unknown, rhs: unknown): boolean {
  const l = typeof lhs === "number" || isLosslessNumber(lhs);
  const r = typeof rhs === "number" || isLosslessNumber(rhs);
  if (!l || !r) return false;
  return compareNumber(textOf(lhs), textOf(rhs)) === 0;
}

/**
 * `<`, `<=`, `>`, `>=` with a LosslessNumber on a side: by exact value against a number; undefined when a
 * side is missing; otherwise undefined with `mismatch` true (the caller raises the interpreter's error).
 */
export function losslessOrder(lhs: unknown, rhs: unknown, op: string): boolean | "mismatch" | undefined {
  if (lhs === undefined || rhs === undefined) return undefined;
  const l = typeof lhs === "number" || isLosslessNumber(lhs);
  const r = typeof rhs === "number" || isLosslessNumber(rhs);
  if (!l || !r) return "mismatch";
  const c = compareNumber(textOf(lhs), textOf(rhs));
  return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
}

/** Built-ins that move values without computing with them: a LosslessNumber passes through them unchanged. */
const PASS_THROUGH = new Set([
  ...["append", "exists", "count", "lookup", "merge", "keys", "spread", "each", "sift", "filter", "map"],
  ...["reduce", "zip", "single", "reverse", "shuffle", "distinct", "sort", "clone", "string", "error"],
  ...["assert", "eval"],
]);

function hasLossless(args: unknown[]): boolean {
  for (const arg of args) {
    if (isLosslessNumber(arg)) return true;
    if (Array.isArray(arg)) for (const item of arg) if (isLosslessNumber(item)) return true;
  }
  return false;
}

/** The arguments with every LosslessNumber (also the items of an array argument) as its nearest double. */
function doubles(args: unknown[]): unknown[] {
  return args.map((arg) => (Array.isArray(arg) ? arg.map(toDouble) : toDouble(arg)));
}

/**
 * How the built-in `name` takes its arguments: undefined when it takes them as they are; else a function
 * that turns LosslessNumbers into doubles (`$number`, `$sum`, `$round`, `$formatNumber`, `$type` ...).
 */
export function losslessArguments(name: string): ((args: unknown[]) => unknown[]) | undefined {
  if (PASS_THROUGH.has(name)) return undefined;
  return (args) => (hasLossless(args) ? doubles(args) : args);
}
