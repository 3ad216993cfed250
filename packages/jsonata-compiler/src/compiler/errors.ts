/**
 * Run-time errors of compiled expressions. They carry the members jsonata's errors carry (`code`,
 * `position`, `token`, `value`, ...), so that the mapping layer reports them exactly as it reports the
 * interpreter's; `populateMessage` fills `message` from jsonata's catalogue (below, copied from jsonata 2.2.2,
 * MIT licence) the way the interpreter does at the end of an evaluation.
 */

import { BudgetExceeded } from "./budget.js";

export interface JsonataErrorFields {
  position?: number | undefined;
  token?: unknown;
  value?: unknown;
  value2?: unknown;
  index?: number | undefined;
  type?: string | undefined;
  exp?: unknown;
  functionName?: string | undefined;
}

/** An error of a compiled expression, with jsonata's error members. */
export class JsonataError extends Error {
  code: string;
  position: number | undefined;
  token: unknown;
  value?: unknown;
  value2?: unknown;
  index?: number | undefined;
  type?: string | undefined;
  exp?: unknown;
  functionName?: string | undefined;

  constructor(code: string, fields: JsonataErrorFields = {}, message = "") {
    super(message);
    this.name = "JsonataError";
    this.code = code;
    this.position = fields.position;
    this.token = fields.token;
    Object.assign(this, fields);
  }
}

export function jerror(code: string, fields: JsonataErrorFields = {}): JsonataError {
  return new JsonataError(code, fields);
}

const ambiguous = new WeakSet<object>();

/**
 * The members of an array or object constructor are evaluated concurrently by jsonata, and when several
 * fail, the error it reports is the one its scheduler reaches first. Compiled code evaluates them in order;
 * when member `failed` throws `err`, this evaluates the members after it (`count` in all) and, when another
 * fails too, marks `err` as one jsonata might not have reported (see `isAmbiguous`). Returns `err`.
 */
export function concurrentFailure(
  err: unknown,
  failed: number,
  count: number,
  run: (i: number) => void,
): unknown {
  if (typeof err !== "object" || err === null || ambiguous.has(err)) return err;
  // A budget that ran out stops the evaluation: the other members are not tried.
  if (err instanceof BudgetExceeded || err instanceof RangeError) return err;
  for (let i = failed + 1; i < count; i++) {
    try {
      run(i);
    } catch {
      ambiguous.add(err);
      break;
    }
  }
  return err;
}

/** Whether several members of one constructor failed with this error (`concurrentFailure`). */
export function isAmbiguous(err: unknown): boolean {
  return typeof err === "object" && err !== null && ambiguous.has(err);
}

/** A thrown value that looks like one of jsonata's errors (ours, or a plain object from a reused built-in). */
export interface ErrorLike {
  code: string;
  position?: unknown;
  token?: unknown;
  message?: unknown;
}

export function asErrorLike(err: unknown): ErrorLike | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  return typeof (err as { code?: unknown }).code === "string" ? (err as ErrorLike) : undefined;
}

/** jsonata's `populateMessage`: the catalogue message with the error's members substituted. */
export function populateMessage(err: ErrorLike): void {
  const template = ERROR_CODES[err.code];
  if (template === undefined) return;
  const field = (name: string): unknown => (err as unknown as Record<string, unknown>)[name];
  const message = template
    .replace(/\{\{\{([^}]+)}}}/g, (_, name: string) => String(field(name)))
    .replace(/\{\{([^}]+)}}/g, (_, name: string) => JSON.stringify(field(name)) ?? "undefined");
  err.message = message;
}

