/**
 * The `file` destination: writes each batch as NDJSON objects under `dir`, one object per rendered key.
 *
 * Records are grouped by their key (the template rendered with each record's fields, `{file}` left open); each
 * group becomes one object named after its content (`{file}` = sha256 of its NDJSON bytes), so a re-sent batch
 * overwrites its own objects with the same bytes and two different groups never share a name. Objects are written
 * atomically: a hidden temp file in the same directory, fsync, rename, fsync of the directory. A reader never sees a
 * partial object, and an acknowledged object survives a crash. The temp files a killed process left are removed
 * from under `dir` once the next process starts writing (temp-files.ts).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import zlib from "node:zlib";
import {
  compileKeyTemplate,
  contentName,
  fillFile,
  type Destination,
  type OutputRecord,
  type PluginContext,
  type RecordOutcome,
  type SendResult,
} from "../../sdk/index.js";
import type { FileDestinationConfig } from "./config.js";
import { classifyFsError, fsErrorCode } from "./errors.js";
import { removeLeftoverTempFiles, tempFileFor } from "./temp-files.js";

/** Gzip pieces of NDJSON; the compressed object (a fraction of the text) is held in memory. */
async function gzipPieces(pieces: Iterable<Buffer>): Promise<Buffer[]> {
  const gz = zlib.createGzip();
  const out: Buffer[] = [];
  gz.on("data", (chunk: Buffer) => out.push(chunk));
  const ended = once(gz, "end");
  for (const piece of pieces) if (!gz.write(piece)) await once(gz, "drain");
  gz.end();
  await ended;
  return out;
}

/** Largest number of records in one batch (the byte limit is `maxObjectBytes`). */
export const FILE_MAX_BATCH_RECORDS = 100_000;

/**
 * A `file` destination. Besides the SDK's `limits`, it tells the dispatcher how long records may wait for a batch
 * to fill: `batchMaxAgeMs` (the `maxObjectAge` option).
 */
export interface FileDestination extends Destination {
  readonly batchMaxAgeMs: number;
  /** Absolute directory the objects are written under. */
  readonly dir: string;
}

/** `full` must lie strictly inside `dir`. A violation is a bug in key rendering: never write there. */
export function assertInside(dir: string, full: string): void {
  const rel = path.relative(dir, full);
  if (rel === "" || path.isAbsolute(rel) || rel.split(path.sep)[0] === "..") {
    throw new Error(`bug: object path ${JSON.stringify(full)} is outside ${JSON.stringify(dir)}`);
  }
}

async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) and file systems cannot open or fsync a directory; the rename is then as durable as it gets.
    const code = fsErrorCode(error);
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF" && code !== "EACCES")
      throw error;
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** NDJSON objects are built and written in pieces of about this many bytes. */
const PIECE_BYTES = 256 * 1024;

/**
 * The NDJSON bytes of `records`, in pieces made as they are asked for: an object is never one string or buffer
 * in memory. With `scratch`, every piece is built in it (take each before asking for the next): hashing an
 * object for its name then allocates nothing.
 */
export function* ndjsonPieces(records: readonly OutputRecord[], scratch?: Buffer): Generator<Buffer> {
  const fresh = (bytes: number) =>
    bytes <= PIECE_BYTES ? (scratch ?? Buffer.allocUnsafe(PIECE_BYTES)) : Buffer.allocUnsafe(bytes);
  let piece = fresh(0);
  let used = 0;
  for (const r of records) {
    if (used + r.bytes + 1 > piece.length) {
      if (used > 0) yield piece.subarray(0, used);
      piece = fresh(r.bytes + 1);
      used = 0;
    }
    // Copy the bytes core holds when it offers them; encode the text otherwise.
    const held = r.jsonBytes?.();
    if (held) piece.set(held, used);
    const written = held ? held.length : piece.write(r.json, used, "utf8");
    // Core sets `bytes` from the same text; a wrong length would truncate the line.
    if (written !== r.bytes) throw new Error(`bug: record ${r.id} is ${written} bytes, not ${r.bytes}`);
    used += written;
    piece[used++] = 0x0a;
  }
  if (used > 0) yield piece.subarray(0, used);
}

/**
 * Write `data` (bytes, or pieces produced on demand) to `file` atomically: a temp file in the same directory,
 * fsync, rename, fsync of the directory.
 */
export async function writeAtomic(
  file: string,
  data: Uint8Array | Iterable<string | Uint8Array>,
): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = tempFileFor(file);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, "wx", 0o644);
    await fs.writeFile(handle, data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  await syncDir(dir);
}

export function createFileDestination(config: FileDestinationConfig, ctx: PluginContext): FileDestination {
  const dir = path.resolve(ctx.baseDir, config.dir);
  const template = compileKeyTemplate(config.key);
  const ext = config.gzip ? ".ndjson.gz" : ".ndjson";
  // Objects are named one at a time, synchronously: one scratch piece serves them all.
  const scratch = Buffer.allocUnsafe(PIECE_BYTES);
  // Started by the first send, not at creation: `validate --connect` and `test-destination` build a destination
  // too, and must not remove what a running process is writing. It runs beside the writes (it skips ours).
  let sweep: Promise<void> | undefined;
  const sweepLeftovers = async () => {
    const onError = (error: unknown, where: string) =>
      ctx.logger.warn({ dir: where, err: (error as Error).message }, "cannot remove leftover temp files");
    const removed = await removeLeftoverTempFiles(dir, onError);
    if (removed > 0) ctx.logger.info({ dir, removed }, "removed temp files an interrupted run left");
  };

  async function writeObject(key: string, records: OutputRecord[]): Promise<void> {
    const name = contentName(ndjsonPieces(records, scratch), ext);
    const rel = template.usesFile ? fillFile(key, name) : key;
    const full = path.resolve(dir, ...rel.split("/"));
    assertInside(dir, full);
    try {
      await writeAtomic(full, config.gzip ? await gzipPieces(ndjsonPieces(records)) : ndjsonPieces(records));
    } catch (error) {
      throw classifyFsError(error, `write ${rel}`);
    }
    ctx.logger.debug({ key: rel, records: records.length }, "wrote object");
  }

  return {
    dir,
    limits: { maxBatchRecords: FILE_MAX_BATCH_RECORDS, maxBatchBytes: config.maxObjectBytes },
    batchMaxAgeMs: config.maxObjectAge,

    async send(batch: OutputRecord[], signal: AbortSignal): Promise<SendResult> {
      sweep ??= sweepLeftovers();
      const groups = new Map<string, number[]>();
      batch.forEach((record, index) => {
        // The record itself: its `value` is only read when the template has a {field:...}.
        const key = template.render(record);
        const list = groups.get(key);
        if (list) list.push(index);
        else groups.set(key, [index]);
      });
      const outcomes: RecordOutcome[] = batch.map(() => ({ status: "ok" }));
      for (const [key, indexes] of groups) {
        if (signal.aborted) {
          // Stopping: what is written is acknowledged, the rest is retried later.
          for (const i of indexes) outcomes[i] = { status: "retryable", reason: "shutting down" };
          continue;
        }
        await writeObject(
          key,
          indexes.map((i) => batch[i]!),
        );
      }
      return { outcomes };
    },

    async test() {
      try {
        await fs.mkdir(dir, { recursive: true });
        const probe = tempFileFor(path.join(dir, "logshipper-test"));
        await fs.writeFile(probe, "");
        await fs.rm(probe, { force: true });
      } catch (error) {
        throw classifyFsError(error, `write to ${dir}`);
      }
      return `directory ${dir} is writable`;
    },

    async flush() {},
    async close() {
      await sweep;
    },
  };
}
