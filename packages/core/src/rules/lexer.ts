/**
 * Lexer for business rules (docs/business-rules.md, "Grammar"). Tokens are produced on demand so that a
 * problem late in the text (an unterminated string, say) is only reported once the parser gets there, after
 * any earlier error.
 */
import { RuleSyntaxError, type SourcePosition } from "./errors.js";

export type TokenKind =
  | "word" // a bare name or keyword: severity, src_ip, @timestamp, $type, AND, in, true
  | "quoted" // a `back-quoted` field name
  | "string" // "double" or 'single' quoted
  | "number"
  | "cmp" // == = != < <= > >=
  | "and" // &&
  | "or" // ||
  | "not" // !
  | "("
  | ")"
  | "["
  | "]"
  | ","
  | "."
  | "eof"
  | "invalid"; // a character or word that belongs nowhere; `problem` is set when the lexer knows why

export interface Token extends SourcePosition {
  kind: TokenKind;
  /** The text as written, quotes included. */
  raw: string;
  /**
   * Decoded value: the name (word, quoted), the string's content (string), the canonical operator (cmp:
   * "==" for both `==` and `=`), else `raw`.
   */
  value: string;
  /** For `number` tokens. */
  num: number;
  /** Upper-cased text of an ASCII-letters-only word (so keywords compare cheaply), else "". */
  keyword: string;
  /** Offset just after the token. */
  end: number;
  /** For `invalid` tokens the lexer can explain: raised as is when the parser meets the token. */
  problem?: RuleSyntaxError;
}

const NUMBER_RE = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const ASCII_LETTERS_RE = /^[A-Za-z]+$/;
const SPACE_RE = /\s/;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isTypographicQuote(c: number): boolean {
  return c === 0x2018 || c === 0x2019 || c === 0x201c || c === 0x201d;
}

/** Characters of a bare field name: letters, digits, `_`, `@`, `$`, `-`, and any non-ASCII letter. */
export function isNameChar(c: number): boolean {
  if (Number.isNaN(c)) return false; // past the end of the text
  if (c < 0x80) {
    return (
      (c >= 0x61 && c <= 0x7a) || // a-z
      (c >= 0x41 && c <= 0x5a) || // A-Z
      isDigit(c) ||
      c === 0x5f || // _
      c === 0x40 || // @
      c === 0x24 || // $
      c === 0x2d // -
    );
  }
  return !isTypographicQuote(c) && !SPACE_RE.test(String.fromCharCode(c));
}

/** Characters that may start a bare name (digits and `-` may not; they start numbers). */
function isNameStart(c: number): boolean {
  return isNameChar(c) && !isDigit(c) && c !== 0x2d;
}

function isSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  return c >= 0x80 && SPACE_RE.test(String.fromCharCode(c));
}

