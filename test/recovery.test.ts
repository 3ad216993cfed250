/**
 * After a crash in the middle of a send, the lane re-forms exactly the batch that was in flight (same
 * records, even if the batch limits changed), so a destination that names objects by content overwrites
 * what it may already have written.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli, tempDir, TEST_PLUGIN, writeConfig } from "./helpers.js";

function config(maxRecords: number, maxInFlight = 1): string {
  return `
state: { dir: state }
plugins: [${JSON.stringify(TEST_PLUGIN)}]
sources:
  data: { plugin: file, path: data.ndjson, idField: id }
destinations:
  rec:
    plugin: test-recorder
    log: sends.ndjson
    hangWhile: hang
    maxInFlightBatches: 4
    batch: { maxRecords: ${maxRecords}, maxInFlight: ${maxInFlight} }
siemMappings:
  - { source: data, destination: rec }
`;
}

function sendsIn(log: string): { pid: number; ids: string[] }[] {
  return fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { pid: number; ids: string[] })
    : [];
}

describe("in-flight batch recovery", () => {
  it("re-forms every batch that was in flight, in order, when several were on the wire", async () => {
    const dir = tempDir("ls-recover-");
    const ids = Array.from({ length: 50 }, (_, i) => `r${String(i).padStart(2, "0")}`);
    fs.writeFileSync(
      path.join(dir, "data.ndjson"),
      ids.map((id) => JSON.stringify({ id })).join("\n") + "\n",
    );
    fs.writeFileSync(path.join(dir, "hang"), "");
    const file = writeConfig(dir, config(10, 3));
    const log = path.join(dir, "sends.ndjson");
    const { child, done } = startCli(["run", "-c", file]);
    for (let i = 0; i < 200 && sendsIn(log).length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGKILL");
    await done;
    const inFlight = sendsIn(log);
    // Three batches on the wire at once (the limit), never a fourth while none was acknowledged.
    expect(inFlight.map((s) => s.ids)).toEqual([ids.slice(0, 10), ids.slice(10, 20), ids.slice(20, 30)]);

    fs.rmSync(path.join(dir, "hang"));
    writeConfig(dir, config(7, 1));
    expect((await runCli(["run", "--once", "-c", file])).code).toBe(0);
    const after = sendsIn(log).slice(3);
    expect(after.slice(0, 3).map((s) => s.ids)).toEqual(inFlight.map((s) => s.ids));
    expect(after.slice(3).every((s) => s.ids.length <= 7)).toBe(true);
    expect(after.flatMap((s) => s.ids).sort()).toEqual(ids);
  });

  it("re-sends exactly the batch that was in flight at a SIGKILL", async () => {
    const dir = tempDir("ls-recover-");
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ id: `r${String(i).padStart(2, "0")}` }),
    );
    fs.writeFileSync(path.join(dir, "data.ndjson"), lines.join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "hang"), "");
    const file = writeConfig(dir, config(10));
    const log = path.join(dir, "sends.ndjson");
    const sends = () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { pid: number; ids: string[] })
        : [];

    const { child, done } = startCli(["run", "-c", file]);
    for (let i = 0; i < 200 && sends().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await done;
    const inFlight = sends();
    expect(inFlight).toHaveLength(1);
    expect(inFlight[0]!.ids).toEqual(lines.slice(0, 10).map((l) => (JSON.parse(l) as { id: string }).id));

    // Restart with other batch limits: the first batch is still the one that was in flight.
    fs.rmSync(path.join(dir, "hang"));
    writeConfig(dir, config(7));
    const result = await runCli(["run", "--once", "-c", file]);
    expect(result.code).toBe(0);
    const after = sends().slice(1);
    expect(after[0]!.ids).toEqual(inFlight[0]!.ids);
    expect(after.slice(1).every((s) => s.ids.length <= 7)).toBe(true);
    const all = after.flatMap((s) => s.ids);
    expect(all).toHaveLength(50);
    expect(new Set(all).size).toBe(50);
  });
});
