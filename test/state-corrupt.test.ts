/**
 * A damaged state database (docs/errors.md, LS_ERR_STATE_CORRUPT) stops every command the same way: a non-zero
 * exit and a message that names the file, what is wrong and what to do, whichever pages a command would read.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir, writeConfig } from "./helpers.js";

const PAGE = 4096;
/** Pages overwritten at the end of the file: data pages (dedup ids, cursors) that not every command reads. */
const DAMAGED_PAGES = 40;

function damage(file: string): void {
  const pages = Math.floor(fs.statSync(file).size / PAGE);
  expect(pages).toBeGreaterThan(DAMAGED_PAGES * 2);
  const fd = fs.openSync(file, "r+");
  try {
    const junk = Buffer.alloc(PAGE, 0xde);
    for (let p = pages - DAMAGED_PAGES; p < pages; p++) fs.writeSync(fd, junk, 0, PAGE, p * PAGE);
  } finally {
    fs.closeSync(fd);
  }
}

describe("a damaged state database", () => {
  it("stops run, status and deadletter list/replay with LS_ERR_STATE_CORRUPT, the file and the remedy", async () => {
    const dir = tempDir("ls-corrupt-");
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ id: `r${i}`, pad: "x".repeat(300) }),
    );
    fs.writeFileSync(path.join(dir, "in.ndjson"), `${lines.join("\n")}\n`);
    const yaml = (thread: boolean) => `
state: { dir: state, thread: ${thread} }
sources:
  in: { plugin: file, path: in.ndjson, idField: id }
destinations:
  out: { plugin: file, dir: out }
siemMappings:
  - { source: in, destination: out }
`;
    const config = writeConfig(dir, yaml(false));
    const threaded = writeConfig(dir, yaml(true), "threaded.yaml");
    const first = await runCli(["run", "--once", "-c", config]);
    expect(first.code, first.stderr).toBe(0);
    const db = path.join(dir, "state", "state.db");
    damage(db);

    for (const [args, file] of [
      [["run", "--once"], config],
      [["run", "--once"], threaded],
      [["status"], config],
      [["deadletter", "list"], config],
      [["deadletter", "replay"], config],
    ] as const) {
      const result = await runCli([...args, "-c", file]);
      const what = `${args.join(" ")} -c ${path.basename(file)}: ${result.stderr}`;
      expect(result.code, what).toBe(1);
      expect(result.stderr, what).toContain("[LS_ERR_STATE_CORRUPT]");
      expect(result.stderr, what).toContain(`state database ${db} is damaged`);
      expect(result.stderr, what).toContain(`move ${path.join(dir, "state")} aside`);
      expect(result.stderr, what).toContain(".recover");
    }
  });
});
