/**
 * A conservative text prefilter derived from a rule: a test on the raw JSON text of an event that is false
 * only when the rule cannot select the event, so a source may skip JSON.parse for it.
 *
 * The rule's positive string conditions (`==`, `IN`, `Like` on event fields) require their value to appear in
 * the text. The test is skipped (the line is kept) whenever the text could hide a value: `\u` escapes, or a
 * line that is not shaped like one JSON object (so malformed input is still parsed and reported). Values that
 * JSON could write differently (numbers, booleans, non-ASCII, quotes, backslashes, slashes) add no condition.
 */
import type { Literal, RuleNode } from "./parser.js";

type Cond = { any: string[] } | { all: Cond[] } | { oneOf: Cond[] };
/** null: no condition (every text may match). */
type Need = Cond | null;

/** Printable ASCII without `"`, `\` and `/`, with at least one character a number's text cannot hold. */
function safeNeedle(value: Literal): string | undefined {
  if (typeof value !== "string" || value.length === 0) return undefined;
  if (!/^[ !#-.0-[\]-~]+$/.test(value)) return undefined;
  if (/^[0-9.eE+-]+$/.test(value)) return undefined;
  const lower = value.toLowerCase();
  if (lower === "true" || lower === "false" || lower === "null") return undefined;
  return lower;
}

function needsOf(node: RuleNode): Need {
  switch (node.kind) {
    case "all":
      return null;
    case "and": {
      const parts = node.operands.map(needsOf).filter((n): n is Cond => n !== null);
      return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : { all: parts };
    }
    case "or": {
      const parts = node.operands.map(needsOf);
      if (parts.some((p) => p === null)) return null;
      return { oneOf: parts as Cond[] };
    }
    case "not":
      return null;
    case "compare": {
      if (node.field.kind !== "data" || node.op !== "==") return null;
      const needle = safeNeedle(node.value);
      return needle === undefined ? null : { any: [needle] };
    }
    case "in": {
      if (node.field.kind !== "data" || node.negated) return null;
      const needles = node.values.map(safeNeedle);
      if (needles.length === 0 || needles.some((n) => n === undefined)) return null;
      return { any: needles as string[] };
    }
    case "like": {
      if (node.field.kind !== "data" || node.negated) return null;
      const needle = safeNeedle(node.text);
      return needle === undefined ? null : { any: [needle] };
    }
    default:
      return null;
  }
}

/** Compiled: the text is searched in place with case-insensitive regexes (no lower-cased copy). */
type Tester = (text: string, lower: () => string) => boolean;

function compileCond(cond: Cond): Tester {
  if ("any" in cond) {
    const needles = cond.any;
    const re = new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "i");
    // A /i match is an ASCII case-insensitive match, so toLowerCase() finds it too. Without one, only the two
    // characters that lower-case into ASCII (U+0130 and U+212A, checked exhaustively) could still make a match.
    return (text, lower) =>
      re.test(text) || (LOWERS_TO_ASCII.test(text) && needles.some((n) => lower().includes(n)));
  }
  const parts = ("all" in cond ? cond.all : cond.oneOf).map(compileCond);
  if ("all" in cond) return (text, lower) => parts.every((p) => p(text, lower));
  return (text, lower) => parts.some((p) => p(text, lower));
}

function objectShaped(text: string): boolean {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  let j = text.length - 1;
  while (j > i && text.charCodeAt(j) <= 32) j--;
  return text.charCodeAt(i) === 0x7b && text.charCodeAt(j) === 0x7d;
}

/** The only characters outside ASCII whose toLowerCase() holds ASCII: İ (U+0130) and the Kelvin sign (U+212A). */
const LOWERS_TO_ASCII = /[\u0130\u212a]/;

export type TextPrefilter = (text: string) => boolean;

/**
 * The prefilter of one or more rules (a record is wanted when any rule may select it), or undefined when
 * some rule constrains nothing a text test can see.
 */
export function rulesPrefilter(nodes: readonly RuleNode[]): TextPrefilter | undefined {
  const needs = nodes.map(needsOf);
  if (needs.length === 0 || needs.some((n) => n === null)) return undefined;
  const tester = compileCond({ oneOf: needs as Cond[] });
  return (text) => {
    if (!objectShaped(text) || text.includes("\\u")) return true;
    let lowered: string | undefined;
    const lower = () => (lowered ??= text.toLowerCase());
    return tester(text, lower);
  };
}
