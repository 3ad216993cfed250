/** The nesting limit of records (record-depth.ts): the text scan and the value walk agree, at the boundary too. */
import { describe, expect, it } from "vitest";
import { MAX_RECORD_DEPTH, jsonTextTooDeep, valueTooDeep } from "./record-depth.js";

/** An object nested `depth` levels (the outer object is level 1), padded so that length checks do not decide. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{"pad":"${"x".repeat(2 * MAX_RECORD_DEPTH)}"}${"}".repeat(depth - 1)}`;
}

describe("record depth", () => {
  it("takes exactly the limit and refuses one level more, from text and from the parsed value", () => {
    for (const [depth, tooDeep] of [
      [MAX_RECORD_DEPTH, false],
      [MAX_RECORD_DEPTH + 1, true],
    ] as const) {
      const text = nested(depth);
      expect(jsonTextTooDeep(text)).toBe(tooDeep);
      expect(valueTooDeep(JSON.parse(text))).toBe(tooDeep);
    }
  });

  it("counts arrays as levels and ignores brackets inside strings, escaped quotes included", () => {
    const arrays = `${"[".repeat(MAX_RECORD_DEPTH)}1${"]".repeat(MAX_RECORD_DEPTH)}`;
    expect(jsonTextTooDeep(`{"a":${arrays}}`)).toBe(true);
    expect(valueTooDeep({ a: JSON.parse(arrays) as unknown })).toBe(true);
    const inString = JSON.stringify({ text: `\\"${"{[".repeat(2 * MAX_RECORD_DEPTH)}` });
    expect(jsonTextTooDeep(inString)).toBe(false);
    // Many brackets side by side are not depth.
    const wide = JSON.stringify({ list: Array.from({ length: 3 * MAX_RECORD_DEPTH }, () => ({ a: [1] })) });
    expect(jsonTextTooDeep(wide)).toBe(false);
    expect(valueTooDeep(JSON.parse(wide))).toBe(false);
  });
});
