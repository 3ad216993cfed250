/** Rules compare numbers exactly: 64-bit ids, numbers out of a double's range, numeric strings. */
import { describe, expect, it } from "vitest";
import { parseJson } from "../formats/lossless-number.js";
import { logRecord } from "../testing/records.js";
import { compileRule } from "./index.js";

/** The events of the lines (parsed as a source parses them) that the rule selects, by their `n`. */
function selected(rule: string, lines: string[]): unknown[] {
  const predicate = compileRule(rule);
  return lines
    .map((line) => parseJson(line) as Record<string, unknown>)
    .filter((data) => predicate(logRecord(data)))
    .map((data) => data["n"]);
}

const IDS = [
  '{"n":1,"_id":9007199254740992}',
  '{"n":2,"_id":9007199254740993}',
  '{"n":3,"_id":"9007199254740993"}',
  '{"n":4,"_id":[5,9007199254740993]}',
  '{"n":5,"_id":9007199254740993.0}',
];

describe("exact numbers in rules", () => {
  it("`_id == 9007199254740993` selects that id only, not 9007199254740992 (the same double)", () => {
    expect(selected("_id == 9007199254740993", IDS)).toEqual([2, 3, 4, 5]);
    expect(selected("_id == 9007199254740992", IDS)).toEqual([1]);
    expect(selected("_id != 9007199254740993", IDS)).toEqual([1]);
  });

  it("IN, and a numeric string constant, compare exactly too", () => {
    expect(selected("_id IN (9007199254740993, 7)", IDS)).toEqual([2, 3, 4, 5]);
    expect(selected('_id IN ("9007199254740993", "x")', IDS)).toEqual([2, 3, 4, 5]);
    expect(selected('_id == "9007199254740992"', IDS)).toEqual([1]);
  });

  it("orders by exact value", () => {
    expect(selected("_id > 9007199254740992", IDS)).toEqual([2, 3, 4, 5]);
    expect(selected("_id <= 9007199254740992", IDS)).toEqual([1, 4]);
    const far = ['{"n":1,"v":1e400}', '{"n":2,"v":1e-400}', '{"n":3,"v":0}', '{"n":4,"v":-1e400}'];
    expect(selected("v > 1e308", far)).toEqual([1]);
    expect(selected("v > 0", far)).toEqual([1, 2]);
    expect(selected("v < -1e308", far)).toEqual([4]);
  });

  it("-0 equals 0; LIKE and MATCHES see a number's text", () => {
    expect(selected("v == 0", ['{"n":1,"v":-0}', '{"n":2,"v":0}', '{"n":3,"v":1e-400}'])).toEqual([1, 2]);
    expect(selected('_id LIKE "740993"', IDS)).toEqual([2, 3, 4, 5]);
    expect(selected('_id MATCHES "^9007199254740993$"', IDS)).toEqual([2, 3, 4]);
  });

  it("plain numbers compare as before", () => {
    const lines = ['{"n":1,"v":0.1}', '{"n":2,"v":"0.1"}', '{"n":3,"v":5}', '{"n":4,"v":"+5"}'];
    expect(selected("v == 0.1", lines)).toEqual([1, 2]);
    expect(selected("v == .1", lines)).toEqual([1, 2]);
    expect(selected("v >= 5", lines)).toEqual([3, 4]);
    expect(selected("v IN (5, 0.1)", lines)).toEqual([1, 2, 3, 4]);
  });
});