export class Lexer {
  private pos = 0;
  private readonly lineStarts: number[] = [0];
  private prev: Token | undefined;

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.lineStarts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  /** Line and column (from 1) of an offset. */
  position(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - (this.lineStarts[lo] as number) + 1 };
  }

  next(): Token {
    const token = this.scan();
    this.prev = token;
    return token;
  }

  private make(kind: TokenKind, start: number, end: number, value?: string, num = NaN): Token {
    const raw = this.text.slice(start, end);
    const v = value ?? raw;
    return {
      ...this.position(start),
      kind,
      raw,
      value: v,
      num,
      keyword: kind === "word" && ASCII_LETTERS_RE.test(v) ? v.toUpperCase() : "",
      end,
    };
  }

  private scan(): Token {
    const text = this.text;
    while (this.pos < text.length && isSpace(text.charCodeAt(this.pos))) this.pos++;
    const start = this.pos;
    if (start >= text.length) {
      // Reported right after the last token, not after trailing blank lines.
      const at = this.prev === undefined ? start : this.prev.end;
      return this.make("eof", at, at, "");
    }
    const c = text.charCodeAt(start);
    const next = text.charCodeAt(start + 1);
    const prev = this.prev;
    const afterDot = prev !== undefined && prev.kind === "." && prev.end === start;

    // A path segment right after a dot: any run of name characters, digits first included (`a.0.b`).
    if (afterDot && isNameChar(c)) return this.name(start);

    switch (c) {
      case 0x28: // (
      case 0x29: // )
      case 0x5b: // [
      case 0x5d: // ]
      case 0x2c: // ,
        this.pos = start + 1;
        return this.make(text[start] as TokenKind, start, start + 1);
      case 0x3d: // = or ==
        this.pos = start + (next === 0x3d ? 2 : 1);
        return this.make("cmp", start, this.pos, "==");
      case 0x21: // ! or !=
        if (next === 0x3d) {
          this.pos = start + 2;
          return this.make("cmp", start, this.pos, "!=");
        }
        this.pos = start + 1;
        return this.make("not", start, this.pos);
      case 0x3c: // < <=
      case 0x3e: // > >=
        this.pos = start + (next === 0x3d ? 2 : 1);
        return this.make("cmp", start, this.pos);
      case 0x26: // &&
      case 0x7c: // ||
        if (next === c) {
          this.pos = start + 2;
          return this.make(c === 0x26 ? "and" : "or", start, this.pos);
        }
        this.pos = start + 1;
        return this.make("invalid", start, this.pos);
      case 0x22: // "
      case 0x27: // '
        return this.quoted(start, "string");
      case 0x60: // `
        return this.quoted(start, "quoted");
      case 0x2e: {
        // . : a path separator, or the start of a number such as .5 when it cannot continue a path
        const continuesPath = prev !== undefined && (prev.kind === "word" || prev.kind === "quoted");
        if (!continuesPath && isDigit(next)) return this.number(start);
        this.pos = start + 1;
        return this.make(".", start, this.pos);
      }
    }
    if (
      isDigit(c) ||
      (c === 0x2d && (isDigit(next) || (next === 0x2e && isDigit(text.charCodeAt(start + 2)))))
    ) {
      return this.number(start);
    }
    if (isNameStart(c)) return this.name(start);
    // Anything else is one stray character (a whole code point); the parser reports it in context.
    const cp = text.codePointAt(start) as number;
    this.pos = start + (cp > 0xffff ? 2 : 1);
    return this.make("invalid", start, this.pos);
  }

  private name(start: number): Token {
    let i = start;
    while (i < this.text.length && isNameChar(this.text.charCodeAt(i))) i++;
    this.pos = i;
    return this.make("word", start, i);
  }

  private number(start: number): Token {
    const text = this.text;
    NUMBER_RE.lastIndex = start;
    const m = NUMBER_RE.exec(text);
    let end = start + (m === null ? 0 : m[0].length);
    const after = text.charCodeAt(end);
    if (m !== null && !isNameChar(after) && after !== 0x2e) {
      this.pos = end;
      return this.make("number", start, end, undefined, Number(m[0]));
    }
    // Digits run into letters or more dots: `1st` is a name; `1.2.3` and `-1x` are nothing we know.
    while (end < text.length && (isNameChar(text.charCodeAt(end)) || text.charCodeAt(end) === 0x2e)) end++;
    this.pos = end;
    const raw = text.slice(start, end);
    return this.make(/^[0-9][\w@$-]*$/.test(raw) ? "word" : "invalid", start, end);
  }

  /** A "string", 'string' or `back-quoted name`, with backslash escapes. */
  private quoted(start: number, kind: "string" | "quoted"): Token {
    const text = this.text;
    const quote = text.charCodeAt(start);
    let out = "";
    let i = start + 1;
    let chunk = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        out += text.slice(chunk, i);
        this.pos = i + 1;
        return this.make(kind, start, this.pos, out);
      }
      if (c === 0x5c && i + 1 < text.length) {
        out += text.slice(chunk, i);
        const [decoded, length] = decodeEscape(text, i, kind === "quoted");
        out += decoded;
        i += length;
        chunk = i;
        continue;
      }
      i++;
    }
    // Unterminated: report at the opening quote, since that is the one that lacks its partner.
    this.pos = text.length;
    const token = this.make("invalid", start, text.length);
    const q = String.fromCharCode(quote);
    token.problem = new RuleSyntaxError({
      ...this.position(start),
      expected: `a closing ${q === '"' ? `'"'` : `"${q}"`} for the ${kind === "string" ? "string" : "name"} that starts here`,
      found: "the end of the rule",
    });
    return token;
  }
}

/**
 * Decodes the escape at `text[i]` (a backslash) and returns [text, length consumed]. Known escapes: \\ \" \'
 * \` \n \r \t \uXXXX \u{X...}. Any other backslash is kept as written, so regular expressions read naturally:
 * "\d+\.\d+" reaches RE2 as \d+\.\d+. In back-quoted names only \` and \\ are escapes.
 */
function decodeEscape(text: string, i: number, nameOnly: boolean): [string, number] {
  const e = text[i + 1] as string;
  if (e === "\\" || e === "`") return [e, 2];
  if (nameOnly) return ["\\" + e, 2];
  switch (e) {
    case '"':
    case "'":
      return [e, 2];
    case "n":
      return ["\n", 2];
    case "r":
      return ["\r", 2];
    case "t":
      return ["\t", 2];
    case "u": {
      const four = /^[0-9a-fA-F]{4}/.exec(text.slice(i + 2, i + 6));
      if (four !== null) return [String.fromCharCode(parseInt(four[0], 16)), 6];
      const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i + 2, i + 10));
      if (braced !== null) {
        const cp = parseInt(braced[1] as string, 16);
        if (cp <= 0x10ffff) return [String.fromCodePoint(cp), 2 + braced[0].length];
      }
      return ["\\u", 2];
    }
    default:
      return ["\\" + e, 2];
  }
}
