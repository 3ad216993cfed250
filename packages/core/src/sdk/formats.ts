/**
 * Streaming parsers for the record formats that file-like sources read (the `file` source, the `s3` source).
 *
 * Formats:
 * - `ndjson`: one JSON object per line. An empty line is skipped; a line that is not a JSON object is malformed.
 * - `json`: one JSON array of objects, or one object (several objects one after another are accepted too).
 * - `concatenated`: JSON objects one after another, usually pretty-printed, not in an array (MetaDefender JSON).
 * - `members`: each line is the members of a JSON object without its braces, `"a": 1, "b": "x"` (MetaDefender SYSLOG).
 * - `auto`: decided from the first bytes: `[` a JSON array; `"` members; `{` ndjson when the first line is a whole
 *   object (or the next line starts another object), else concatenated; anything else ndjson.
 *
 * The parser is incremental: push Buffers in, get back {@link ParseEvent}s in input order, each with the position
 * just after it (byte offset, 1-based line number and parser mode). A source that stores that position as its
 * checkpoint resumes exactly there with `new RecordParser(format, { resume: position })`, without re-reading.
 * Malformed items become `error` events (line, reason, raw text truncated to {@link MAX_RAW_CHARS}) and parsing
 * goes on. Bytes are decoded to text only per complete item, so UTF-8 sequences split across chunks are safe.
 * A UTF-8 byte order mark at the very start is skipped.
 *
 * Gzip is recognised by its content (magic bytes 1f 8b), not by the name: see {@link maybeGunzip}, {@link parseStream}.
 */
import { createHash } from "node:crypto";
import { PassThrough, Readable, pipeline } from "node:stream";
import zlib from "node:zlib";

export const FILE_FORMATS = ["auto", "ndjson", "json", "concatenated", "members"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/**
 * The state a parser is in at a position: needed, with the offset, to resume there.
 * `array-start` expects `[`; `array-items` is inside the array; `array-end` is after its `]`.
 */
export type ParserMode = "ndjson" | "members" | "concatenated" | "array-start" | "array-items" | "array-end";
export const PARSER_MODES: readonly ParserMode[] = [
  "ndjson",
  "members",
  "concatenated",
  "array-start",
  "array-items",
  "array-end",
];

/** A point in the (decompressed) byte stream where parsing can resume. JSON-serialisable. */
export interface ParsePosition {
  /** Bytes consumed from the start of the stream. */
  offset: number;
  /** 1-based line number of the byte at `offset`. */
  line: number;
  mode: ParserMode;
}

export interface ParsedRecord {
  kind: "record";
  value: Record<string, unknown>;
  /** The item's exact JSON text, when it is one (ndjson lines): saves serialising `value` again. */
  text?: string;
  /** Line where the item starts. */
  line: number;
  /** Position just after the item (after its newline for line formats). */
  next: ParsePosition;
}

export interface ParseFailure {
  kind: "error";
  /** Line where the malformed item starts. */
  line: number;
  reason: string;
  /** The item's text, truncated to {@link MAX_RAW_CHARS} characters. */
  raw: string;
  next: ParsePosition;
}

export type ParseEvent = ParsedRecord | ParseFailure;

export interface ParserOptions {
  /** Resume at a position taken from an earlier event's `next` (or `parser.position`). */
  resume?: ParsePosition | undefined;
  /** An item longer than this is reported as malformed instead of being held in memory. Default 16 MiB. */
  maxRecordBytes?: number | undefined;
  /**
   * Line formats: called with a line's text before JSON.parse; a line for which it returns false is skipped
   * (counted by `takeSkipped`, never parsed). See PluginContext.prefilter.
   */
  prefilter?: ((text: string) => boolean) | undefined;
}

/** Raw text kept for a malformed item, in characters. */
export const MAX_RAW_CHARS = 4096;
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

const RAW_BYTES = MAX_RAW_CHARS * 4;
const NL = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Truncate text kept for a dead letter, without splitting a surrogate pair. */
export function truncateRaw(text: string, max = MAX_RAW_CHARS): string {
  if (text.length <= max) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function parseErrorReason(error: unknown): string {
  return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
}

function isBlank(text: string): boolean {
  return text.trim() === "";
}

interface Impl {
  push(chunk: Buffer, out: ParseEvent[]): void;
  end(out: ParseEvent[]): void;
  readonly position: ParsePosition;
  skipped?: number;
}

/** ndjson and members: split on 0x0A in the Buffer, decode and JSON.parse each line. */
class LineParser implements Impl {
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
      out.push({
        kind: "error",
        line: lineNo,
        reason: `line longer than ${this.max} bytes`,
        raw: truncateRaw(head.toString("utf8")),
        next: this.position,
      });
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
      out.push({
        kind: "error",
        line: lineNo,
        reason: `line longer than ${this.max} bytes`,
        raw: truncateRaw(buf.toString("utf8", start, Math.min(end, start + RAW_BYTES))),
        next: this.position,
      });
      return;
    }
    const text = buf.toString("utf8", start, end);
    let value: unknown;
    if (this.prefilter && !this.prefilter(this.mode === "members" ? `{${text}}` : text)) {
      this.skipped++;
      return;
    }
    if (this.mode === "members") {
      if (isBlank(text)) return;
      try {
        value = JSON.parse(`{${text}}`);
      } catch (error) {
        out.push({
          kind: "error",
          line: lineNo,
          reason: parseErrorReason(error),
          raw: truncateRaw(text),
          next: this.position,
        });
        return;
      }
    } else {
      try {
        value = JSON.parse(text);
      } catch (error) {
        if (isBlank(text)) return;
        out.push({
          kind: "error",
          line: lineNo,
          reason: parseErrorReason(error),
          raw: truncateRaw(text),
          next: this.position,
        });
        return;
      }
      if (!isPlainObject(value)) {
        out.push({
          kind: "error",
          line: lineNo,
          reason: `not a JSON object (${describe(value)})`,
          raw: truncateRaw(text),
          next: this.position,
        });
        return;
      }
    }
    const record: ParsedRecord = {
      kind: "record",
      value: value as Record<string, unknown>,
      line: lineNo,
      next: this.position,
    };
    if (this.mode === "ndjson") record.text = text;
    out.push(record);
  }
}

