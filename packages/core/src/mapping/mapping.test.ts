import { describe, expect, it } from "vitest";
import type { LogRecord } from "../sdk/types.js";
import { logRecord } from "../testing/records.js";
import { compileMapping, mapRecord, MappingError } from "./index.js";

const record = (data: unknown, meta: Partial<Omit<LogRecord, "data">> = {}): LogRecord =>
  logRecord(data, { id: "id-1", time: Date.UTC(2025, 10, 22, 0, 0, 0), ...meta });

async function rejection(promise: Promise<unknown>): Promise<MappingError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MappingError);
    return err as MappingError;
  }
  throw new Error("expected a rejection");
}

function syntaxError(text: string, file = "m.jsonata"): MappingError {
  try {
    compileMapping(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(MappingError);
    return err as MappingError;
  }
  throw new Error("expected a syntax error");
}

describe("evaluate", () => {
  it("takes record.data as input and binds the record's metadata", async () => {
    const m = compileMapping(
      `{"id": $id, "type": $type, "subtype": $subtype, "source": $source, "time": $time,
        "iso": $fromMillis($time), "user": user, "all": $}`,
      "meta.jsonata",
    );
    const value = await m.evaluate(record({ user: "alice" }));
    expect(value).toEqual({
      id: "id-1",
      type: "alert",
      subtype: "dlp",
      source: "netskope-alerts",
      time: 1763769600000,
      iso: "2025-11-22T00:00:00.000Z",
      user: "alice",
      all: { user: "alice" },
    });
  });

  it("the bindings do not come from the data", async () => {
    const m = compileMapping(`[$id, id]`, "m.jsonata");
    const value = await m.evaluate(record({ id: "from-data" }, { id: "from-record" }));
    expect(JSON.parse(JSON.stringify(value))).toEqual(["from-record", "from-data"]);
  });

  it("is re-entrant: concurrent evaluations keep their own bindings", async () => {
    const m = compileMapping(`$map([1, 2, 3], function($v) { $id & ":" & n & ":" & $v })`, "m.jsonata");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => m.evaluate(record({ n: i }, { id: `r${i}` }))),
    );
    // JSON round trip: JSONata returns sequences (arrays with hidden members); destinations get JSON.
    results.forEach((r, i) =>
      expect(JSON.parse(JSON.stringify(r))).toEqual([`r${i}:${i}:1`, `r${i}:${i}:2`, `r${i}:${i}:3`]),
    );
  });

  it("works on non-object data", async () => {
    const m = compileMapping(`$count($)`, "m.jsonata");
    expect(await m.evaluate(record([1, 2, 3]))).toBe(3);
    expect(await m.evaluate(record("text"))).toBe(1);
  });

  it("ignores a byte-order mark and accepts comments", async () => {
    const m = compileMapping(`\uFEFF/* maps nothing much */ {"x": a}`, "m.jsonata");
    expect(await m.evaluate(record({ a: 1 }))).toEqual({ x: 1 });
    expect(m.text.startsWith("\uFEFF")).toBe(true);
  });

  it("resolves undefined when the mapping produces nothing", async () => {
    const m = compileMapping(`missing.field`, "m.jsonata");
    expect(await m.evaluate(record({ other: 1 }))).toBeUndefined();
  });
});

describe("mapRecord", () => {
  it("turns an undefined result into LS_ERR_MAPPING_EMPTY", async () => {
    const m = compileMapping(`missing.field`, "empty.jsonata");
    const err = await rejection(mapRecord(m, record({ other: 1 })));
    expect(err.code).toBe("LS_ERR_MAPPING_EMPTY");
    expect(err.message).toContain("empty.jsonata");
    expect(err.message).toContain("produced nothing");
  });

  it("adds unmapped fields only when asked", async () => {
    const m = compileMapping(`{"who": user.name}`, "m.jsonata");
    const data = { user: { name: "a", email: "a@x" }, extra: 1 };
    expect(await mapRecord(m, record(data))).toEqual({ value: { who: "a" } });
    expect(await mapRecord(m, record(data), { additionalData: true })).toEqual({
      value: { who: "a" },
      unmapped: { user: { email: "a@x" }, extra: 1 },
    });
    const all = await mapRecord(m, record({ user: { name: "b" } }), { additionalData: true });
    expect(all).toEqual({ value: { who: "b" } });
    expect("unmapped" in all).toBe(false);
  });

  it("passes evaluation errors on", async () => {
    const m = compileMapping(`a - 1`, "m.jsonata");
    expect((await rejection(mapRecord(m, record({ a: "x" })))).code).toBe("LS_ERR_MAPPING_EVAL");
  });
});

