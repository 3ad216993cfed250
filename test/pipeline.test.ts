/** End to end through the real CLI: samples -> rule -> mapping -> dedup -> file destination. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readObjects, readOutputRecords, runCli, SAMPLES, tempDir, writeConfig } from "./helpers.js";

const alertsFile = path.join(SAMPLES, "netskope/alerts.ndjson");

// The defaults (state in the engine's thread, compact heap), and the state on its own thread with V8's heap sizing.
const variants: [string, string, string[]][] = [
  ["defaults", "state: { dir: state }", []],
  ["state.thread, --heap default", "state: { dir: state, thread: true }", ["--heap", "default"]],
];

describe.each(variants)("netskope alerts end to end (%s)", (_name, stateLine, runArgs) => {
  it("deduplicates re-delivered alerts and keeps non-ASCII users byte for byte", async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "map.jsonata"),
      '{"id": $id, "user": user, "severity": $lowercase(severity), "type": alert_type}',
    );
    const config = writeConfig(
      dir,
      `
${stateLine}
sources:
  alerts: { plugin: file, path: ${JSON.stringify(alertsFile)}, recordType: alert, subtypeField: alert_type, idField: _id, timeField: timestamp }
destinations:
  out: { plugin: file, dir: out, key: "{type}/{date}/{file}" }
rules:
  not-low: severity != "low"
siemMappings:
  - { source: alerts, rule: not-low, destination: out, mapping: map.jsonata }
`,
    );
    const result = await runCli(["run", "--once", "-c", config, ...runArgs]);
    expect(result.stderr).not.toMatch(/"level":"error"/);
    expect(result.code).toBe(0);

    const input = fs
      .readFileSync(alertsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { _id: string; user?: string; severity: string });
    const selected = input.filter((a) => a.severity.toLowerCase() !== "low");
    const uniqueIds = new Set(selected.map((a) => a._id));
    const redelivered = input.length - new Set(input.map((a) => a._id)).size;
    expect(redelivered).toBe(10);

    const output = readOutputRecords(path.join(dir, "out")) as { id: string; user?: string }[];
    expect(output.map((o) => o.id).sort()).toEqual([...uniqueIds].sort());
    expect(result.stdout).toMatch(/deduplicated/);
    const row = result.stdout.split("\n").find((l) => l.startsWith("alerts.not-low.out"))!;
    const [, pulled, filtered, mapped, deduplicated, sent, dead] = row.trim().split(/\s+/).map(Number);
    expect(pulled).toBe(input.length);
    expect(filtered).toBe(input.length - selected.length);
    expect(sent).toBe(uniqueIds.size);
    expect(deduplicated).toBe(selected.length - uniqueIds.size);
    expect(mapped).toBe(selected.length);
    expect(dead).toBe(0);

    // Non-ASCII: every user in the output is exactly the input's user for that id, bytes included.
    const users = new Map(selected.map((a) => [a._id, a.user]));
    const nonAscii = output.filter((o) => o.user && /[^ -~]/.test(o.user));
    expect(nonAscii.length).toBeGreaterThan(0);
    for (const o of output) expect(Buffer.from(o.user ?? "")).toEqual(Buffer.from(users.get(o.id) ?? ""));
    const rawBytes = readObjects(path.join(dir, "out"))
      .map((o) => fs.readFileSync(o.file, "utf8"))
      .join("");
    for (const o of nonAscii) expect(rawBytes).toContain(o.user);

    // A second run pulls nothing new: the checkpoint was committed with the buffer.
    const again = await runCli(["run", "--once", "-c", config, ...runArgs]);
    expect(again.code).toBe(0);
    expect(readOutputRecords(path.join(dir, "out")).length).toBe(uniqueIds.size);
  });
});

describe("hostile input", () => {
  it("keeps the 7 JSON objects, dead-letters the 3 malformed lines with their line numbers, skips the empty line", async () => {
    const dir = tempDir();
    const hostile = path.join(SAMPLES, "edge/hostile.ndjson");
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  hostile: { plugin: file, path: ${JSON.stringify(hostile)}, format: ndjson, recordType: alert, idField: _id, subtypeField: alert_type }
destinations:
  out: { plugin: file, dir: out, key: "{subtype}/{field:user}/{file}" }
siemMappings:
  - { source: hostile, destination: out }
`,
    );
    const result = await runCli(["run", "--once", "-c", config]);
    expect(result.code).toBe(3); // the malformed lines are dead letters (docs/cli.md, exit codes)
    const out = path.join(dir, "out");
    const records = readOutputRecords(out) as Record<string, unknown>[];
    expect(records).toHaveLength(7);
    // Every object stays inside the destination directory, with no hidden or control-character names.
    for (const o of readObjects(out)) {
      const rel = path.relative(out, o.file);
      expect(rel.startsWith("..")).toBe(false);
      for (const part of rel.split(path.sep)) {
        expect(part.startsWith(".")).toBe(false);
        expect(/\p{Cc}/u.test(part)).toBe(false);
      }
    }
    // The big event went through whole.
    expect(records.some((r) => JSON.stringify(r).length > 300 * 1024)).toBe(true);

    const dead = await runCli(["deadletter", "list", "--json", "-c", config]);
    expect(dead.code).toBe(0);
    const letters = dead.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { stage: string; origin: string; code: string });
    expect(letters).toHaveLength(3);
    const lines = fs.readFileSync(hostile, "utf8").split("\n");
    for (const letter of letters) {
      expect(letter.stage).toBe("ingest");
      expect(letter.code).toBe("LS_ERR_INPUT_MALFORMED");
      const lineNo = Number(/:(\d+)$/.exec(letter.origin)?.[1]);
      const text = lines[lineNo - 1]!;
      let isObject = false;
      try {
        const v = JSON.parse(text) as unknown;
        isObject = v !== null && typeof v === "object" && !Array.isArray(v);
      } catch {
        isObject = false;
      }
      expect(text.trim()).not.toBe("");
      expect(isObject).toBe(false);
    }
    expect(result.stdout).toMatch(/malformed input kept as dead letters: 3/);
  });
});
