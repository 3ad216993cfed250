/**
 * Parser for business rules (docs/business-rules.md, "Grammar"): recursive descent over the grammar below,
 * producing a plain AST.
 *
 *   query     := <empty> | or
 *   or        := and (("||" | "OR") and)*
 *   and       := unary (("&&" | "AND") unary)*
 *   unary     := ("!" | "NOT") unary | "(" or ")" | condition
 *   condition := field cmp value | field ("IN" | "NOT IN") list | field ("Like" | "NOT Like") string
 *              | field ("MATCHES" | "NOT MATCHES") string | field ("EXISTS" | "NOT EXISTS")
 *   cmp       := "==" | "=" | "Is equal" | "!=" | "Is not equal" | "<" | "<=" | ">" | ">="
 */
import type { LosslessNumber } from "../formats/lossless-number.js";
import { RuleSyntaxError, type SourcePosition } from "./errors.js";
import { Lexer, type Token } from "./lexer.js";
import { exactFromText } from "./numbers.js";
import { compilePattern } from "./regex.js";

/** A number literal is a double when one holds its value exactly, else a LosslessNumber (rules/numbers.ts). */
export type Literal = string | number | LosslessNumber | boolean | null;

export type MetaField = "type" | "subtype" | "source" | "id";

export type FieldRef =
  | {
      kind: "data";
      /** Keys from the root of `record.data`. */
      path: readonly string[];
      /** As a rule would spell it: segments joined by dots, back-quoted where needed. */
      text: string;
      position: SourcePosition;
    }
  | { kind: "meta"; name: MetaField; text: string; position: SourcePosition };

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type RuleNode =
  | { kind: "all" }
  | { kind: "or"; operands: readonly RuleNode[] }
  | { kind: "and"; operands: readonly RuleNode[] }
  | { kind: "not"; operand: RuleNode }
  | { kind: "compare"; field: FieldRef; op: CompareOp; value: Literal }
  | { kind: "in"; field: FieldRef; negated: boolean; values: readonly Literal[] }
  | { kind: "like"; field: FieldRef; negated: boolean; text: string }
  | { kind: "matches"; field: FieldRef; negated: boolean; pattern: string; patternPosition: SourcePosition }
  | { kind: "exists"; field: FieldRef; negated: boolean };

export type ConditionNode = Extract<RuleNode, { field: FieldRef }>;

const META_FIELDS: Readonly<Record<string, MetaField>> = {
  $type: "type",
  $subtype: "subtype",
  $source: "source",
  $id: "id",
};

/** Words that cannot start a condition as a bare field name (back-quote them to use them as names). */
const RESERVED = new Set([
  "AND",
  "OR",
  "NOT",
  "IN",
  "LIKE",
  "MATCHES",
  "EXISTS",
  "IS",
  "EQUAL",
  "TRUE",
  "FALSE",
  "NULL",
]);

const SIMPLE_NAME_RE = /^[A-Za-z_@][\w@$-]*$/;
const SIMPLE_SEGMENT_RE = /^[\w@$-]+$/;

