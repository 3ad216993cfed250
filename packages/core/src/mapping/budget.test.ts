/**
 * Runaway mappings (issue 12, item 5): each record's evaluation has a budget, compiled or interpreted, and a
 * record past it fails with its own code (the lane dead-letters it and goes on); regexes RE2 cannot run fail
 * at load with a code; the budget is an option of each SIEM mapping in the configuration.
 */
import { describe, expect, it } from "vitest";
import { configFileSchema } from "../config/schema.js";
import { ERROR_CODES } from "../error-codes.js";
import { logRecord } from "../testing/records.js";
import { DEFAULT_MAPPING_BUDGET } from "./budget.js";
import {
  compileMapping,
  mapRecord,
  mapRecordSync,
  MappingError,
  type CompileMappingOptions,
} from "./index.js";

const record = (data: unknown) => logRecord(data, { id: "id-1", source: "src", time: 1763769600000 });

async function failure(text: string, data: unknown, options: CompileMappingOptions): Promise<MappingError> {
  const mapping = compileMapping(text, "m.jsonata", options);
  try {
    await mapRecord(mapping, record(data));
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error(`${text} mapped the record`);
}

const RUNAWAYS: [string, string, unknown][] = [
  ["infinite recursion", "($f := function($x){ $f($x) }; $f(1))", {}],
  ["deep non-tail recursion", "($f := function($x){ $x = 0 ? 0 : 1 + $f($x - 1) }; $f(100000000))", {}],
  ["a long loop", "$sum([1..1000000].($ * 2))", {}],
];
const EVALUATORS: [string, CompileMappingOptions][] = [
  ["compiled", {}],
  ["interpreted", { compile: false }],
];

describe("mapping budget", () => {
  describe.each(EVALUATORS)("%s", (_name, options) => {
    it.each(RUNAWAYS)("%s is LS_ERR_MAPPING_BUDGET", async (_what, text, data) => {
      const budget = { ...DEFAULT_MAPPING_BUDGET, maxMillis: 50, maxSteps: 200_000 };
      const err = await failure(text, data, { ...options, budget });
      expect(err.code).toBe(ERROR_CODES.MAPPING_BUDGET);
      expect(err.message).toMatch(/^m\.jsonata: /);
    });

    it("a huge range is LS_ERR_MAPPING_SIZE", async () => {
      const err = await failure("[1..1e7].[1..1e7]", {}, options);
      expect(err.code).toBe(ERROR_CODES.MAPPING_SIZE);
    });

    it("a catastrophic regex maps (RE2)", async () => {
      const mapping = compileMapping("{'bad': $contains(user, /^(a+)+$/)}", "m.jsonata", options);
      expect((await mapRecord(mapping, record({ user: `${"a".repeat(40)}!` }))).value).toEqual({
        bad: false,
      });
    });
  });

  it("the sync path throws the budget error instead of asking for a second evaluation", () => {
    const budget = { ...DEFAULT_MAPPING_BUDGET, maxSteps: 1000 };
    const mapping = compileMapping("$count([1..100000].($ + 1))", "m.jsonata", { budget });
    expect(() => mapRecordSync(mapping, record({}))).toThrow(
      expect.objectContaining({ code: ERROR_CODES.MAPPING_BUDGET }),
    );
  });

  it("a mapping within its budget is unchanged, before and after a record past it", async () => {
    const budget = { ...DEFAULT_MAPPING_BUDGET, maxSteps: 1000 };
    const mapping = compileMapping("$count([1..n].($ + 1))", "m.jsonata", { budget });
    expect((await mapRecord(mapping, record({ n: 10 }))).value).toBe(10);
    await expect(mapRecord(mapping, record({ n: 100_000 }))).rejects.toMatchObject({
      code: ERROR_CODES.MAPPING_BUDGET,
    });
    expect((await mapRecord(mapping, record({ n: 10 }))).value).toBe(10);
  });

  it.each(["$match(x, /(a)\\1/)", "$contains(x, /a(?=b)/)", '$eval("1") & $split(x, /(?<!a)b/)'])(
    "%s fails at load with LS_ERR_MAPPING_REGEX, file, line and column",
    (text) => {
      const err = (() => {
        try {
          compileMapping(`(\n  ${text}\n)`, "m.jsonata");
        } catch (e) {
          return e as MappingError;
        }
        throw new Error("compiled");
      })();
      expect(err.code).toBe(ERROR_CODES.MAPPING_REGEX);
      expect(err.message).toMatch(/^m\.jsonata:2:\d+: the regular expression \/.*\/ is not supported by RE2/);
      expect(err.line).toBe(2);
    },
  );

  it("is configured per SIEM mapping, with documented defaults", () => {
    const parsed = configFileSchema.parse({
      siemMappings: [
        { source: "a", destination: "b" },
        { source: "a", destination: "c", budget: { maxTime: "50ms", maxSteps: 1000 } },
      ],
    });
    expect(parsed.siemMappings[0]!.budget).toEqual({
      maxTime: 200,
      maxSteps: 5_000_000,
      maxItems: 1_000_000,
    });
    expect(parsed.siemMappings[1]!.budget).toEqual({ maxTime: 50, maxSteps: 1000, maxItems: 1_000_000 });
    expect(() =>
      configFileSchema.parse({ siemMappings: [{ source: "a", destination: "b", budget: { maxSteps: 0 } }] }),
    ).toThrow();
  });
});
