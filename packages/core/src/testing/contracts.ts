/**
 * Contract tests every plugin should pass. Call them from a vitest file:
 *   sourceContract("my source", () => mySource.create(config, fakeContext()));
 */
import { describe, expect, it } from "vitest";
import type { Destination, OutputRecord, RecordInput, Source } from "../sdk/types.js";
import { pullAll } from "./pull.js";
import { sampleOutputRecords } from "./records.js";

/** As yielded: the contract itself checks that checkpoints survive JSON. */
const drain = (source: Source, checkpoint: unknown) =>
  pullAll(source, checkpoint, { storeCheckpoints: false });

const dataOf = (records: RecordInput[]) => records.map((r) => JSON.stringify(r.data));

/** `create` must return a new instance over the same, unchanging input each time it is called. */
export function sourceContract(name: string, create: () => Source | Promise<Source>): void {
  describe(`${name}: source contract`, () => {
    it("yields JSON-serialisable checkpoints and well-formed batches", async () => {
      const source = await create();
      const batches = await drain(source, undefined);
      expect(batches.length).toBeGreaterThan(0);
      for (const b of batches) {
        expect(Array.isArray(b.records)).toBe(true);
        expect(JSON.parse(JSON.stringify(b.checkpoint ?? null))).toEqual(b.checkpoint ?? null);
        for (const r of b.records) expect(r).toHaveProperty("data");
      }
      await source.close?.();
    });

    it("resumes from every checkpoint with exactly the records after it", async () => {
      const all = await drain(await create(), undefined);
      const everything = dataOf(all.flatMap((b) => b.records));
      let consumed = 0;
      for (const batch of all) {
        consumed += batch.records.length;
        const resumed = await create();
        const rest = dataOf(
          (await drain(resumed, JSON.parse(JSON.stringify(batch.checkpoint)))).flatMap((b) => b.records),
        );
        expect(rest).toEqual(everything.slice(consumed));
        await resumed.close?.();
      }
    });

    it("closes idempotently, even without a pull", async () => {
      const source = await create();
      await source.close?.();
      await source.close?.();
    });
  });
}

/** `records` lets a destination with an output schema supply valid records. */
export function destinationContract(
  name: string,
  create: () => Destination | Promise<Destination>,
  records: (n: number) => OutputRecord[] = sampleOutputRecords,
): void {
  describe(`${name}: destination contract`, () => {
    it("declares positive limits", async () => {
      const dest = await create();
      expect(dest.limits.maxBatchRecords).toBeGreaterThan(0);
      expect(dest.limits.maxBatchBytes).toBeGreaterThan(0);
      await dest.close?.();
    });

    it("returns one outcome per record, in order", async () => {
      const dest = await create();
      const batch = records(Math.min(5, dest.limits.maxBatchRecords));
      const result = await dest.send(batch, new AbortController().signal);
      expect(result.outcomes).toHaveLength(batch.length);
      for (const o of result.outcomes) expect(["ok", "retryable", "permanent"]).toContain(o.status);
      await dest.flush?.();
      await dest.close?.();
    });

    it("accepts a re-sent batch (at-least-once delivery resends after a crash)", async () => {
      const dest = await create();
      const batch = records(3);
      const first = await dest.send(batch, new AbortController().signal);
      const second = await dest.send(batch, new AbortController().signal);
      expect(second.outcomes.map((o) => o.status)).toEqual(first.outcomes.map((o) => o.status));
      await dest.close?.();
    });

    it("closes idempotently, even without a send", async () => {
      const dest = await create();
      await dest.close?.();
      await dest.close?.();
    });
  });
}
