/**
 * Concatenated objects and JSON arrays: a byte scanner that tracks nesting depth and strings (strings are
 * skipped with indexOf), cuts out each top-level object or array element, and parses it (parseJson). Text outside
 * any object is reported up to the end of its line.
 *
 * `push` is on the hot path of every `json` and `concatenated` read. It dispatches on the scanner's state, and
 * each state's scan loops over the bytes until the state changes, so a byte costs no call; the state lives in
 * fields (nothing is allocated per value but the value's text).
 */
import {
  BACKSLASH,
  COMMA,
  CR,
  LBRACE,
  LBRACKET,
  NL,
  QUOTE,
  RAW_BYTES,
  RBRACE,
  RBRACKET,
  SP,
  TAB,
  describe,
  isPlainObject,
  parseErrorReason,
  truncateRaw,
  type ModeParser,
} from "./mode-parser.js";
import { parseJson } from "./lossless-number.js";
import type { ParseEvent, ParsePosition } from "./types.js";
import { ValueBytes } from "./value-bytes.js";

type StructMode = "concatenated" | "array-start" | "array-items" | "array-end";

export class StructParser implements ModeParser {
  /** Inside a value (or a run of junk text), whose bytes are being collected. */
  private inValue = false;
  /** The value is text outside any object, reported up to the end of its line. */
  private junk = false;
  /** The value is an array element (ends at a top-level `,` or `]`), not a concatenated object. */
  private element = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private valueOffset = 0;
  private valueLine = 0;
  private readonly bytes = new ValueBytes();
  // Per chunk being pushed: its stream offset, where the current value's bytes start in it, and the next
  // backslash and newline found in it (kept across strings: one indexOf per chunk, not per string).
  private base = 0;
  private seg = 0;
  private nextBackslash = -1;
  private nextNewline = -1;

  constructor(
    private mode: StructMode,
    private offset: number,
    private line: number,
    private readonly max: number,
  ) {}

  get position(): ParsePosition {
    if (this.inValue) return { offset: this.valueOffset, line: this.valueLine, mode: this.mode };
    return { offset: this.offset, line: this.line, mode: this.mode };
  }

  push(buf: Buffer, out: ParseEvent[]): void {
    const n = buf.length;
    this.base = this.offset;
    this.seg = 0;
    this.nextBackslash = -1;
    this.nextNewline = -1;
    let i = 0;
    while (i < n) {
      if (!this.inValue) i = this.scanBetween(buf, i);
      else if (this.junk) i = this.scanJunk(buf, i, out);
      else if (this.inString) i = this.scanString(buf, i);
      else i = this.scanValue(buf, i, out);
    }
    if (this.inValue) this.append(buf, this.seg, n);
    this.offset = this.base + n;
  }

  end(out: ParseEvent[]): void {
    if (this.inValue) {
      if (this.junk) {
        this.finishJunk(out);
      } else if (this.element && !this.inString && this.depth === 0) {
        this.emitValue(out);
        this.error(out, this.line, "unexpected end of input: the JSON array is not closed", "");
      } else {
        const raw = this.takeText();
        const line = this.valueLine;
        this.reset();
        this.error(out, line, "unexpected end of input: the JSON value is not closed", raw);
      }
    } else if (this.mode === "array-items") {
      this.error(out, this.line, "unexpected end of input: the JSON array is not closed", "");
    }
  }