/** How a field path is spelled in a rule: dotted, with back-quotes around segments that need them. */
export function fieldText(path: readonly string[]): string {
  return path
    .map((segment, i) =>
      (
        i === 0
          ? SIMPLE_NAME_RE.test(segment) && !RESERVED.has(segment.toUpperCase())
          : SIMPLE_SEGMENT_RE.test(segment)
      )
        ? segment
        : "`" + segment.replace(/[\\`]/g, "\\$&") + "`",
    )
    .join(".");
}

function quote(text: string): string {
  return `"${text}"`;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** How an unexpected token reads in an error message. */
function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "the end of the rule";
    case "string":
      return `the string ${shorten(token.raw)}`;
    case "number":
      return `the number ${shorten(token.raw)}`;
    default:
      return quote(shorten(token.raw));
  }
}

/** Parses a rule into its AST; throws RuleSyntaxError. The empty (or blank) rule is `{ kind: "all" }`. */
export function parseRule(text: string): RuleNode {
  return new Parser(text).parseQuery();
}

class Parser {
  private readonly lexer: Lexer;
  private token: Token;

  constructor(text: string) {
    this.lexer = new Lexer(text);
    this.token = this.lexer.next();
  }

  parseQuery(): RuleNode {
    if (this.token.kind === "eof") return { kind: "all" };
    const node = this.parseOr("a condition");
    if (this.peek().kind !== "eof") this.fail('"AND", "OR" or the end of the rule');
    return node;
  }

  /** The current token (a call, so that TypeScript does not keep narrowing it across advance()). */
  private peek(): Token {
    return this.token;
  }

  private advance(): Token {
    const token = this.token;
    this.token = this.lexer.next();
    return token;
  }

  private isKeyword(word: string, token: Token = this.token): boolean {
    return token.kind === "word" && token.keyword === word;
  }

  private fail(expected: string, detail?: string): never {
    const token = this.token;
    if (token.problem) throw token.problem;
    let hint = detail;
    if (hint === undefined && token.kind === "invalid" && /^[\u2018\u2019\u201c\u201d]/.test(token.raw)) {
      hint = "typographic quotes do not delimit strings; use \" or '";
    }
    throw new RuleSyntaxError({
      offset: token.offset,
      line: token.line,
      column: token.column,
      expected,
      found: describe(token),
      detail: hint,
    });
  }

  private parseOr(expected: string): RuleNode {
    const first = this.parseAnd(expected);
    if (!(this.token.kind === "or" || this.isKeyword("OR"))) return first;
    const operands = [first];
    while (this.token.kind === "or" || this.isKeyword("OR")) {
      const op = this.advance();
      operands.push(this.parseAnd(`a condition after ${quote(op.raw)}`));
    }
    return { kind: "or", operands };
  }

  private parseAnd(expected: string): RuleNode {
    const first = this.parseUnary(expected);
    if (!(this.token.kind === "and" || this.isKeyword("AND"))) return first;
    const operands = [first];
    while (this.token.kind === "and" || this.isKeyword("AND")) {
      const op = this.advance();
      operands.push(this.parseUnary(`a condition after ${quote(op.raw)}`));
    }
    return { kind: "and", operands };
  }

  private parseUnary(expected: string): RuleNode {
    const token = this.token;
    if (token.kind === "not" || this.isKeyword("NOT")) {
      this.advance();
      return { kind: "not", operand: this.parseUnary(`a condition after ${quote(token.raw)}`) };
    }
    if (token.kind === "(") {
      this.advance();
      const inner = this.parseOr('a condition after "("');
      if (this.token.kind !== ")") this.fail('"AND", "OR" or ")"');
      this.advance();
      return inner;
    }
    return this.parseCondition(expected);
  }

  private parseField(expected: string): FieldRef {
    const first = this.token;
    const position: SourcePosition = { offset: first.offset, line: first.line, column: first.column };
    if (first.kind === "word" && first.value.startsWith("$")) {
      const name = META_FIELDS[first.value.toLowerCase()];
      if (name === undefined) {
        this.fail(
          "$type, $subtype, $source or $id",
          `back-quote a data field whose name starts with $: \`${first.value}\``,
        );
      }
      this.advance();
      return { kind: "meta", name, text: first.raw, position };
    }
    if (!(first.kind === "quoted" || (first.kind === "word" && !RESERVED.has(first.keyword))))
      this.fail(expected);
    this.advance();
    const path = [first.value];
    while (this.token.kind === ".") {
      this.advance();
      const segment = this.token;
      if (segment.kind !== "word" && segment.kind !== "quoted") this.fail('a field name after "."');
      path.push(segment.value);
      this.advance();
    }
    return { kind: "data", path, text: fieldText(path), position };
  }

  private parseCondition(expected: string): RuleNode {
    const field = this.parseField(expected);
    const token = this.token;
    if (token.kind === "cmp") {
      this.advance();
      const op = token.value as CompareOp;
      const ordered = op !== "==" && op !== "!=";
      return { kind: "compare", field, op, value: this.parseValue(quote(token.raw), ordered) };
    }
    if (token.kind !== "word") return this.fail(`an operator after ${quote(field.text)}`);
    switch (token.keyword) {
      case "IS": {
        this.advance();
        let spelled = token.raw;
        let negated = false;
        if (this.isKeyword("NOT")) {
          spelled += " " + this.advance().raw;
          negated = true;
        }
        if (!this.isKeyword("EQUAL"))
          this.fail(`${negated ? '"EQUAL"' : '"EQUAL" or "NOT EQUAL"'} after ${quote(spelled)}`);
        spelled += " " + this.advance().raw;
        return {
          kind: "compare",
          field,
          op: negated ? "!=" : "==",
          value: this.parseValue(quote(spelled), false),
        };
      }
      case "NOT": {
        this.advance();
        const next = this.token;
        if (!["IN", "LIKE", "MATCHES", "EXISTS"].includes(next.keyword) || next.kind !== "word") {
          this.fail(`"IN", "LIKE", "MATCHES" or "EXISTS" after ${quote(token.raw)}`);
        }
        return this.parseOperator(field, true, `${token.raw} ${next.raw}`);
      }
      case "IN":
      case "LIKE":
      case "MATCHES":
      case "EXISTS":
        return this.parseOperator(field, false, token.raw);
      default:
        return this.fail(`an operator after ${quote(field.text)}`);
    }
  }

  /** The current token is IN, LIKE, MATCHES or EXISTS (already past any NOT). */
  private parseOperator(field: FieldRef, negated: boolean, spelled: string): RuleNode {
    const keyword = this.advance().keyword;
    const after = quote(spelled);
    switch (keyword) {
      case "IN":
        return { kind: "in", field, negated, values: this.parseList(after) };
      case "LIKE":
        return { kind: "like", field, negated, text: this.parseString(after).value };
      case "MATCHES": {
        const token = this.parseString(after);
        const patternPosition = { offset: token.offset, line: token.line, column: token.column };
        compilePattern(token.value, patternPosition, describe(token));
        return { kind: "matches", field, negated, pattern: token.value, patternPosition };
      }
      default:
        return { kind: "exists", field, negated };
    }
  }

  private parseString(after: string): Token {
    if (this.token.kind !== "string") this.fail(`a quoted string after ${after}`);
    return this.advance();
  }

  private parseValue(after: string, ordered: boolean): Literal {
    const token = this.token;
    const expected = ordered ? `a number or string after ${after}` : `a value after ${after}`;
    switch (token.kind) {
      case "string":
        this.advance();
        return token.value;
      case "number":
        this.advance();
        return exactFromText(token.raw);
      case "word": {
        const literal = token.keyword === "TRUE" || token.keyword === "FALSE" || token.keyword === "NULL";
        if (literal && !ordered) {
          this.advance();
          return token.keyword === "NULL" ? null : token.keyword === "TRUE";
        }
        if (!literal) return this.fail(expected, "strings must be quoted");
        break;
      }
    }
    return this.fail(expected);
  }

  private parseList(after: string): Literal[] {
    const open = this.token;
    if (open.kind !== "(" && open.kind !== "[") return this.fail(`"(" or "[" after ${after}`);
    this.advance();
    const close = open.kind === "(" ? ")" : "]";
    const values: Literal[] = [];
    let previous = open.raw;
    for (;;) {
      values.push(this.parseValue(quote(previous), false));
      if (this.token.kind === close) {
        this.advance();
        return values;
      }
      if (this.token.kind !== ",") this.fail(`"," or "${close}"`);
      previous = this.advance().raw;
    }
  }
}
