/**
 * Records that used to stop a run (issue 12): a line nested thousands of levels deep, and sources full of bad
 * records, each of which wrote its own log line. Real `logshipper run --once` processes over real files.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readOutputRecords, runCli, tempDir, writeConfig } from "./helpers.js";

/** What a run with dead letters may exit with: 0, or 3 once dead letters have their own exit code. */
const EXITS_WITH_DEAD_LETTERS = [0, 3];

function fileToFileConfig(dir: string, source: string): string {
  return writeConfig(
    dir,
    `
state: { dir: state }
sources:
  src: { plugin: file, path: in.ndjson, recordType: event${source} }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: src, destination: out }
`,
  );
}

interface ListedDeadLetter {
  stage: string;
  origin: string;
  code: string;
}

async function deadLetters(config: string, limit: number): Promise<ListedDeadLetter[]> {
  const r = await runCli(["deadletter", "list", "-c", config, "--json", "--limit", String(limit)]);
  expect(r.code).toBe(0);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ListedDeadLetter);
}

/** 10 KB of one object nested 5,000 levels deep: enough to overflow the stack of a recursive step. */
function poisonLine(): string {
  return `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
}

describe("a record nested too deep", () => {
  for (const idField of [false, true]) {
    it(`is dead-lettered at ingest and the good lines around it are delivered (idField: ${idField})`, async () => {
      const dir = tempDir();
      const good = (i: number) => JSON.stringify({ _id: `good-${i}`, n: i });
      const lines = [good(1), good(2), poisonLine(), good(3), good(4)];
      fs.writeFileSync(path.join(dir, "in.ndjson"), `${lines.join("\n")}\n`);
      const config = fileToFileConfig(dir, idField ? ", idField: _id" : "");

      const r = await runCli(["run", "--once", "-c", config]);
      expect(r.stderr).not.toMatch(/Maximum call stack/);
      expect(EXITS_WITH_DEAD_LETTERS).toContain(r.code);
      const delivered = readOutputRecords(path.join(dir, "out")) as { _id: string }[];
      expect(delivered.map((d) => d._id).sort()).toEqual(["good-1", "good-2", "good-3", "good-4"]);
      expect(await deadLetters(config, 10)).toMatchObject([
        { stage: "ingest", origin: "in.ndjson:3", code: "LS_ERR_RECORD_TOO_DEEP" },
      ]);

      // The next run has nothing left to do: no crash loop, nothing sent twice.
      const again = await runCli(["run", "--once", "-c", config]);
      expect(EXITS_WITH_DEAD_LETTERS).toContain(again.code);
      expect(readOutputRecords(path.join(dir, "out"))).toHaveLength(4);
    });
  }
});

describe("many dead letters", () => {
  it("are logged as a few aggregated lines and all kept for deadletter list", async () => {
    const dir = tempDir();
    const bad = 3000;
    const lines: string[] = [];
    for (let i = 0; i < bad; i++) lines.push(`{"n": ${i}, truncated`, JSON.stringify({ _id: `ok-${i}` }));
    fs.writeFileSync(path.join(dir, "in.ndjson"), `${lines.join("\n")}\n`);
    const config = fileToFileConfig(dir, ", idField: _id");

    const r = await runCli(["run", "--once", "-c", config]);
    expect(EXITS_WITH_DEAD_LETTERS, r.stderr.slice(0, 4000)).toContain(r.code);
    const logLines = r.stderr.split("\n").filter(Boolean);
    const aboutDeadLetters = logLines.filter((l) => l.includes("LS_ERR_INPUT_MALFORMED"));
    // The first in full, then one line with the count of the others.
    expect(aboutDeadLetters.length, r.stderr.slice(0, 4000)).toBeLessThanOrEqual(4);
    expect(logLines.length, r.stderr.slice(0, 4000)).toBeLessThan(20);
    const summary = aboutDeadLetters.map((l) => JSON.parse(l) as { count?: number; firstOrigin?: string });
    expect(summary.reduce((n, l) => n + (l.count ?? 1), 0)).toBe(bad);
    expect(summary.find((l) => l.count !== undefined)?.firstOrigin).toBe("in.ndjson:3");
    const listed = await deadLetters(config, bad + 10);
    expect(listed).toHaveLength(bad);
    expect(listed.every((d) => d.code === "LS_ERR_INPUT_MALFORMED")).toBe(true);
    expect(readOutputRecords(path.join(dir, "out"))).toHaveLength(bad);
  });
});