  /** Between values: skip whitespace and the array's punctuation until a value (or junk) begins. */
  private scanBetween(buf: Buffer, i: number): number {
    const n = buf.length;
    while (i < n) {
      const c = buf[i]!;
      if (c === NL) {
        this.line++;
        i++;
        continue;
      }
      if (c === SP || c === TAB || c === CR) {
        i++;
        continue;
      }
      if (this.mode === "concatenated") {
        if (c === LBRACE) {
          this.begin(i, false);
          this.depth = 1;
          return i + 1;
        }
      } else if (this.mode === "array-start") {
        if (c === LBRACKET) {
          this.mode = "array-items";
          i++;
          continue;
        }
      } else if (this.mode === "array-items") {
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === RBRACKET) {
          this.mode = "array-end";
          i++;
          continue;
        }
        this.begin(i, true);
        return i;
      }
      this.begin(i, false);
      this.junk = true;
      return i;
    }
    return i;
  }

  /** Junk text: collected up to the end of its line, then reported. */
  private scanJunk(buf: Buffer, i: number, out: ParseEvent[]): number {
    const nl = buf.indexOf(NL, i);
    if (nl === -1) return buf.length;
    this.append(buf, this.seg, nl);
    this.offset = this.base + nl;
    this.finishJunk(out);
    return nl;
  }

  /** Inside a string: jump to the next quote, backslash or newline until the string closes. */
  private scanString(buf: Buffer, i: number): number {
    const n = buf.length;
    while (i < n) {
      if (this.escape) {
        this.escape = false;
        i++;
        continue;
      }
      if (this.nextBackslash < i) {
        this.nextBackslash = buf.indexOf(BACKSLASH, i);
        if (this.nextBackslash === -1) this.nextBackslash = n;
      }
      if (this.nextNewline < i) {
        this.nextNewline = buf.indexOf(NL, i);
        if (this.nextNewline === -1) this.nextNewline = n;
      }
      let quote = buf.indexOf(QUOTE, i);
      if (quote === -1) quote = n;
      const stop = Math.min(quote, this.nextBackslash, this.nextNewline);
      if (stop === n) return n;
      i = stop + 1;
      if (stop === this.nextNewline) {
        this.line++; // a raw newline inside a string is invalid JSON; count it to keep line numbers right
      } else if (stop === this.nextBackslash) {
        this.escape = true;
      } else {
        this.inString = false;
        return i;
      }
    }
    return i;
  }

  /** Inside a value, outside strings: track the depth until a string starts or the value ends. */
  private scanValue(buf: Buffer, i: number, out: ParseEvent[]): number {
    const n = buf.length;
    while (i < n) {
      const c = buf[i]!;
      switch (c) {
        case QUOTE:
          this.inString = true;
          return i + 1;
        case LBRACE:
        case LBRACKET:
          this.depth++;
          break;
        case RBRACE:
        case RBRACKET:
          if (this.depth === 0) {
            if (this.element && c === RBRACKET) {
              this.endValue(buf, i, out); // the `]` closes the array: handled between values
              return i;
            }
            break;
          }
          if (--this.depth === 0 && !this.element) {
            this.endValue(buf, i + 1, out);
            return i + 1;
          }
          break;
        case COMMA:
          if (this.element && this.depth === 0) {
            this.endValue(buf, i, out);
            return i;
          }
          break;
        case NL:
          this.line++;
          break;
      }
      i++;
    }
    return i;
  }

  /** A value starts at buf[i]. */
  private begin(i: number, element: boolean): void {
    this.inValue = true;
    this.element = element;
    this.junk = false;
    this.valueOffset = this.base + i;
    this.valueLine = this.line;
    this.seg = i;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  private append(buf: Buffer, start: number, end: number): void {
    this.bytes.append(buf, start, end, this.junk ? RAW_BYTES : this.max);
  }

  private takeText(): string {
    return this.bytes.text();
  }

  private reset(): void {
    this.inValue = false;
    this.junk = false;
    this.bytes.clear();
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  private error(out: ParseEvent[], line: number, reason: string, raw: string): void {
    out.push({ kind: "error", line, reason, raw: truncateRaw(raw), next: this.position });
  }

  /** The value ends before buf[end]. */
  private endValue(buf: Buffer, end: number, out: ParseEvent[]): void {
    this.append(buf, this.seg, end);
    this.offset = this.base + end;
    this.emitValue(out);
  }

  private emitValue(out: ParseEvent[]): void {
    const line = this.valueLine;
    const oversize = this.bytes.oversize;
    const text = this.takeText();
    this.reset();
    if (oversize) {
      this.error(out, line, `JSON value larger than ${this.max} bytes`, text);
      return;
    }
    let value: unknown;
    try {
      value = parseJson(text);
    } catch (error) {
      this.error(out, line, parseErrorReason(error), text.trim());
      return;
    }
    if (!isPlainObject(value)) {
      this.error(out, line, `not a JSON object (${describe(value)})`, text.trim());
      return;
    }
    out.push({ kind: "record", value, line, next: this.position });
  }

  private finishJunk(out: ParseEvent[]): void {
    const line = this.valueLine;
    const text = this.takeText();
    const mode = this.mode;
    this.reset();
    const reason =
      mode === "array-start"
        ? "expected a JSON array"
        : mode === "array-end"
          ? "unexpected text after the JSON array"
          : "unexpected text outside a JSON object";
    this.error(out, line, reason, text.replace(/\r$/, ""));
  }
}
