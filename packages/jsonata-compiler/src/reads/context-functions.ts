/** What the read analysis knows of jsonata's built-in functions and of literal arguments. */
import type { AstNode } from "../ast.js";

/**
 * Built-in functions whose first parameter takes the context when it is left out (`-` in the signature):
 * accepted types of that parameter, and how many parameters after it are required. `a.$uppercase()` reads `a`.
 */
export const CONTEXT_FUNCTIONS: Record<string, [types: string, requiredAfter: number]> = {
  string: ["x", 0],
  substring: ["s", 1],
  substringBefore: ["s", 1],
  substringAfter: ["s", 1],
  lowercase: ["s", 0],
  uppercase: ["s", 0],
  length: ["s", 0],
  trim: ["s", 0],
  pad: ["s", 1],
  match: ["s", 1],
  contains: ["s", 1],
  replace: ["s", 2],
  split: ["s", 1],
  formatNumber: ["n", 1],
  formatBase: ["n", 0],
  formatInteger: ["n", 1],
  parseInteger: ["s", 1],
  number: ["nsb", 0],
  floor: ["n", 0],
  ceil: ["n", 0],
  round: ["n", 0],
  abs: ["n", 0],
  sqrt: ["n", 0],
  power: ["n", 1],
  boolean: ["x", 0],
  not: ["x", 0],
  sift: ["o", 0],
  keys: ["x", 0],
  lookup: ["x", 1],
  spread: ["x", 0],
  each: ["o", 1],
  base64encode: ["s", 0],
  base64decode: ["s", 0],
  encodeUrlComponent: ["s", 0],
  encodeUrl: ["s", 0],
  decodeUrlComponent: ["s", 0],
  decodeUrl: ["s", 0],
  toMillis: ["s", 0],
  fromMillis: ["n", 0],
  clone: ["oa", 0],
};

/** The JSONata type symbol of a literal argument, or undefined when it is only known at run time. */
export function literalSymbol(node: AstNode): string | undefined {
  switch (node.type) {
    case "string":
      return "s";
    case "number":
      return "n";
    case "value":
      return node.value === null ? "l" : "b";
    case "lambda":
      return "f";
    case "unary":
      return node.value === "[" ? "a" : node.value === "{" ? "o" : node.value === "-" ? "n" : undefined;
    default:
      return undefined;
  }
}

export function signatureTakesContext(node: AstNode): boolean {
  return node.signature?.definition?.includes("-") ?? false;
}
