/**
 * SIGHUP reloads the configuration of a running `logshipper run`: an invalid file is logged with all its
 * problems and the running configuration goes on; a valid one replaces it after a graceful drain, in the same
 * process, and every record is delivered exactly once (a new SIEM mapping starts at the buffer's end).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startCli, tempDir, TEST_PLUGIN, writeConfig } from "./helpers.js";

const base = `
state: { dir: state }
plugins: [${JSON.stringify(TEST_PLUGIN)}]
sources:
  alerts: { plugin: file, path: alerts.ndjson, idField: id, interval: 200ms }
destinations:
  a: { plugin: test-recorder, log: a.ndjson }
  b: { plugin: test-recorder, log: b.ndjson }
siemMappings:
  - { source: alerts, destination: a }
`;

const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: `r${from + i}` }) + "\n").join("");

function sent(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => (JSON.parse(l) as { ids: string[] }).ids);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("SIGHUP", () => {
  it("keeps running on an invalid file and logs every problem", { timeout: 60_000 }, async () => {
    const dir = tempDir("ls-reload-");
    fs.writeFileSync(path.join(dir, "alerts.ndjson"), lines(0, 10));
    const file = writeConfig(dir, base);
    const run = startCli(["run", "-c", file]);
    let stderr = "";
    run.child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await until(() => sent(path.join(dir, "a.ndjson")).length === 10, "the first records");
    writeConfig(
      dir,
      base.replace("destination: a }", "destination: nowhere }").replace("interval: 200ms", "interval: soon"),
    );
    run.child.kill("SIGHUP");
    await until(() => /configuration reload refused/.test(stderr), "the refusal");
    const refusal = stderr.split("\n").find((l) => l.includes("configuration reload refused"))!;
    const problems = (JSON.parse(refusal) as { problems: string[] }).problems;
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.join("\n")).toMatch(/nowhere/);
    expect(problems.join("\n")).toMatch(/interval/);
    expect(run.child.exitCode).toBeNull(); // still running the old configuration
    fs.appendFileSync(path.join(dir, "alerts.ndjson"), lines(10, 5));
    await until(() => sent(path.join(dir, "a.ndjson")).length === 15, "records after the refusal");
    run.child.kill("SIGTERM");
    expect((await run.done).code).toBe(0);
  });

  it(
    "applies a valid file in the same process: a second SIEM mapping, every record exactly once",
    { timeout: 60_000 },
    async () => {
      const dir = tempDir("ls-reload-");
      fs.writeFileSync(path.join(dir, "alerts.ndjson"), lines(0, 200));
      const file = writeConfig(dir, base);
      const run = startCli(["run", "-c", file]);
      let stderr = "";
      run.child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const a = path.join(dir, "a.ndjson");
      const b = path.join(dir, "b.ndjson");
      await until(() => sent(a).length === 200, "the first records");
      writeConfig(dir, base + "  - { source: alerts, destination: b }\n");
      run.child.kill("SIGHUP");
      await until(() => /configuration reloaded/.test(stderr), "the reload");
      fs.appendFileSync(path.join(dir, "alerts.ndjson"), lines(200, 100));
      await until(() => sent(a).length >= 300 && sent(b).length >= 100, "records after the reload");
      run.child.kill("SIGTERM");
      const result = await run.done;
      expect(result.code).toBe(0);
      const toA = sent(a);
      expect(toA).toHaveLength(300);
      expect(new Set(toA).size).toBe(300);
      // The new mapping starts at the buffer's end: everything before the reload was settled and pruned.
      expect(sent(b).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `r${200 + i}`).sort());
      const pids = fs
        .readFileSync(a, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { pid: number }).pid);
      expect(new Set(pids).size).toBe(1);
    },
  );
});
