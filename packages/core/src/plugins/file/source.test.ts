import { fileURLToPath } from "node:url";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, type Source, type SourceBatch } from "../../sdk/index.js";
import { batchOrigins, fakeContext, pullAll, sourceContract, type FakeContext } from "../../testing/index.js";
import { fileSource, fileSourceConfig } from "./index.js";
import { createFileSource, readCheckpoint, type FileSourceLimits } from "./source.js";

const SAMPLES = fileURLToPath(new URL("../../../../../test/fixtures/samples", import.meta.url));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-file-source-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function source(
  options: Record<string, unknown>,
  opts: { mode?: "once" | "continuous"; limits?: FileSourceLimits; ctx?: FakeContext } = {},
): Source {
  const config = fileSourceConfig.parse(options);
  const ctx = opts.ctx ?? context(opts.mode);
  return opts.limits ? createFileSource(config, ctx, opts.limits) : fileSource.create(config, ctx);
}

const context = (mode: "once" | "continuous" = "once"): FakeContext =>
  fakeContext({ name: "test-source", mode, baseDir: dir });
const collect = (src: Source, checkpoint?: unknown): Promise<SourceBatch[]> => pullAll(src, checkpoint);
const origins = batchOrigins;

function write(rel: string, content: string | Buffer): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function copySample(rel: string, to = rel): void {
  write(to, fs.readFileSync(path.join(SAMPLES, rel)));
}

const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `{"n":${from + i}}\n`).join("");

