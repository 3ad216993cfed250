/**
 * Compiles a rule AST to a plain predicate: nested closures, no eval. Constants are lower-cased, parsed and
 * put in sets once, and MATCHES patterns are compiled once, so a call does no work that could be done ahead.
 *
 * Semantics (Cloud Exchange / MongoDB style; docs/business-rules.md, "Semantics"):
 * - a condition looks at every value the field path reaches: a path step that meets an array continues into
 *   each element, and an array at the end of the path contributes its elements;
 * - a positive condition (==, IN, LIKE, MATCHES, <, <=, >, >=) holds when any value satisfies it; a missing
 *   field is one `undefined` value, which satisfies only `== null` / `IN (null)`;
 * - a negative condition (!=, NOT IN, NOT LIKE, NOT MATCHES) is exactly the negation of its positive form,
 *   so it holds on a missing field and, for an array, when no element matches;
 * - strings compare case-insensitively for ==, IN and LIKE; a number equals a numeric string of the same
 *   value, and a boolean the string "true" / "false"; < <= > >= are numeric when both sides are numbers or
 *   numeric strings, else lexical (by UTF-16 code unit, case-sensitive) when both are strings, else false;
 * - numbers compare exactly (rules/numbers.ts): a 64-bit id equals only itself, not its nearest double.
 */
import type { RE2JS } from "re2js";
import type { LogRecord } from "../sdk/types.js";
import type { CompareOp, ConditionNode, FieldRef, Literal, RuleNode } from "./parser.js";
import { isLosslessNumber } from "../formats/lossless-number.js";
import {
  asExactNumber,
  compareExact,
  numberKey,
  numericExact,
  numericKey,
  type ExactNumber,
} from "./numbers.js";
import { compilePattern } from "./regex.js";

export type RulePredicate = (record: LogRecord) => boolean;

/** A test on one value found at a field path (`undefined` when the field is missing). */
type ValueTest = (value: unknown) => boolean;

const NON_ASCII_RE = /[^\u0000-\u007f]/; // eslint-disable-line no-control-regex

const matchAll: RulePredicate = () => true;

export function compileNode(node: RuleNode): RulePredicate {
  switch (node.kind) {
    case "all":
      return matchAll;
    case "and": {
      const parts = flatten(node.operands, "and").map(compileNode);
      if (parts.length === 2) {
        const [a, b] = parts as [RulePredicate, RulePredicate];
        return (record) => a(record) && b(record);
      }
      return (record) => {
        for (const part of parts) if (!part(record)) return false;
        return true;
      };
    }
    case "or": {
      const parts = flatten(node.operands, "or").map(compileNode);
      if (parts.length === 2) {
        const [a, b] = parts as [RulePredicate, RulePredicate];
        return (record) => a(record) || b(record);
      }
      return (record) => {
        for (const part of parts) if (part(record)) return true;
        return false;
      };
    }
    case "not": {
      const inner = compileNode(node.operand);
      return (record) => !inner(record);
    }
    default:
      return compileCondition(node);
  }
}

function flatten(operands: readonly RuleNode[], kind: "and" | "or"): RuleNode[] {
  const out: RuleNode[] = [];
  for (const operand of operands) {
    if (operand.kind === kind) out.push(...flatten(operand.operands, kind));
    else out.push(operand);
  }
  return out;
}

function compileCondition(node: ConditionNode): RulePredicate {
  if (node.kind === "exists") {
    const exists = existsPredicate(node.field);
    return node.negated ? (record) => !exists(record) : exists;
  }
  let test: ValueTest;
  let negated = false;
  switch (node.kind) {
    case "compare":
      if (node.op === "==" || node.op === "!=") {
        test = equalsTest([node.value]);
        negated = node.op === "!=";
      } else {
        test = orderTest(node.op, node.value);
      }
      break;
    case "in":
      test = equalsTest(node.values);
      negated = node.negated;
      break;
    case "like":
      test = likeTest(node.text);
      negated = node.negated;
      break;
    case "matches":
      test = matchesTest(compilePattern(node.pattern, node.patternPosition, JSON.stringify(node.pattern)));
      negated = node.negated;
      break;
  }
  const any = anyPredicate(node.field, test);
  return negated ? (record) => !any(record) : any;
}

