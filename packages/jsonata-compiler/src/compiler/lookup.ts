/**
 * Reading members: a name step (`fn.lookup`, mapped over arrays and flattening one level), the wildcard `*`
 * (every member's value, arrays flattened) and the descendant wildcard `**`, as the interpreter does them.
 */
import { append, createSequence, flatten, isFunction } from "./sequence.js";
import type { Code, Sequence } from "./types.js";

/** A name step: fn.lookup. */
export function compileName(name: string): Code {
  return (input) => {
    if (input !== null && typeof input === "object" && !Array.isArray(input)) {
      if (!Object.hasOwn(input, name) || isFunction(input)) return undefined;
      return (input as Record<string, unknown>)[name];
    }
    return Array.isArray(input) ? lookupAll(input, name) : undefined;
  };
}

function lookupAll(input: unknown[], key: string): Sequence {
  const result = createSequence();
  for (let i = 0; i < input.length; i++) {
    const item = input[i];
    let res: unknown;
    if (Array.isArray(item)) res = lookupAll(item, key);
    else if (item !== null && typeof item === "object" && Object.hasOwn(item, key) && !isFunction(item)) {
      res = (item as Record<string, unknown>)[key];
    }
    if (res !== undefined) {
      if (Array.isArray(res)) for (const v of res) result.push(v);
      else result.push(res);
    }
  }
  return result;
}

/** `*`: evaluateWildcard. */
export function wildcard(input: unknown): unknown {
  let results: unknown = createSequence();
  let value = input;
  if (Array.isArray(value) && (value as Partial<Sequence>).outerWrapper && value.length > 0) value = value[0];
  if (value !== null && typeof value === "object" && !isFunction(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const member = obj[key];
      if (Array.isArray(member)) results = append(results, flatten(member));
      else (results as unknown[]).push(member);
    }
  }
  return results;
}

/** `**`: evaluateDescendants. */
export function descendants(input: unknown): unknown {
  if (input === undefined) return undefined;
  const results = createSequence();
  recurseDescendants(input, results);
  return results.length === 1 ? results[0] : results;
}

function recurseDescendants(input: unknown, results: unknown[]): void {
  if (!Array.isArray(input)) results.push(input);
  if (Array.isArray(input)) {
    for (const member of input) recurseDescendants(member, results);
  } else if (input !== null && typeof input === "object" && !isFunction(input)) {
    for (const key of Object.keys(input))
      recurseDescendants((input as Record<string, unknown>)[key], results);
  }
}
