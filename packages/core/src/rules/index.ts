/**
 * Business rules (docs/business-rules.md): Cloud Exchange compatible query text, compiled once to a plain
 * predicate.
 *
 *   const isHighDlp = compileRule('alert_type IN ("DLP", "Malware") && severity == "high"');
 *   isHighDlp(record); // boolean
 *
 * See docs/business-rules.md for the language reference.
 */
import { compileNode, type RulePredicate } from "./compile.js";
import { parseRule, type FieldRef, type RuleNode } from "./parser.js";

export { RuleSyntaxError, type RuleSyntaxErrorDetails, type SourcePosition } from "./errors.js";
export { parseRule, fieldText } from "./parser.js";
export type { CompareOp, ConditionNode, FieldRef, Literal, MetaField, RuleNode } from "./parser.js";
export type { RulePredicate } from "./compile.js";

/** Compiles rule text to a predicate on records; throws RuleSyntaxError. The empty rule matches everything. */
export function compileRule(text: string): RulePredicate {
  return compileNode(parseRule(text));
}

/** Compiles an already parsed rule. */
export function compileRuleNode(node: RuleNode): RulePredicate {
  return compileNode(node);
}

function collectFields(node: RuleNode, out: FieldRef[]): void {
  switch (node.kind) {
    case "all":
      return;
    case "and":
    case "or":
      for (const operand of node.operands) collectFields(operand, out);
      return;
    case "not":
      collectFields(node.operand, out);
      return;
    default:
      out.push(node.field);
  }
}

/**
 * The fields a rule reads, each once, in order of first use: key paths into `record.data` as arrays of keys
 * (exact even when a key holds a dot), and record metadata as ["$type"], ["$subtype"], ["$source"], ["$id"].
 */
export function ruleFieldPaths(text: string): string[][] {
  const fields: FieldRef[] = [];
  collectFields(parseRule(text), fields);
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const field of fields) {
    const path = field.kind === "meta" ? ["$" + field.name] : [...field.path];
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(path);
  }
  return out;
}

/**
 * The fields a rule reads, each once, in order of first use: dotted paths into `record.data` ("user.name";
 * keys are joined with "." as they are, so a key that itself holds a dot is ambiguous: use ruleFieldPaths),
 * and "$type", "$subtype", "$source", "$id" for record metadata.
 */
export function ruleFields(text: string): string[] {
  return [...new Set(ruleFieldPaths(text).map((path) => path.join(".")))];
}

export { rulesPrefilter, type TextPrefilter } from "./prefilter.js";
