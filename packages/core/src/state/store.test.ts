/**
 * The StateStore contract (interfaces.ts), run against both the SQLite store and the same store on its own
 * thread (the engine's store while it runs), so that the two keep the same behaviour.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../error-codes.js";
import type { DeadLetterInput, RecordToBuffer, StateStore } from "./interfaces.js";
import { openSqliteState } from "./sqlite.js";
import { ThreadedStateStore } from "./threaded.js";

const backends: [string, (dir: string) => Promise<StateStore>][] = [
  ["sqlite", (dir) => Promise.resolve(openSqliteState({ dir }))],
  ["threaded", (dir) => ThreadedStateStore.open({ dir, sync: "normal" })],
];

function record(source: string, i: number, extra = ""): RecordToBuffer {
  return {
    id: `${source}-${i}`,
    type: "alert",
    subtype: i % 2 ? "dlp" : "malware",
    source,
    time: 1_700_000_000_000 + i,
    dataJson: JSON.stringify({ n: i, text: `é ${extra}` }),
    origin: i % 3 === 0 ? undefined : `file.ndjson:${i + 1}`,
  };
}

/** An ingest dead letter: an input that is not a JSON object, as the engine records it. */
function letter(reason: string): DeadLetterInput {
  return {
    stage: "ingest",
    source: "a",
    code: ERROR_CODES.INPUT_MALFORMED,
    reason,
    payload: `{bad ${reason}`,
  };
}

