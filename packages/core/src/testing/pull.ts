/** Pull a source to its end as the engine would, for source tests. */
import type { Source, SourceBatch } from "../sdk/types.js";

export interface PullOptions {
  signal?: AbortSignal;
  /** Put each checkpoint through JSON, as the engine stores it (default true); false keeps what was yielded. */
  storeCheckpoints?: boolean;
}

/**
 * Every batch `source.pull(checkpoint)` yields until it returns. Each checkpoint goes through JSON, as the
 * engine stores it, so a test that resumes from one resumes from what a restart would see.
 */
export async function pullAll(
  source: Source,
  checkpoint?: unknown,
  options: PullOptions = {},
): Promise<SourceBatch[]> {
  const { signal = new AbortController().signal, storeCheckpoints = true } = options;
  const batches: SourceBatch[] = [];
  for await (const batch of source.pull(checkpoint, signal)) {
    if (!storeCheckpoints || batch.checkpoint === undefined) batches.push(batch);
    else batches.push({ ...batch, checkpoint: JSON.parse(JSON.stringify(batch.checkpoint)) as unknown });
  }
  return batches;
}

/** The error a pull to the end throws (undefined when it ends cleanly); the source is closed either way. */
export async function pullError(source: Source, checkpoint?: unknown): Promise<unknown> {
  try {
    await pullAll(source, checkpoint);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await source.close?.();
  }
}

/** Records and rejects of `batches` in order, as origins; a reject's origin is prefixed with `!`. */
export function batchOrigins(batches: SourceBatch[]): string[] {
  return batches.flatMap((b) => [
    ...b.records.map((r) => r.origin ?? "?"),
    ...(b.rejects ?? []).map((r) => `!${r.origin}`),
  ]);
}
