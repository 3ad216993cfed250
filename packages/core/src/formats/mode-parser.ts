/**
 * What the parser of each mode (lines.ts, struct-parser.ts) shares: the interface RecordParser drives, the
 * byte codes they scan for, and how an item is checked and reported.
 */
import { MAX_RAW_CHARS, type ParseEvent, type ParsePosition } from "./types.js";

/** The parser of one mode, fed by RecordParser once the mode is known. */
export interface ModeParser {
  push(chunk: Buffer, out: ParseEvent[]): void;
  end(out: ParseEvent[]): void;
  readonly position: ParsePosition;
  /** Line formats: lines the prefilter skipped since the last `takeSkipped`. */
  skipped?: number;
}

/** Bytes of raw text kept for a malformed item (a UTF-8 character is at most 4 bytes). */
export const RAW_BYTES = MAX_RAW_CHARS * 4;

export const NL = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const TAB = 0x09;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;

export function isWhitespace(c: number): boolean {
  return c === SP || c === NL || c === CR || c === TAB;
}

/** Truncate text kept for a dead letter, without splitting a surrogate pair. */
export function truncateRaw(text: string, max = MAX_RAW_CHARS): string {
  if (text.length <= max) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What a JSON value is, for the reason of a reject: "an array", "a number", "null". */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

export function parseErrorReason(error: unknown): string {
  return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
}

export function isBlank(text: string): boolean {
  return text.trim() === "";
}
