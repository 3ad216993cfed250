/**
 * RecordParser, the codecs' entry point: it detects the mode from the first bytes (or takes it from the format
 * or a resume position) and hands the bytes to that mode's parser. parseStream and parseBuffer parse a whole
 * input, gzip or not.
 */
import { BOM, detectMode } from "./detect.js";
import { gunzipBuffer, maybeGunzip, type ByteSource } from "./gzip.js";
import { LineParser } from "./lines.js";
import { NL, isWhitespace, type ModeParser } from "./mode-parser.js";
import { StructParser } from "./struct-parser.js";
import {
  DEFAULT_MAX_RECORD_BYTES,
  type FileFormat,
  type ParseEvent,
  type ParsePosition,
  type ParserMode,
  type ParserOptions,
} from "./types.js";

function createModeParser(
  mode: ParserMode,
  offset: number,
  line: number,
  max: number,
  prefilter?: (text: string) => boolean,
): ModeParser {
  if (mode === "ndjson" || mode === "members") return new LineParser(mode, offset, line, max, prefilter);
  return new StructParser(mode, offset, line, max);
}

/**
 * Incremental parser. `push()` may keep references to the Buffers it is given (do not reuse them); call `end()`
 * when the input is complete to parse or report what is left (a last line without newline, an unclosed value).
 */
export class RecordParser {
  private impl: ModeParser | undefined;
  /** Bytes held while the mode is being detected. */
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
    if (resume)
      this.impl = createModeParser(resume.mode, resume.offset, resume.line, this.max, this.prefilter);
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

  /** Detect the mode from the prelude; once known, parse the prelude with that mode's parser. */
  private start(eof: boolean, out: ParseEvent[]): void {
    const buf = this.prelude.length === 1 ? this.prelude[0]! : Buffer.concat(this.prelude, this.preludeLen);
    this.prelude = [buf];
    let skip = 0;
    if (buf.length < BOM.length && !eof && buf.every((b, i) => b === BOM[i])) return;
    if (buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) skip = 3;
    let mode = detectMode(this.format, buf, skip, eof);
    if (mode === undefined) {
      if (this.preludeLen <= this.max) return;
      mode = "ndjson";
    }
    this.impl = createModeParser(mode, skip, 1, this.max, this.prefilter);
    this.prelude = [];
    this.preludeLen = 0;
    if (buf.length > skip) this.impl.push(skip ? buf.subarray(skip) : buf, out);
  }
}

export function createParser(format: FileFormat, options?: ParserOptions): RecordParser {
  return new RecordParser(format, options);
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
  const parser = new RecordParser(format, options);
  return [...parser.push(gunzipBuffer(input)), ...parser.end()];
}
