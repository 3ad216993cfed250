/**
 * Numbers a double cannot hold. JSON.parse turns 12345678901234567891 into 12345678901234567000, 1e400 into
 * Infinity (written back as null), 1e-400 into 0 and -0 into 0, so 64-bit ids lose digits and two events
 * become one. A value that may hold such a number (a quick scan of its text, {@link mayLoseDigits}) is parsed
 * with lossless-json instead: a number whose value a double holds exactly stays a plain number, any other
 * becomes a {@link LosslessNumber} that keeps its text. Values parsed so are remembered (a WeakSet), so that
 * only their JSON goes through the slower serialiser that writes a LosslessNumber back as its text.
 */
import { parse, splitNumber, stringify } from "lossless-json";

/** lossless-json's mark: its isLosslessNumber() and stringify(), and the JSONata compiler, know the value by it. */
const MARKER: unique symbol = Symbol.for("lossless-json.LosslessNumber");

/**
 * A JSON number kept as its text. It has no own properties (paths, wildcards and `$keys` see a leaf), and
 * code that does not know it sees the nearest double (valueOf, toJSON), which is what JSON.parse would give.
 */
export class LosslessNumber {
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** The number's JSON text, as it came (lossless-json's name for it). */
  get value(): string {
    return this.#text;
  }

  get [MARKER](): true {
    return true;
  }

  toString(): string {
    return this.#text;
  }

  valueOf(): number {
    return Number(this.#text);
  }

  toJSON(): number {
    return Number(this.#text);
  }

  /** How node's inspect (and so test failures) show it. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `LosslessNumber(${this.#text})`;
  }
}

export function isLosslessNumber(value: unknown): value is LosslessNumber {
  return typeof value === "object" && value !== null && (value as { [MARKER]?: unknown })[MARKER] === true;
}

/** The text of a JSON number: a LosslessNumber's own, a double's shortest form. */
export function numberText(value: number | LosslessNumber): string {
  return typeof value === "number" ? String(value) : value.value;
}

/** Whether the decimal `text` and the double `n` have the same value (1.0 and 1, 1e21 and 1e+21 do). */
function sameValue(text: string, n: number): boolean {
  const shortest = String(n);
  if (shortest === text) return true;
  const a = splitNumber(text);
  const b = splitNumber(shortest);
  return a.sign === b.sign && a.digits === b.digits && a.exponent === b.exponent;
}

/**
 * A JSON number's text as a value: the double when it holds the number's value exactly (`1.0` is 1), else a
 * LosslessNumber (more digits than a double holds, out of its range, or -0, whose sign a double would keep
 * but JSON.stringify drops).
 */
export function exactNumber(text: string): number | LosslessNumber {
  const n = Number(text);
  if (Number.isFinite(n) && !(n === 0 && text.charCodeAt(0) === 0x2d) && sameValue(text, n)) return n;
  return new LosslessNumber(text);
}

/**
 * True when the JSON text may hold a number that {@link exactNumber} keeps as text: -0, 16 or more digits
 * (and dots) in a row, or an exponent, just after `:`, `,` or `[`. Digits inside strings rarely count (W1's
 * ids are 24 hex digits); a string that does only costs a slower parse, never a wrong value. A number with
 * 15 significant digits or fewer and no exponent is always a double's shortest form.
 */
const MAY_LOSE_DIGITS = /[:,[]\s*(?:-0|-?\d(?:[\d.]{15}|[\d.]*[eE]))/;

export function mayLoseDigits(text: string): boolean {
  return MAY_LOSE_DIGITS.test(text);
}

/** Values parsed with LosslessNumbers in them. */
const LOSSLESS = new WeakSet<object>();

/** Whether `value` was parsed by {@link parseJson} with a LosslessNumber somewhere in it. */
export function hasLosslessNumbers(value: unknown): boolean {
  return typeof value === "object" && value !== null && LOSSLESS.has(value);
}

/**
 * JSON.parse, except that a text with a number a double cannot hold is parsed losslessly. Duplicate keys take
 * the last value, as JSON.parse does. Invalid JSON throws JSON.parse's own error, so reasons read the same.
 */
export function parseJson(text: string): unknown {
  if (!MAY_LOSE_DIGITS.test(text)) return JSON.parse(text);
  let found = false;
  let value: unknown;
  try {
    value = parse(text, undefined, {
      parseNumber: (numberText: string) => {
        const n = exactNumber(numberText);
        if (typeof n !== "number") found = true;
        return n;
      },
      onDuplicateKey: ({ newValue }) => newValue,
    });
  } catch {
    // Invalid JSON, or nesting deeper than this recursive parser's stack: JSON.parse decides (and reports).
    return JSON.parse(text);
  }
  if (found && typeof value === "object" && value !== null) LOSSLESS.add(value);
  return value;
}

/** JSON.stringify of `value`; exact (LosslessNumbers as their text) when `from`, what it was made of, held any. */
export function stringifyJson(value: unknown, from: unknown = value): string {
  if (!hasLosslessNumbers(from)) return JSON.stringify(value);
  return stringify(value) as string;
}