describe("errors", () => {
  it("a syntax error names the file, line, column and JSONata's message", () => {
    const err = syntaxError(`{\n  "a": b,\n  "c": (d\n}`, "mappings/x/file.jsonata");
    expect(err.code).toBe("LS_ERR_MAPPING_SYNTAX");
    expect(err.jsonataCode).toBe("S0202");
    expect(err.line).toBe(4);
    expect(err.column).toBe(1);
    expect(err.file).toBe("mappings/x/file.jsonata");
    expect(err.message).toBe('mappings/x/file.jsonata:4:1: Expected ")", got "}" (S0202)');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("MappingError");
  });

  it("reports errors at the end of the text and without a token", () => {
    const end = syntaxError(`a +`);
    expect(end.message).toBe("m.jsonata:1:4: Unexpected end of expression (S0207)");
    const unterminated = syntaxError(`x & "abc`);
    expect(unterminated.jsonataCode).toBe("S0101");
    expect(unterminated.message).toMatch(/^m\.jsonata:1:\d+: String literal must be terminated/);
    const parent = syntaxError(`%.a`);
    expect(parent.jsonataCode).toBe("S0217");
    expect(parent.message).toMatch(/^m\.jsonata: .*parent/);
  });

  it("an evaluation error carries JSONata's code and message", async () => {
    const m = compileMapping(`{\n  "n": a - 1\n}`, "eval.jsonata");
    const err = await rejection(m.evaluate(record({ a: "not a number" })));
    expect(err.code).toBe("LS_ERR_MAPPING_EVAL");
    expect(err.jsonataCode).toBe("T2001");
    expect(err.line).toBe(2);
    expect(err.message).toBe(
      'eval.jsonata:2:10: The left side of the "-" operator must evaluate to a number (T2001)',
    );
  });

  it("evaluation error messages never contain record data", async () => {
    const secret = "s3cr3t-value";
    const cases = [
      `a < 1`, // T2009 quotes both values
      `$number(a)`, // D3030 quotes the value
      `-a`, // D1002
      `{n: 1}`, // T1003: key must be a string
      `$toMillis(a)`, // D3110
      `$uppercase(o)`, // T0410
      `$sqrt(0 - n)`, // D3060
    ];
    for (const text of cases) {
      const m = compileMapping(text, "m.jsonata");
      const err = await rejection(m.evaluate(record({ a: secret, o: { k: secret }, n: 1234567 })));
      expect(err.code).toBe("LS_ERR_MAPPING_EVAL");
      expect(err.message).not.toContain(secret);
      expect(err.message).not.toContain("1234567");
      expect(err.cause).toBeUndefined();
    }
    const t2009 = await rejection(compileMapping(`a < 1`, "m.jsonata").evaluate(record({ a: secret })));
    expect(t2009.message).toBe(
      'm.jsonata:1:3: The values <value> and <value> either side of operator "<" must be of the same data type (T2009)',
    );
  });

  it("$error() messages written by the mapping are kept", async () => {
    const m = compileMapping(`severity ? severity : $error("no severity")`, "m.jsonata");
    const err = await rejection(m.evaluate(record({})));
    expect(err.jsonataCode).toBe("D3137");
    expect(err.message).toContain("no severity");
  });

  it("calling an unknown function is an evaluation error", async () => {
    const m = compileMapping(`$nope(a)`, "m.jsonata");
    const err = await rejection(m.evaluate(record({ a: 1 })));
    expect(err.jsonataCode).toBe("T1006");
  });
});

/** A record with nested objects, arrays and awkward names; every expression below runs on it. */
const sample = {
  a: { b: { c: 1, d: 2 }, e: "x" },
  user: { name: "alice", email: "alice@example.com", id: 7 },
  items: [
    { id: 1, ok: true, name: "one", extra: "z" },
    { id: 2, ok: false, name: "two" },
  ],
  severity: "High",
  alert_type: "DLP",
  tags: ["pci", "exfil"],
  "src ip": "10.0.0.1",
  count: 3,
  other: "untouched",
};

