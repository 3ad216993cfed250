/**
 * The `file` source: reads a file, a directory or a glob, in sorted path order, and resumes exactly where the
 * last committed batch ended.
 *
 * Checkpoint ({@link FileSourceCheckpoint}): for every file seen, its identity (inode, and a fingerprint of its first
 * bytes) and the parser position after the last record or reject handed to core (byte offset, line, parser mode).
 * - A plain file resumes with a seek to `offset`. A file whose inode changed, whose size is now smaller than
 *   `offset` (truncated) or whose first bytes changed (replaced) is read again from the start.
 * - A file renamed (rotated) under a name the glob still matches keeps its position (found by inode + fingerprint).
 * - Gzip files (recognised by content) cannot be seeked: `offset` counts *decompressed* bytes, and resuming
 *   decompresses the file from the start and discards `offset` bytes. That skips exactly the records and rejects
 *   already handed over (a count of records would also work, but would report again the rejects between them).
 *   `size` records the compressed size once the file was read to its end, so a finished gzip file is not read again.
 * Entries of files that no longer exist are dropped, so the checkpoint stays as small as the set of matched files.
 */
import type { BigIntStats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { PassThrough, pipeline } from "node:stream";
import zlib from "node:zlib";
import picomatch from "picomatch";
import { glob, isDynamicPattern } from "tinyglobby";
import {
  ConfigurationError,
  PARSER_MODES,
  RecordParser,
  fingerprint,
  isGzip,
  sleep,
  type ParseEvent,
  type ParsePosition,
  type ParserMode,
  type PluginContext,
  type RecordInput,
  type RejectedInput,
  type Source,
  type SourceBatch,
} from "../../sdk/index.js";
import type { FileSourceConfig } from "./config.js";
import { classifyFsError, fsErrorCode } from "./errors.js";

/** Position in one file. */
export interface FileEntry {
  /** Inode (a string: inodes can exceed 2^53) of the file the position belongs to. */
  ino: string;
  /** Bytes consumed: a file offset, or decompressed bytes for gzip. */
  offset: number;
  /** 1-based line number at `offset`. */
  line: number;
  /** Parser mode at `offset` (the detected format); absent before anything was parsed. */
  mode?: ParserMode;
  /** Gzip file. */
  gz?: true;
  /** Gzip only: compressed size when the file was last read to its end. */
  size?: number;
  /** sha256 (16 hex) of the first `fpLen` bytes of the file, to notice a file replaced under the same inode. */
  fp?: string;
  fpLen?: number;
}

export interface FileSourceCheckpoint {
  v: 1;
  /** Keyed by path as shown in origins: relative to the config directory, or absolute when `path` is absolute. */
  files: Record<string, FileEntry>;
}

export interface FileSourceLimits {
  /** Records + rejects per batch. */
  maxBatchRecords: number;
  /** Bytes of input per batch. */
  maxBatchBytes: number;
}

export const DEFAULT_SOURCE_LIMITS: FileSourceLimits = { maxBatchRecords: 1000, maxBatchBytes: 1024 * 1024 };

const HEAD_BYTES = 1024;
const READ_CHUNK = 256 * 1024;

function isEntry(value: unknown): value is FileEntry {
  if (!value || typeof value !== "object") return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.ino === "string" &&
    typeof e.offset === "number" &&
    e.offset >= 0 &&
    typeof e.line === "number" &&
    e.line >= 1 &&
    (e.mode === undefined || PARSER_MODES.includes(e.mode as ParserMode)) &&
    (e.size === undefined || typeof e.size === "number") &&
    (e.fp === undefined || (typeof e.fp === "string" && typeof e.fpLen === "number"))
  );
}

/** Read a checkpoint back; undefined when there is none. Throws on a checkpoint this source did not write. */
export function readCheckpoint(checkpoint: unknown): FileSourceCheckpoint | undefined {
  if (checkpoint === undefined || checkpoint === null) return undefined;
  const c = checkpoint as Partial<FileSourceCheckpoint>;
  if (c.v !== 1 || !c.files || typeof c.files !== "object")
    throw new Error(`unrecognised file source checkpoint: ${JSON.stringify(checkpoint).slice(0, 200)}`);
  // Null prototype: a file named `__proto__` is a key like any other.
  const files = Object.create(null) as Record<string, FileEntry>;
  for (const [key, entry] of Object.entries(c.files)) if (isEntry(entry)) files[key] = entry;
  return { v: 1, files };
}

