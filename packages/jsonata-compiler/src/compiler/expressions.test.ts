/**
 * Random expressions (paths, predicates, constructors, operators, built-ins, lambdas, tuple streams,
 * order-by, transforms, partial application) compiled and interpreted on a few inputs: same JSON, or the
 * same error. Deterministic; EXPRESSION_SEED and EXPRESSION_COUNT explore further.
 */
import { describe, expect, it } from "vitest";
import { evaluators, expectSame, type TestRecord } from "./interpreter-oracle.js";

const names = ["a", "b", "items", "tags", "id", "name", "ok", "count", "x", "nested", "user"];
const simple = ["$string", "$count", "$exists", "$uppercase", "$number", "$boolean", "$not", "$keys"];
const more = ["$length", "$sum", "$distinct", "$reverse", "$trim", "$abs", "$round", "$floor", "$type"];

function generator(seed: number): (depth: number) => string {
  let state = seed >>> 0;
  const rnd = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const leaves = [...names, `"s"`, "1", "2.5", "true", "null", "$", "$$", "[]", "-1", "$i", "$v"];
  const expr = (depth: number): string => {
    if (depth <= 0) return pick(leaves);
    const e = (): string => expr(depth - 1);
    const forms: (() => string)[] = [
      () => `${e()}.${pick(names)}`,
      () => `${e()}[${e()}]`,
      () => `${e()}[${Math.floor(rnd() * 4) - 1}]`,
      () => `${e()} ${pick(["+", "-", "*", "=", "!=", "<", ">", "&", "and", "or", "in"])} ${e()}`,
      () => `(${e()} ? ${e()} : ${e()})`,
      () => `[${e()}, ${e()}]`,
      () => `{"k": ${e()}, "${pick(names)}": ${e()}}`,
      () => `${pick([...simple, ...more])}(${e()})`,
      () => `$map(${e()}, function($v, $i) { ${e()} })`,
      () => `$filter(${e()}, function($v) { ${e()} })`,
      () => `($v := ${e()}; ${e()})`,
      () => `${e()}[]`,
      () => `${e()}#$i.${e()}`,
      () => `${e()}@$v.${e()}`,
      () => `${e()}.{${pick(names)}: ${e()}}`,
      () => `${e()}^(${e()})`,
      () => `${e()}^(>${e()}, ${e()})`,
      () => `${e()} ?: ${e()}`,
      () => `${e()} ?? ${e()}`,
      () => `*.${e()}`,
      () => `$join(${e()}, ",")`,
      () => `${e()}.%.${pick(names)}`,
      () => `$substring(${e()}, ${pick(["1", "-2", "0, 2"])})`,
      () => `$replace(${e()}, ${pick([`"o"`, "/[aeiou]/", "/(n)(e)?/"])}, ${pick([`"_"`, `"$1"`])})`,
      () => `$split(${e()}, ${pick([`""`, `"n"`, "/[,;]/"])})`,
      () => `$sort(${e()})`,
      () => `$reduce(${e()}, function($a, $b) { ${e()} }, ${e()})`,
      () => `$each(${e()}, function($v, $k) { $k & $string($v) })`,
      () => `${e()} ~> |${pick(["$", "items", "a"])}|{"z": ${e()}}${pick(["", `, "id"`])}|`,
      () => `$substring(?, 1)($string(${e()}))`,
      () => `($f := function($x)${pick(["", "<x:x>", "<n:n>"])} { ${e()} }; $f(${e()}))`,
      () => `$lookup(${e()}, "${pick(names)}")`,
      () => `$merge([${e()}, ${e()}])`,
    ];
    return pick(forms)();
  };
  return expr;
}

const inputs: unknown[] = [
  {
    a: { b: 1, x: [1, 2] },
    items: [
      { id: 1, name: "one", ok: true, tags: ["t"] },
      { id: 2, name: "two", ok: false },
    ],
    tags: ["p", "q"],
    count: 3,
    nested: [[1, [2]], { x: 1 }],
    user: { name: "u", id: 7 },
  },
  { items: [{ id: 5 }], tags: "solo", a: [1, { b: [2, 3] }] },
  {
    a: "one two",
    items: [
      { id: 3, name: "x,y;z" },
      { id: "4", name: null },
    ],
    tags: [3, 1, 2],
    count: "7",
  },
  [1, 2, { a: 1 }],
];

/** Regexes on the left of `??` or `?:` lose their flags in jsonata (it copies that side through JSON). */
const HANGS = (text: string): boolean => /\?\?|\?:/.test(text) && /\/[^,]*\//.test(text);

describe("random expressions", () => {
  it("compiled and interpreted agree", async () => {
    const expr = generator(Number(process.env["EXPRESSION_SEED"] ?? 20251122));
    const count = Number(process.env["EXPRESSION_COUNT"] ?? 400);
    let compiled = 0;
    for (let n = 0; n < count; n++) {
      const text = expr(1 + (n % 4));
      if (HANGS(text)) continue;
      let e;
      try {
        e = evaluators(text);
      } catch {
        continue; // does not parse
      }
      expect(e.compiled.ok, `${text}: ${e.compiled.ok ? "" : e.compiled.reason}`).toBe(true);
      compiled++;
      for (const data of inputs) {
        const rec: TestRecord = { id: "i", type: "t", subtype: "", source: "s", time: 0, data };
        await expectSame(e, () => structuredClone(rec), `${text} on ${JSON.stringify(data)}`);
      }
    }
    expect(compiled).toBeGreaterThan(count / 2);
  });
});
