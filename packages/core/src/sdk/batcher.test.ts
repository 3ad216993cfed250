import { describe, expect, it } from "vitest";
import { SourceBatcher } from "./batcher.js";

describe("SourceBatcher", () => {
  it("is full at the record limit, counting records, rejects and skipped inputs", () => {
    const batcher = new SourceBatcher({ maxBatchRecords: 3, maxBatchBytes: 1000 });
    batcher.add({ data: { a: 1 } }, 10);
    batcher.reject({ origin: "f:2", reason: "not JSON", raw: "{" });
    expect(batcher.full).toBe(false);
    batcher.skip();
    expect(batcher.full).toBe(true);
    expect(batcher.count).toBe(3);
  });

  it("is full at the byte limit; a reject's size defaults to its raw length", () => {
    const batcher = new SourceBatcher({ maxBatchRecords: 100, maxBatchBytes: 10 });
    batcher.reject({ origin: "f:1", reason: "x", raw: "123456789" });
    expect(batcher.full).toBe(false);
    batcher.add({ data: {} }, 1);
    expect(batcher.full).toBe(true);
  });

  it("takes a batch with its checkpoint and starts empty again", () => {
    const batcher = new SourceBatcher({ maxBatchRecords: 10, maxBatchBytes: 1000 });
    batcher.add({ data: { a: 1 } }, 5);
    batcher.skip(2, 4);
    expect(batcher.take({ offset: 9 })).toEqual({
      records: [{ data: { a: 1 } }],
      checkpoint: { offset: 9 },
      skipped: 2,
    });
    expect(batcher.empty).toBe(true);
    expect(batcher.bytes).toBe(0);
    expect(batcher.take(1)).toEqual({ records: [], checkpoint: 1 });
  });

  it("is due once its oldest input is older than the age limit", () => {
    let now = 1000;
    const batcher = new SourceBatcher(
      { maxBatchRecords: 10, maxBatchBytes: 1000, maxBatchAgeMs: 50 },
      () => now,
    );
    expect(batcher.msUntilDue()).toBe(Infinity);
    batcher.add({ data: {} }, 1);
    now = 1030;
    batcher.add({ data: {} }, 1);
    expect(batcher.msUntilDue()).toBe(20);
    expect(batcher.due).toBe(false);
    now = 1050;
    expect(batcher.due).toBe(true);
    batcher.take(undefined);
    expect(batcher.msUntilDue()).toBe(Infinity);
  });
});
