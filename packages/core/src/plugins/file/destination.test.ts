import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, RetryableError, contentName, type OutputRecord } from "../../sdk/index.js";
import {
  destinationContract,
  fakeContext,
  outputRecord,
  type OutputRecordFields,
} from "../../testing/index.js";
import { assertInside } from "./destination.js";
import { classifyFsError } from "./errors.js";
import { fileDestination, fileDestinationConfig, type FileDestination } from "./index.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-file-dest-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function destination(
  options: Record<string, unknown>,
  ctx = fakeContext({ name: "out", baseDir: dir }),
): FileDestination {
  return fileDestination.create(fileDestinationConfig.parse(options), ctx) as FileDestination;
}

const T1 = Date.UTC(2025, 10, 22, 1, 2, 3);
const T2 = Date.UTC(2025, 10, 23, 4, 5, 6);

function record(i: number, over: OutputRecordFields & { value?: unknown } = {}): OutputRecord {
  const { value = { i, user: `u${i}` }, ...fields } = over;
  const defaults = { id: `id-${i}`, type: "alert", subtype: "dlp", source: "netskope", time: T1 };
  return outputRecord(value, { ...defaults, destination: "out", mapping: "m", ...fields });
}

/** Every file under `root`, relative, with `/`. */
function tree(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)).split(path.sep).join("/"))
    .sort();
}

const never = new AbortController().signal;

