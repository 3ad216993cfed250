/**
 * What the first bytes of a stream tell: its parser mode under `auto` (and `json`), a UTF-8 byte order mark,
 * gzip compression, and a fingerprint to recognise a file replaced under the same name.
 */
import { createHash } from "node:crypto";
import { LBRACE, LBRACKET, NL, QUOTE, isWhitespace } from "./mode-parser.js";
import type { FileFormat, ParserMode } from "./types.js";

/** The UTF-8 byte order mark, skipped at the very start of a stream. */
export const BOM = [0xef, 0xbb, 0xbf];

/**
 * Pick the parser mode from the first bytes; undefined when more input is needed.
 * `auto`: `[` a JSON array; `"` members; `{` ndjson when the first line is a whole object (or the next line
 * starts another object), else concatenated; anything else ndjson. `json`: an array, else concatenated.
 */
export function detectMode(
  format: FileFormat,
  buf: Buffer,
  start: number,
  eof: boolean,
): ParserMode | undefined {
  if (format === "ndjson" || format === "members" || format === "concatenated") return format;
  let j = start;
  while (j < buf.length && isWhitespace(buf[j]!)) j++;
  if (j >= buf.length) return eof ? (format === "json" ? "array-start" : "ndjson") : undefined;
  const c = buf[j]!;
  if (c === LBRACKET) return "array-start";
  if (format === "json") return "concatenated";
  if (c === QUOTE) return "members";
  if (c !== LBRACE) return "ndjson";
  return objectLines(buf, j, eof);
}

/** `{` at buf[j]: one object per line (ndjson), or objects spread over lines (concatenated)? */
function objectLines(buf: Buffer, j: number, eof: boolean): ParserMode | undefined {
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

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** A short fingerprint of some bytes (sha256, 16 hex characters), to recognise a file that was replaced. */
export function fingerprint(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}
