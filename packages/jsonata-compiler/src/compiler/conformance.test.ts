/**
 * jsonata's official test suite (test/fixtures/jsonata-suite at the repository's root, copied from jsonata
 * 2.2.2, MIT; JSONATA_TEST_SUITE=<dir> points at another copy, such as jsonata's own test/test-suite) run
 * through the compiler: every case whose expression compiles must give the expected result or throw the
 * expected error code; cases the compiler does not accept are counted, not failed (the interpreter runs
 * those). Set JSONATA_CONFORMANCE_REPORT=<file> to write the per-group counts as JSON (summarised in Log
 * Shipper's docs/performance.md).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import jsonata from "jsonata";
import { afterAll, describe, expect, it } from "vitest";
import { compileExpression } from "./compile.js";
import type { AstNode } from "../ast.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const suite =
  process.env["JSONATA_TEST_SUITE"] ?? path.resolve(here, "../../../../test/fixtures/jsonata-suite");

interface Case {
  expr?: string;
  "expr-file"?: string;
  data?: unknown;
  dataset?: string | null;
  bindings?: Record<string, unknown>;
  timelimit?: number;
  depth?: number;
  result?: unknown;
  undefinedResult?: boolean;
  code?: string;
  token?: string;
  error?: { code: string; token?: string; message?: string };
}

interface GroupCounts {
  cases: number;
  /** The expression does not parse: jsonata's parser rejects it before any evaluation. */
  syntax: number;
  /** Expects the suite runner's own depth guard (U1001): not a property of the evaluator. */
  harness: number;
  accepted: number;
  passed: number;
  /** Why the rest were not accepted, with counts. */
  reasons: Record<string, number>;
}

const datasets = new Map<string, unknown>();
for (const f of fs.readdirSync(path.join(suite, "datasets"))) {
  datasets.set(
    path.basename(f, ".json"),
    JSON.parse(fs.readFileSync(path.join(suite, "datasets", f), "utf8")),
  );
}

function loadGroup(group: string): { name: string; c: Case }[] {
  const dir = path.join(suite, "groups", group);
  const out: { name: string; c: Case }[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith(".json")) continue;
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Case | Case[];
    const list = Array.isArray(parsed) ? parsed : [parsed];
    list.forEach((c, i) => {
      if (c["expr-file"] !== undefined) c.expr = fs.readFileSync(path.join(dir, c["expr-file"]), "utf8");
      out.push({ name: list.length > 1 ? `${file}[${i}]` : file, c });
    });
  }
  return out;
}

/** What a destination would receive: sequences become plain arrays, undefined members disappear. */
function asJson(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value) ?? "null") as unknown);
}

function expectedCode(c: Case): { code: string; token?: string | undefined } | undefined {
  if (c.error) return { code: c.error.code, token: c.error.token };
  if (c.code) return { code: c.code, token: c.token };
  return undefined;
}

/** Runs one accepted case; returns a description of the mismatch, or undefined when it passes. */
function check(
  c: Case,
  evaluate: (input: unknown, bindings: Record<string, unknown>) => unknown,
): string | undefined {
  const input = "data" in c ? c.data : c.dataset ? datasets.get(c.dataset) : undefined;
  const want = expectedCode(c);
  let result: unknown;
  try {
    result = evaluate(input, c.bindings ?? {});
  } catch (err) {
    const e = err as { code?: unknown; token?: unknown; message?: unknown };
    if (!want) return `threw ${String(e.code ?? e.message)}`;
    if (e.code !== want.code) return `threw ${String(e.code ?? e.message)}, expected ${want.code}`;
    if (want.token !== undefined && e.token !== want.token)
      return `token ${String(e.token)}, expected ${want.token}`;
    if (c.error?.message !== undefined && e.message !== c.error.message)
      return `message ${String(e.message)}`;
    return undefined;
  }
  if (want) return `returned ${JSON.stringify(asJson(result))}, expected error ${want.code}`;
  if (c.undefinedResult)
    return result === undefined ? undefined : `returned ${JSON.stringify(asJson(result))}`;
  try {
    expect(asJson(result)).toEqual(c.result);
    return undefined;
  } catch {
    return `returned ${JSON.stringify(asJson(result))}, expected ${JSON.stringify(c.result)}`;
  }
}

const groups = fs.readdirSync(path.join(suite, "groups")).sort();
const report: Record<string, GroupCounts> = {};

describe("jsonata test suite through the compiler", () => {
  it.each(groups)("%s", (group) => {
    const counts: GroupCounts = { cases: 0, syntax: 0, harness: 0, accepted: 0, passed: 0, reasons: {} };
    const failures: string[] = [];
    for (const { name, c } of loadGroup(group)) {
      counts.cases++;
      if (expectedCode(c)?.code === "U1001") {
        counts.harness++;
        continue;
      }
      let ast: AstNode;
      try {
        ast = jsonata(c.expr ?? "").ast() as AstNode;
      } catch {
        counts.syntax++;
        continue;
      }
      const compiled = compileExpression(ast, { bindings: Object.keys(c.bindings ?? {}) });
      if (!compiled.ok) {
        counts.reasons[compiled.reason] = (counts.reasons[compiled.reason] ?? 0) + 1;
        continue;
      }
      counts.accepted++;
      const problem = check(c, compiled.evaluate);
      if (problem === undefined) counts.passed++;
      else failures.push(`${name}: ${c.expr ?? ""}\n    ${problem}`);
    }
    report[group] = counts;
    expect(failures).toEqual([]);
  });

  afterAll(() => {
    const file = process.env["JSONATA_CONFORMANCE_REPORT"];
    if (file) fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  });
});
