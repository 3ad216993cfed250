/**
 * Golden-file tests of the mapping library: every `<family>/<destination>.jsonata` under mappings/ has
 * `__fixtures__/<case>.input.json` (one record: id, type, subtype, source, time, data) and
 * `<case>.expected.json` (the mapped output, as JSON). Run with UPDATE_GOLDEN=1 to rewrite the expected files.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileMapping, type CompiledMapping } from "../packages/core/src/mapping/index.js";
import type { LogRecord } from "../packages/core/src/sdk/types.js";

const root = path.dirname(fileURLToPath(import.meta.url));
const update = process.env["UPDATE_GOLDEN"] === "1";

function findMappings(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "__fixtures__" && entry.name !== "node_modules") {
      found.push(...findMappings(full));
    } else if (entry.isFile() && entry.name.endsWith(".jsonata")) {
      found.push(full);
    }
  }
  return found.sort();
}

interface FixtureCase {
  name: string;
  input: string;
  expected: string;
}

function casesIn(dir: string, prefix: string): FixtureCase[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".input.json") && e.name.startsWith(prefix))
    .map((e) => {
      const base = e.name.slice(0, -".input.json".length);
      return {
        name: base.slice(prefix.length),
        input: path.join(dir, e.name),
        expected: path.join(dir, `${base}.expected.json`),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Fixture cases of `<family>/<destination>.jsonata`, in `<family>/__fixtures__/`:
 * `<destination>.<case>.input.json` (the usual layout), `<destination>/<case>.input.json`, or, in a family
 * with a single mapping, `<case>.input.json`. Each has `<same name>.expected.json` beside it.
 */
function fixtureCases(mappingFile: string): FixtureCase[] {
  const dir = path.join(path.dirname(mappingFile), "__fixtures__");
  const destination = path.basename(mappingFile, ".jsonata");
  const cases = [...casesIn(dir, `${destination}.`), ...casesIn(path.join(dir, destination), "")];
  const siblings = fs.readdirSync(path.dirname(mappingFile)).filter((f) => f.endsWith(".jsonata"));
  if (siblings.length === 1) {
    const claimed = new Set(cases.map((c) => c.input));
    cases.push(...casesIn(dir, "").filter((c) => !claimed.has(c.input)));
  }
  return cases;
}

function allFixtureInputs(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") found.push(...allFixtureInputs(full));
    else if (
      entry.isFile() &&
      entry.name.endsWith(".input.json") &&
      full.includes(`${path.sep}__fixtures__${path.sep}`)
    )
      found.push(full);
  }
  return found;
}

function readRecord(file: string): LogRecord {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LogRecord>;
  for (const key of ["id", "type", "subtype", "source"] as const) {
    if (typeof raw[key] !== "string") throw new Error(`${file}: "${key}" must be a string`);
  }
  if (typeof raw.time !== "number") throw new Error(`${file}: "time" must be a number (ms since epoch)`);
  if (!("data" in raw)) throw new Error(`${file}: "data" is missing`);
  return raw as LogRecord;
}

const mappings = findMappings(root);

it("the library has mappings", () => {
  expect(mappings.length).toBeGreaterThan(0);
});

it("every fixture belongs to a mapping", () => {
  const claimed = new Set(mappings.flatMap((m) => fixtureCases(m).map((c) => c.input)));
  const orphans = allFixtureInputs(root).filter((f) => !claimed.has(f));
  expect(orphans.map((f) => path.relative(root, f))).toEqual([]);
});

describe.each(mappings.map((f) => [path.relative(root, f), f]))("%s", (_name, file) => {
  const cases = fixtureCases(file);
  let compiled: CompiledMapping | undefined;
  const mapping = (): CompiledMapping =>
    (compiled ??= compileMapping(fs.readFileSync(file, "utf8"), path.relative(root, file)));

  it("compiles", () => {
    expect(mapping().file).toBe(path.relative(root, file));
  });

  it("starts with a comment saying what it maps", () => {
    expect(fs.readFileSync(file, "utf8").trimStart().startsWith("/*")).toBe(true);
  });

  it("has at least 3 fixture cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  it.each(cases.map((c) => [c.name, c]))("%s", async (_case, c) => {
    const value = await mapping().evaluate(readRecord(c.input));
    expect(value, "the mapping produced nothing").toBeDefined();
    // What a destination receives: the JSON text of the value.
    const actual = JSON.parse(JSON.stringify(value)) as unknown;
    if (update || !fs.existsSync(c.expected)) {
      if (!update) throw new Error(`${c.expected} is missing: run with UPDATE_GOLDEN=1 to create it`);
      fs.writeFileSync(c.expected, `${JSON.stringify(actual, null, 2)}\n`);
    }
    expect(actual).toEqual(JSON.parse(fs.readFileSync(c.expected, "utf8")));
  });
});