type StructMode = "concatenated" | "array-start" | "array-items" | "array-end";

/**
 * Concatenated objects and JSON arrays: a byte scanner that tracks nesting depth and strings (strings are skipped
 * with indexOf), cuts out each top-level object or array element, and JSON.parses it. Text outside any object
 * is reported up to the end of its line.
 */
class StructParser implements Impl {
  private inValue = false;
  private junk = false;
  private element = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private oversize = false;
  private valueOffset = 0;
  private valueLine = 0;
  private chunks: Buffer[] = [];
  private len = 0;
  private kept = 0;

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
    const base = this.offset;
    let i = 0;
    let seg = 0; // start of the current value's bytes in this chunk
    let nextBackslash = -1;
    let nextNewline = -1;
    while (i < n) {
      if (!this.inValue) {
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
            this.begin(base + i, false);
            this.depth = 1;
            seg = i;
            i++;
            continue;
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
          this.begin(base + i, true);
          this.depth = 0;
          seg = i;
          continue;
        }
        this.begin(base + i, false);
        this.junk = true;
        seg = i;
        continue;
      }
      if (this.junk) {
        const nl = buf.indexOf(NL, i);
        const stop = nl === -1 ? n : nl;
        i = stop;
        if (nl !== -1) {
          this.append(buf, seg, stop);
          this.offset = base + stop;
          this.finishJunk(out);
        }
        continue;
      }
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          i++;
          continue;
        }
        if (nextBackslash < i) {
          nextBackslash = buf.indexOf(BACKSLASH, i);
          if (nextBackslash === -1) nextBackslash = n;
        }
        if (nextNewline < i) {
          nextNewline = buf.indexOf(NL, i);
          if (nextNewline === -1) nextNewline = n;
        }
        let quote = buf.indexOf(QUOTE, i);
        if (quote === -1) quote = n;
        const stop = Math.min(quote, nextBackslash, nextNewline);
        if (stop === n) {
          i = n;
        } else if (stop === nextNewline) {
          this.line++; // a raw newline inside a string is invalid JSON; count it to keep line numbers right
          i = stop + 1;
        } else if (stop === nextBackslash) {
          this.escape = true;
          i = stop + 1;
        } else {
          this.inString = false;
          i = stop + 1;
        }
        continue;
      }
      const c = buf[i]!;
      switch (c) {
        case QUOTE:
          this.inString = true;
          i++;
          break;
        case LBRACE:
        case LBRACKET:
          this.depth++;
          i++;
          break;
        case RBRACE:
        case RBRACKET:
          if (this.depth === 0) {
            if (this.element && c === RBRACKET) {
              this.endValue(buf, seg, i, base, out); // the `]` closes the array: handled outside the value
            } else {
              i++;
            }
            break;
          }
          this.depth--;
          i++;
          if (this.depth === 0 && !this.element) this.endValue(buf, seg, i, base, out);
          break;
        case COMMA:
          if (this.element && this.depth === 0) this.endValue(buf, seg, i, base, out);
          else i++;
          break;
        case NL:
          this.line++;
          i++;
          break;
        default:
          i++;
      }
    }
    if (this.inValue) this.append(buf, seg, n);
    this.offset = base + n;
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

  private begin(offset: number, element: boolean): void {
    this.inValue = true;
    this.element = element;
    this.junk = false;
    this.valueOffset = offset;
    this.valueLine = this.line;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  private append(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const part = buf.subarray(start, end);
    const cap = this.junk ? RAW_BYTES : this.max;
    if (!this.oversize && this.len + part.length > cap) {
      this.oversize = true;
      const head = Buffer.concat([...this.chunks, part]).subarray(0, RAW_BYTES);
      this.chunks = [head];
      this.kept = head.length;
    } else if (this.oversize) {
      if (this.kept < RAW_BYTES) {
        const piece = part.subarray(0, RAW_BYTES - this.kept);
        this.chunks.push(piece);
        this.kept += piece.length;
      }
    } else {
      this.chunks.push(part);
    }
    this.len += part.length;
  }

  private takeText(): string {
    const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return buf.toString("utf8");
  }

  private reset(): void {
    this.inValue = false;
    this.junk = false;
    this.oversize = false;
    this.chunks = [];
    this.len = 0;
    this.kept = 0;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  private error(out: ParseEvent[], line: number, reason: string, raw: string): void {
    out.push({ kind: "error", line, reason, raw: truncateRaw(raw), next: this.position });
  }

  /** The value ends before buf[end]. */
  private endValue(buf: Buffer, seg: number, end: number, base: number, out: ParseEvent[]): void {
    this.append(buf, seg, end);
    this.offset = base + end;
    this.emitValue(out);
  }

  private emitValue(out: ParseEvent[]): void {
    const line = this.valueLine;
    const oversize = this.oversize;
    const text = this.takeText();
    this.reset();
    if (oversize) {
      this.error(out, line, `JSON value larger than ${this.max} bytes`, text);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
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

function createImpl(
  mode: ParserMode,
  offset: number,
  line: number,
  max: number,
  prefilter?: (text: string) => boolean,
): Impl {
  if (mode === "ndjson" || mode === "members") return new LineParser(mode, offset, line, max, prefilter);
  return new StructParser(mode, offset, line, max);
}

const BOM = [0xef, 0xbb, 0xbf];

function isWhitespace(c: number): boolean {
  return c === SP || c === NL || c === CR || c === TAB;
}

/** Pick the parser mode from the first bytes; undefined when more input is needed. */
function detect(format: FileFormat, buf: Buffer, start: number, eof: boolean): ParserMode | undefined {
  if (format === "ndjson" || format === "members" || format === "concatenated") return format;
  let j = start;
  while (j < buf.length && isWhitespace(buf[j]!)) j++;
  if (j >= buf.length) return eof ? (format === "json" ? "array-start" : "ndjson") : undefined;
  const c = buf[j]!;
  if (c === LBRACKET) return "array-start";
  if (format === "json") return "concatenated";
  if (c === QUOTE) return "members";
  if (c !== LBRACE) return "ndjson";
  // `{`: one object per line (ndjson), or objects spread over lines (concatenated)?
  const nl = buf.indexOf(NL, j);
  if (nl === -1) {
    if (!eof) return undefined;
    try {
      JSON.parse(buf.toString("utf8", j));
      return "ndjson";
    } catch {
      return "concatenated";
    }
  }
  const first = buf.toString("utf8", j, nl).trim();
  if (first === "{") return "concatenated";
  try {
    JSON.parse(first);
    return "ndjson";
  } catch {
    // A malformed first line: ndjson if the next non-blank line starts another object.
  }
  let k = nl + 1;
  for (;;) {
    const end = buf.indexOf(NL, k);
    if (end === -1 && !eof) return undefined;
    const text = buf.toString("utf8", k, end === -1 ? buf.length : end).trim();
    if (text !== "") return text.startsWith("{") ? "ndjson" : "concatenated";
    if (end === -1) return "concatenated";
    k = end + 1;
  }
}

/**
 * Incremental parser. `push()` may keep references to the Buffers it is given (do not reuse them); call `end()`
 * when the input is complete to parse or report what is left (a last line without newline, an unclosed value).
 */
export class RecordParser {
  private impl: Impl | undefined;
  private prelude: Buffer[] = [];
  private preludeLen = 0;
  private sawContent = false;
  private readonly max: number;
  private readonly prefilter: ((text: string) => boolean) | undefined;

  constructor(
    readonly format: FileFormat,
    options: ParserOptions = {},
  ) {
    this.max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.prefilter = options.prefilter;
    const resume = options.resume;
    if (resume) this.impl = createImpl(resume.mode, resume.offset, resume.line, this.max, this.prefilter);
  }

  /** Lines skipped by the prefilter since the last call (they are consumed: positions move past them). */
  takeSkipped(): number {
    const n = this.impl?.skipped ?? 0;
    if (this.impl && n > 0) this.impl.skipped = 0;
    return n;
  }

  /** The mode once the format is known (at once for explicit formats and on resume). */
  get mode(): ParserMode | undefined {
    return this.impl?.position.mode;
  }

  /**
   * Where to resume to skip everything parsed so far (events, blank lines, whitespace between values), or
   * undefined while the format is still being detected (resume from the start then).
   */
  get position(): ParsePosition | undefined {
    return this.impl?.position;
  }

  push(chunk: Buffer): ParseEvent[] {
    const out: ParseEvent[] = [];
    if (chunk.length === 0) return out;
    if (this.impl) {
      this.impl.push(chunk, out);
      return out;
    }
    this.prelude.push(chunk);
    this.preludeLen += chunk.length;
    const hasNewline = chunk.includes(NL);
    const before = this.sawContent;
    if (!this.sawContent) for (const c of chunk) if (!isWhitespace(c)) this.sawContent = true;
    if (hasNewline || !before || this.preludeLen > this.max) this.start(false, out);
    return out;
  }

  end(): ParseEvent[] {
    const out: ParseEvent[] = [];
    if (!this.impl) this.start(true, out);
    this.impl?.end(out);
    return out;
  }

  private start(eof: boolean, out: ParseEvent[]): void {
    const buf = this.prelude.length === 1 ? this.prelude[0]! : Buffer.concat(this.prelude, this.preludeLen);
    this.prelude = [buf];
    let skip = 0;
    if (buf.length < BOM.length && !eof && buf.every((b, i) => b === BOM[i])) return;
    if (buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) skip = 3;
    let mode = detect(this.format, buf, skip, eof);
    if (mode === undefined) {
      if (this.preludeLen <= this.max) return;
      mode = "ndjson";
    }
    this.impl = createImpl(mode, skip, 1, this.max, this.prefilter);
    this.prelude = [];
    this.preludeLen = 0;
    if (buf.length > skip) this.impl.push(skip ? buf.subarray(skip) : buf, out);
  }
}

export function createParser(format: FileFormat, options?: ParserOptions): RecordParser {
  return new RecordParser(format, options);
}

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Bytes to parse: a Node Readable, an async generator, or an array of chunks. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Pass the bytes through, gunzipping them (streaming, multi-member aware) when they start with the gzip magic.
 * Errors of the input and of decompression (`Z_BUF_ERROR` truncated, `Z_DATA_ERROR` corrupt) are thrown.
 */
export async function* maybeGunzip(input: ByteSource): AsyncGenerator<Buffer> {
  const it =
    Symbol.asyncIterator in input
      ? input[Symbol.asyncIterator]()
      : (Readable.from(input)[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>);
  const head: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 2) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = toBuffer(r.value);
    head.push(b);
    headLen += b.length;
  }
  const first = Buffer.concat(head, headLen);
  if (!isGzip(first)) {
    try {
      if (first.length) yield first;
      if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
    } finally {
      if (!done) await it.return?.();
    }
    return;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      yield first;
      if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
    } finally {
      await it.return?.();
    }
  }
  const gunzip = zlib.createGunzip();
  const out = new PassThrough();
  pipeline(Readable.from(rest()), gunzip, out, () => {});
  try {
    for await (const chunk of out) yield chunk as Buffer;
  } finally {
    out.destroy();
  }
}

/**
 * Parse a whole stream (gzip or not): yields the events of each chunk; at the end of input, flushes the parser.
 * The s3 source reads object bodies with it.
 */
export async function* parseStream(
  input: ByteSource,
  format: FileFormat,
  options?: ParserOptions,
): AsyncGenerator<ParseEvent[]> {
  const parser = new RecordParser(format, options);
  for await (const chunk of maybeGunzip(input)) {
    const events = parser.push(chunk);
    if (events.length) yield events;
  }
  const last = parser.end();
  if (last.length) yield last;
}

/** Parse a complete buffer or text (gunzipped first when it is gzip). */
export function parseBuffer(
  input: Buffer | string,
  format: FileFormat,
  options?: ParserOptions,
): ParseEvent[] {
  let buf = toBuffer(input);
  if (isGzip(buf)) buf = zlib.gunzipSync(buf);
  const parser = new RecordParser(format, options);
  return [...parser.push(buf), ...parser.end()];
}

/** A short fingerprint of some bytes (sha256, 16 hex characters), to recognise a file that was replaced. */
export function fingerprint(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}
