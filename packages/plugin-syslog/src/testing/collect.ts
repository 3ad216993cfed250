/** Test helper: run a source's `pull` in the background and collect what it yields, until told to stop. */
import type { RecordInput, RejectedInput, Source, SourceBatch } from "@logshipper/core/sdk";

export interface Collector {
  records: RecordInput[];
  rejects: RejectedInput[];
  batches: SourceBatch[];
  /** Resolves when `count()` reaches `n` (records and rejects), or throws after `timeoutMs`. */
  until(n: number, timeoutMs?: number): Promise<void>;
  /** Abort the pull (the graceful stop) and wait for it to return. */
  stop(): Promise<void>;
  /** Resolves when the pull returned on its own (`run --once` idle rule). */
  done: Promise<void>;
  count(): number;
}

export function collect(source: Source, checkpoint?: unknown): Collector {
  const controller = new AbortController();
  const records: RecordInput[] = [];
  const rejects: RejectedInput[] = [];
  const batches: SourceBatch[] = [];
  const done = (async () => {
    for await (const batch of source.pull(checkpoint, controller.signal)) {
      batches.push(batch);
      records.push(...batch.records);
      rejects.push(...(batch.rejects ?? []));
    }
  })();
  let failure: unknown;
  done.catch((error: unknown) => (failure = error));
  const count = () => records.length + rejects.length;
  return {
    records,
    rejects,
    batches,
    done,
    count,
    async until(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (count() < n) {
        if (failure !== undefined)
          throw failure instanceof Error ? failure : new Error("pull failed", { cause: failure });
        if (Date.now() > deadline)
          throw new Error(`collected ${count()} of ${n} messages in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
}