function toPosix(p: string): string {
  return path.sep === "/" ? p : p.split(path.sep).join("/");
}

interface Listed {
  key: string;
  abs: string;
}

class BatchBuilder {
  records: RecordInput[] = [];
  rejects: RejectedInput[] = [];
  skipped = 0;
  bytes = 0;
  constructor(private readonly limits: FileSourceLimits) {}
  get count(): number {
    return this.records.length + this.rejects.length + this.skipped;
  }
  get full(): boolean {
    return this.count >= this.limits.maxBatchRecords || this.bytes >= this.limits.maxBatchBytes;
  }
  take(checkpoint: FileSourceCheckpoint): SourceBatch {
    const batch: SourceBatch = { records: this.records, checkpoint };
    if (this.rejects.length) batch.rejects = this.rejects;
    if (this.skipped) batch.skipped = this.skipped;
    this.records = [];
    this.rejects = [];
    this.skipped = 0;
    this.bytes = 0;
    return batch;
  }
}

export function createFileSource(
  config: FileSourceConfig,
  ctx: PluginContext,
  limits: FileSourceLimits = DEFAULT_SOURCE_LIMITS,
): Source {
  const pattern = config.path;

  async function listFiles(): Promise<Listed[]> {
    const target = path.resolve(ctx.baseDir, pattern);
    let found: string[];
    let stat: Awaited<ReturnType<typeof fs.stat>> | undefined;
    try {
      stat = await fs.stat(target);
    } catch (error) {
      const code = fsErrorCode(error);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw classifyFsError(error, `stat ${pattern}`);
    }
    // A literal path wins over a glob reading of it (`report (1).ndjson`).
    if (stat?.isFile()) found = [target];
    else if (stat?.isDirectory())
      found = await glob("**/*", { cwd: target, absolute: true, onlyFiles: true, dot: false });
    else if (isDynamicPattern(pattern)) {
      const scan = picomatch.scan(toPosix(pattern));
      const cwd = path.resolve(ctx.baseDir, scan.base || ".");
      found = await glob(scan.glob, {
        cwd,
        absolute: true,
        onlyFiles: true,
        dot: false,
        expandDirectories: false,
      });
    } else found = [];
    const listed = found.map((abs) => {
      const normal = path.resolve(abs);
      return {
        abs: normal,
        key: path.isAbsolute(pattern) ? normal : toPosix(path.relative(ctx.baseDir, normal)),
      };
    });
    listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return listed;
  }

  async function* pull(checkpoint: unknown, signal: AbortSignal): AsyncGenerator<SourceBatch> {
    const stop = AbortSignal.any([signal, ctx.signal]);
    const follow = config.follow && ctx.mode !== "once";
    // Data at the end of a file may still be being written while following: a last line without newline waits.
    const flushAtEof = !follow;
    const files = Object.assign(
      Object.create(null) as Record<string, FileEntry>,
      readCheckpoint(checkpoint)?.files,
    );
    /** Files read to their end without completing (partial last line, truncated gzip): `ino:size` last seen. */
    const waiting = new Map<string, string>();
    const batch = new BatchBuilder(limits);
    let dirty = false;
    // Entries are updated in place for every record (setPosition), so a checkpoint copies them.
    const snapshot = (): FileSourceCheckpoint => {
      const copy = Object.create(null) as Record<string, FileEntry>;
      for (const [k, e] of Object.entries(files)) copy[k] = { ...e };
      return { v: 1, files: copy };
    };

    let warnedEmpty = false;
    while (!stop.aborted) {
      const listed = await listFiles();
      if (listed.length === 0 && !warnedEmpty) {
        // Not an error (files may appear later), but almost always a typo worth telling the user about.
        ctx.logger.warn({ path: config.path }, "no file matches path");
        warnedEmpty = true;
      }
      const prior = { ...files };
      const byIno = new Map<string, string>();
      for (const [key, entry] of Object.entries(prior)) byIno.set(entry.ino, key);
      const current = new Map<string, { st: BigIntStats; item: Listed }>();
      for (const item of listed) {
        try {
          const st = await fs.stat(item.abs, { bigint: true });
          if (st.isFile()) current.set(item.key, { st, item });
        } catch (error) {
          if (fsErrorCode(error) !== "ENOENT") throw classifyFsError(error, `stat ${item.key}`);
        }
      }
      for (const key of Object.keys(files)) {
        if (!current.has(key)) {
          delete files[key];
          dirty = true;
        }
      }

      for (const [key, { st, item }] of current) {
        if (stop.aborted) return;
        const ino = String(st.ino);
        let entry = files[key];
        if (!entry) {
          // Renamed (rotated) from a path that no longer holds this inode: keep its position.
          const from = byIno.get(ino);
          if (from !== undefined && from !== key && String(current.get(from)?.st.ino ?? "") !== ino) {
            entry = prior[from];
            if (entry) ctx.logger.debug({ file: key, from }, "file renamed: keeping its position");
          }
        } else if (entry.ino === ino) {
          const size = Number(st.size);
          if (entry.gz ? entry.size === size : entry.offset === size) continue;
        }
        if (waiting.get(key) === `${ino}:${st.size}`) continue;
        yield* readFile(item, entry);
      }

      if (batch.count > 0 || dirty) {
        dirty = false;
        yield batch.take(snapshot());
      }
      if (!follow) return;
      await sleep(config.pollInterval, stop);
    }

    /** Read one file from its entry's position, adding its events to the batch (yielding full batches). */
    async function* readFile(item: Listed, known: FileEntry | undefined): AsyncGenerator<SourceBatch> {
      const { key, abs } = item;
      let fh: fs.FileHandle;
      try {
        fh = await fs.open(abs, "r");
      } catch (error) {
        if (fsErrorCode(error) === "ENOENT") return;
        throw classifyFsError(error, `open ${key}`);
      }
      let stream: NodeJS.ReadableStream | undefined;
      const closeAll = async () => {
        (stream as PassThrough | undefined)?.destroy();
        await fh.close().catch(() => {});
      };
      try {
        const st = await fh.stat({ bigint: true });
        const ino = String(st.ino);
        const size = Number(st.size);
        const headBuf = Buffer.alloc(HEAD_BYTES);
        const { bytesRead } = await fh.read(headBuf, 0, HEAD_BYTES, 0);
        const head = headBuf.subarray(0, bytesRead);
        const gz = isGzip(head);

        let entry = known;
        let why: string | undefined;
        if (entry) {
          if (entry.ino !== ino) why = "file replaced (new inode)";
          else if (!entry.gz && entry.offset > size) why = "file truncated";
          else if (!!entry.gz !== gz) why = "file replaced (compression changed)";
          else if (entry.fp !== undefined && entry.fpLen !== undefined) {
            if (head.length < entry.fpLen || fingerprint(head.subarray(0, entry.fpLen)) !== entry.fp)
              why = "file replaced (content changed)";
          }
        }
        if (why) {
          ctx.logger.info({ file: key, offset: entry?.offset }, `${why}: reading it from the start`);
          entry = undefined;
        }
        if (!entry || entry.offset === 0 || entry.mode === undefined) {
          entry = { ino, offset: 0, line: 1, ...(gz ? { gz: true as const } : {}) };
          if (files[key]?.offset !== 0 || files[key]?.ino !== ino) {
            files[key] = entry;
            dirty = true;
          }
        } else if (files[key] !== entry) {
          files[key] = entry;
          dirty = true;
        }

        const resume: ParsePosition | undefined =
          entry.offset > 0 && entry.mode
            ? { offset: entry.offset, line: entry.line, mode: entry.mode }
            : undefined;
        const parser = new RecordParser(config.format, { resume, prefilter: ctx.prefilter });
        const setPosition = (pos: ParsePosition, extra?: Partial<FileEntry>) => {
          const current = files[key]!;
          current.offset = pos.offset;
          current.line = pos.line;
          current.mode = pos.mode;
          if (extra) Object.assign(current, extra);
          const fpLen = gz ? head.length : Math.min(head.length, pos.offset);
          if (current.fpLen !== fpLen || current.fp === undefined) {
            current.fp = fingerprint(head.subarray(0, fpLen));
            current.fpLen = fpLen;
          }
          dirty = true;
        };

        let skip = gz ? entry.offset : 0;
        const fileStream = fh.createReadStream({
          start: gz ? 0 : entry.offset,
          highWaterMark: READ_CHUNK,
          autoClose: false,
          emitClose: true,
        });
        if (gz) {
          const out = new PassThrough({ highWaterMark: READ_CHUNK });
          pipeline(fileStream, zlib.createGunzip(), out, () => {});
          stream = out;
        } else {
          stream = fileStream;
        }

        const take = function* (events: ParseEvent[]): Generator<SourceBatch> {
          for (const ev of events) {
            if (batch.full) {
              dirty = false;
              yield batch.take(snapshot());
            }
            const origin = `${key}:${ev.line}`;
            if (ev.kind === "record") {
              const input: RecordInput = { data: ev.value, origin };
              if (ev.text !== undefined) input.json = ev.text;
              batch.records.push(input);
            } else batch.rejects.push({ origin, reason: ev.reason, raw: ev.raw });
            batch.bytes += Math.max(0, ev.next.offset - files[key]!.offset);
            setPosition(ev.next);
          }
        };

        let failure: Error | undefined;
        try {
          for await (const data of stream) {
            let chunk = data as Buffer;
            if (skip > 0) {
              if (chunk.length <= skip) {
                skip -= chunk.length;
                continue;
              }
              chunk = chunk.subarray(skip);
              skip = 0;
            }
            yield* take(parser.push(chunk));
            batch.skipped += parser.takeSkipped();
            if (stop.aborted) return;
          }
        } catch (error) {
          const code = fsErrorCode(error);
          if (gz && code?.startsWith("Z_")) failure = error as Error;
          else if (code === "ENOENT") return;
          else throw classifyFsError(error, `read ${key}`);
        }

        if (failure) {
          // A truncated or corrupt gzip file: keep what was read; report it unless it may still be being written.
          const line = parser.position?.line ?? files[key].line;
          if (follow) {
            waiting.set(key, `${ino}:${size}`);
          } else {
            if (batch.full) {
              dirty = false;
              yield batch.take(snapshot());
            }
            batch.rejects.push({ origin: `${key}:${line}`, reason: `gzip: ${failure.message}`, raw: "" });
            if (parser.position) setPosition(parser.position, { size });
            else files[key] = { ...files[key], size };
            dirty = true;
          }
          return;
        }
        if (gz || flushAtEof) {
          yield* take(parser.end());
          batch.skipped += parser.takeSkipped();
          const pos = parser.position;
          if (pos) setPosition(pos, gz ? { size } : {});
          else if (gz) files[key] = { ...files[key], size };
          dirty = true;
        } else {
          const pos = parser.position;
          if (pos && pos.offset !== files[key].offset) setPosition(pos);
          if ((pos?.offset ?? files[key].offset) < size) waiting.set(key, `${ino}:${size}`);
        }
      } finally {
        await closeAll();
      }
    }
  }

  return {
    pull,
    // A file is only read: nothing is acknowledged after a yield.
    readAhead: true,
    async test() {
      const listed = await listFiles();
      if (listed.length === 0) {
        const scanBase = isDynamicPattern(pattern)
          ? picomatch.scan(toPosix(pattern)).base || "."
          : path.dirname(pattern);
        const dir = path.resolve(ctx.baseDir, scanBase);
        try {
          await fs.access(dir);
        } catch (error) {
          throw new ConfigurationError(`file source: ${pattern}: no such file or directory (${dir})`, {
            cause: error,
          });
        }
        return;
      }
      const first = listed[0]!;
      try {
        await (await fs.open(first.abs, "r")).close();
      } catch (error) {
        throw classifyFsError(error, `open ${first.key}`);
      }
    },
    async close() {},
  };
}
