/**
 * `deadletter replay` delivers a record again only through the SIEM mapping it was dead-lettered in
 * (docs/reliability.md, "Dead letters"): the source's other mappings already delivered it, and a destination
 * without dedup would receive it twice.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readOutputRecords, runCli, tempDir, writeConfig } from "./helpers.js";

const RECORDS = 2000;
/** Every fifth record has a value the failing mapping cannot double. */
const BAD_EVERY = 5;
/** `run --once` exit code when some records were dead-lettered (docs/cli.md). */
const EXIT_DEAD_LETTERED = 3;

function inputLines(): string {
  const lines: string[] = [];
  for (let i = 0; i < RECORDS; i++) {
    lines.push(JSON.stringify({ id: `r${i}`, n: i % BAD_EVERY === 0 ? `oops${i}` : i }));
  }
  return `${lines.join("\n")}\n`;
}

describe("deadletter replay", () => {
  it("re-feeds only the SIEM mapping a dead letter came from, not a healthy one without dedup", async () => {
    const dir = tempDir("ls-replay-");
    fs.writeFileSync(path.join(dir, "data.ndjson"), inputLines());
    // $number("oops..") throws (D3030): those records are dead-lettered in the `doubled` mapping only.
    fs.writeFileSync(path.join(dir, "double.jsonata"), '{"id": id, "double": $number(n) * 2}');
    const config = writeConfig(
      dir,
      `
state: { dir: state }
sources:
  data: { plugin: file, path: data.ndjson, idField: id }
destinations:
  doubled: { plugin: file, dir: doubled }
  copy: { plugin: file, dir: copy, dedup: { enabled: false } }
siemMappings:
  - { name: failing, source: data, destination: doubled, mapping: double.jsonata }
  - { name: healthy, source: data, destination: copy }
`,
    );
    const first = await runCli(["run", "--once", "-c", config]);
    expect(first.code, first.stderr).toBe(EXIT_DEAD_LETTERED);
    const bad = RECORDS / BAD_EVERY;
    expect(readOutputRecords(path.join(dir, "copy"))).toHaveLength(RECORDS);
    expect(readOutputRecords(path.join(dir, "doubled"))).toHaveLength(RECORDS - bad);

    // The cause is fixed, the dead letters replayed, and the next run delivers them.
    fs.writeFileSync(
      path.join(dir, "double.jsonata"),
      '{"id": id, "double": $contains($string(n), /^[0-9]+$/) ? $number(n) * 2 : null}',
    );
    const replay = await runCli(["deadletter", "replay", "-c", config]);
    expect(replay.stdout).toContain(`${bad} record(s) put back`);
    const second = await runCli(["run", "--once", "-c", config]);
    expect(second.code, second.stderr).toBe(0);

    const copied = readOutputRecords(path.join(dir, "copy")) as { id: string }[];
    expect(copied).toHaveLength(RECORDS);
    expect(new Set(copied.map((r) => r.id)).size).toBe(RECORDS);
    const doubled = readOutputRecords(path.join(dir, "doubled")) as { id: string }[];
    expect(doubled).toHaveLength(RECORDS);
    expect(new Set(doubled.map((r) => r.id)).size).toBe(RECORDS);
  });
});