describe.each(backends)("StateStore contract: %s", (_name, open) => {
  const dirs: string[] = [];
  const stores: StateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  async function fresh(dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-store-"))): Promise<StateStore> {
    if (!dirs.includes(dir)) dirs.push(dir);
    const s = await open(dir);
    stores.push(s);
    return s;
  }

  it("ingest appends in order with increasing seqs, and reads give back every field", async () => {
    const s = await fresh();
    // 150 records: more than one multi-row insert group plus a remainder.
    const first = Array.from({ length: 150 }, (_, i) => record("a", i));
    const seqs = await s.ingest("a", first, [], { offset: 150 });
    expect(seqs).toHaveLength(150);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    const more = await s.ingest("b", [record("b", 0)], [], null);
    expect(more[0]).toBeGreaterThan(seqs[149]!);

    const read = await s.buffer.read("a", 0, 1000);
    expect(read.map((r) => r.seq)).toEqual(seqs);
    expect(read[7]).toEqual({ seq: seqs[7], ...first[7], origin: first[7]!.origin });
    expect(read[3]!.origin).toBeNull();
    expect(JSON.parse(read[149]!.dataJson)).toEqual({ n: 149, text: "é " });
    expect(await s.buffer.read("a", seqs[100]!, 10)).toHaveLength(10);
    expect(await s.buffer.lastSeq("a")).toBe(seqs[149]);
    expect(await s.buffer.lastSeq("none")).toBe(0);
    expect(await s.buffer.countAfter("a", seqs[99]!)).toBe(50);
    expect(s.buffer.sizeBytes()).toBeGreaterThan(0);
    expect(await s.getCheckpoint("a")).toEqual({ offset: 150 });
    expect(await s.getCheckpoint("none")).toBeUndefined();
    expect((await s.listCheckpoints()).map((c) => c.source).sort()).toEqual(["a", "b"]);
  });

  it("keeps rejects from ingest as dead letters, lists them by page, requeues and deletes them", async () => {
    const s = await fresh();
    await s.ingest("a", [record("a", 1)], [letter("one"), letter("two")], 1);
    await s.addDeadLetters([letter("three")]);
    expect(await s.countDeadLetters()).toBe(3);
    const all = await s.listDeadLetters();
    expect(all.map((d) => d.reason)).toEqual(["one", "two", "three"]);
    expect(all[0]).toMatchObject({
      stage: "ingest",
      source: "a",
      code: ERROR_CODES.INPUT_MALFORMED,
      payload: "{bad one",
    });
    const page = await s.listDeadLetters({ limit: 1, afterId: all[0]!.id });
    expect(page.map((d) => d.reason)).toEqual(["two"]);

    // A replayed record goes back to the SIEM mapping (lane) it failed in; a pulled one is for every lane.
    await s.requeue([{ ...record("a", 9), lane: "a.to-siem" }], [all[1]!.id]);
    const buffered = await s.buffer.read("a", 0, 10);
    expect(buffered.map((r) => [r.id, r.lane ?? null])).toEqual([
      ["a-1", null],
      ["a-9", "a.to-siem"],
    ]);
    await s.deleteDeadLetters([all[0]!.id]);
    expect((await s.listDeadLetters()).map((d) => d.reason)).toEqual(["three"]);
  });

  it("acknowledge moves the cursor, remembers ids for dedup and adds dead letters in one step", async () => {
    const s = await fresh();
    expect(await s.getCursor("lane")).toEqual({ seq: 0, inflight: [] });
    await s.setInflight("lane", [10, 20]);
    expect(await s.getCursor("lane")).toEqual({ seq: 0, inflight: [10, 20] });
    const ids = Array.from({ length: 130 }, (_, i) => `id-${i}`);
    await s.acknowledge({
      lane: "lane",
      destination: "out",
      cursor: 10,
      inflight: [20],
      ackedIds: ids,
      expiresAt: 2_000,
      deadLetters: [{ ...letter("mapped badly"), stage: "mapping" }],
    });
    expect(await s.getCursor("lane")).toEqual({ seq: 10, inflight: [20] });
    expect(await s.countDeadLetters()).toBe(1);
    await s.rememberSent("out", ["late"], 3_000);
    const asked = [...ids.slice(125), "late", "never"];
    expect([...(await s.delivered("out", asked, 1_000))].sort()).toEqual([...ids.slice(125), "late"].sort());
    expect(await s.delivered("elsewhere", asked, 1_000)).toEqual(new Set());
    // Remembering an id again extends it; expired ids are no longer delivered and are dropped.
    await s.rememberSent("out", ["id-0"], 3_000);
    expect(await s.delivered("out", ["id-0", "id-1"], 2_500)).toEqual(new Set(["id-0"]));
    expect(await s.expireDedup(2_500)).toBe(129);
    expect(await s.delivered("out", ["id-0", "late"], 1_000)).toEqual(new Set(["id-0", "late"]));
  });

  it("prune frees only what is at or below the seq, for that source, and counts its bytes", async () => {
    const s = await fresh();
    const seqs = await s.ingest("a", [record("a", 1), record("a", 2), record("a", 3)], [], 3);
    await s.ingest("b", [record("b", 1)], [], 1);
    const before = s.buffer.sizeBytes();
    const bytes = await s.buffer.prune("a", seqs[1]!);
    expect(bytes).toBe(record("a", 1).dataJson.length + record("a", 2).dataJson.length);
    expect(s.buffer.sizeBytes()).toBe(before - bytes);
    expect((await s.buffer.read("a", 0, 10)).map((r) => r.id)).toEqual(["a-3"]);
    expect(await s.buffer.read("b", 0, 10)).toHaveLength(1);
    expect(await s.buffer.prune("a", seqs[1]!)).toBe(0);
    // Seqs are never reused, even after everything was pruned.
    await s.buffer.prune("a", seqs[2]!);
    const next = await s.ingest("a", [record("a", 4)], [], 4);
    expect(next[0]).toBeGreaterThan(seqs[2]!);
  });

  it("prune of everything left empties the buffer, and seqs still go on", async () => {
    const s = await fresh();
    const a = await s.ingest("a", [record("a", 1), record("a", 2)], [], 2);
    const b = await s.ingest("b", [record("b", 1)], [], 1);
    expect(await s.buffer.prune("b", b[0]!)).toBe(record("b", 1).dataJson.length);
    const bytes = record("a", 1).dataJson.length + record("a", 2).dataJson.length;
    expect(s.buffer.sizeBytes()).toBe(bytes);
    expect(await s.buffer.prune("a", a[1]!)).toBe(bytes);
    expect(s.buffer.sizeBytes()).toBe(0);
    expect(await s.buffer.read("a", 0, 10)).toEqual([]);
    expect(await s.buffer.countAfter("a", 0)).toBe(0);
    const next = await s.ingest("a", [record("a", 3)], [], 3);
    expect(next[0]).toBeGreaterThan(b[0]!);
    expect(await s.buffer.read("a", 0, 10)).toHaveLength(1);
  });

  it("plugin state reads back at once and after reopening", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-store-"));
    const s = await fresh(dir);
    expect(s.pluginGet("s3", "token")).toBeUndefined();
    s.pluginSet("s3", "token", { next: "abc", at: 5 });
    expect(s.pluginGet("s3", "token")).toEqual({ next: "abc", at: 5 });
    await s.ingest("a", [record("a", 1)], [], 1); // a later call: the plugin state is written by then
    await s.close();
    const again = await fresh(dir);
    expect(again.pluginGet("s3", "token")).toEqual({ next: "abc", at: 5 });
    expect(await again.getCheckpoint("a")).toBe(1);
    expect(await again.buffer.read("a", 0, 10)).toHaveLength(1);
    expect(again.buffer.sizeBytes()).toBe(record("a", 1).dataJson.length);
  });

  it("fails to open a damaged database with LS_ERR_STATE_CORRUPT, naming the file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-store-"));
    fs.writeFileSync(path.join(dir, "state.db"), Buffer.alloc(8192, 0xde));
    dirs.push(dir);
    // (The SQLite store opens synchronously: its failure is a throw, taken here as a rejection.)
    const opened = Promise.resolve().then(() => open(dir));
    await expect(opened).rejects.toMatchObject({ code: ERROR_CODES.STATE_CORRUPT });
    await expect(opened).rejects.toThrow(path.join(dir, "state.db"));
  });

  it("fails calls once closed", async () => {
    const s = await fresh();
    await s.close();
    // The SQLite store throws as it is called, the threaded one rejects: either way the caller sees the error.
    await expect(Promise.resolve().then(() => s.getCursor("lane"))).rejects.toThrow();
  });
});

describe("ThreadedStateStore", () => {
  it("reports an error from the thread with its message, and goes on", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ls-store-"));
    const s = await ThreadedStateStore.open({ dir, sync: "normal" });
    try {
      // A record without an id breaks the NOT NULL constraint inside SQLite, on the state thread.
      const bad = { ...record("a", 1), id: null } as unknown as RecordToBuffer;
      await expect(s.ingest("a", [bad], [], 1)).rejects.toThrow(/NOT NULL/);
      // The failed batch left nothing behind, and the store still works.
      expect(await s.getCheckpoint("a")).toBeUndefined();
      expect(await s.ingest("a", [record("a", 2)], [], 2)).toHaveLength(1);
    } finally {
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails to open with the SQLite error when the directory cannot hold a database", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ls-store-")), "not-a-dir");
    fs.writeFileSync(file, "x");
    await expect(ThreadedStateStore.open({ dir: file, sync: "normal" })).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});