/** Expression -> paths read ("$" means the whole input). */
const shapes: [string, string[]][] = [
  [`severity`, ["severity"]],
  [`a.b.c`, ["a.b.c"]],
  [`$.a.e`, ["a.e"]],
  [`$$.a.e`, ["a.e"]],
  [`{"sev": $lowercase(severity), "who": user.name}`, ["severity", "user.name"]],
  [`user.name & " <" & user.email & ">"`, ["user.email", "user.name"]],
  [`user.(name & email)`, ["user.email", "user.name"]],
  [`($u := user; $u.name)`, ["user.name"]],
  [`($n := user.name; $x := other; $n)`, ["user.name"]], // $x is never used
  [`severity = "High" ? alert_type : count`, ["alert_type", "count", "severity"]],
  [`severity ?? count`, ["count", "severity"]],
  [`severity ?: count`, ["count", "severity"]],
  [`$string(a.b.c) & $uppercase(a.e)`, ["a.b.c", "a.e"]],
  [`items[ok].name`, ["items.name", "items.ok"]],
  [`items[0].id`, ["items.id"]],
  [`items[id = $$.count - 1].name`, ["count", "items.id", "items.name"]],
  [`$count(items[ok = true])`, ["items"]],
  [`items.{"n": name}`, ["items.name"]],
  [`items^(>id).name`, ["items.id", "items.name"]],
  [`items{name: id}`, ["items.id", "items.name"]],
  [`a.b.%.e`, ["a.b", "a.e"]], // a.b is read: it must exist
  [`a.b[%.e = "x"].c`, ["a.b", "a.e"]],
  [`items#$i.name`, ["items.name"]],
  [`\`src ip\``, ["`src ip`"]],
  [`$lookup(user, "email")`, ["user.email"]],
  [`user ~> $lookup("name")`, ["user.name"]],
  [`severity ~> $lowercase()`, ["severity"]],
  [`a.e.$uppercase()`, ["a.e"]],
  [`user.name.$substring(1)`, ["user.name"]],
  [`$map(items, function($i) { $i.id })`, ["items.id"]],
  [`$filter(items, function($i) { $i.ok }).name`, ["items.name", "items.ok"]],
  [`($f := function($u) { $u.name }; $f(user))`, ["user.name"]],
  [`($f := function($i) { $i.id * 10 }; $map(items, $f))`, ["items.id"]],
  [`[severity, alert_type][0]`, ["alert_type", "severity"]],
  [`[a, user].name`, ["a.name", "user.name"]],
  [`tags[0] in ["pci"]`, ["tags"]],
  [`a.*`, ["a"]],
  [`$exists(user)`, ["user"]],
  [`$type = "alert" ? {"t": $type, "s": $subtype, "at": $fromMillis($time)}`, []],
  [`"constant"`, []],
  // Reads everything
  [`$`, ["$"]],
  [`$$`, ["$"]],
  [`*`, ["$"]],
  [`**.id`, ["$"]],
  [`$keys($)`, ["$"]],
  [`$merge([$, {"extra": 1}])`, ["$"]],
  [`$each($, function($v, $k) { $k })`, ["$"]],
  [`$sift($, function($v) { $v != "untouched" })`, ["$"]],
  [`$string($)`, ["$"]],
  [`$ ~> |a|{"e": "y"}|`, ["$"]],
  [`$eval("other")`, ["$"]],
  [`{"sev": severity, "rest": $}`, ["$"]],
];

/** `data` without the members present in `unmapped` (the inverse of unmappedFields, for objects). */
function withoutUnmapped(data: unknown, unmapped: unknown): unknown {
  if (unmapped === undefined) return data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    const u = (unmapped as Record<string, unknown>)[k];
    if (u === undefined) out[k] = v;
    else if (JSON.stringify(u) === JSON.stringify(v)) continue;
    else if (Array.isArray(v))
      out[k] = v; // partially read array: keep it whole
    else out[k] = withoutUnmapped(v, u);
  }
  return out;
}