describe("file source", () => {
  it("hostile.ndjson: 7 records and 3 rejects with their line numbers", async () => {
    copySample("edge/hostile.ndjson", "edge/hostile.ndjson");
    const batches = await collect(source({ path: "edge/hostile.ndjson" }));
    const records = batches.flatMap((b) => b.records);
    const rejects = batches.flatMap((b) => b.rejects ?? []);
    expect(records.map((r) => r.origin)).toEqual(
      [1, 5, 6, 7, 9, 10, 11].map((n) => `edge/hostile.ndjson:${n}`),
    );
    expect(rejects.map((r) => r.origin)).toEqual([2, 3, 8].map((n) => `edge/hostile.ndjson:${n}`));
    expect(rejects[2]).toMatchObject({ reason: "not a JSON object (an array)", raw: "[1,2,3]" });
    expect((records[1]!.data as Record<string, unknown>)._id).toBe("ok-2");
    // The source leaves ids, types and times to core, and passes an NDJSON line's text on as it was.
    expect(Object.keys(records[0]!).sort()).toEqual(["data", "json", "origin"]);
    expect(JSON.parse(records[0]!.json!)).toEqual(records[0]!.data);
  });

  it("reads every sample format through a glob, in sorted path order", async () => {
    copySample("netskope/alerts.ndjson", "in/b-netskope/alerts.ndjson");
    copySample("metadefender/json/logs-0001.json", "in/a-md/logs-0001.json");
    copySample("metadefender/syslog/logs-0002.log", "in/a-md/logs-0002.log");
    for (const n of ["0000", "0001", "0002"])
      copySample(`cerby/analytics/2025/11/22/${n}-analytics.json`, `in/c-cerby/${n}-analytics.json`);
    write("in/.hidden.ndjson", '{"hidden":true}\n');
    const batches = await collect(source({ path: "in/**/*" }));
    const seen = origins(batches);
    expect(seen.filter((o) => o.startsWith("!"))).toEqual([]);
    const files = [...new Set(seen.map((o) => o.replace(/:\d+$/, "")))];
    expect(files).toEqual([
      "in/a-md/logs-0001.json",
      "in/a-md/logs-0002.log",
      "in/b-netskope/alerts.ndjson",
      "in/c-cerby/0000-analytics.json",
      "in/c-cerby/0001-analytics.json",
      "in/c-cerby/0002-analytics.json",
    ]);
    expect(seen).toHaveLength(20 + 20 + 310 + 60);
    expect(seen[1]).toBe("in/a-md/logs-0001.json:10");
    for (const b of batches) expect(b.records.length + (b.rejects?.length ?? 0)).toBeLessThanOrEqual(1000);
    // Nothing new: a second pull from the last checkpoint yields nothing.
    expect(await collect(source({ path: "in/**/*" }), batches.at(-1)!.checkpoint)).toEqual([]);
  });

  it("resuming from each checkpoint gives exactly the remaining records (plain, gzip, every format)", async () => {
    copySample("edge/hostile.ndjson", "d/1-hostile.ndjson");
    write("d/2-hostile.gz.log", zlib.gzipSync(fs.readFileSync(path.join(SAMPLES, "edge/hostile.ndjson"))));
    copySample("metadefender/json/logs-0001.json", "d/3-md.json");
    copySample("metadefender/syslog/logs-0002.log", "d/4-md.log");
    copySample("cerby/analytics/2025/11/22/0000-analytics.json", "d/5-cerby.json");
    write("d/6-tail.ndjson", '{"a":1}\n\n{"a":2}'); // no newline at the end
    const limits = { maxBatchRecords: 4, maxBatchBytes: 1024 * 1024 };
    const all = await collect(source({ path: "d/*" }, { limits }));
    const expected = origins(all);
    expect(expected).toHaveLength(10 + 10 + 20 + 20 + 20 + 2);
    expect(expected.filter((o) => o.startsWith("!d/2-hostile.gz.log"))).toEqual(
      [2, 3, 8].map((n) => `!d/2-hostile.gz.log:${n}`),
    );
    for (const b of all) expect(b.records.length + (b.rejects?.length ?? 0)).toBeLessThanOrEqual(4);
    let consumed = 0;
    for (const [i, batch] of all.entries()) {
      consumed += batch.records.length + (batch.rejects?.length ?? 0);
      const rest = await collect(source({ path: "d/*" }, { limits }), batch.checkpoint);
      expect(origins(rest), `after batch ${i}`).toEqual(expected.slice(consumed));
    }
  });

  it("yields batches of about 1 MiB", async () => {
    const big = `{"blob":"${"x".repeat(100_000)}"}\n`;
    write("big.ndjson", big.repeat(25));
    const batches = await collect(source({ path: "big.ndjson" }));
    expect(batches.map((b) => b.records.length)).toEqual([11, 11, 3]);
  });

  it("reads appended data only, and a truncated file again from the start", async () => {
    const file = write("app.ndjson", lines(1, 10));
    const src = source({ path: "app.ndjson" });
    const first = await collect(src);
    expect(origins(first)).toHaveLength(10);
    fs.appendFileSync(file, lines(11, 12));
    const second = await collect(src, first.at(-1)!.checkpoint);
    expect(second.flatMap((b) => b.records.map((r) => r.data))).toEqual([{ n: 11 }, { n: 12 }]);
    expect(origins(second)).toEqual(["app.ndjson:11", "app.ndjson:12"]);
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, lines(100, 102));
    const ctx = context();
    const third = await collect(source({ path: "app.ndjson" }, { ctx }), second.at(-1)!.checkpoint);
    expect(third.flatMap((b) => b.records.map((r) => r.data))).toEqual([{ n: 100 }, { n: 101 }, { n: 102 }]);
    expect(ctx.logs.some((l) => l.msg?.includes("truncated"))).toBe(true);
  });

  it("notices a file that was truncated and grew past the old offset (copytruncate)", async () => {
    const file = write("app.ndjson", lines(1, 3));
    const first = await collect(source({ path: "app.ndjson" }));
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, lines(1000, 1010));
    const second = await collect(source({ path: "app.ndjson" }), first.at(-1)!.checkpoint);
    expect(second.flatMap((b) => b.records.map((r) => r.data))[0]).toEqual({ n: 1000 });
    expect(origins(second)).toHaveLength(11);
  });

  it("reads a file replaced under the same name (new inode) from the start", async () => {
    write("app.ndjson", lines(1, 3));
    const first = await collect(source({ path: "app.ndjson" }));
    fs.rmSync(path.join(dir, "app.ndjson"));
    write("other.tmp", lines(1, 3).replaceAll("n", "m") + lines(4, 6));
    fs.renameSync(path.join(dir, "other.tmp"), path.join(dir, "app.ndjson"));
    const second = await collect(source({ path: "app.ndjson" }), first.at(-1)!.checkpoint);
    expect(origins(second)).toHaveLength(6);
  });

  it("follows a rotated file to its new name without reading it twice", async () => {
    write("logs/app.log", lines(1, 5));
    const first = await collect(source({ path: "logs/app.log*", format: "ndjson" }));
    expect(origins(first)).toHaveLength(5);
    fs.appendFileSync(path.join(dir, "logs/app.log"), lines(6, 7));
    fs.renameSync(path.join(dir, "logs/app.log"), path.join(dir, "logs/app.log.1"));
    write("logs/app.log", lines(8, 9));
    const second = await collect(
      source({ path: "logs/app.log*", format: "ndjson" }),
      first.at(-1)!.checkpoint,
    );
    expect(
      second.flatMap((b) => b.records.map((r) => (r.data as { n: number }).n)).sort((a, b) => a - b),
    ).toEqual([6, 7, 8, 9]);
    expect(origins(second)).toContain("logs/app.log.1:6");
    const checkpoint = readCheckpoint(second.at(-1)!.checkpoint)!;
    expect(Object.keys(checkpoint.files).sort()).toEqual(["logs/app.log", "logs/app.log.1"]);
  });

  it("drops deleted files from the checkpoint", async () => {
    write("a.ndjson", lines(1, 2));
    write("b.ndjson", lines(1, 2));
    const first = await collect(source({ path: "*.ndjson" }));
    expect(Object.keys(readCheckpoint(first.at(-1)!.checkpoint)!.files)).toEqual(["a.ndjson", "b.ndjson"]);
    fs.rmSync(path.join(dir, "a.ndjson"));
    const second = await collect(source({ path: "*.ndjson" }), first.at(-1)!.checkpoint);
    expect(second.flatMap((b) => b.records)).toEqual([]);
    expect(Object.keys(readCheckpoint(second.at(-1)!.checkpoint)!.files)).toEqual(["b.ndjson"]);
  });

  it("resumes inside a gzip file by decompressed offset and skips a finished one", async () => {
    const file = write("events.bin", zlib.gzipSync(lines(1, 50)));
    const limits = { maxBatchRecords: 20, maxBatchBytes: 1 << 20 };
    const all = await collect(source({ path: "events.bin" }, { limits }));
    expect(all.map((b) => b.records.length)).toEqual([20, 20, 10]);
    const cp = readCheckpoint(all[0]!.checkpoint)!;
    expect(cp.files["events.bin"]).toMatchObject({
      gz: true,
      offset: Buffer.byteLength(lines(1, 20)),
      line: 21,
    });
    const rest = await collect(source({ path: "events.bin" }, { limits }), all[0]!.checkpoint);
    expect(rest.flatMap((b) => b.records.map((r) => (r.data as { n: number }).n))).toEqual(
      Array.from({ length: 30 }, (_, i) => 21 + i),
    );
    expect(readCheckpoint(all.at(-1)!.checkpoint)!.files["events.bin"]!.size).toBe(fs.statSync(file).size);
    expect(await collect(source({ path: "events.bin" }), all.at(-1)!.checkpoint)).toEqual([]);
    // A gzip member appended later is read from where the first one ended.
    fs.appendFileSync(file, zlib.gzipSync(lines(51, 52)));
    const more = await collect(source({ path: "events.bin" }), all.at(-1)!.checkpoint);
    expect(origins(more)).toEqual(["events.bin:51", "events.bin:52"]);
  });

  it("reports a truncated gzip file and keeps what it could read", async () => {
    const gz = zlib.gzipSync(lines(1, 2000));
    write("cut.gz", gz.subarray(0, gz.length - 100));
    const batches = await collect(source({ path: "cut.gz" }));
    const rejects = batches.flatMap((b) => b.rejects ?? []);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.reason).toMatch(/^gzip: unexpected end of file/);
    expect(batches.flatMap((b) => b.records).length).toBeGreaterThan(1900);
    expect(await collect(source({ path: "cut.gz" }), batches.at(-1)!.checkpoint)).toEqual([]);
  });

  it("resolves relative paths against the config directory; reads a directory; takes a literal name with glob characters", async () => {
    copySample("cloudtrail/exports/Q4 report+final (1).ndjson", "exports/Q4 report+final (1).ndjson");
    write("exports/sub/x.ndjson", lines(1, 1));
    const literal = await collect(source({ path: "exports/Q4 report+final (1).ndjson" }));
    expect(origins(literal)[0]).toBe("exports/Q4 report+final (1).ndjson:1");
    const all = await collect(source({ path: "exports" }));
    expect(origins(all).at(-1)).toBe("exports/sub/x.ndjson:1");
    const abs = await collect(source({ path: path.join(dir, "exports/sub/*.ndjson") }));
    expect(origins(abs)).toEqual([`${path.join(dir, "exports/sub/x.ndjson")}:1`]);
  });

  it("yields nothing for a path that matches nothing; test() reports a missing directory", async () => {
    expect(await collect(source({ path: "nothing/*.ndjson" }))).toEqual([]);
    await expect(source({ path: "nothing/*.ndjson" }).test!()).rejects.toBeInstanceOf(ConfigurationError);
    await expect(source({ path: "missing.ndjson" }).test!()).resolves.toBeUndefined();
    write("ok.ndjson", lines(1, 1));
    await expect(source({ path: "*.ndjson" }).test!()).resolves.toBeUndefined();
  });

  it("follow: keeps reading appended lines and new files until aborted; waits for a line's newline", async () => {
    const file = write("live/a.ndjson", lines(1, 2));
    const src = source({ path: "live/*.ndjson", follow: true, pollInterval: "20ms" }, { mode: "continuous" });
    const abort = new AbortController();
    const it = src.pull(undefined, abort.signal)[Symbol.asyncIterator]();
    const next = async () => (await it.next()).value as SourceBatch;
    expect(origins([await next()])).toEqual(["live/a.ndjson:1", "live/a.ndjson:2"]);
    fs.appendFileSync(file, '{"n":3}\n{"n":');
    expect(origins([await next()])).toEqual(["live/a.ndjson:3"]);
    fs.appendFileSync(file, "4}\n");
    const b4 = await next();
    expect(origins([b4])).toEqual(["live/a.ndjson:4"]);
    write("live/b.ndjson", lines(1, 1));
    expect(origins([await next()])).toEqual(["live/b.ndjson:1"]);
    const pending = it.next();
    abort.abort();
    expect((await pending).done).toBe(true);
    // The checkpoint of the last batch resumes after line 4 of a.ndjson.
    expect(readCheckpoint(b4.checkpoint)!.files["live/a.ndjson"]).toMatchObject({ line: 5 });
  });

  it("follow under run --once stops at the end and reads a last line without newline", async () => {
    write("a.ndjson", '{"n":1}\n{"n":2}');
    const batches = await collect(source({ path: "a.ndjson", follow: true }, { mode: "once" }));
    expect(origins(batches)).toEqual(["a.ndjson:1", "a.ndjson:2"]);
  });

  it("treats a file named __proto__ like any other", async () => {
    write("p/__proto__", lines(1, 2));
    const first = await collect(source({ path: "p/*" }));
    expect(origins(first)).toEqual(["p/__proto__:1", "p/__proto__:2"]);
    write("x/__proto__", lines(1, 1));
    const batches = await collect(source({ path: "x" }));
    expect(await collect(source({ path: "x" }), batches.at(-1)!.checkpoint)).toEqual([]);
  });

  it("rejects a checkpoint it did not write", async () => {
    write("a.ndjson", lines(1, 1));
    await expect(collect(source({ path: "a.ndjson" }), { offset: 3 })).rejects.toThrow(/checkpoint/);
  });

  it("validates its options", () => {
    expect(fileSourceConfig.parse({ path: "x" })).toEqual({
      path: "x",
      format: "auto",
      follow: false,
      pollInterval: 1000,
    });
    expect(fileSourceConfig.safeParse({ path: "x", format: "xml" }).success).toBe(false);
    expect(fileSourceConfig.safeParse({ path: "" }).success).toBe(false);
  });
});

/** Three files (one gzipped, one a JSON array) read in batches of four, so resuming crosses files and formats. */
sourceContract("file", () => {
  if (!fs.existsSync(path.join(dir, "in"))) {
    write("in/a.ndjson", lines(1, 6));
    write("in/b.ndjson.gz", zlib.gzipSync(lines(7, 11)));
    write("in/c.json", JSON.stringify([{ n: 12 }, { n: 13 }, { n: 14 }]));
  }
  return source({ path: "in" }, { limits: { maxBatchRecords: 4, maxBatchBytes: 1024 * 1024 } });
});
