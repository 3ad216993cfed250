/**
 * Streaming parsers for the record formats that file-like sources read (the `file` source, the `s3` source),
 * re-exported by `@logshipper/core/sdk`. One file per job: types.ts (formats, positions, events), lines.ts
 * (ndjson, members), struct-parser.ts (JSON arrays, concatenated objects), detect.ts (mode from the first bytes,
 * gzip magic, fingerprint), gzip.ts, record-parser.ts (the parser that ties them together).
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
 * Numbers a double cannot hold (64-bit ids, 1e400, 1e-400, -0) are parsed as {@link LosslessNumber}s that keep
 * their text (lossless-number.ts); {@link stringifyJson} writes them back as they came.
 *
 * Gzip is recognised by its content (magic bytes 1f 8b), not by the name: see {@link maybeGunzip}, {@link parseStream}.
 */
export {
  FILE_FORMATS,
  PARSER_MODES,
  MAX_RAW_CHARS,
  DEFAULT_MAX_RECORD_BYTES,
  type FileFormat,
  type ParserMode,
  type ParsePosition,
  type ParsedRecord,
  type ParseFailure,
  type ParseEvent,
  type ParserOptions,
} from "./types.js";
export { truncateRaw } from "./mode-parser.js";
export { isGzip, fingerprint } from "./detect.js";
export { maybeGunzip, type ByteSource } from "./gzip.js";
export { RecordParser, createParser, parseStream, parseBuffer } from "./record-parser.js";
export {
  LosslessNumber,
  isLosslessNumber,
  hasLosslessNumbers,
  parseJson,
  stringifyJson,
  numberText,
} from "./lossless-number.js";
