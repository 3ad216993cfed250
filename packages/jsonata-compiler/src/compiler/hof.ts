/**
 * The higher-order built-ins ($map, $filter, $single, $reduce, $each, $sift, $sort), synchronous ports of
 * jsonata's (which are async only because lambdas are). A function argument gets the value, then the index
 * or key and the whole array or object when its arity asks for them, as in the interpreter.
 */
import { callback } from "./calls.js";
import type { Env } from "./env.js";
import { jerror } from "./errors.js";
import { createSequence, isArrayOfNumbers, toBoolean } from "./sequence.js";
import type { JFn, Obj } from "./types.js";

function funcArgs(func: JFn, value: unknown, position: unknown, whole: unknown): unknown[] {
  const args = [value];
  if (func.arity >= 2) args.push(position);
  if (func.arity >= 3) args.push(whole);
  return args;
}

export function map(env: Env, arr: unknown[] | undefined, func: JFn): unknown {
  if (arr === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < arr.length; i++) {
    const res = callback(func, funcArgs(func, arr[i], i, arr), env);
    if (res !== undefined) result.push(res);
  }
  return result;
}

export function filter(env: Env, arr: unknown[] | undefined, func: JFn): unknown {
  if (arr === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < arr.length; i++) {
    const entry = arr[i];
    if (toBoolean(callback(func, funcArgs(func, entry, i, arr), env))) result.push(entry);
  }
  return result;
}

export function single(env: Env, arr: unknown[] | undefined, func: JFn | undefined): unknown {
  if (arr === undefined) return undefined;
  let found = false;
  let result: unknown;
  for (let i = 0; i < arr.length; i++) {
    const entry = arr[i];
    const positive =
      func === undefined ? true : toBoolean(callback(func, funcArgs(func, entry, i, arr), env));
    if (positive) {
      if (found) throw jerror("D3138", { index: i });
      result = entry;
      found = true;
    }
  }
  if (!found) throw jerror("D3139");
  return result;
}

export function reduce(env: Env, sequence: unknown[] | undefined, func: JFn, init: unknown): unknown {
  if (sequence === undefined) return undefined;
  const arity = func.arity;
  if (arity < 2) throw jerror("D3050", { index: 1 });
  let result: unknown;
  let index: number;
  if (init === undefined && sequence.length > 0) {
    result = sequence[0];
    index = 1;
  } else {
    result = init;
    index = 0;
  }
  while (index < sequence.length) {
    const args = [result, sequence[index]];
    if (arity >= 3) args.push(index);
    if (arity >= 4) args.push(sequence);
    result = callback(func, args, env);
    index++;
  }
  return result;
}

function objectKeys(value: unknown): string[] {
  return typeof value === "object" && value !== null ? Object.keys(value) : [];
}

export function each(env: Env, obj: unknown, func: JFn): unknown {
  const result = createSequence();
  for (const key of objectKeys(obj)) {
    const val = callback(func, funcArgs(func, (obj as Obj)[key], key, obj), env);
    if (val !== undefined) result.push(val);
  }
  return result;
}

export function sift(env: Env, arg: unknown, func: JFn): unknown {
  const result: Obj = {};
  let kept = 0;
  for (const item of objectKeys(arg)) {
    const entry = (arg as Obj)[item];
    if (toBoolean(callback(func, funcArgs(func, entry, item, arg), env))) {
      if (item === "__proto__") {
        Object.defineProperty(result, item, {
          value: entry,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        result[item] = entry;
      }
      kept++;
    }
  }
  return kept === 0 ? undefined : result;
}

/**
 * `fn.sort`: a stable merge sort; `swap(a, b)` true puts `b` first. With no comparator, the array must hold
 * only numbers or only strings (D3070). The merge is iterative but asks the comparator in the same order.
 */
export function sort(env: Env, arr: unknown[] | undefined, comparator: JFn | undefined): unknown {
  if (arr === undefined) return undefined;
  if (arr.length <= 1) return arr;
  let swap: (a: unknown, b: unknown) => boolean;
  if (comparator === undefined) {
    const strings = arr.every((v) => typeof v === "string");
    if (!isArrayOfNumbers(arr) && !strings) throw jerror("D3070", { index: 1 });
    swap = (a, b) => (a as number) > (b as number);
  } else {
    // JavaScript truthiness of the comparator's result, as in jsonata.
    swap = (a, b) => Boolean(callback(comparator, [a, b], env));
  }
  return sortWith(arr, swap);
}

/** The merge sort of `fn.sort` with any `swap` test (also used by the order-by operator). */
export function sortWith(arr: unknown[], swap: (a: unknown, b: unknown) => boolean): unknown[] {
  if (arr.length <= 1) return arr;
  const middle = Math.floor(arr.length / 2);
  const left = sortWith(arr.slice(0, middle), swap);
  const right = sortWith(arr.slice(middle), swap);
  const merged: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length && r < right.length) {
    if (swap(left[l], right[r])) merged.push(right[r++]);
    else merged.push(left[l++]);
  }
  while (l < left.length) merged.push(left[l++]);
  while (r < right.length) merged.push(right[r++]);
  return merged;
}
