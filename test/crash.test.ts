/**
 * Crash safety: `logshipper run` over 100k records is killed with SIGKILL at random moments and restarted;
 * at the end every input record is in the output exactly once (the file destination names objects by
 * content, and a lane re-forms the batch it had in flight, so a re-sent object overwrites itself), and no
 * temp file of a killed run is left in the destination tree: every file under it is read, hidden ones included.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateAlerts, runCli, startCli, tempDir, writeConfig } from "./helpers.js";

const RECORDS = 100_000;

describe("crash and restart", () => {
  it("delivers every record exactly once across SIGKILLs", { timeout: 600_000 }, async () => {
    const dir = tempDir("ls-crash-");
    fs.writeFileSync(path.join(dir, "alerts.ndjson"), generateAlerts(RECORDS, 7));
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  alerts: { plugin: file, path: alerts.ndjson, recordType: alert, idField: _id, timeField: timestamp }
destinations:
  out: { plugin: file, dir: out, key: "{type}/{date}/{file}", maxObjectBytes: 256KiB, maxObjectAge: 100ms }
siemMappings:
  - { source: alerts, destination: out }
`,
    );
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let kills = 0;
    for (let i = 0; i < 5; i++) {
      const { child, done } = startCli(["run", "--once", "-c", config]);
      await new Promise((r) => setTimeout(r, 300 + Math.floor(rand() * 2500)));
      if (child.exitCode === null) {
        child.kill("SIGKILL");
        kills++;
      }
      await done;
    }
    expect(kills).toBeGreaterThan(0);
    const final = await runCli(["run", "--once", "-c", config]);
    expect(final.code).toBe(0);

    const out = path.join(dir, "out");
    const files = fs
      .readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((d) => !d.isDirectory())
      .map((d) => path.join(d.parentPath, d.name));
    // What a consumer listing the directory would find: objects only, no hidden temp file.
    expect(files.filter((f) => !/\/[0-9a-f]{32}\.ndjson$/.test(f))).toEqual([]);
    const seen = new Map<string, number>();
    for (const file of files) {
      for (const line of fs.readFileSync(file, "utf8").split("\n").filter(Boolean)) {
        const id = (JSON.parse(line) as { _id: string })._id;
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
    }
    const duplicates = [...seen.entries()].filter(([, n]) => n > 1);
    expect(duplicates.slice(0, 5)).toEqual([]);
    expect(seen.size).toBe(RECORDS);
    const status = await runCli(["status", "--json", "-c", config]);
    const parsed = JSON.parse(status.stdout) as {
      siemMappings: { backlog: number }[];
      deadLetters: { total: number };
    };
    expect(parsed.siemMappings[0]!.backlog).toBe(0);
    expect(parsed.deadLetters.total).toBe(0);
  });
});
