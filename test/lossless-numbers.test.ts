/** Numbers a double cannot hold, end to end: a real `logshipper run --once`, file source to file destination. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readObjects, runCli, tempDir, writeConfig } from "./helpers.js";

/** Runs the engine once over `lines` with `rule` and the mapping; returns the output lines as text. */
async function ship(
  lines: string[],
  mapping: string,
  rule = "",
  idField = "idField: _id, ",
): Promise<string[]> {
  const dir = tempDir("ls-lossless-");
  fs.writeFileSync(path.join(dir, "in.ndjson"), lines.join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "map.jsonata"), mapping);
  const config = writeConfig(
    dir,
    `state: { dir: state }
sources:
  in: { plugin: file, path: in.ndjson, format: ndjson, recordType: alert, ${idField}timeField: t }
destinations:
  out: { plugin: file, dir: out, key: "{type}/{file}" }
${rule ? `rules:\n  r: ${JSON.stringify(rule)}\n` : ""}siemMappings:
  - { source: in, ${rule ? "rule: r, " : ""}destination: out, mapping: map.jsonata }
`,
  );
  const result = await runCli(["run", "--once", "-c", config], { cwd: dir });
  expect(result.code, result.stderr).toBe(0);
  return readObjects(path.join(dir, "out")).flatMap((o) => o.lines);
}

const IDS = ['{"_id":9007199254740993,"t":1}', '{"_id":9007199254740992,"t":1}'];

describe("numbers a double cannot hold", () => {
  it("two 64-bit ids one apart are two events (idField)", async () => {
    const out = await ship(IDS, "{ 'id': _id }");
    expect(out.sort()).toEqual(['{"id":9007199254740992}', '{"id":9007199254740993}']);
  }, 60_000);

  it("are two events without idField too (UUIDv5 of the canonical JSON)", async () => {
    const out = await ship(IDS, "{ 'id': _id, 'key': $id }", "", "");
    expect(out).toHaveLength(2);
  }, 60_000);

  it("an identity mapping passes numbers through with their text", async () => {
    const line = '{"a":12345678901234567891,"b":1e400,"c":1e-400,"d":-0,"e":1.0,"f":[1e400,2],"t":1}';
    const out = await ship([line], "$", "", "");
    // 1.0 is a double's value exactly: it leaves in the double's shortest form, 1 (docs/mappings.md).
    expect(out).toEqual([line.replace("1.0", "1")]);
  }, 60_000);

  it("a rule `_id == 9007199254740993` selects only that record", async () => {
    const out = await ship(IDS, "{ 'id': _id }", "_id == 9007199254740993");
    expect(out).toEqual(['{"id":9007199254740993}']);
  }, 60_000);
});
