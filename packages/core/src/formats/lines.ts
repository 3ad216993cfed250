/**
 * The line formats: `ndjson` (one JSON object per line) and `members` (each line the members of an object
 * without its braces). Lines are split on 0x0A in the Buffer; each is decoded and parsed on its own (parseJson:
 * JSON.parse, or lossless-json for a line with a number a double cannot hold).
 * A line that is not valid UTF-8 is decoded with U+FFFD for each bad sequence and its event says so
 * (`invalidUtf8`), for core to count and report.
 */
import { isUtf8 } from "node:buffer";
import {
  CR,
  NL,
  RAW_BYTES,
  describe,
  isBlank,
  isPlainObject,
  parseErrorReason,
  truncateRaw,
  type ModeParser,
} from "./mode-parser.js";
import { parseJson } from "./lossless-number.js";
import type { ParseEvent, ParsePosition, ParsedRecord } from "./types.js";

/** Whether decoding buf[start, end) to `text` replaced bytes: only text holding U+FFFD needs the byte check. */
function decodedInvalid(text: string, buf: Buffer, start: number, end: number): boolean {
  return text.includes("\uFFFD") && !isUtf8(buf.subarray(start, end));
}

export class LineParser implements ModeParser {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** The current line is longer than the limit: its bytes are dropped, its head kept for the report. */
  private oversize = false;

  /** Lines the prefilter skipped since the last `takeSkipped`. */
  skipped = 0;

  constructor(
    private readonly mode: "ndjson" | "members",
    private offset: number,
    private line: number,
    private readonly max: number,
    private readonly prefilter: ((text: string) => boolean) | undefined,
  ) {}

  get position(): ParsePosition {
    return { offset: this.offset, line: this.line, mode: this.mode };
  }

  push(chunk: Buffer, out: ParseEvent[]): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      if (nl === -1) break;
      if (this.pendingLen === 0 && !this.oversize) {
        // The whole line is in this chunk: parse it in place, without copying.
        this.line_(chunk, start, nl, nl + 1 - start, true, out);
      } else {
        this.hold(chunk.subarray(start, nl));
        this.flushPending(true, out);
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  end(out: ParseEvent[]): void {
    if (this.pendingLen > 0 || this.oversize) this.flushPending(false, out);
  }

  private hold(part: Buffer): void {
    if (part.length === 0) return;
    if (!this.oversize && this.pendingLen + part.length > this.max) {
      // Keep the head for the report, drop the rest of the line as it arrives.
      const head = Buffer.concat([...this.pending, part], this.pendingLen + part.length);
      this.pending = [head.subarray(0, RAW_BYTES)];
      this.pendingLen = head.length;
      this.oversize = true;
      return;
    }
    if (this.oversize) {
      const kept = this.pending[0]?.length ?? 0;
      if (kept < RAW_BYTES) this.pending.push(part.subarray(0, RAW_BYTES - kept));
      this.pendingLen += part.length;
      return;
    }
    this.pending.push(part);
    this.pendingLen += part.length;
  }

  private flushPending(newline: boolean, out: ParseEvent[]): void {
    const consumed = this.pendingLen + (newline ? 1 : 0);
    if (this.oversize) {
      const head = Buffer.concat(this.pending);
      const lineNo = this.line;
      this.advance(consumed, newline);
      this.reject(out, lineNo, `line longer than ${this.max} bytes`, head.toString("utf8"));
    } else {
      const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLen);
      this.line_(buf, 0, buf.length, consumed, newline, out);
    }
    this.pending = [];
    this.pendingLen = 0;
    this.oversize = false;
  }

  private advance(consumed: number, newline: boolean): void {
    this.offset += consumed;
    if (newline) this.line++;
  }

  /** Handle the line buf[start, end) (without its newline); `consumed` bytes advance the offset. */
  private line_(
    buf: Buffer,
    start: number,
    end: number,
    consumed: number,
    newline: boolean,
    out: ParseEvent[],
  ): void {
    const lineNo = this.line;
    this.advance(consumed, newline);
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) return;
    if (end - start > this.max) {
      const head = buf.toString("utf8", start, Math.min(end, start + RAW_BYTES));
      this.reject(out, lineNo, `line longer than ${this.max} bytes`, head);
      return;
    }
    const text = buf.toString("utf8", start, end);
    if (this.prefilter && !this.prefilter(this.mode === "members" ? `{${text}}` : text)) {
      this.skipped++;
      return;
    }
    const invalid = decodedInvalid(text, buf, start, end);
    const before = out.length;
    const value =
      this.mode === "members" ? this.parseMembers(text, lineNo, out) : this.parseObject(text, lineNo, out);
    if (value === undefined) {
      if (invalid && out.length > before) out[out.length - 1]!.invalidUtf8 = true;
      return;
    }
    const record: ParsedRecord = { kind: "record", value, line: lineNo, next: this.position };
    if (this.mode === "ndjson") record.text = text;
    if (invalid) record.invalidUtf8 = true;
    out.push(record);
  }

  /** A members line as an object; undefined when it is blank or malformed (reported). */
  private parseMembers(text: string, lineNo: number, out: ParseEvent[]): Record<string, unknown> | undefined {
    if (isBlank(text)) return undefined;
    try {
      return parseJson(`{${text}}`) as Record<string, unknown>;
    } catch (error) {
      this.reject(out, lineNo, parseErrorReason(error), text);
      return undefined;
    }
  }

  /** An ndjson line as an object; undefined when it is blank, malformed or not an object (reported). */
  private parseObject(text: string, lineNo: number, out: ParseEvent[]): Record<string, unknown> | undefined {
    let value: unknown;
    try {
      value = parseJson(text);
    } catch (error) {
      // Parsed first, checked for blanks only when that failed: a blank line is rare, a record is not.
      if (!isBlank(text)) this.reject(out, lineNo, parseErrorReason(error), text);
      return undefined;
    }
    if (!isPlainObject(value)) {
      this.reject(out, lineNo, `not a JSON object (${describe(value)})`, text);
      return undefined;
    }
    return value;
  }

  private reject(out: ParseEvent[], line: number, reason: string, raw: string): void {
    out.push({ kind: "error", line, reason, raw: truncateRaw(raw), next: this.position });
  }
}
