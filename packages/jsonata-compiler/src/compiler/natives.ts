/**
 * jsonata's own built-in functions, taken from the library once at load: `$string` evaluated by jsonata is
 * the definition object of the built-in (its implementation and its parsed signature). Compiled code calls
 * the synchronous implementations directly, so that `$fromMillis` pictures, `$formatNumber`, `$number` and
 * the rest behave exactly as in the interpreter; the asynchronous ones (higher-order functions, matchers)
 * are ported in hof.ts and strings.ts. Signatures validate arguments as the interpreter does, with a fast
 * path for calls whose arguments already fit positionally.
 */
import jsonata from "jsonata";
import { isFunction } from "./sequence.js";
import type { Signature } from "../ast.js";

export interface NativeDefinition {
  implementation: (...args: unknown[]) => unknown;
  signature: Signature | undefined;
  /** What `getFunctionArity` gives for the built-in: its implementation's declared parameter count. */
  arity: number;
}

/** Every function jsonata 2.2.2 binds in its static frame and per expression (`$now`, `$millis`). */
export const BUILTIN_NAMES = [
  ...["sum", "count", "max", "min", "average", "string", "substring", "substringBefore", "substringAfter"],
  ...["lowercase", "uppercase", "length", "trim", "pad", "match", "contains", "replace", "split", "join"],
  ...["formatNumber", "formatBase", "formatInteger", "parseInteger", "number", "floor", "ceil", "round"],
  ...["abs", "sqrt", "power", "random", "boolean", "not", "map", "zip", "filter", "single", "reduce"],
  ...["sift", "keys", "lookup", "append", "exists", "spread", "merge", "reverse", "each", "error"],
  ...["assert", "type", "sort", "shuffle", "distinct", "base64encode", "base64decode"],
  ...["encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl", "eval", "toMillis"],
  ...["fromMillis", "clone", "now", "millis"],
] as const;

export type BuiltinName = (typeof BUILTIN_NAMES)[number];

interface RawDefinition {
  _jsonata_function?: unknown;
  implementation?: unknown;
  signature?: unknown;
}

function definitionsFromJsonata(raw: Record<string, unknown>): Map<string, NativeDefinition> {
  const out = new Map<string, NativeDefinition>();
  for (const name of BUILTIN_NAMES) {
    const def = raw[name] as RawDefinition | undefined;
    if (!def || def._jsonata_function !== true || typeof def.implementation !== "function") continue;
    const sig = def.signature as Partial<Signature> | undefined;
    if (sig !== undefined && (typeof sig.validate !== "function" || typeof sig.definition !== "string"))
      continue;
    const implementation = def.implementation as (...args: unknown[]) => unknown;
    out.set(name, { implementation, signature: sig as Signature | undefined, arity: implementation.length });
  }
  return out;
}

const expression = `{${BUILTIN_NAMES.map((n) => `"${n}": $${n}`).join(", ")}}`;

/** The built-ins found in the installed jsonata (all of them for 2.2.2; any missing is not compiled). */
export const NATIVES: ReadonlyMap<string, NativeDefinition> = definitionsFromJsonata(
  (await jsonata(expression).evaluate({})) as Record<string, unknown>,
);

function parseSignature(definition: string): Signature {
  const ast = jsonata(`function($x)${definition}{$x}`).ast() as { signature?: Signature };
  if (ast.signature === undefined) throw new Error(`jsonata did not parse the signature ${definition}`);
  return ast.signature;
}

/**
 * The text of the closure jsonata wraps function arguments in: what `$replace` with a string pattern
 * concatenates when given a function as the replacement (it writes `result += replacement`).
 */
export const CLOSURE_TEXT = String(await jsonata(`$replace("o", "o", function($m) { "" })`).evaluate({}));

/** Signatures of functions the evaluator makes (not built-ins), parsed by jsonata. */
export const SIGNATURES = { transform: parseSignature("<(oa):o>") };

/** The type symbol jsonata's signatures give a value (`m` for missing). */
export function symbolOf(value: unknown): string {
  if (isFunction(value)) return "f";
  switch (typeof value) {
    case "string":
      return "s";
    case "number":
      return "n";
    case "boolean":
      return "b";
    case "object":
      return value === null ? "l" : Array.isArray(value) ? "a" : "o";
    default:
      return "m";
  }
}

interface Param {
  symbols: string;
  optional: boolean;
  context: boolean;
  array: boolean;
  many: boolean;
  /** The item type of an array parameter (`a<s>`). */
  subtype?: string;
}

function parseParams(definition: string): Param[] {
  const params: Param[] = [];
  const types: Record<string, string> = { j: "asnblom", x: "asnblfom" };
  for (let i = 1; i < definition.length; i++) {
    const c = definition.charAt(i);
    if (c === ":" || c === ">") break;
    const last = params[params.length - 1];
    if (c === "?" && last) last.optional = true;
    else if (c === "-" && last) last.context = true;
    else if (c === "+" && last) last.many = true;
    else if (c === "<") {
      const start = i;
      for (let depth = 1; depth > 0 && i < definition.length;) {
        i++;
        if (definition.charAt(i) === "<") depth++;
        else if (definition.charAt(i) === ">") depth--;
      }
      if (last?.array) last.subtype = definition.slice(start + 1, i);
    } else if (c === "(") {
      const end = definition.indexOf(")", i);
      params.push({
        symbols: `${definition.slice(i + 1, end)}m`,
        optional: false,
        context: false,
        array: false,
        many: false,
      });
      i = end;
    } else {
      params.push({
        symbols: `${types[c] ?? c}m`,
        optional: false,
        context: false,
        array: c === "a",
        many: false,
      });
    }
  }
  return params;
}

/** Whether jsonata's validation passes an array argument of an `a<subtype>` parameter unchanged. */
function arrayFits(value: unknown, subtype: string | undefined): boolean {
  if (value === undefined) return true;
  if (!Array.isArray(value)) return false;
  if (subtype === undefined || value.length === 0) return true;
  const first = subtype.charAt(0);
  for (const item of value) if (symbolOf(item) !== first) return false;
  return true;
}

/**
 * A check that the arguments of a call fit the signature position by position, in which case jsonata's
 * validation returns them unchanged (padded with undefined): each argument of the parameter's type, an array
 * (of the item type, if given) for an array parameter. Undefined for signatures with repeated parameters.
 */
export function fastSignature(signature: Signature | undefined): ((args: unknown[]) => boolean) | undefined {
  if (signature === undefined) return undefined;
  const params = parseParams(signature.definition);
  if (params.some((p) => p.many || (p.array && p.context))) return undefined;
  let minimum = 0;
  params.forEach((p, i) => {
    if (!p.optional) minimum = i + 1;
  });
  return (args) => {
    if (args.length < minimum || args.length > params.length) return false;
    for (let i = 0; i < args.length; i++) {
      const param = params[i] as Param;
      const arg = args[i];
      if (param.array ? !arrayFits(arg, param.subtype) : !param.symbols.includes(symbolOf(arg))) return false;
    }
    return true;
  };
}
