/**
 * Differential property tests: random records through every mapping of Log Shipper's library
 * (mappings/**.jsonata at the repository's root, whatever exists when the tests run), compiled against
 * jsonata's interpreter. Values must be the same JSON (key order included); failures the same error (code,
 * position, token and message), except that compiled code may name another of several failing members of one
 * constructor (see interpreter-oracle.ts). Every mapping must compile (no fallback to the interpreter).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluators, expectSame, type Evaluators, type TestRecord } from "./interpreter-oracle.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const library = path.resolve(here, "../../../../mappings");

function findFiles(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") found.push(...findFiles(full, suffix));
    else if (entry.isFile() && entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}

const mappingFiles = findFiles(library, ".jsonata");

/** Fixture inputs of a mapping's family (any destination: they are realistic events of that source). */
function fixtureRecords(file: string): TestRecord[] {
  const dir = path.join(path.dirname(file), "__fixtures__");
  if (!fs.existsSync(dir)) return [];
  return findFiles(dir, ".input.json").map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as TestRecord);
}

/** Every string found in some values, for generators that hit the branches mappings test for. */
function stringsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === "string") out.add(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      stringsIn(v, out);
    }
  }
  return out;
}

const COMMON_STRINGS = [
  ...["", " ", "high", "High", "informational", "information", "info", "low", "medium", "critical", "crit"],
  ...[
    "DLP",
    "Malware",
    "uba",
    "alert",
    "event",
    "page",
    "10.0.0.1",
    "::1",
    "fe80::1",
    "256.1.2.3",
    "AWS Internal",
  ],
  ...["1700000000", "1700000000.5", "-1", "0x1F", "1e3", "ec2.amazonaws.com", "a b", "É€😀", "$", "$1", "\\"],
];

function arbitraries(strings: string[]) {
  const text = fc.oneof(fc.constantFrom(...strings), fc.string({ maxLength: 12 }));
  const number = fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.integer(),
    fc.constantFrom(1763769600, 1763769600000, 1e21, -0.5, 0.1),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const scalar = fc.oneof(text, text, number, fc.boolean(), fc.constant(null));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalar,
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(text, tie("value"), { maxKeys: 3 }),
    ),
  }));
  return { text, number, scalar, value };
}

/** A record whose data has (or lacks) the fields the mapping reads, with values of any type. */
function recordArbitrary(mapping: Evaluators, fixtures: TestRecord[]): fc.Arbitrary<TestRecord> {
  const strings = [
    ...COMMON_STRINGS,
    ...stringsIn(
      fixtures.map((f) => f.data),
      new Set(),
    ),
  ];
  const { text, scalar, value } = arbitraries(strings);
  const fieldNames = [...new Set(mapping.reads.paths.map((p) => p[0]).filter((p) => p !== undefined))];
  const member = (name: string): fc.Arbitrary<unknown> => {
    const nested = [...new Set(mapping.reads.paths.filter((p) => p[0] === name && p[1]).map((p) => p[1]))];
    if (nested.length === 0) return fc.oneof(scalar, scalar, value);
    const inner = fc.record(Object.fromEntries(nested.map((n) => [n as string, fc.oneof(scalar, value)])), {
      requiredKeys: [],
    });
    return fc.oneof(inner, inner, scalar, value);
  };
  const generated = fc
    .tuple(
      fc.record(Object.fromEntries(fieldNames.map((n) => [n, member(n)])), { requiredKeys: [] }),
      fc.dictionary(text, value, { maxKeys: 2 }),
    )
    .map(([read, extra]): unknown => ({ ...extra, ...read }));
  const mutated =
    fixtures.length === 0
      ? generated
      : fc
          .tuple(fc.constantFrom(...fixtures), fc.dictionary(fc.constantFrom(...fieldNames, "x"), value))
          .map(([f, changes]): unknown => ({ ...(f.data as object), ...changes }));
  const data = fc.oneof(
    { weight: 6, arbitrary: generated },
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: value },
  );
  return fc.record({
    id: fc.oneof(text, fc.constant("0123456789abcdef")),
    type: fc.constantFrom("alert", "event", "analytics", "cloudtrail", ""),
    subtype: fc.oneof(fc.constantFrom("", "dlp", "DLP", "page", "Compromised Credential"), text),
    source: text,
    time: fc.oneof(
      fc.integer({ min: 0, max: 4102444800000 }),
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.constantFrom(1763769600000, 0, -1, 1.5, 8.64e15 + 1),
    ),
    data,
  });
}

/** A fixed seed per mapping, so that runs are reproducible (FC_SEED=<n> to explore others). */
function seedOf(name: string): number {
  const fixed = process.env["FC_SEED"];
  if (fixed !== undefined) return Number(fixed);
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h;
}

describe.each(mappingFiles.map((f) => [path.relative(library, f), f]))("%s", (name, file) => {
  const text = fs.readFileSync(file, "utf8");
  const mapping = evaluators(text);
  const fixtures = fixtureRecords(file);

  it("compiles (no fallback to the interpreter)", () => {
    expect(mapping.compiled.ok ? undefined : mapping.compiled.reason).toBeUndefined();
  });

  it("gives the interpreter's results on its fixtures", async () => {
    for (const record of fixtures) await expectSame(mapping, () => record);
  });

  it("gives the interpreter's results and errors on random records", async () => {
    await fc.assert(
      fc.asyncProperty(recordArbitrary(mapping, fixtures), (record) => expectSame(mapping, () => record)),
      {
        numRuns: Number(process.env["DIFFERENTIAL_RUNS"] ?? 400),
        seed: seedOf(name),
      },
    );
  });
});