// prettier-ignore
const ERROR_CODES: Record<string, string> = {
  "T0410": "Argument {{index}} of function {{token}} does not match function signature",
  "T0411": "Context value is not a compatible type with argument {{index}} of function {{token}}",
  "T0412": "Argument {{index}} of function {{token}} must be an array of {{type}}",
  "D1001": "Number out of range: {{value}}",
  "D1002": "Cannot negate a non-numeric value: {{value}}",
  "T1003": "Key in object structure must evaluate to a string; got: {{value}}",
  "D1004": "Regular expression matches zero length string",
  "T1005": "Attempted to invoke a non-function. Did you mean ${{{token}}}?",
  "T1006": "Attempted to invoke a non-function",
  "T1007": "Attempted to partially apply a non-function. Did you mean ${{{token}}}?",
  "T1008": "Attempted to partially apply a non-function",
  "D1009": "Multiple key definitions evaluate to same key: {{value}}",
  "T1010": "The matcher function argument passed to function {{token}} does not return the correct object structure",
  "D1011": "Stack overflow. Check for non-terminating recursive function.  Consider rewriting as tail-recursive",
  "D1012": "Evaluation timeout after {{value}} milliseconds. Check for infinite loop",
  "D1013": "Object property names starting with _jsonata_ are reserved for internal use: {{value}}",
  "T2001": "The left side of the {{token}} operator must evaluate to a number",
  "T2002": "The right side of the {{token}} operator must evaluate to a number",
  "T2003": "The left side of the range operator (..) must evaluate to an integer",
  "T2004": "The right side of the range operator (..) must evaluate to an integer",
  "D2005": "The left side of := must be a variable name (start with $)",
  "T2006": "The right side of the function application operator ~> must be a function",
  "T2007": "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause",
  "T2008": "The expressions within an order-by clause must evaluate to numeric or string values",
  "T2009": "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type",
  "T2010": "The expressions either side of operator {{token}} must evaluate to numeric or string values",
  "T2011": "The insert/update clause of the transform expression must evaluate to an object: {{value}}",
  "T2012": "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}",
  "T2013": "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.",
  "D2014": "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {{value}}.",
  "D2015": "The maximum sequence length of {{value}} was exceeded.",
  "D3001": "Attempting to invoke string function on Infinity or NaN",
  "D3010": "Second argument of replace function cannot be an empty string",
  "D3011": "Fourth argument of replace function must evaluate to a positive number",
  "D3012": "Attempted to replace a matched string with a non-string value",
  "D3020": "Third argument of split function must evaluate to a positive number",
  "D3030": "Unable to cast value to a number: {{value}}",
  "D3040": "Third argument of match function must evaluate to a positive number",
  "D3050": "The second argument of reduce function must be a function with at least two arguments",
  "D3060": "The sqrt function cannot be applied to a negative number: {{value}}",
  "D3061": "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}",
  "D3070": "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
  "D3080": "The picture string must only contain a maximum of two sub-pictures",
  "D3081": "The sub-picture must not contain more than one instance of the 'decimal-separator' character",
  "D3082": "The sub-picture must not contain more than one instance of the 'percent' character",
  "D3083": "The sub-picture must not contain more than one instance of the 'per-mille' character",
  "D3084": "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
  "D3085": "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
  "D3086": "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
  "D3087": "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character",
  "D3088": "The sub-picture must not contain a 'grouping-separator' at the end of the integer part",
  "D3089": "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
  "D3090": "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'",
  "D3091": "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'",
  "D3092": "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'",
  "D3093": "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'",
  "D3100": "The radix of the formatBase function must be between 2 and 36.  It was given {{value}}",
  "D3110": "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}",
  "D3120": "Syntax error in expression passed to function eval: {{value}}",
  "D3121": "Dynamic error evaluating the expression passed to function eval: {{value}}",
  "D3130": "Formatting or parsing an integer as a sequence starting with {{value}} is not supported by this implementation",
  "D3131": "In a decimal digit pattern, all digits must be from the same decimal group",
  "D3132": "Unknown component specifier {{value}} in date/time picture string",
  "D3133": "The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}}",
  "D3134": "The timezone integer format specifier cannot have more than four digits",
  "D3135": "No matching closing bracket ']' in date/time picture string",
  "D3136": "The date/time picture string is missing specifiers required to parse the timestamp",
  "D3137": "{{{message}}}",
  "D3138": "The $single() function expected exactly 1 matching result.  Instead it matched more.",
  "D3139": "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
  "D3140": "Malformed URL passed to ${{{functionName}}}(): {{value}}",
  "D3141": "{{{message}}}",
};