describe("readPaths and unmappedFields", () => {
  it.each(shapes)("%s", async (text, expected) => {
    const m = compileMapping(text, "m.jsonata");
    expect([...m.readPaths].sort()).toEqual([...expected].sort());
    expect(m.readsAll).toBe(expected.includes("$"));
    // Soundness: taking the unmapped fields away does not change the mapping's output.
    const unmapped = m.unmappedFields(sample);
    const full = await m.evaluate(record(sample));
    const reduced = await m.evaluate(record(withoutUnmapped(sample, unmapped)));
    expect(JSON.stringify(reduced)).toBe(JSON.stringify(full));
  });

  it("removes nested paths precisely", () => {
    const m = compileMapping(`{"who": user.name, "c": a.b.c}`, "m.jsonata");
    expect(m.unmappedFields(sample)).toEqual({
      a: { b: { d: 2 }, e: "x" },
      user: { email: "alice@example.com", id: 7 },
      items: sample.items,
      severity: "High",
      alert_type: "DLP",
      tags: ["pci", "exfil"],
      "src ip": "10.0.0.1",
      count: 3,
      other: "untouched",
    });
  });

  it("removes a member from every item of an array, dropping items left empty", () => {
    const m = compileMapping(`items.{"id": id, "ok": ok}`, "m.jsonata");
    const data = { items: [{ id: 1, ok: true, note: "n" }, { id: 2, ok: false }, "scalar"], x: 1 };
    expect(m.unmappedFields(data)).toEqual({ items: [{ note: "n" }, "scalar"], x: 1 });
    expect(m.unmappedFields({ items: [{ id: 1 }, { id: 2, ok: true }] })).toBeUndefined();
    const nested = compileMapping(`groups.members.id`, "m.jsonata");
    expect(nested.unmappedFields({ groups: [{ members: [[{ id: 1, r: "a" }]], name: "g" }] })).toEqual({
      groups: [{ members: [[{ r: "a" }]], name: "g" }],
    });
  });

  it("keeps a scalar where the mapping looked for members, and empty objects it never read", () => {
    const m = compileMapping(`user.name`, "m.jsonata");
    expect(m.unmappedFields({ user: "plain" })).toEqual({ user: "plain" });
    expect(m.unmappedFields({ user: {}, z: {} })).toEqual({ user: {}, z: {} });
  });

  it("returns undefined when everything was read, when the input is read whole, or is not an object", () => {
    expect(
      compileMapping(`{"a": a, "b": b}`, "m.jsonata").unmappedFields({ a: 1, b: { c: 2 } }),
    ).toBeUndefined();
    expect(compileMapping(`$`, "m.jsonata").unmappedFields({ a: 1 })).toBeUndefined();
    expect(compileMapping(`a`, "m.jsonata").unmappedFields([{ a: 1, b: 2 }])).toBeUndefined();
    expect(compileMapping(`a`, "m.jsonata").unmappedFields("text")).toBeUndefined();
    expect(compileMapping(`a`, "m.jsonata").unmappedFields(null)).toBeUndefined();
  });

  it("returns a new object and never changes the data", () => {
    const data = { a: { b: 1, c: 2 }, d: 3 };
    const before = JSON.stringify(data);
    const nothingRead = compileMapping(`"x"`, "m.jsonata").unmappedFields(data);
    expect(nothingRead).toEqual(data);
    expect(nothingRead).not.toBe(data);
    expect(compileMapping(`a.b`, "m.jsonata").unmappedFields(data)).toEqual({ a: { c: 2 }, d: 3 });
    expect(JSON.stringify(data)).toBe(before);
  });

  it("keeps a __proto__ member as data", () => {
    const data = JSON.parse(`{"__proto__": {"polluted": true}, "a": 1, "b": 2}`) as unknown;
    const rest = compileMapping(`a`, "m.jsonata").unmappedFields(data);
    expect(Object.getPrototypeOf(rest)).toBe(Object.prototype);
    expect(Object.keys(rest ?? {})).toEqual(["__proto__", "b"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("handles recursive functions without looping", () => {
    const text = `(
      $walk := function($n) { $n.children ? $map($n.children, $walk) : $n.id };
      $walk(tree)
    )`;
    const m = compileMapping(text, "m.jsonata");
    expect(m.readPaths.has("tree.id")).toBe(true);
    expect(m.readPaths.has("other")).toBe(false);
    expect(m.unmappedFields({ tree: { id: 1 }, other: 2 })).toEqual({ other: 2 });
  });

  it("lists paths in JSONata notation", () => {
    const m = compileMapping(`[\`a.b\`.c, $lookup($, "x y").z, user.name]`, "m.jsonata");
    expect([...m.readPaths]).toEqual(["`a.b`.c", "`x y`.z", "user.name"]);
    expect(m.reads.paths).toEqual([
      ["a.b", "c"],
      ["x y", "z"],
      ["user", "name"],
    ]);
  });
});

describe("analysis limits", () => {
  it("counts the whole input as read when functions call each other too many times", () => {
    // Each level calls the next twice: 2^20 analysed calls, far past the budget.
    const levels = Array.from(
      { length: 20 },
      (_, i) => `$f${i + 1} := function($x) { $f${i}($x) & $f${i}($x) };`,
    );
    const text = `($f0 := function($x) { $x.name }; ${levels.join(" ")} $f20(user))`;
    const started = Date.now();
    const m = compileMapping(text, "m.jsonata");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(m.readsAll).toBe(true);
    expect(m.unmappedFields({ user: { name: "a" }, other: 1 })).toBeUndefined();
  });
});
