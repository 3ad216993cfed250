/**
 * Exact number comparison for rules. A number in an event or a rule is either a double that holds its value
 * exactly or a LosslessNumber that keeps its text (formats/lossless-number.ts): `_id == 9007199254740993`
 * holds for that id only, not for 9007199254740992, which is the same double. Plain doubles compare as
 * doubles (the fast path); anything with a LosslessNumber on a side compares by decimal value.
 */
import { compareNumber, splitNumber } from "lossless-json";
import { LosslessNumber, exactNumber, isLosslessNumber, numberText } from "../formats/lossless-number.js";

export type ExactNumber = number | LosslessNumber;

const NUMERIC_RE = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A number's text in the rule language or a numeric string (`+5`, `.5`, `5.`) as an exact number. */
export function exactFromText(text: string): ExactNumber {
  return exactNumber(text.replace(/^\+/, "").replace(/^(-?)\./, "$10."));
}

/** The number a numeric string stands for, exactly; undefined when it is not one (no whitespace, hex, Infinity). */
export function numericExact(text: string): ExactNumber | undefined {
  return NUMERIC_RE.test(text) ? exactFromText(text) : undefined;
}

/** The number a value is, when it is one (a double or a LosslessNumber). */
export function asExactNumber(value: unknown): ExactNumber | undefined {
  return typeof value === "number" || isLosslessNumber(value) ? value : undefined;
}

/**
 * A key equal for equal numbers: the double itself, or for a LosslessNumber its normalised decimal text
 * (a double and a LosslessNumber are never equal: a LosslessNumber is made only for a value no double holds,
 * except -0, whose key is the double -0, which a Set and === take as 0).
 */
export function numberKey(value: ExactNumber): number | string {
  if (typeof value === "number") return value;
  const { sign, digits, exponent } = splitNumber(value.value);
  return digits === "0" ? 0 : `${sign}${digits}e${exponent}`;
}

/** The key of a numeric string's number, or undefined (never equal to a number's key) when it is not one. */
export function numericKey(text: string): number | string | undefined {
  const n = numericExact(text);
  return n === undefined ? undefined : numberKey(n);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b, by exact value. */
export function compareExact(a: ExactNumber, b: ExactNumber): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  return compareNumber(numberText(a), numberText(b));
}
