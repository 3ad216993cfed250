/**
 * Reads one object into records and rejects, each with the position just after it, so that a source can resume
 * inside an object exactly where its last committed batch ended.
 *
 * - Gzip is recognised by content. A plain object resumes with a Range request at the byte offset; a gzip object
 *   cannot be seeked, so it is decompressed from the start and `offset` decompressed bytes are skipped.
 * - `cloudtrail` (or `auto` on a body that starts with `{"Records": [`): the whole object is parsed and each
 *   element of `Records` becomes a record, with `eventID` as its id and `eventTime` as its time; the position is
 *   the index in `Records`. Other formats stream through core's RecordParser.
 * - A position remembers the object's ETag: an object replaced since is read again from the start.
 */
import type { Readable } from "node:stream";
import {
  RecordParser,
  isGzip,
  maybeGunzip,
  type ParseEvent,
  type ParserMode,
  type PluginContext,
} from "@logshipper/core/sdk";
import type { ObjectBody, S3Store } from "../client.js";
import type { SourceFormat } from "../config.js";
import { httpStatus } from "../errors.js";
import { cloudTrailItems, looksLikeCloudTrail, MAX_CLOUDTRAIL_BYTES } from "./cloudtrail.js";

export interface ObjectPosition {
  /** Bytes consumed (decompressed for gzip). */
  offset: number;
  /** 1-based line number at `offset`. */
  line: number;
  /** Parser mode, or "cloudtrail"; absent before anything was parsed. */
  mode?: ParserMode | "cloudtrail" | undefined;
  gz?: true | undefined;
  /** CloudTrail: elements of `Records` already handed over. */
  index?: number | undefined;
  etag?: string | undefined;
  /** Everything in the object was handed over (set after a corrupt gzip stream or an unreadable CloudTrail file). */
  end?: true | undefined;
}

/**
 * A record or a reject, with the position just after it and about how many input bytes it took; `invalidUtf8`
 * when its bytes were not valid UTF-8 (core counts and reports it).
 */
export type ObjectItem = (
  | {
      kind: "record";
      data: Record<string, unknown>;
      id?: string;
      time?: number;
      origin: string;
      bytes: number;
      next: ObjectPosition;
    }
  | { kind: "reject"; origin: string; reason: string; raw: string; bytes: number; next: ObjectPosition }
) & { invalidUtf8?: true };

export interface ReadTarget {
  bucket: string;
  key: string;
}

/** Bytes of a stream, with the first chunk available before the rest is read. */
async function head(
  body: AsyncIterable<Uint8Array>,
): Promise<{ first: Buffer; rest: AsyncGenerator<Buffer> }> {
  const it = body[Symbol.asyncIterator]();
  const r = await it.next();
  const first = r.done ? Buffer.alloc(0) : Buffer.from(r.value);
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (first.length) yield first;
      if (!r.done) for (let n = await it.next(); !n.done; n = await it.next()) yield Buffer.from(n.value);
    } finally {
      await it.return?.();
    }
  }
  return { first, rest: rest() };
}

/** Skip `count` bytes of a stream. */
async function* skipBytes(input: AsyncIterable<Buffer>, count: number): AsyncGenerator<Buffer> {
  let left = count;
  for await (const chunk of input) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}

/**
 * GetObject from the saved position (a Range request for a plain object), or from the start when the object is
 * shorter than that position or was replaced since (another ETag): then `resume` is undefined.
 */
