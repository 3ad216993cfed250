/**
 * The string built-ins that take a pattern ($contains, $split, $replace, $match) and regular expression
 * literals, synchronous ports of jsonata's. A pattern is a string or a matcher function: a regex literal
 * compiles to one (jsonata's evaluateRegex closure), and a lambda may act as one.
 */
import { callback, functionValue, type CompiledFn } from "./calls.js";
import type { Env } from "./env.js";
import { jerror } from "./errors.js";
import { CLOSURE_TEXT } from "./natives.js";
import { partialNative } from "./partial.js";
import { findMatch } from "./regex.js";
import { createSequence, isFunction } from "./sequence.js";
import type { RE2JS } from "re2js";

interface Match {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: CompiledFn;
}

function callMatcher(env: Env, matcher: unknown, str: unknown): Match | undefined {
  const result = callback(matcher, [str], env) as Partial<Match> | undefined;
  if (
    result &&
    !(
      typeof result.start === "number" ||
      (result.end as unknown) === "number" ||
      Array.isArray(result.groups) ||
      isFunction(result.next)
    )
  ) {
    throw jerror("T1010");
  }
  return result as Match | undefined;
}

/** The parameters of jsonata's regex closure, for partial application. */
function closureParams(str: unknown, fromIndex: unknown): unknown[] {
  return [str, fromIndex];
}

/**
 * A regex literal's value: jsonata's matcher closure (evaluateRegex), on the RE2 program compiled with the
 * expression (regex.ts). `lastIndex` is where the last match ended, as a global RegExp keeps it.
 */
export function regexMatcher(re: RE2JS, source: string, position: number | undefined): CompiledFn {
  let lastIndex = 0;
  const closure = (env: Env, str: string, fromIndex: number | undefined): Match | undefined => {
    env.root.meter.tick();
    const found = findMatch(re, str, fromIndex || 0);
    if (found === undefined) {
      lastIndex = 0;
      return undefined;
    }
    lastIndex = found.end;
    const result: Match = {
      match: found.values[0] as string,
      start: found.index,
      end: found.end,
      groups: found.values.slice(1) as string[],
      next: undefined as unknown as CompiledFn,
    };
    result.next = functionValue("function", 0, (_args, _input, nextEnv) => {
      if (lastIndex >= str.length) return undefined;
      const following = closure(nextEnv, str, lastIndex);
      if (following && following.match === "") throw jerror("D1004", { position, value: source });
      return following;
    });
    return result;
  };
  const fn = functionValue("function", 2, (args, _input, env) =>
    closure(env, args[0] as string, args[1] as number | undefined),
  );
  fn.partial = (args) => partialNative(closureParams, args, (env, a) => fn.inner(a, undefined, env));
  return fn;
}

export function contains(env: Env, str: string | undefined, token: unknown): unknown {
  if (str === undefined || token === undefined) return undefined;
  if (typeof token === "string") return str.indexOf(token) !== -1;
  return callMatcher(env, token, str) !== undefined;
}

export function split(
  env: Env,
  str: string | undefined,
  separator: unknown,
  limit: number | undefined,
): unknown {
  if (str === undefined) return undefined;
  if ((limit as number) < 0) throw jerror("D3020", { value: limit, index: 3 });
  let result: string[] = [];
  if (limit === undefined || limit > 0) {
    if (typeof separator === "string") {
      result = str.split(separator, limit);
    } else {
      let count = 0;
      let matches = callMatcher(env, separator, str);
      if (matches !== undefined) {
        let start = 0;
        while (matches !== undefined && (limit === undefined || count < limit)) {
          result.push(str.substring(start, matches.start));
          start = matches.end;
          matches = callMatcher(env, matches.next, undefined);
          count++;
        }
        if (limit === undefined || count < limit) result.push(str.substring(start));
      } else {
        result.push(str);
      }
    }
  }
  return result;
}

export function match(env: Env, str: string | undefined, regex: unknown, limit: number | undefined): unknown {
  if (str === undefined) return undefined;
  if ((limit as number) < 0) throw jerror("D3040", { value: limit, index: 3 });
  const result = createSequence();
  if (limit === undefined || limit > 0) {
    let count = 0;
    let matches = callMatcher(env, regex, str);
    while (matches !== undefined && (limit === undefined || count < limit)) {
      result.push({ match: matches.match, index: matches.start, groups: matches.groups });
      matches = callMatcher(env, matches.next, undefined);
      count++;
    }
  }
  return result;
}

/** The text a `$n` replacement string gives for one match. */
function substitute(replacement: string, regexMatch: Match): string {
  let out = "";
  let position = 0;
  let index = replacement.indexOf("$", position);
  while (index !== -1 && position < replacement.length) {
    out += replacement.substring(position, index);
    position = index + 1;
    const dollarVal = replacement.charAt(position);
    if (dollarVal === "$") {
      out += "$";
      position++;
    } else if (dollarVal === "0") {
      out += regexMatch.match;
      position++;
    } else {
      const groups = regexMatch.groups.length;
      const maxDigits = groups === 0 ? 1 : Math.floor(Math.log(groups) * Math.LOG10E) + 1;
      index = parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && index > groups) {
        index = parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      }
      if (!isNaN(index)) {
        if (groups > 0) {
          const submatch = regexMatch.groups[index - 1];
          if (submatch !== undefined) out += submatch;
        }
        position += index.toString().length;
      } else {
        out += "$";
      }
    }
    index = replacement.indexOf("$", position);
  }
  return out + replacement.substring(position);
}

/** What `result += replacement` gives in jsonata for a replacement that is not a string. */
function replacementText(replacement: unknown): string {
  if (typeof replacement === "function") {
    return (replacement as CompiledFn).kind === "function" ? CLOSURE_TEXT : "[object Object]";
  }
  return String(replacement);
}

export function replace(
  env: Env,
  str: string | undefined,
  pattern: unknown,
  replacement: unknown,
  limit: number | undefined,
): unknown {
  if (str === undefined) return undefined;
  if (pattern === "") throw jerror("D3010", { value: pattern, index: 2 });
  if ((limit as number) < 0) throw jerror("D3011", { value: limit, index: 4 });
  const replacer =
    typeof replacement === "string"
      ? (m: Match): unknown => substitute(replacement, m)
      : (m: Match): unknown => callback(replacement, [m], env);
  if (limit !== undefined && limit <= 0) return str;
  let result = "";
  let position = 0;
  let count = 0;
  if (typeof pattern === "string") {
    let index = str.indexOf(pattern, position);
    while (index !== -1 && (limit === undefined || count < limit)) {
      result += str.substring(position, index);
      result += replacementText(replacement);
      position = index + pattern.length;
      count++;
      index = str.indexOf(pattern, position);
    }
    return result + str.substring(position);
  }
  let matches = callMatcher(env, pattern, str);
  if (matches === undefined) return str;
  while (matches !== undefined && (limit === undefined || count < limit)) {
    result += str.substring(position, matches.start);
    const replacedWith = replacer(matches);
    if (typeof replacedWith !== "string") throw jerror("D3012", { value: replacedWith });
    result += replacedWith;
    position = matches.start + matches.match.length;
    count++;
    matches = callMatcher(env, matches.next, undefined);
  }
  return result + str.substring(position);
}