describe("file destination", () => {
  it("writes one NDJSON object per key, named after its content", async () => {
    const ctx = fakeContext({ name: "out", baseDir: dir });
    const dest = destination({ dir: "out" }, ctx);
    const batch = [record(1), record(2, { time: T2 }), record(3), record(4, { type: "event" })];
    const result = await dest.send(batch, never);
    expect(result.outcomes).toEqual(batch.map(() => ({ status: "ok" })));
    const out = path.join(dir, "out");
    const body1 = `${batch[0]!.json}\n${batch[2]!.json}\n`;
    expect(tree(out)).toEqual(
      [
        `alert/2025-11-22/${contentName(body1, ".ndjson")}`,
        `alert/2025-11-23/${contentName(`${batch[1]!.json}\n`, ".ndjson")}`,
        `event/2025-11-22/${contentName(`${batch[3]!.json}\n`, ".ndjson")}`,
      ].sort(),
    );
    expect(fs.readFileSync(path.join(out, `alert/2025-11-22/${contentName(body1, ".ndjson")}`), "utf8")).toBe(
      body1,
    );
    const debug = ctx.logs.filter((l) => l.level === "debug" && l.msg === "wrote object");
    expect(debug).toHaveLength(3);
    expect(debug[0]!.fields).toMatchObject({ records: 2 });
  });

  it("writes objects larger than a piece byte for byte, from text or from the bytes core holds", async () => {
    const dest = destination({ dir: "out", key: "{type}/{file}" });
    // ~1.2 MB over several 256 KiB pieces, non-ASCII text, and one record larger than a piece.
    const batch = Array.from({ length: 3000 }, (_, i) =>
      record(i, { value: { i, user: `usér-${i} 💡`, pad: "x".repeat(i % 700) } }),
    );
    batch[1500] = record(1500, { value: { big: "é".repeat(200_000) } });
    // Half the records offer their bytes, as core's do; a destination must write the same object either way.
    const withBytes = batch.map((r, i) =>
      i % 2 ? r : { ...r, jsonBytes: () => new Uint8Array(Buffer.from(r.json)) },
    );
    const body = batch.map((r) => `${r.json}\n`).join("");
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    await dest.send(withBytes, never);
    const name = `alert/${contentName(body, ".ndjson")}`;
    expect(tree(path.join(dir, "out"))).toEqual([name]);
    expect(fs.readFileSync(path.join(dir, "out", name), "utf8")).toBe(body);
  });

  it("refuses a record whose bytes do not match its text's length, rather than cut a line", async () => {
    const dest = destination({ dir: "out" });
    const wrong = { ...record(1), bytes: record(1).bytes + 3 };
    await expect(dest.send([wrong], never)).rejects.toThrow(/bug: record id-1/);
  });

  it("writes the same files when the same batch is sent twice, and new ones for a different batch", async () => {
    const dest = destination({ dir: "out" });
    const batch = Array.from({ length: 50 }, (_, i) => record(i));
    await dest.send(batch, never);
    const first = tree(path.join(dir, "out"));
    const contents = first.map((f) => fs.readFileSync(path.join(dir, "out", f), "utf8"));
    await dest.send(batch, never);
    expect(tree(path.join(dir, "out"))).toEqual(first);
    expect(first.map((f) => fs.readFileSync(path.join(dir, "out", f), "utf8"))).toEqual(contents);
    await dest.send([record(100)], never);
    expect(tree(path.join(dir, "out"))).toHaveLength(first.length + 1);
  });

  it("leaves no temp file, and never shows a partial object to a reader", async () => {
    const dest = destination({ dir: "out", key: "{file}" });
    const big = Array.from({ length: 2000 }, (_, i) => record(i, { value: { i, pad: "x".repeat(1000) } }));
    const out = path.join(dir, "out");
    fs.mkdirSync(out);
    const expected = `${big.map((r) => r.json).join("\n")}\n`;
    const name = contentName(expected, ".ndjson");
    let stop = false;
    const seen: number[] = [];
    const reader = (async () => {
      while (!stop) {
        for (const f of fs.readdirSync(out)) {
          if (f.startsWith(".")) continue;
          seen.push(fs.readFileSync(path.join(out, f)).length);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let k = 0; k < 5; k++) await dest.send(big, never);
    stop = true;
    await reader;
    expect(new Set(seen)).toEqual(new Set(seen.length ? [Buffer.byteLength(expected)] : []));
    expect(tree(out)).toEqual([name]);
  });

  it("gzip: writes .ndjson.gz named after the uncompressed content", async () => {
    const dest = destination({ dir: "out", gzip: true, key: "{source}/{yyyy}/{MM}/{dd}/{HH}/{file}" });
    const batch = [record(1), record(2)];
    await dest.send(batch, never);
    const body = `${batch[0]!.json}\n${batch[1]!.json}\n`;
    const rel = `netskope/2025/11/22/01/${contentName(body, ".ndjson.gz")}`;
    expect(tree(path.join(dir, "out"))).toEqual([rel]);
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, "out", rel))).toString()).toBe(body);
  });

  it("keeps every object inside dir whatever the record's fields hold", async () => {
    const dest = destination({
      dir: "out",
      key: "{type}/{subtype}/{field:account}/{field:user.name}/{file}",
    });
    const hostile = [
      "../../../escape",
      "/",
      "..",
      ".hidden",
      "",
      "a\u0000b\nc",
      "😀",
      "..\\..\\win",
      "{file}",
    ];
    const batch = hostile.map((h, i) =>
      record(i, { type: h, subtype: h, value: { account: h, user: { name: h } } }),
    );
    const result = await dest.send(batch, never);
    expect(result.outcomes.every((o) => o.status === "ok")).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(["out"]);
    const files = tree(path.join(dir, "out"));
    // "/" and ".." both become "_": they share an object. Every record is written exactly once.
    const written = files.flatMap((f) =>
      fs
        .readFileSync(path.join(dir, "out", f), "utf8")
        .trim()
        .split("\n"),
    );
    expect(written.sort()).toEqual(batch.map((r) => r.json).sort());
    for (const f of files) {
      const segments = f.split("/");
      expect(segments).toHaveLength(5);
      for (const s of segments) expect(s.startsWith(".")).toBe(false);
    }
    expect(files).toContainEqual(expect.stringMatching(/^😀\/😀\/😀\/😀\//));
    expect(files).toContainEqual(expect.stringMatching(/^unknown\/unknown\/unknown\/unknown\//));
  });

  it("assertInside refuses paths outside dir", () => {
    const root = path.resolve("/srv/out");
    expect(() => assertInside(root, path.resolve(root, "a/b"))).not.toThrow();
    expect(() => assertInside(root, path.resolve(root, "../x"))).toThrow(/bug/);
    expect(() => assertInside(root, root)).toThrow(/bug/);
    expect(() => assertInside(root, "/etc/passwd")).toThrow(/bug/);
  });

  it("reports its limits and batch age from the options", () => {
    const dest = destination({ dir: "out", maxObjectBytes: "1MiB", maxObjectAge: "5s" });
    expect(dest.limits).toEqual({ maxBatchRecords: 100_000, maxBatchBytes: 1024 * 1024 });
    expect(dest.batchMaxAgeMs).toBe(5000);
    const defaults = destination({ dir: "out" });
    expect(defaults.limits.maxBatchBytes).toBe(8 * 1024 * 1024);
    expect(defaults.batchMaxAgeMs).toBe(60_000);
    expect(defaults.dir).toBe(path.join(dir, "out"));
  });

  it("validates its options, key template included", () => {
    const bad = fileDestinationConfig.safeParse({ dir: "out", key: "{nope}/{date}", maxObjectAge: "soon" });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^key: unknown placeholder \{nope\}/));
    expect(messages).toContainEqual(expect.stringMatching(/^key: must contain \{file\}/));
    expect(messages).toContainEqual(expect.stringMatching(/^maxObjectAge: invalid duration/));
    expect(fileDestinationConfig.safeParse({}).success).toBe(false);
  });

  it("classifies file-system errors", async () => {
    const err = (code: string) => Object.assign(new Error(`${code}: boom`), { code });
    for (const code of ["ENOSPC", "EIO", "EAGAIN", "EMFILE"])
      expect(classifyFsError(err(code), "write")).toBeInstanceOf(RetryableError);
    for (const code of ["EACCES", "EROFS", "ENOTDIR"])
      expect(classifyFsError(err(code), "write")).toBeInstanceOf(ConfigurationError);
    const other = new TypeError("x");
    expect(classifyFsError(other, "write")).toBe(other);
    // A file where the directory should be: a configuration problem, and no temp file left behind.
    fs.writeFileSync(path.join(dir, "blocker"), "");
    const dest = destination({ dir: "blocker/out" });
    await expect(dest.send([record(1)], never)).rejects.toBeInstanceOf(ConfigurationError);
    await expect(dest.test!()).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("test() checks that the directory is writable", async () => {
    const dest = destination({ dir: "new/out" });
    await expect(dest.test!()).resolves.toMatch(/writable/);
    expect(tree(path.join(dir, "new/out"))).toEqual([]);
  });

  it("stops between objects when aborted: written records ok, the rest retryable", async () => {
    const dest = destination({ dir: "out" });
    const abort = new AbortController();
    abort.abort();
    const result = await dest.send([record(1), record(2, { type: "event" })], abort.signal);
    expect(result.outcomes.map((o) => o.status)).toEqual(["retryable", "retryable"]);
  });
});

destinationContract("file", () => destination({ dir: "contract" }));
