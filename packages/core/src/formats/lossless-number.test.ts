/** Numbers a double cannot hold: the scan, the lossless parse, the serialiser, and each format's parser. */
import { describe, expect, it } from "vitest";
import { parseBuffer, type ParsedRecord } from "./index.js";
import {
  LosslessNumber,
  exactNumber,
  hasLosslessNumbers,
  isLosslessNumber,
  mayLoseDigits,
  parseJson,
  stringifyJson,
} from "./lossless-number.js";

const texts = (value: unknown): unknown =>
  isLosslessNumber(value) ? `#${value.value}` : Array.isArray(value) ? value.map(texts) : value;

describe("exactNumber", () => {
  it("keeps a double when it holds the value exactly, else the text", () => {
    expect(exactNumber("9007199254740992")).toBe(9007199254740992);
    expect(exactNumber("1.0")).toBe(1);
    expect(exactNumber("1E5")).toBe(100000);
    expect(exactNumber("0.30000000000000004")).toBe(0.30000000000000004);
    for (const text of ["9007199254740993", "12345678901234567891", "1e400", "1e-400", "-0", "-0.0"]) {
      const n = exactNumber(text);
      expect(n).toBeInstanceOf(LosslessNumber);
      expect(String(n)).toBe(text);
    }
    expect(exactNumber("0.10000000000000000001")).toBeInstanceOf(LosslessNumber);
  });
});

describe("mayLoseDigits", () => {
  it("finds every number exactNumber keeps as text", () => {
    for (const number of ["9007199254740993", "1e400", "1e-400", "-0", "0.10000000000000000001", "1.5E3"])
      for (const shape of [`{"a":${number}}`, `{"a": [1, ${number}]}`, `{"a":\n  ${number}\n}`])
        expect(mayLoseDigits(shape), shape).toBe(true);
  });

  it("passes lines whose long digit runs are in strings, and short numbers", () => {
    expect(mayLoseDigits('{"_id":"000000000000000000000001","t":1763769600,"n":-5,"r":0.25}')).toBe(false);
  });
});

describe("parseJson", () => {
  it("parses a line without such numbers with JSON.parse (not remembered)", () => {
    const value = parseJson('{"a":1,"b":"x"}');
    expect(value).toEqual({ a: 1, b: "x" });
    expect(hasLosslessNumbers(value)).toBe(false);
  });

  it("keeps the text of numbers a double cannot hold, and plain numbers elsewhere on the line", () => {
    const value = parseJson(
      '{"a":9007199254740993,"b":[9007199254740992,1.5],"c":{"d":1e400,"e":1e-400,"f":-0},"g":"9"}',
    ) as Record<string, unknown>;
    expect(hasLosslessNumbers(value)).toBe(true);
    expect(texts(value["a"])).toBe("#9007199254740993");
    expect(value["b"]).toEqual([9007199254740992, 1.5]);
    expect(Object.values(value["c"] as object).map(texts)).toEqual(["#1e400", "#1e-400", "#-0"]);
    expect(value["g"]).toBe("9");
  });

  it("takes the last of duplicate keys and keeps __proto__ as a key, as JSON.parse does", () => {
    const value = parseJson('{"a":1e400,"a":2,"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(value["a"]).toBe(2);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["a", "__proto__"]);
  });

  it("reports invalid JSON with JSON.parse's message", () => {
    const text = '{"a":1e400,}';
    let expected = "";
    try {
      JSON.parse(text);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(() => parseJson(text)).toThrow(expected);
  });

  it("a LosslessNumber is a leaf: no own keys; JSON.stringify sees its nearest double", () => {
    const n = new LosslessNumber("12345678901234567891");
    expect(Object.keys(n)).toEqual([]);
    expect(JSON.stringify({ n })).toBe('{"n":12345678901234567000}');
    expect(String(n)).toBe("12345678901234567891");
  });
});

describe("stringifyJson", () => {
  it("writes a remembered value's numbers back as they came", () => {
    const line = '{"a":12345678901234567891,"b":1e400,"c":1e-400,"d":-0,"e":1.0,"f":[1,2],"g":null}';
    const value = parseJson(line);
    expect(stringifyJson(value)).toBe(line.replace("1.0", "1"));
    // A value made from it (a mapping's output): exact when told what it was made of.
    const mapped = { id: (value as Record<string, unknown>)["a"], skip: undefined };
    expect(stringifyJson(mapped, value)).toBe('{"id":12345678901234567891}');
    expect(stringifyJson(mapped)).toBe('{"id":12345678901234567000}');
  });
});

describe("every format", () => {
  const first = (input: string, format: "ndjson" | "json" | "concatenated" | "members") => {
    const events = parseBuffer(input, format);
    expect(events[0]?.kind).toBe("record");
    return (events[0] as ParsedRecord).value;
  };

  it("parses 64-bit ids exactly in ndjson, JSON arrays, concatenated objects and members lines", () => {
    const id = "9007199254740993";
    for (const [input, format] of [
      [`{"_id":${id}}\n`, "ndjson"],
      [`[{"_id":${id}}]`, "json"],
      [`{\n  "_id": ${id}\n}\n`, "concatenated"],
      [`"_id": ${id}\n`, "members"],
    ] as const) {
      const value = first(input, format);
      expect(texts(value["_id"]), format).toBe(`#${id}`);
      expect(hasLosslessNumbers(value)).toBe(true);
    }
  });

  it("keeps an ndjson line's exact text for the buffer", () => {
    const events = parseBuffer('{"_id":12345678901234567891}\n', "ndjson");
    expect((events[0] as ParsedRecord).text).toBe('{"_id":12345678901234567891}');
  });
});
