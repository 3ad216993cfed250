/**
 * Temp files left by a killed writer: a real process is SIGKILLed in the middle of an object (the built
 * `writeAtomic`, fed by a source that never ends), and the next process's destination removes its temp file.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeContext, outputRecord } from "../../testing/index.js";
import { fileDestination, fileDestinationConfig, type FileDestination } from "./index.js";
import { isLeftoverTempFile, tempFileFor } from "./temp-files.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-file-temp-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file under `root` (hidden ones included), relative. */
function everyFile(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

/** Writes `file` with the built `writeAtomic` from a child process that hangs in the middle; kills it there. */
async function killMidWrite(file: string): Promise<void> {
  const script = `
    import { writeAtomic } from "@logshipper/core/plugins/file";
    async function* pieces() {
      yield Buffer.from('{"partial":1}\\n');
      process.stdout.write("writing\\n");
      await new Promise(() => setInterval(() => {}, 1000));
    }
    await writeAtomic(${JSON.stringify(file)}, pieces());
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("writing")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`writer exited with ${code} before it was killed`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

function destination(): FileDestination {
  const ctx = fakeContext({ name: "out", baseDir: dir });
  return fileDestination.create(
    fileDestinationConfig.parse({ dir: "out", key: "{type}/{file}" }),
    ctx,
  ) as FileDestination;
}

const never = new AbortController().signal;
const record = outputRecord(
  { i: 1 },
  { id: "id-1", type: "alert", source: "s", time: 0, destination: "out", mapping: "m" },
);

describe("file destination temp files", () => {
  it("a process killed mid-object leaves a temp file; the next one removes it when it writes", async () => {
    const out = path.join(dir, "out");
    await killMidWrite(path.join(out, "alert", "0123.ndjson"));
    const left = everyFile(out);
    expect(left).toHaveLength(1);
    expect(path.basename(left[0]!)).toMatch(/^\.0123\.ndjson\.[0-9a-f]{8}\.[0-9a-f]{8}\.tmp$/);
    // A temp file of an earlier version (`.<name>.<hex>.tmp`), deeper in the tree.
    fs.mkdirSync(path.join(out, "event/2025"), { recursive: true });
    fs.writeFileSync(path.join(out, "event/2025/.abc.ndjson.deadbeef.tmp"), "x");

    const dest = destination();
    // Checking the directory (validate --connect, test-destination) removes nothing: a run may be writing.
    await dest.test!();
    await dest.close!();
    expect(everyFile(out)).toHaveLength(2);

    const next = destination();
    expect((await next.send([record], never)).outcomes).toEqual([{ status: "ok" }]);
    await next.close!();
    const files = everyFile(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^alert\/[0-9a-f]{32}\.ndjson$/);
  });

  it("tells its own temp files from those of earlier processes", () => {
    const own = path.basename(tempFileFor("/x/abc.ndjson"));
    expect(isLeftoverTempFile(own)).toBe(false);
    expect(isLeftoverTempFile(".abc.ndjson.deadbeef.tmp")).toBe(true);
    expect(isLeftoverTempFile(".abc.ndjson.deadbeef.01234567.tmp")).toBe(true);
    expect(isLeftoverTempFile(".logshipper-test-deadbeef.tmp")).toBe(true);
    expect(isLeftoverTempFile("abc.ndjson")).toBe(false);
    expect(isLeftoverTempFile(".hidden.tmp")).toBe(false);
  });
});
