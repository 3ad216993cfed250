/**
 * The table of built-in functions as compiled code calls them: function values that validate their
 * arguments against jsonata's signature (taking the context for `-` parameters) and run jsonata's own
 * implementation, or a synchronous port where jsonata's is asynchronous. `$eval` is not compiled.
 */
import { formatUtc } from "./datetime.js";
import type { Env } from "./env.js";
import { each, filter, map, reduce, sift, single, sort } from "./hof.js";
import { losslessArguments } from "./lossless.js";
import { fastSignature, NATIVES, type NativeDefinition } from "./natives.js";
import { stringify } from "./operators.js";
import { partialNative } from "./partial.js";
import { createSequence } from "./sequence.js";
import { contains, match, replace, split } from "./strings.js";
import { functionValue, type CompiledFn } from "./calls.js";
import type { JFn } from "./types.js";

/** Built-ins that compiled code does not provide; an expression that names one is interpreted. */
export const NOT_COMPILED: ReadonlyMap<string, string> = new Map([
  ["eval", "$eval() evaluates text as an expression at run time"],
]);

type Impl = (env: Env, args: unknown[]) => unknown;

/** What built-ins reused from jsonata see as `this` (only `createSequence` is used, by a few). */
const FOCUS = { createSequence, environment: undefined, input: undefined };

const PORTS: Record<string, Impl> = {
  map: (env, a) => map(env, a[0] as unknown[] | undefined, a[1] as JFn),
  filter: (env, a) => filter(env, a[0] as unknown[] | undefined, a[1] as JFn),
  single: (env, a) => single(env, a[0] as unknown[] | undefined, a[1] as JFn | undefined),
  reduce: (env, a) => reduce(env, a[0] as unknown[] | undefined, a[1] as JFn, a[2]),
  each: (env, a) => each(env, a[0], a[1] as JFn),
  sift: (env, a) => sift(env, a[0], a[1] as JFn),
  sort: (env, a) => sort(env, a[0] as unknown[] | undefined, a[1] as JFn | undefined),
  contains: (env, a) => contains(env, a[0] as string | undefined, a[1]),
  split: (env, a) => split(env, a[0] as string | undefined, a[1], a[2] as number | undefined),
  match: (env, a) => match(env, a[0] as string | undefined, a[1], a[2] as number | undefined),
  replace: (env, a) => replace(env, a[0] as string | undefined, a[1], a[2], a[3] as number | undefined),
};

function nativeImpl(name: string, def: NativeDefinition): Impl {
  const port = PORTS[name];
  if (port) return port;
  const impl = def.implementation;
  const fromMillis = NATIVES.get("fromMillis")?.implementation;
  switch (name) {
    case "now":
      return (env, a) => fromMillis?.call(env.root.focus(), env.root.now(), a[0], a[1]);
    case "millis":
      return (env) => env.root.now();
    case "toMillis":
      return (env, a) => impl.apply(env.root.focus(), a);
    case "fromMillis":
      return (_env, a) => {
        const millis = a[0];
        const picture = a[1];
        if (
          typeof millis === "number" &&
          (picture === undefined || typeof picture === "string") &&
          a[2] === undefined
        ) {
          const text = formatUtc(millis, picture);
          if (text !== undefined) return text;
        }
        return impl.apply(FOCUS, a);
      };
    case "string":
      return (_env, a) => stringify(a[0], a[1] === true);
    default:
      return (_env, a) => impl.apply(FOCUS, a);
  }
}

function makeBuiltin(name: string, def: NativeDefinition): CompiledFn {
  const impl = nativeImpl(name, def);
  const signature = def.signature;
  const fits = fastSignature(signature);
  const numbers = losslessArguments(name); // LosslessNumbers as doubles, for built-ins that compute
  const fn = functionValue("object", def.arity, (callArgs, input, env) => {
    const args = numbers === undefined ? callArgs : numbers(callArgs);
    const validated =
      signature === undefined || (fits !== undefined && fits(args)) ? args : signature.validate(args, input);
    return impl(env, validated);
  });
  fn.partial = (args) => partialNative(def.implementation, args, impl);
  return fn;
}

function notCompiled(name: string): CompiledFn {
  return functionValue("object", NATIVES.get(name)?.arity ?? 0, () => {
    throw new Error(`$${name}() is not compiled`);
  });
}

function buildTable(): Map<string, JFn> {
  const table = new Map<string, JFn>();
  for (const [name, def] of NATIVES) {
    table.set(name, NOT_COMPILED.has(name) ? notCompiled(name) : makeBuiltin(name, def));
  }
  return table;
}

/** Every built-in function, by name (without `$`). */
export const BUILTINS: ReadonlyMap<string, JFn> = buildTable();
