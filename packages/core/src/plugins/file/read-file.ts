/**
 * Reading one file of the `file` source from its checkpoint entry: check that the file is still the one the
 * entry describes, seek (or, gzip, decompress and skip) to its position, parse, and hand each record and reject
 * to the pull's batcher, moving the entry's position with them.
 */
import fs from "node:fs/promises";
import { PassThrough, pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import {
  RecordParser,
  fingerprint,
  isGzip,
  type FileFormat,
  type ParseEvent,
  type ParsePosition,
  type PluginContext,
  type RecordInput,
  type SourceBatch,
  type SourceBatcher,
} from "../../sdk/index.js";
import type { FileEntries, FileEntry } from "./checkpoint.js";
import type { Listed } from "./discover.js";
import { classifyFsError, fsErrorCode } from "./errors.js";

/** Bytes at the start of a file read to recognise it (gzip magic, fingerprint). */
const HEAD_BYTES = 1024;
const READ_CHUNK = 256 * 1024;

/** What reading a file needs from the pull it is part of. */
export interface PullState {
  readonly files: FileEntries;
  /** Files read to their end without completing (partial last line, truncated gzip): `ino:size` last seen. */
  readonly waiting: Map<string, string>;
  readonly batcher: SourceBatcher;
  readonly format: FileFormat;
  /** Data at the end of a followed file may still be being written: a last line without newline waits. */
  readonly follow: boolean;
  readonly stop: AbortSignal;
  readonly ctx: PluginContext;
  /** `files` changed since the last batch was taken. */
  dirty: boolean;
  /** The pending batch, with a checkpoint of `files` as they are now (clears `dirty`). */
  takeBatch(): SourceBatch;
}

/** The open file as it is now. */
interface FileState {
  ino: string;
  size: number;
  head: Buffer;
  gz: boolean;
}

/** Read one file from its entry's position, adding its events to the batch (yielding full batches). */
export async function* readFile(
  state: PullState,
  item: Listed,
  known: FileEntry | undefined,
): AsyncGenerator<SourceBatch> {
  const fh = await openFile(item);
  if (!fh) return;
  let stream: Readable | undefined;
  try {
    const file = await inspect(fh);
    const entry = placeEntry(state, item.key, known, file);
    const reader = new FileReader(state, item.key, file, entry);
    stream = openStream(fh, file.gz, entry.offset);
    yield* reader.read(stream);
  } finally {
    stream?.destroy();
    await fh.close().catch(() => {});
  }
}

/** The open file, or undefined when it is gone. */
async function openFile({ key, abs }: Listed): Promise<fs.FileHandle | undefined> {
  try {
    return await fs.open(abs, "r");
  } catch (error) {
    if (fsErrorCode(error) === "ENOENT") return undefined;
    throw classifyFsError(error, `open ${key}`);
  }
}

async function inspect(fh: fs.FileHandle): Promise<FileState> {
  const st = await fh.stat({ bigint: true });
  const headBuf = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fh.read(headBuf, 0, HEAD_BYTES, 0);
  const head = headBuf.subarray(0, bytesRead);
  return { ino: String(st.ino), size: Number(st.size), head, gz: isGzip(head) };
}

/** Why the entry no longer describes the file, or undefined when it still does. */
function replaced(entry: FileEntry, file: FileState): string | undefined {
  if (entry.ino !== file.ino) return "file replaced (new inode)";
  if (!entry.gz && entry.offset > file.size) return "file truncated";
  if (!!entry.gz !== file.gz) return "file replaced (compression changed)";
  if (entry.fp !== undefined && entry.fpLen !== undefined) {
    if (file.head.length < entry.fpLen || fingerprint(file.head.subarray(0, entry.fpLen)) !== entry.fp)
      return "file replaced (content changed)";
  }
  return undefined;
}

/** The entry to resume from (a fresh one to read from the start), stored under `key`. */
function placeEntry(state: PullState, key: string, known: FileEntry | undefined, file: FileState): FileEntry {
  const { files } = state;
  let entry = known;
  const why = entry && replaced(entry, file);
  if (why) {
    state.ctx.logger.info({ file: key, offset: entry?.offset }, `${why}: reading it from the start`);
    entry = undefined;
  }
  if (!entry || entry.offset === 0 || entry.mode === undefined) {
    entry = { ino: file.ino, offset: 0, line: 1, ...(file.gz ? { gz: true as const } : {}) };
    if (files[key]?.offset !== 0 || files[key]?.ino !== file.ino) {
      files[key] = entry;
      state.dirty = true;
    }
  } else if (files[key] !== entry) {
    files[key] = entry;
    state.dirty = true;
  }
  return entry;
}

/** The file's bytes from `offset` (gzip: decompressed from the start; the reader skips `offset` bytes). */
function openStream(fh: fs.FileHandle, gz: boolean, offset: number): Readable {
  const fileStream = fh.createReadStream({
    start: gz ? 0 : offset,
    highWaterMark: READ_CHUNK,
    autoClose: false,
    emitClose: true,
  });
  if (!gz) return fileStream;
  const out = new PassThrough({ highWaterMark: READ_CHUNK });
  pipeline(fileStream, zlib.createGunzip(), out, () => {});
  return out;
}

/** Parses one file's stream into the pull's batcher, keeping the file's entry at the last event handed over. */
class FileReader {
  private readonly parser: RecordParser;
  /** Gzip: decompressed bytes still to drop before the entry's position. */
  private skip: number;

  constructor(
    private readonly state: PullState,
    private readonly key: string,
    private readonly file: FileState,
    entry: FileEntry,
  ) {
    const resume: ParsePosition | undefined =
      entry.offset > 0 && entry.mode
        ? { offset: entry.offset, line: entry.line, mode: entry.mode }
        : undefined;
    this.parser = new RecordParser(state.format, { resume, prefilter: state.ctx.prefilter });
    this.skip = file.gz ? entry.offset : 0;
  }

  async *read(stream: Readable): AsyncGenerator<SourceBatch> {
    let failure: Error | undefined;
    try {
      for await (const data of stream) {
        const chunk = this.afterSkip(data as Buffer);
        if (!chunk) continue;
        yield* this.handOver(this.parser.push(chunk));
        this.countSkipped();
        if (this.state.stop.aborted) return;
      }
    } catch (error) {
      const code = fsErrorCode(error);
      if (this.file.gz && code?.startsWith("Z_")) failure = error as Error;
      else if (code === "ENOENT") return;
      else throw classifyFsError(error, `read ${this.key}`);
    }
    if (failure) yield* this.gzipFailed(failure);
    else yield* this.ended();
  }

  /** What of `chunk` lies past the bytes to skip; undefined when all of it is skipped. */
  private afterSkip(chunk: Buffer): Buffer | undefined {
    if (this.skip === 0) return chunk;
    if (chunk.length <= this.skip) {
      this.skip -= chunk.length;
      return undefined;
    }
    const rest = chunk.subarray(this.skip);
    this.skip = 0;
    return rest;
  }

  /** Add the events to the batch, taking it first whenever it is full. */
  private *handOver(events: ParseEvent[]): Generator<SourceBatch> {
    const { batcher, files } = this.state;
    for (const ev of events) {
      if (batcher.full) yield this.state.takeBatch();
      const origin = `${this.key}:${ev.line}`;
      const bytes = Math.max(0, ev.next.offset - files[this.key]!.offset);
      if (ev.kind === "record") {
        const input: RecordInput = { data: ev.value, origin };
        if (ev.text !== undefined) input.json = ev.text;
        if (ev.invalidUtf8) input.invalidUtf8 = true;
        batcher.add(input, bytes);
      } else {
        const invalid = ev.invalidUtf8 && { invalidUtf8: true as const };
        batcher.reject({ origin, reason: ev.reason, raw: ev.raw, ...invalid }, bytes);
      }
      this.setPosition(ev.next);
    }
  }

  private countSkipped(): void {
    const skipped = this.parser.takeSkipped();
    if (skipped > 0) this.state.batcher.skip(skipped, 0);
  }

  private setPosition(pos: ParsePosition, extra?: Partial<FileEntry>): void {
    const current = this.state.files[this.key]!;
    current.offset = pos.offset;
    current.line = pos.line;
    current.mode = pos.mode;
    if (extra) Object.assign(current, extra);
    const { head, gz } = this.file;
    const fpLen = gz ? head.length : Math.min(head.length, pos.offset);
    if (current.fpLen !== fpLen || current.fp === undefined) {
      current.fp = fingerprint(head.subarray(0, fpLen));
      current.fpLen = fpLen;
    }
    this.state.dirty = true;
  }

  /** A truncated or corrupt gzip file: keep what was read; report it unless it may still be being written. */
  private *gzipFailed(failure: Error): Generator<SourceBatch> {
    const { files, batcher } = this.state;
    const { key } = this;
    const { ino, size } = this.file;
    if (this.state.follow) {
      this.state.waiting.set(key, `${ino}:${size}`);
      return;
    }
    const line = this.parser.position?.line ?? files[key]!.line;
    if (batcher.full) yield this.state.takeBatch();
    batcher.reject({ origin: `${key}:${line}`, reason: `gzip: ${failure.message}`, raw: "" }, 0);
    const pos = this.parser.position;
    if (pos) this.setPosition(pos, { size });
    else files[key] = { ...files[key]!, size };
    this.state.dirty = true;
  }

  /** The end of the file: flush the parser (a followed plain file waits for the rest of its last line instead). */
  private *ended(): Generator<SourceBatch> {
    const { files } = this.state;
    const { key } = this;
    const { gz, ino, size } = this.file;
    if (gz || !this.state.follow) {
      yield* this.handOver(this.parser.end());
      this.countSkipped();
      const last = this.parser.position;
      if (last) this.setPosition(last, gz ? { size } : {});
      else if (gz) files[key] = { ...files[key]!, size };
      this.state.dirty = true;
      return;
    }
    const pos = this.parser.position;
    if (pos && pos.offset !== files[key]!.offset) this.setPosition(pos);
    if ((pos?.offset ?? files[key]!.offset) < size) this.state.waiting.set(key, `${ino}:${size}`);
  }
}
