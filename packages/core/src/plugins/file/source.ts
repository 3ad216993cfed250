/**
 * The `file` source: reads a file, a directory or a glob, in sorted path order, and resumes exactly where the
 * last committed batch ended (the checkpoint is described in checkpoint.ts). Each pull makes passes over the
 * matched files (discover.ts), reads what changed in each (read-file.ts), and, following, polls again.
 */
import {
  SourceBatcher,
  sleep,
  type FileFormat,
  type PluginContext,
  type Source,
  type SourceBatch,
} from "../../sdk/index.js";
import {
  emptyEntries,
  readCheckpoint,
  snapshotCheckpoint,
  type FileEntries,
  type FileEntry,
} from "./checkpoint.js";
import type { FileSourceConfig } from "./config.js";
import { checkPath, listFiles, statFiles, type Matched } from "./discover.js";
import { readFile, type PullState } from "./read-file.js";

export type { FileEntry, FileSourceCheckpoint } from "./checkpoint.js";
export { readCheckpoint } from "./checkpoint.js";

export interface FileSourceLimits {
  /** Records + rejects per batch. */
  maxBatchRecords: number;
  /** Bytes of input per batch. */
  maxBatchBytes: number;
}

export const DEFAULT_SOURCE_LIMITS: FileSourceLimits = { maxBatchRecords: 1000, maxBatchBytes: 1024 * 1024 };

export function createFileSource(
  config: FileSourceConfig,
  ctx: PluginContext,
  limits: FileSourceLimits = DEFAULT_SOURCE_LIMITS,
): Source {
  return {
    async *pull(checkpoint: unknown, signal: AbortSignal): AsyncGenerator<SourceBatch> {
      yield* new FilePull(config, ctx, limits, checkpoint, signal).run();
    },
    // A file is only read: nothing is acknowledged after a yield.
    readAhead: true,
    test: () => checkPath(config.path, ctx.baseDir),
    async close() {},
  };
}

/** A read file is caught up when its size is where its entry ends (gzip: the compressed size read to the end). */
function caughtUp(entry: FileEntry, size: number): boolean {
  return entry.gz ? entry.size === size : entry.offset === size;
}

/** One pull: the entries of the files (the checkpoint being built) and the batch pending. */
class FilePull implements PullState {
  readonly files: FileEntries;
  readonly waiting = new Map<string, string>();
  readonly batcher: SourceBatcher;
  readonly format: FileFormat;
  readonly follow: boolean;
  readonly stop: AbortSignal;
  dirty = false;
  private warnedEmpty = false;

  constructor(
    private readonly config: FileSourceConfig,
    readonly ctx: PluginContext,
    limits: FileSourceLimits,
    checkpoint: unknown,
    signal: AbortSignal,
  ) {
    this.stop = AbortSignal.any([signal, ctx.signal]);
    this.follow = config.follow && ctx.mode !== "once";
    this.format = config.format;
    this.files = Object.assign(emptyEntries(), readCheckpoint(checkpoint)?.files);
    this.batcher = new SourceBatcher(limits);
  }

  takeBatch(): SourceBatch {
    this.dirty = false;
    return this.batcher.take(snapshotCheckpoint(this.files));
  }

  /** Passes over the matched files, each ending with a batch when anything changed; following, until stopped. */
  async *run(): AsyncGenerator<SourceBatch> {
    while (!this.stop.aborted) {
      const stopped = yield* this.pass();
      if (stopped) return;
      if (!this.batcher.empty || this.dirty) yield this.takeBatch();
      if (!this.follow) return;
      await sleep(this.config.pollInterval, this.stop);
    }
  }

  /** List and stat the matched files, forget the ones gone, read each that changed. Returns true when stopped. */
  private async *pass(): AsyncGenerator<SourceBatch, boolean> {
    const listed = await listFiles(this.config.path, this.ctx.baseDir);
    if (listed.length === 0 && !this.warnedEmpty) {
      // Not an error (files may appear later), but almost always a typo worth telling the user about.
      this.ctx.logger.warn({ path: this.config.path }, "no file matches path");
      this.warnedEmpty = true;
    }
    const prior = { ...this.files };
    const byIno = new Map<string, string>();
    for (const [key, entry] of Object.entries(prior)) byIno.set(entry.ino, key);
    const current = await statFiles(listed);
    for (const key of Object.keys(this.files)) {
      if (!current.has(key)) {
        delete this.files[key];
        this.dirty = true;
      }
    }
    for (const [key, { st, item }] of current) {
      if (this.stop.aborted) return true;
      const ino = String(st.ino);
      let entry = this.files[key];
      if (!entry) entry = this.renamedEntry(key, ino, byIno.get(ino), prior, current);
      else if (entry.ino === ino && caughtUp(entry, Number(st.size))) continue;
      if (this.waiting.get(key) === `${ino}:${st.size}`) continue;
      yield* readFile(this, item, entry);
    }
    return false;
  }

  /** A file new under `key`, renamed (rotated) from `from`, a path that no longer holds its inode: its entry. */
  private renamedEntry(
    key: string,
    ino: string,
    from: string | undefined,
    prior: FileEntries,
    current: Map<string, Matched>,
  ): FileEntry | undefined {
    if (from === undefined || from === key || String(current.get(from)?.st.ino ?? "") === ino)
      return undefined;
    const entry = prior[from];
    if (entry) this.ctx.logger.debug({ file: key, from }, "file renamed: keeping its position");
    return entry;
  }
}
