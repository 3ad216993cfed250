/**
 * Regular expressions of JSONata (`/pattern/flags`, flags `i` and `m`) on re2js, a port of RE2 whose
 * matching time is linear in the input: no pattern can backtrack catastrophically on a record. jsonata's
 * parser gives each regex literal as a JavaScript RegExp; its syntax is translated to RE2's (re2js's
 * `translateRegExp`: `\uXXXX`, named groups, `\cX`, ...) and compiled once. What RE2 refuses
 * (backreferences, lookaround) is a `RegexSyntaxError` when the expression compiles, not at run time.
 */
import { RE2JS } from "re2js";

/** A regex of the expression that RE2 cannot run. */
export class RegexSyntaxError extends Error {
  constructor(
    /** The pattern as written (between the slashes). */
    readonly pattern: string,
    /** jsonata's position of the regex literal (the offset just past it). */
    readonly position: number | undefined,
    /** RE2's complaint. */
    readonly detail: string,
  ) {
    super(`the regular expression /${pattern}/ is not supported by RE2: ${detail}`);
    this.name = "RegexSyntaxError";
  }
}

const compiled = new Map<string, RE2JS>();

/** The pattern and flags of a regex literal's value (jsonata copies it through JSON after `??`: then `{}`). */
function patternOf(value: unknown): { source: string; flags: string } {
  if (value instanceof RegExp) return { source: value.source, flags: value.flags };
  // `new RegExp({})` is what the interpreter makes of such a copy.
  return { source: new RegExp(value as string).source, flags: "" };
}

/** The RE2 program of a regex literal's value, compiled once per pattern and flags. */
export function compileRegex(value: unknown, position?: number): RE2JS {
  const { source, flags } = patternOf(value);
  const key = `${flags}/${source}`;
  let re = compiled.get(key);
  if (re === undefined) {
    let pattern = RE2JS.translateRegExp(source);
    if (flags.includes("i")) pattern = `(?i)${pattern}`;
    if (flags.includes("m")) pattern = `(?m)${pattern}`;
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new RegexSyntaxError(source, position, message.replace(/^error parsing regexp: /, ""));
    }
    compiled.set(key, re);
  }
  return re;
}

/** One match as JavaScript's `exec` gives it: the matched text, then the groups (undefined when unmatched). */
export interface RegexMatch {
  index: number;
  end: number;
  values: (string | undefined)[];
}

/** The first match in `str` at or after `from` (a UTF-16 offset), as `exec` with the `g` flag finds it. */
export function findMatch(re: RE2JS, str: string, from: number): RegexMatch | undefined {
  if (from > str.length) return undefined;
  const m = re.matcher(str);
  if (!m.find(from)) return undefined;
  const values: (string | undefined)[] = [];
  const groups = m.groupCount();
  for (let g = 0; g <= groups; g++) values.push(m.group(g) ?? undefined);
  return { index: m.start(), end: m.end(), values };
}

/**
 * A RegExp look-alike on RE2 for jsonata's interpreter (its `RegexEngine` option), which does only
 * `new RegexEngine(literal)`, sets `lastIndex`, calls `exec` and reads `lastIndex` back.
 */
export class Re2RegExp {
  lastIndex = 0;
  readonly source: string;
  private readonly re: RE2JS;

  constructor(value: unknown) {
    this.re = compileRegex(value);
    this.source = patternOf(value).source;
  }

  exec(str: string): RegExpExecArray | null {
    const found = findMatch(this.re, String(str), this.lastIndex);
    if (found === undefined) {
      this.lastIndex = 0;
      return null;
    }
    this.lastIndex = found.end;
    const result = found.values as unknown as RegExpExecArray;
    result.index = found.index;
    result.input = str;
    return result;
  }
}

/** Every regex literal of an AST, compiled (so that an unsupported one fails when the expression loads). */
export function checkRegexes(ast: unknown): void {
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (typeof node !== "object" || node === null || seen.has(node)) return;
    seen.add(node);
    const n = node as { type?: unknown; value?: unknown; position?: number };
    if (n.type === "regex") compileRegex(n.value, n.position);
    for (const child of Object.values(node)) visit(child);
  };
  visit(ast);
}
