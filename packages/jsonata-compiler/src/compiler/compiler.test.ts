/**
 * The compiled evaluator against jsonata's interpreter on a corpus of expressions (sequence semantics,
 * constructors, functions, lambdas) evaluated on fixed and random inputs by both, which must agree on value,
 * error code, position and message; and the compiler's fast paths against jsonata's own implementations.
 */
import fc from "fast-check";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { formatUtc } from "./datetime.js";
import {
  evaluators,
  expectSame as expectSameOutcome,
  type Evaluators,
  type TestRecord,
} from "./interpreter-oracle.js";
import { BUILTIN_NAMES, NATIVES } from "./natives.js";
import { stringify } from "./operators.js";

function record(data: unknown): TestRecord {
  return { id: "id-1", type: "alert", subtype: "dlp", source: "src", time: 1763769600000, data };
}

const compiledTexts = new Map<string, Evaluators>();

/** Both evaluators on one record: same value (as JSON, key order included) or same error. */
async function expectSame(text: string, rec: TestRecord): Promise<void> {
  let e = compiledTexts.get(text);
  if (e === undefined) {
    e = evaluators(text);
    compiledTexts.set(text, e);
  }
  expect(e.compiled.ok, `${text}: ${e.compiled.ok ? "" : e.compiled.reason}`).toBe(true);
  await expectSameOutcome(e, () => rec, text);
}

/** Expressions whose compiled and interpreted evaluations are compared on every input below. */
const corpus = [
  ...[`a`, `a.b`, `a.b.c`, `items.id`, `items[ok].name`, `items[0]`, `items[-1].id`, `items[1].name`],
  ...[`items[id > 1]`, `items[[0,1]]`, `items[id = 2][0]`, `tags`, `tags[0]`, `tags[]`, `items.name[]`],
  ...[`nested.x.y`, `nested[0]`, `matrix`, `matrix[0]`, `matrix.z`, `$`, `$$`, `$.a`, `*`, `a.*`, `**.id`],
  ...[`$count(items)`, `$count(tags)`, `$count($)`, `$sum(items.id)`, `$max(items.id)`, `$min([])`],
  ...[`[a, b]`, `[items.id]`, `[[1,2],[3]]`, `[1..3]`, `[tags, tags]`, `items.[id, name]`, `[]`, `[a][0]`],
  ...[`{"x": a, "y": missing}`, `{"k": items.id}`, `items.{"n": name}`, `items{name: id}`, `{a.e: 1}`],
  ...[`{"1": 1, "b": 2, "0": 0}`, `{"__proto__": 1}`, `{n: 1}`, `{"x": 1, "x": 2}`, `items{"k": id}`],
  ...[`a.e & "-" & count`, `count + 1`, `count * 2.5`, `count / 0`, `-count`, `-a`, `a - 1`, `1 + missing`],
  ...[`count > 2`, `a.e < "y"`, `a < 1`, `a.e = "x"`, `a = a`, `a != tags`, `"pci" in tags`, `3 in [1,2,3]`],
  ...[`count and a`, `missing or tags`, `count ? "yes" : "no"`, `missing ?: "default"`, `missing ?? 0`],
  ...[`severity ?: "none"`, `($x := a.e; $x & $x)`, `($f := function($v) { $v * 2 }; $f(count))`],
  ...[`$map(items, function($i, $n) { $i.id + $n })`, `$filter(items, function($i) { $i.ok })`],
  ...[
    `$reduce([1,2,3,4], function($a, $b) { $a + $b })`,
    `$sort(tags)`,
    `$sort(items, function($a, $b) { $a.id < $b.id })`,
  ],
  ...[
    `$each(a, function($v, $k) { $k })`,
    `$sift(user, function($v) { $v != 7 })`,
    `$single(items, function($i) { $i.id = 2 })`,
  ],
  ...[
    `$keys(items)`,
    `$keys($)`,
    `$lookup(user, "name")`,
    `$lookup(items, "id")`,
    `$merge([user, {"x": 1}])`,
  ],
  ...[`$string(a)`, `$string(count)`, `$string(0.1 + 0.2)`, `$string(items)`, `$string($)`, `$number("12")`],
  ...[`$number(a.e)`, `$boolean(tags)`, `$not(count)`, `$exists(a.e)`, `$exists(missing)`, `$type(items)`],
  ...[
    `$uppercase(a.e)`,
    `$lowercase(severity)`,
    `$trim("  a  b ")`,
    `$length(severity)`,
    `$substring(severity, 1, 2)`,
  ],
  ...[
    `$substringBefore(user.email, "@")`,
    `$substringAfter(user.email, "@")`,
    `$contains(user.email, "example")`,
  ],
  ...[`$split(user.email, "@")`, `$join(tags, ",")`, `$join(items.name)`, `$replace(user.email, "e", "E")`],
  ...[
    `$replace(user.email, /(\\w+)@/, "$1 at ")`,
    `$match(user.email, /[aeiou]/)`,
    `$contains(severity, /^H/)`,
  ],
  ...[
    `$split("a1b2c", /[0-9]/)`,
    `$append(tags, items.id)`,
    `$distinct([1, 2, 1, tags, tags])`,
    `$reverse(tags)`,
  ],
  ...[`$fromMillis(1763769600123)`, `$fromMillis($time, "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01]Z")`],
  ...[
    `$fromMillis($time, "[D1o] [MNn] [Y]")`,
    `$toMillis("2025-11-22T00:00:00Z")`,
    `$formatNumber(count, "#,##0.00")`,
  ],
  ...[`$round(2.5)`, `$abs(-count)`, `$power(2, count)`, `$sqrt(count)`, `$floor(-1.5)`, `$ceil(1.2)`],
  ...[`a.e.$uppercase()`, `severity ~> $lowercase()`, `tags ~> $join("|")`, `$uppercase(a)`, `$nope(a)`],
  ...[`uppercase(a.e)`, `$error("boom")`, `$assert(false, "no")`, `$zip([1,2], [3,4])`, `$spread(user)`],
  ...[`items[$.ok = true].name`, `items[$$.count - 2 = id].name`, `$map(tags, $uppercase)`],
  ...[`($inc := function($n) { $n < 10 ? $inc($n + 1) : $n }; $inc(0))`, `$exists(a) and $exists(b)`],
  ...[`{"a": [1, [2, 3]], "b": [items.id]}`, `[items.id, [tags]]`, `(a; b; items)`, `()`, `[()]`],
  ...[`($x := 1; ($x := 2); $x)`, `$count(items[ok])`, `items.id[0]`, `(items.id)[0]`, `items[ok][0].name`],
  ...[
    `items#$i.{"i": $i, "n": name}`,
    `items@$it.$$.tags@$t.{"n": $it.name, "t": $t}`,
    `items.name.{"n": $, "id": %.id}`,
  ],
  ...[`items#$i[$i > 0].name`, `items@$x[$x.ok].name`, `items{name: %.count}`, `a.b.%.e`, `items.%.severity`],
  ...[
    `items^(>id).name`,
    `items^(name, >id)`,
    `tags^($)`,
    `items^(ok).id`,
    `items^(extra)`,
    `items#$i^(>id).{"i": $i}`,
  ],
  ...[`$ ~> |items|{"seen": true}, ["extra"]|`, `items ~> |$|{"k": 1}|`, `$ ~> |a.b|{"c": c + 1}, "d"|`],
  ...[
    `$substring(?, 1)(severity)`,
    `($f := $join(?, "-"); $f(tags))`,
    `($g := function($a, $b) { $a & $b }; $g(?, "!")("x"))`,
  ],
];

