/**
 * Where in a mapping's text an error is, and JSONata's run-time messages rebuilt without record data: the
 * parts of a mapping error's text (compile.ts).
 */

/** Line and column (1-based) of a 0-based offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: clamped - lineStart + 1 };
}

export interface JsonataErrorLike {
  code?: unknown;
  position?: unknown;
  token?: unknown;
  message?: unknown;
  index?: unknown;
  type?: unknown;
  functionName?: unknown;
}

export function asJsonataError(err: unknown): JsonataErrorLike | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const j: JsonataErrorLike = err;
  return typeof j.code === "string" ? j : undefined;
}

/**
 * JSONata reports `position` as the offset just past the token it stopped at; point at the token's start
 * (or at the end of the text for `(end)`).
 */
export function errorLocation(
  text: string,
  err: JsonataErrorLike,
): { line: number; column: number } | undefined {
  if (typeof err.position !== "number") return undefined;
  const token = typeof err.token === "string" && err.token !== "(end)" ? err.token : undefined;
  const offset = err.token === "(end)" ? err.position : err.position - (token?.length ?? 1);
  return lineColumn(text, offset);
}

/**
 * Messages of JSONata's run-time errors that quote values, which come from the record: rebuilt here with
 * `<value>` in their place, so that no record data reaches logs or dead-letter reasons.
 */
const VALUE_MESSAGES: Record<string, string> = {
  D1001: "Number out of range: {{value}}",
  D1002: "Cannot negate a non-numeric value: {{value}}",
  T1003: "Key in object structure must evaluate to a string; got: {{value}}",
  D1009: "Multiple key definitions evaluate to same key: {{value}}",
  D1013: "Object property names starting with _jsonata_ are reserved for internal use: {{value}}",
  T2007: "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause",
  T2009:
    "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type",
  T2011: "The insert/update clause of the transform expression must evaluate to an object: {{value}}",
  T2012:
    "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}",
  D2014:
    "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {{value}}.",
  D3030: "Unable to cast value to a number: {{value}}",
  D3060: "The sqrt function cannot be applied to a negative number: {{value}}",
  D3061:
    "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}",
  D3110: "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}",
  D3120: "Syntax error in expression passed to function eval: {{value}}",
  D3121: "Dynamic error evaluating the expression passed to function eval: {{value}}",
  D3140: "Malformed URL passed to ${{{functionName}}}(): {{value}}",
};
const REDACTED = new Set(["value", "value2", "exp"]);

export function evaluationMessage(err: JsonataErrorLike, code: string): string {
  const template = VALUE_MESSAGES[code];
  if (template === undefined) return typeof err.message === "string" ? err.message : "evaluation failed";
  const field = (name: string): unknown => (err as Record<string, unknown>)[name];
  return template
    .replace(/\{\{\{([^}]+)\}\}\}/g, (_, name: string) =>
      REDACTED.has(name) ? "<value>" : String(field(name)),
    )
    .replace(/\{\{([^}]+)\}\}/g, (_, name: string) =>
      REDACTED.has(name) ? "<value>" : JSON.stringify(field(name)),
    );
}