// ---------------------------------------------------------------------------------------------------------
// Field access

/** Keys that plain objects inherit (constructor, toString, __proto__ ...) must be read as own properties. */
function readerFor(key: string): (object: object) => unknown {
  if (key in Object.prototype) {
    return (object) => (Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined);
  }
  return (object) => (object as Record<string, unknown>)[key];
}

type Reader = (object: object) => unknown;

function anyLeaf(value: unknown, test: ValueTest): boolean {
  if (!Array.isArray(value)) return test(value);
  for (let i = 0; i < value.length; i++) if (anyLeaf(value[i], test)) return true;
  return false;
}

function anyAt(node: unknown, readers: readonly Reader[], step: number, test: ValueTest): boolean {
  while (step < readers.length) {
    if (typeof node !== "object" || node === null) return test(undefined);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (anyAt(node[i], readers, step, test)) return true;
      return false;
    }
    node = (readers[step] as Reader)(node);
    step++;
  }
  return anyLeaf(node, test);
}

function existsAt(node: unknown, readers: readonly Reader[], step: number): boolean {
  while (step < readers.length) {
    if (typeof node !== "object" || node === null) return false;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (existsAt(node[i], readers, step)) return true;
      return false;
    }
    node = (readers[step] as Reader)(node);
    step++;
  }
  return node !== undefined;
}

function metaReader(field: Extract<FieldRef, { kind: "meta" }>): (record: LogRecord) => string {
  switch (field.name) {
    case "type":
      return (record) => record.type;
    case "subtype":
      return (record) => record.subtype;
    case "source":
      return (record) => record.source;
    case "id":
      return (record) => record.id;
  }
}

/** Holds when any value at the field satisfies `test`. */
function anyPredicate(field: FieldRef, test: ValueTest): RulePredicate {
  if (field.kind === "meta") {
    const read = metaReader(field);
    return (record) => test(read(record));
  }
  const readers = field.path.map(readerFor);
  if (readers.length === 1) {
    // The common case, a top-level key of an object: no loop, no recursion.
    const read = readers[0] as Reader;
    return (record) => {
      const data = record.data;
      if (typeof data === "object" && data !== null && !Array.isArray(data)) return anyLeaf(read(data), test);
      return anyAt(data, readers, 0, test);
    };
  }
  return (record) => anyAt(record.data, readers, 0, test);
}