const sample = {
  a: { b: { c: 1, d: 2 }, e: "x" },
  user: { name: "alice", email: "alice@example.com", id: 7 },
  items: [
    { id: 1, ok: true, name: "one", extra: "z" },
    { id: 2, ok: false, name: "two" },
  ],
  severity: "High",
  tags: ["pci", "exfil"],
  nested: [[{ x: { y: 1 } }], [{ x: { y: [2, 3] } }]],
  matrix: [
    [1, 2],
    [3, [4, 5]],
  ],
  count: 3,
};

const inputs: [string, unknown][] = [
  ["sample", sample],
  ["empty", {}],
  ["array", [sample, { a: 1, items: [] }]],
  ["scalar", "text"],
  ["single items", { ...sample, items: [{ id: 5, ok: true, name: "five" }], tags: ["one"] }],
];

describe("corpus: compiled and interpreted agree", () => {
  it.each(inputs)("on %s", async (_name, data) => {
    for (const text of corpus) await expectSame(text, record(data));
  });

  it("on random data", async () => {
    const key = fc.constantFrom(
      ...["a", "b", "c", "e", "id", "ok", "name", "items", "tags", "count", "x", "y", "z"],
      ...["user", "email", "severity", "nested", "matrix", "missing"],
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.double(), fc.boolean()),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(key, tie("value"), { maxKeys: 4 }),
      ),
    }));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 6 }), async (data) => {
        for (const text of corpus) await expectSame(text, record(data));
      }),
      { numRuns: Number(process.env["CORPUS_RUNS"] ?? 60) },
    );
  });
});

describe("fast paths agree with jsonata's own implementations", () => {
  const fromMillis = NATIVES.get("fromMillis")?.implementation;
  const string = NATIVES.get("string")?.implementation;

  it("$fromMillis with ISO-like pictures", () => {
    const pictures = [
      undefined,
      "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01]Z",
      "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01].[f001]",
      "[D01]/[M01]/[Y0001]",
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -62167219200000, max: 253402300799999 }),
          fc.double({ min: -1e13, max: 1e13, noNaN: true }),
        ),
        fc.constantFrom(...pictures),
        (millis, picture) => {
          const fast = formatUtc(millis, picture);
          expect(fast).toBeDefined();
          expect(fast).toBe(fromMillis?.(millis, picture));
        },
      ),
      { numRuns: 2000 },
    );
    expect(formatUtc(1e18, undefined)).toBeUndefined();
    expect(formatUtc(0, "[Y]")).toBeUndefined();
    expect(formatUtc(0, "[[Y0001]]")).toBeUndefined();
  });

  it("$string", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        expect(stringify(value, pretty)).toBe(string?.(value, pretty));
      }),
      { numRuns: 1000 },
    );
  });

  it("jsonata exposes every built-in the compiler expects", async () => {
    expect([...NATIVES.keys()]).toEqual([...BUILTIN_NAMES]);
    expect(typeof (await jsonata("$string").evaluate({}))).toBe("object");
  });
});
