/**
 * How mappings expose the compiled evaluator (evaluator, fallbackReason, evaluateSync) beside jsonata's
 * interpreter, and their error messages. The compiler itself is checked in @logshipper/jsonata-compiler.
 */
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../error-codes.js";
import type { LogRecord } from "../sdk/types.js";
import { logRecord } from "../testing/records.js";
import { compileMapping, mapRecord, MappingError } from "./index.js";

const record = (data: unknown, meta: Partial<Omit<LogRecord, "data">> = {}): LogRecord =>
  logRecord(data, { id: "id-1", source: "src", time: 1763769600000, ...meta });

type Outcome = { value: string | undefined } | { code: string | undefined; message: string };

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { value: JSON.stringify(await run()) };
  } catch (err) {
    if (!(err instanceof MappingError)) throw err;
    return { code: err.jsonataCode, message: err.message };
  }
}

describe("compileMapping", () => {
  it("compiles what it can, and says so", () => {
    const m = compileMapping(`{"who": user.name}`, "m.jsonata");
    expect(m.evaluator).toBe("compiled");
    expect(m.fallbackReason).toBeUndefined();
    expect(m.evaluateSync?.(record({ user: { name: "a" } }))).toEqual({ who: "a" });
  });

  it.each([
    [`$eval("a")`, "$eval"],
    [`{"a": $x := 1, "b": $x}.a`, "inside an array or object constructor"],
    [`[$y := 2, $y]`, "inside an array or object constructor"],
  ])("falls back to the interpreter for %s, with a reason", async (text, reason) => {
    const m = compileMapping(text, "m.jsonata");
    expect(m.evaluator).toBe("interpreted");
    expect(m.fallbackReason).toContain(reason);
    expect(m.evaluateSync).toBeUndefined();
    await m.evaluate(record({ a: { b: { c: 1 } } }));
  });

  it("can be asked for the interpreter", () => {
    const m = compileMapping(`a`, "m.jsonata", { compile: false });
    expect(m.evaluator).toBe("interpreted");
    expect(m.evaluateSync).toBeUndefined();
  });

  it("evaluate() resolves and rejects as for the interpreter", async () => {
    const m = compileMapping(`a - 1`, "m.jsonata");
    expect(await m.evaluate(record({ a: 2 }))).toBe(1);
    await expect(m.evaluate(record({ a: "x" }))).rejects.toBeInstanceOf(MappingError);
    await expect(mapRecord(m, record({}))).rejects.toMatchObject({ code: "LS_ERR_MAPPING_EMPTY" });
  });

  it("evaluateSync throws the interpreter's MappingError, without record data", async () => {
    const text = `{\n  "n": a - 1\n}`;
    const compiled = compileMapping(text, "eval.jsonata");
    const interpreted = compileMapping(text, "eval.jsonata", { compile: false });
    const rec = record({ a: "s3cr3t" });
    let thrown: unknown;
    try {
      compiled.evaluateSync?.(rec);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MappingError);
    const err = thrown as MappingError;
    expect(err.code).toBe("LS_ERR_MAPPING_EVAL");
    expect(err.message).toBe(
      'eval.jsonata:2:10: The left side of the "-" operator must evaluate to a number (T2001)',
    );
    expect(err.cause).toBeUndefined();
    await expect(interpreted.evaluate(rec)).rejects.toMatchObject({
      message: err.message,
      line: 2,
      column: 10,
    });
  });

  it("when several members fail, evaluate() reports jsonata's choice, evaluateSync() the first member's", async () => {
    const text = `{"a": $number(x.p.q), "b": $number(y)}`;
    const compiled = compileMapping(text, "m.jsonata");
    const interpreted = compileMapping(text, "m.jsonata", { compile: false });
    const rec = record({ x: { p: { q: "X" } }, y: "Y" });
    const want = await outcome(() => interpreted.evaluate(rec));
    expect(want).toEqual({
      code: "D3030",
      message: "m.jsonata:1:30: Unable to cast value to a number: <value> (D3030)",
    });
    expect(await outcome(() => compiled.evaluate(rec))).toEqual(want);
    expect(await outcome(() => compiled.evaluateSync?.(rec))).toEqual({
      code: "D3030",
      message: "m.jsonata:1:9: Unable to cast value to a number: <value> (D3030)",
    });
  });

  it("recursion deeper than the stack is over budget (no fallback to the unbounded interpreter)", async () => {
    const m = compileMapping(`($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(n))`, "m.jsonata");
    expect(m.evaluator).toBe("compiled");
    expect(m.evaluateSync?.(record({ n: 100 }))).toBe(100);
    const overBudget = {
      code: ERROR_CODES.MAPPING_BUDGET,
      message: expect.stringMatching(/recursion too deep/) as unknown,
    };
    await expect(m.evaluate(record({ n: 20000 }))).rejects.toMatchObject(overBudget);
    expect(() => m.evaluateSync?.(record({ n: 20000 }))).toThrow(expect.objectContaining(overBudget));
    // Tail calls run in a loop: no stack limit.
    const tail = compileMapping(
      `($f := function($n, $a) { $n = 0 ? $a : $f($n - 1, $a + 1) }; $f(n, 0))`,
      "m",
    );
    expect(tail.evaluateSync?.(record({ n: 100000 }))).toBe(100000);
  });

  it("binds the record's metadata, not the data's fields", () => {
    const m = compileMapping(`[$id, $type, $subtype, $source, $time, id, $fromMillis($time)]`, "m.jsonata");
    expect(m.evaluateSync?.(record({ id: "from-data" }))).toEqual([
      "id-1",
      "alert",
      "dlp",
      "src",
      1763769600000,
      "from-data",
      "2025-11-22T00:00:00.000Z",
    ]);
  });
});