/** Holds when the field is present (null included; an empty array is present). Metadata always is. */
function existsPredicate(field: FieldRef): RulePredicate {
  if (field.kind === "meta") return matchAll;
  const readers = field.path.map(readerFor);
  return (record) => existsAt(record.data, readers, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Value tests

function isNullish(value: unknown): boolean {
  return value === null || value === undefined;
}

/** `==` and `IN`: true when the value equals any of the constants. */
function equalsTest(values: readonly Literal[]): ValueTest {
  if (values.length === 1) {
    const only = values[0] as Literal;
    if (only === null) return isNullish;
    if (typeof only === "string") return stringEqualsTest(only);
    if (typeof only === "number" || isLosslessNumber(only)) {
      const key = numberKey(only);
      return (value) =>
        typeof value === "number"
          ? value === key
          : typeof value === "string"
            ? numericKey(value) === key
            : isLosslessNumber(value) && numberKey(value) === key;
    }
    const asText = String(only);
    return (value) =>
      value === only ||
      (typeof value === "string" && value.length === asText.length && value.toLowerCase() === asText);
  }

  const strings = new Set<string>(); // lower-cased; what a string value is compared with
  // Number keys (numbers.ts): what a number value is compared with (numbers and numeric strings), and what a
  // numeric string value is compared with (number constants).
  const numbers = new Set<number | string>();
  const numberConstants = new Set<number | string>();
  const booleans = new Set<boolean>();
  let matchesNull = false;
  for (const v of values) {
    if (v === null) matchesNull = true;
    else if (typeof v === "string") {
      const lower = v.toLowerCase();
      strings.add(lower);
      const key = numericKey(v);
      if (key !== undefined) numbers.add(key);
      if (lower === "true" || lower === "false") booleans.add(lower === "true");
    } else if (typeof v === "number" || isLosslessNumber(v)) {
      numbers.add(numberKey(v));
      numberConstants.add(numberKey(v));
    } else {
      booleans.add(v);
      strings.add(String(v));
    }
  }
  const checkNumericStrings = numberConstants.size > 0;
  return (value) => {
    switch (typeof value) {
      case "string":
        return (
          strings.has(value.toLowerCase()) ||
          (checkNumericStrings && hasKey(numberConstants, numericKey(value)))
        );
      case "number":
        return numbers.has(value);
      case "boolean":
        return booleans.has(value);
      case "undefined":
        return matchesNull;
      case "object":
        if (isLosslessNumber(value)) return numbers.has(numberKey(value));
        return value === null && matchesNull;
      default:
        return false;
    }
  };
}

function hasKey(keys: Set<number | string>, key: number | string | undefined): boolean {
  return key !== undefined && keys.has(key);
}

function stringEqualsTest(constant: string): ValueTest {
  const lower = constant.toLowerCase();
  // Lower-casing keeps the length of every string that can equal an ASCII constant, so a length check
  // rejects most values before any lower-casing (the only expanding mapping, U+0130, yields non-ASCII).
  const length = NON_ASCII_RE.test(constant) ? -1 : lower.length;
  const key = numericKey(constant);
  const boolean = lower === "true" ? true : lower === "false" ? false : undefined;
  return (value) => {
    if (typeof value === "string") {
      return value === constant || ((length < 0 || value.length === length) && value.toLowerCase() === lower);
    }
    if (typeof value === "number") return value === key;
    if (isLosslessNumber(value)) return numberKey(value) === key;
    return boolean !== undefined && value === boolean;
  };
}

type OrderOp = Exclude<CompareOp, "==" | "!=">;

const ORDER: Record<OrderOp, (a: number | string, b: number | string) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** `<`, `<=`, `>`, `>=`: numeric (exact) when both sides are numbers or numeric strings, else lexical for strings. */
function orderTest(op: OrderOp, constant: Literal): ValueTest {
  const order = ORDER[op];
  const number =
    asExactNumber(constant) ?? (typeof constant === "string" ? numericExact(constant) : undefined);
  const text = typeof constant === "string" ? constant : undefined;
  // Two doubles compare as doubles; a LosslessNumber on either side, by decimal value.
  const exact = (n: ExactNumber): boolean =>
    typeof n === "number" && typeof number === "number"
      ? order(n, number)
      : number !== undefined && order(compareExact(n, number), 0);
  return (value) => {
    const n = asExactNumber(value);
    if (n !== undefined) return exact(n);
    if (typeof value !== "string") return false;
    if (number !== undefined) {
      const m = numericExact(value);
      if (m !== undefined) return exact(m);
    }
    return text !== undefined && order(value, text);
  };
}

/** `LIKE`: case-insensitive substring of a string (numbers and booleans are matched as their text). */
function likeTest(constant: string): ValueTest {
  const lower = constant.toLowerCase();
  return (value) => {
    if (typeof value === "string") return value.toLowerCase().includes(lower);
    if (typeof value === "number" || typeof value === "boolean" || isLosslessNumber(value))
      return String(value).toLowerCase().includes(lower);
    return false;
  };
}

/** `MATCHES`: RE2 search anywhere in a string (numbers and booleans are matched as their text). */
function matchesTest(pattern: RE2JS): ValueTest {
  return (value) => {
    if (typeof value === "string") return pattern.test(value);
    if (typeof value === "number" || typeof value === "boolean" || isLosslessNumber(value))
      return pattern.test(String(value));
    return false;
  };
}
