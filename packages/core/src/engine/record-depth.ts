/**
 * The nesting limit of records. JSON.parse takes any depth, but serialising, hashing (derived ids) and mapping
 * a record recurse once per level, and a record some thousands of levels deep overflows the stack: it would
 * crash the run on every restart. Such records are dead-lettered at ingest instead (LS_ERR_RECORD_TOO_DEEP).
 */

/** Levels of objects and arrays a record may nest (the record itself is level 1). */
export const MAX_RECORD_DEPTH = 512;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Occurrences of `char` in `text`, counted up to `max` (one more means "more than max"). */
function countUpTo(text: string, char: string, max: number): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1 && n <= max; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** True when the JSON text nests objects and arrays more than `limit` levels; brackets in strings do not count. */
export function jsonTextTooDeep(text: string, limit = MAX_RECORD_DEPTH): boolean {
  // Going deeper than `limit` takes more than `limit` opening brackets: nearly every line is ruled out by its
  // length or by counting them natively (indexOf), before any loop over its characters.
  if (text.length <= 2 * limit) return false;
  const braces = countUpTo(text, "{", limit);
  if (braces + countUpTo(text, "[", limit - braces) <= limit) return false;
  return scanDepth(text, limit);
}

function scanDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** The same check on a parsed value (a source that has no text for its records). Recurses at most `limit` deep. */
export function valueTooDeep(value: unknown, limit = MAX_RECORD_DEPTH): boolean {
  if (value === null || typeof value !== "object") return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (valueTooDeep(item, limit - 1)) return true;
    return false;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) if (valueTooDeep(object[key], limit - 1)) return true;
  return false;
}
