/**
 * JSONata's value model, as the interpreter (jsonata 2.2.2) implements it: sequences are arrays flagged
 * `sequence` (plus `keepSingleton`, `outerWrapper`, `cons`), a sequence of one value is that value, an empty
 * one is nothing (`undefined`). The helpers here are line-for-line ports of the interpreter's, so that
 * compiled code sees and produces the same arrays.
 */
import { jerror } from "./errors.js";
import { isLosslessNumber, losslessEqual, losslessIsZero } from "./lossless.js";
import type { Obj, Sequence } from "./types.js";

export function createSequence(...items: unknown[]): Sequence {
  const seq = [] as unknown as Sequence;
  seq.sequence = true;
  if (items.length === 1) seq.push(items[0]);
  return seq;
}

export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Partial<Sequence>).sequence === true;
}

export function markCons(array: unknown[]): void {
  Object.defineProperty(array, "cons", { enumerable: false, configurable: false, value: true });
}

export function isCons(value: unknown[]): boolean {
  return (value as Partial<Sequence>).cons === true;
}

/** A function value: compiled ones are JS functions; data objects flagged like jsonata's count too. */
export function isFunction(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (typeof value !== "object" || value === null) return false;
  const o = value as Obj;
  return o["_jsonata_function"] === true || o["_jsonata_lambda"] === true;
}

/** A number JSONata accepts (not NaN); infinite numbers are an error (D1001). */
export function isNumeric(n: unknown): n is number {
  if (typeof n !== "number") return false;
  if (Number.isNaN(n)) return false;
  if (!Number.isFinite(n)) throw jerror("D1001", { value: n });
  return true;
}

export function isArrayOfNumbers(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  // The interpreter tests every item (each test may throw D1001).
  return value.filter((item) => !isNumeric(item)).length === 0;
}

/** What the interpreter does with the value of every node it evaluates. */
export function normalize(result: unknown, keepArray: boolean): unknown {
  if (!result || !isSequence(result) || result.tupleStream) return result;
  if (keepArray) result.keepSingleton = true;
  if (result.length === 0) return undefined;
  if (result.length === 1) return result.keepSingleton ? result : result[0];
  return result;
}

/** `$boolean()`: the effective boolean value; undefined for undefined. */
export function toBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === "boolean") return arg;
  if (typeof arg === "string") return arg.length > 0;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    if (arg.length > 1) return arg.filter((v) => toBoolean(v)).length > 0;
    return false;
  }
  if (isNumeric(arg)) return arg !== 0;
  if (isLosslessNumber(arg)) return !losslessIsZero(arg);
  if (arg !== null && typeof arg === "object" && !isFunction(arg)) return Object.keys(arg).length > 0;
  return false;
}

/** `fn.append`: concatenates, disregarding undefined; the result of concat is a plain array. */
export function append(arg1: unknown, arg2: unknown): unknown {
  if (arg1 === undefined) return arg2;
  if (arg2 === undefined) return arg1;
  const a1: unknown[] = Array.isArray(arg1) ? arg1 : createSequence(arg1);
  const a2: unknown[] = Array.isArray(arg2) ? arg2 : [arg2];
  return a1.concat(a2);
}

/** `utils.isDeepEqual`. */
export function deepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (isLosslessNumber(lhs) || isLosslessNumber(rhs)) return losslessEqual(lhs, rhs);
  if (typeof lhs === "object" && typeof rhs === "object" && lhs !== null && rhs !== null) {
    if (Array.isArray(lhs) && Array.isArray(rhs)) {
      if (lhs.length !== rhs.length) return false;
      for (let i = 0; i < lhs.length; i++) if (!deepEqual(lhs[i], rhs[i])) return false;
      return true;
    }
    const lkeys = Object.getOwnPropertyNames(lhs).sort();
    const rkeys = Object.getOwnPropertyNames(rhs).sort();
    if (lkeys.length !== rkeys.length) return false;
    for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
    for (const key of lkeys) if (!deepEqual((lhs as Obj)[key], (rhs as Obj)[key])) return false;
    return true;
  }
  return false;
}

/** Sets `obj[key]` as an own data property, also for `__proto__`. */
export function setMember(obj: Obj, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** `flatten` of the wildcard: every nested array's items, in order. */
export function flatten(arg: unknown, flattened: unknown[] = []): unknown[] {
  if (Array.isArray(arg)) for (const item of arg) flatten(item, flattened);
  else flattened.push(arg);
  return flattened;
}
