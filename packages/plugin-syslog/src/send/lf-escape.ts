/**
 * What LF framing (RFC 6587 §3.4.2) does to the characters inside a message. LF ends the message, and receivers
 * end or cut messages at more than LF: CR; NUL (NUL-delimited TCP inputs, such as Graylog's and rsyslog's
 * `AddtlFrameDelimiter`, and C string handling); VT, FF, the separators U+001C-U+001E, NEL (U+0085), LINE
 * SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029), which Unicode-aware line splitting takes as line ends
 * (Python's `str.splitlines`, Java's `\R`). Octet-counted and UDP messages carry them as they are.
 *
 * By default each of them is escaped as JSON escapes it (`\n`, `\r`, `\u0000`, `\u2028`, ...): a JSON payload
 * stays the same JSON value, and other text keeps a visible trace of the character. With `escapeDelimiters:
 * false` they are sent raw, except CR and LF, which become spaces (a raw LF would end the message early).
 */

/** Every character some LF-framed receiver may split a message at. */
// eslint-disable-next-line no-control-regex -- control characters are what this is about
const DELIMITERS = /[\0\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/g;
const LINE_BREAKS = /[\r\n]/g;

function escapeOne(c: string): string {
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * `text` made safe for LF framing. `keep` is a character that must stay (the LEEF 2.0 attribute delimiter,
 * which a user may set to one of these); CR and LF never stay raw.
 */
export function forLfFraming(text: string, escape: boolean, keep?: string): string {
  if (!escape) return text.replace(LINE_BREAKS, " ");
  return text.replace(DELIMITERS, (c) => (c === keep && c !== "\n" && c !== "\r" ? c : escapeOne(c)));
}
