/**
 * Regexes on RE2 (regex.ts): JSONata's behaviours kept (`$match` groups and index, `$replace` with `$1`,
 * `$split`, `$contains`, flags i and m), compared with jsonata's interpreter on JavaScript's RegExp; a pattern
 * that backtracks catastrophically there runs in linear time here; what RE2 refuses fails at compile time.
 */
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import type { AstNode } from "../ast.js";
import { compileExpression } from "./compile.js";
import { checkRegexes, Re2RegExp, RegexSyntaxError } from "./regex.js";

function compiled(text: string) {
  const result = compileExpression(jsonata(text).ast() as AstNode);
  if (!result.ok) throw new Error(result.reason);
  return (input: unknown) => result.evaluate(input, {});
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? "null");

const SAME_AS_JAVASCRIPT = [
  '$match("ab12cd345ef6", /(\\d)(\\d*)/)',
  '$match("ab12cd345ef6", /(\\d)(x)?/, 2)',
  '$match("Hello hello HELLO", /hello/i)',
  '$match("one\\ntwo\\nthree", /^t\\w+$/m)',
  '$match("one\\ntwo", /^t\\w+$/)',
  '$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")',
  '$replace("abcabc", /b/, "[$0]", 1)',
  '$replace("a1b22c333", /\\d+/, function($m){ $string($length($m.match)) })',
  '$replace("x$y", /\\$/, "$$")',
  '$split("a, b,c ,  d", /\\s*,\\s*/)',
  '$split("a1b2c3", /\\d/, 2)',
  '$contains("Café au lait", /caf\\u00e9/i)',
  '$contains("abc", /^b/)',
  '$match("name=val; k=v", /(?<key>\\w+)=(\\w+)/)',
  '"a.b/c" ~> $replace(/[.\\/]/, "-")',
];

describe("regexes on RE2", () => {
  it.each(SAME_AS_JAVASCRIPT)("%s gives what jsonata gives", async (text) => {
    const expected: unknown = await jsonata(text).evaluate({});
    expect(json(compiled(text)({}))).toEqual(json(expected));
  });

  it("an empty match that cannot progress is D1004, as in jsonata", () => {
    expect(() => compiled('$match("abc", /x*/)')({})).toThrow(expect.objectContaining({ code: "D1004" }));
  });

  it("runs a catastrophic pattern in linear time", () => {
    const evaluate = compiled("$contains(user, /^(a+)+$/)");
    expect(evaluate({ user: `${"a".repeat(40)}!` })).toBe(false);
    expect(evaluate({ user: "a".repeat(40) })).toBe(true);
  });

  it.each(["/(a)\\1/", "/a(?=b)/", "/a(?!b)/", "/(?<=a)b/"])("refuses %s at compile time", (regex) => {
    const ast = jsonata(`$contains(x, ${regex})`).ast() as AstNode;
    expect(() => compileExpression(ast)).toThrow(RegexSyntaxError);
    expect(() => checkRegexes(ast)).toThrow(RegexSyntaxError);
  });

  it("serves jsonata's interpreter as its RegexEngine", async () => {
    const engine = Re2RegExp as unknown as RegExpConstructor;
    const expression = jsonata("$match(s, /(\\w)(\\d)/).groups", { RegexEngine: engine });
    expect(json(await expression.evaluate({ s: "a1 b2" }))).toEqual(["a", "1", "b", "2"]);
    const hostile = jsonata("$contains(s, /^(a+)+$/)", { RegexEngine: engine });
    expect(await hostile.evaluate({ s: `${"a".repeat(40)}!` })).toBe(false);
  });
});
