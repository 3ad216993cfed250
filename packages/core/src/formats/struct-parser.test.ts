/** JSON arrays and concatenated objects (struct-parser.ts), through RecordParser and parseBuffer. */
import { describe, expect, it } from "vitest";
import { parseBuffer } from "./index.js";
import { CERBY, MD_JSON, errors, feed, records, sample } from "./test-samples.js";

describe("concatenated (MetaDefender JSON)", () => {
  it("parses pretty-printed objects one after another", () => {
    const events = parseBuffer(sample(MD_JSON), "concatenated");
    expect(errors(events)).toEqual([]);
    expect(records(events)).toHaveLength(20);
    expect(records(events)[0]).toMatchObject({ line: 1, value: { log_type: "config" } });
    expect(records(events)[1]!.line).toBe(10);
    expect(records(events)[1]!.value.details).toBe('Device event 1: "quoted" and \\ backslash');
  });

  it("handles braces and escaped quotes inside strings, compact objects and junk between objects", () => {
    const text = '{"a":"}{\\"","b":{"c":[1,{"d":"\\\\"}]}}{"e":2}\n  garbage here\n{\n "f": "x\\ny"\n}\n';
    for (const sizes of [[text.length], [1], [3, 5, 7]]) {
      const events = feed("concatenated", Buffer.from(text), sizes);
      expect(records(events).map((e) => [e.line, e.value])).toEqual([
        [1, { a: '}{"', b: { c: [1, { d: "\\" }] } }],
        [1, { e: 2 }],
        [3, { f: "x\ny" }],
      ]);
      expect(errors(events).map((e) => [e.line, e.kind === "error" && e.raw])).toEqual([[2, "garbage here"]]);
    }
  });

  it("reports an object that is not valid JSON and one left open at the end", () => {
    const events = parseBuffer('{"a": nope}\n{"b": 1}\n{"c": ', "concatenated");
    expect(records(events).map((e) => e.value)).toEqual([{ b: 1 }]);
    expect(errors(events).map((e) => [e.line, e.kind === "error" && e.reason])).toEqual([
      [1, expect.stringMatching(/^invalid JSON/)],
      [3, expect.stringMatching(/not closed/)],
    ]);
  });
});

describe("json (array or object)", () => {
  it("parses a JSON array of objects (Cerby)", () => {
    const events = parseBuffer(sample(CERBY), "json");
    expect(errors(events)).toEqual([]);
    expect(records(events)).toHaveLength(20);
    expect(records(events).map((e) => e.value)).toEqual(JSON.parse(sample(CERBY).toString()));
    expect(records(events)[0]!.line).toBe(2);
    expect(events.at(-1)!.next.mode).toBe("array-items");
  });

  it("parses one object", () => {
    const events = parseBuffer('{\n  "Records": [{"a": 1}, {"a": 2}]\n}\n', "json");
    expect(records(events).map((e) => e.value)).toEqual([{ Records: [{ a: 1 }, { a: 2 }] }]);
  });

  it("rejects array elements that are not objects, text after the array, and an unclosed array", () => {
    let events = parseBuffer('[{"a":1}, 2, "s", [3], {"b":[4,5]}, {bad}]\nextra', "json");
    expect(records(events).map((e) => e.value)).toEqual([{ a: 1 }, { b: [4, 5] }]);
    expect(errors(events).map((e) => (e.kind === "error" ? e.reason : ""))).toEqual([
      "not a JSON object (a number)",
      "not a JSON object (a string)",
      "not a JSON object (an array)",
      expect.stringMatching(/^invalid JSON/),
      "unexpected text after the JSON array",
    ]);
    events = parseBuffer('[{"a":1},\n{"b":2}', "json");
    expect(records(events).map((e) => e.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(errors(events).map((e) => (e.kind === "error" ? e.reason : ""))).toEqual([
      expect.stringMatching(/array is not closed/),
    ]);
    expect(parseBuffer("[]", "json")).toEqual([]);
    expect(parseBuffer("", "json")).toEqual([]);
  });

  it("gives the same events one byte at a time", () => {
    const buf = sample(CERBY);
    expect(feed("json", buf, [1])).toEqual(parseBuffer(buf, "json"));
    expect(feed("auto", buf, [1])).toEqual(parseBuffer(buf, "json"));
  });
});
