/**
 * MATCHES patterns run on re2js: a pure-JavaScript port of RE2 whose matching time is linear in the input,
 * so no pattern can backtrack catastrophically on event data. Patterns RE2 refuses (backreferences,
 * lookaround, possessive quantifiers, repeat counts over 1000, ...) are syntax errors at load.
 */
import { RE2JS } from "re2js";
import { RuleSyntaxError, type SourcePosition } from "./errors.js";

/** Compiles `pattern` (case-sensitive, unanchored search) or throws a RuleSyntaxError at `at`. */
export function compilePattern(pattern: string, at: SourcePosition, found: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RuleSyntaxError({
      ...at,
      expected: "a regular expression that RE2 supports",
      found,
      detail: message.replace(/^error parsing regexp: /, ""),
    });
  }
}