async function openObject(
  store: S3Store,
  target: ReadTarget,
  saved: ObjectPosition | undefined,
  signal: AbortSignal,
  ctx: PluginContext,
): Promise<{ object: ObjectBody; resume: ObjectPosition | undefined; from: number }> {
  const where = `s3://${target.bucket}/${target.key}`;
  let resume = saved;
  let from = resume?.mode !== undefined && resume.mode !== "cloudtrail" && !resume.gz ? resume.offset : 0;
  let object: ObjectBody;
  try {
    object = await store.get(target.bucket, target.key, from, signal);
  } catch (error) {
    if (from === 0 || httpStatus(error) !== 416) throw error;
    ctx.logger.info(
      { object: where },
      "object is shorter than the saved position: reading it from the start",
    );
    resume = undefined;
    from = 0;
    object = await store.get(target.bucket, target.key, 0, signal);
  }
  if (resume?.etag !== undefined && object.etag !== undefined && object.etag !== resume.etag) {
    ctx.logger.info({ object: where }, "object replaced since it was last read: reading it from the start");
    resume = undefined;
    if (from > 0) {
      object.body.destroy();
      from = 0;
      object = await store.get(target.bucket, target.key, 0, signal);
    }
  }
  return { object, resume, from };
}

/**
 * The items of an object after `resume`, in chunks. Throws the SDK's error when S3 fails (the caller classifies
 * it); a corrupt gzip stream ends the object with a reject.
 */
export async function* readObject(
  store: S3Store,
  target: ReadTarget,
  format: SourceFormat,
  resume: ObjectPosition | undefined,
  signal: AbortSignal,
  ctx: PluginContext,
): AsyncGenerator<ObjectItem[]> {
  const where = `s3://${target.bucket}/${target.key}`;
  if (resume?.end) return;
  const opened = await openObject(store, target, resume, signal, ctx);
  const { object, from } = opened;
  resume = opened.resume;
  const etag = object.etag;
  const body: Readable = object.body;
  try {
    const { first, rest } = await head(body);
    const gz = from === 0 && isGzip(first);
    const extra = { ...(gz && { gz: true as const }), ...(etag !== undefined && { etag }) };
    let bytes: AsyncGenerator<Buffer> = gz ? maybeGunzip(rest) : rest;
    const plain = await head(bytes);
    bytes = plain.rest;
    const cloudtrail =
      resume?.mode === "cloudtrail" ||
      format === "cloudtrail" ||
      (format === "auto" && resume?.mode === undefined && looksLikeCloudTrail(plain.first));
    if (cloudtrail) {
      yield* cloudTrailItems(bytes, where, resume?.index ?? 0, MAX_CLOUDTRAIL_BYTES, extra);
      return;
    }
    if (gz && resume?.mode !== undefined && resume.offset > 0) bytes = skipBytes(bytes, resume.offset);
    const parser = new RecordParser(format, {
      resume:
        resume?.mode !== undefined && resume.mode !== "cloudtrail"
          ? { offset: resume.offset, line: resume.line, mode: resume.mode }
          : undefined,
    });
    let offset = resume?.offset ?? 0;
    const items = (events: ParseEvent[]): ObjectItem[] =>
      events.map((ev) => {
        const next: ObjectPosition = { ...ev.next, ...extra };
        const origin = `${where}:${ev.line}`;
        const bytes = Math.max(0, ev.next.offset - offset);
        offset = ev.next.offset;
        const invalid = ev.invalidUtf8 && { invalidUtf8: true as const };
        return ev.kind === "record"
          ? { kind: "record", data: ev.value, origin, bytes, next, ...invalid }
          : { kind: "reject", origin, reason: ev.reason, raw: ev.raw, bytes, next, ...invalid };
      });
    try {
      for await (const chunk of bytes) {
        const out = items(parser.push(chunk));
        if (out.length) yield out;
      }
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (!(gz && typeof code === "string" && code.startsWith("Z_"))) throw error;
      // A truncated or corrupt gzip object: keep what was read, report the rest, and move on.
      const pos = parser.position ?? { offset: resume?.offset ?? 0, line: resume?.line ?? 1, mode: "ndjson" };
      const reason = `gzip: ${(error as Error).message}`;
      yield [
        {
          kind: "reject",
          origin: `${where}:${pos.line}`,
          reason,
          raw: "",
          bytes: 0,
          next: { ...pos, ...extra, end: true },
        },
      ];
      return;
    }
    const last = items(parser.end());
    if (last.length) yield last;
  } finally {
    body.destroy();
  }
}
