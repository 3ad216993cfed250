/**
 * Gzip, recognised by its content (magic bytes 1f 8b), not by a name: bytes pass through unchanged unless
 * they start with the magic, and are then gunzipped streaming (multi-member aware).
 */
import { PassThrough, Readable, pipeline } from "node:stream";
import zlib from "node:zlib";
import { isGzip } from "./detect.js";

/** Bytes to parse: a Node Readable, an async generator, or an array of chunks. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A complete buffer or text as a Buffer, gunzipped when it is gzip. */
export function gunzipBuffer(input: Buffer | string): Buffer {
  const buf = toBuffer(input);
  return isGzip(buf) ? zlib.gunzipSync(buf) : buf;
}

/**
 * Pass the bytes through, gunzipping them (streaming, multi-member aware) when they start with the gzip magic.
 * Errors of the input and of decompression (`Z_BUF_ERROR` truncated, `Z_DATA_ERROR` corrupt) are thrown.
 */
export async function* maybeGunzip(input: ByteSource): AsyncGenerator<Buffer> {
  const it =
    Symbol.asyncIterator in input
      ? input[Symbol.asyncIterator]()
      : (Readable.from(input)[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>);
  // Enough bytes to see the magic number.
  const head: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 2) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = toBuffer(r.value);
    head.push(b);
    headLen += b.length;
  }
  const first = Buffer.concat(head, headLen);
  if (!isGzip(first)) {
    try {
      if (first.length) yield first;
      if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
    } finally {
      if (!done) await it.return?.();
    }
    return;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      yield first;
      if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
    } finally {
      await it.return?.();
    }
  }
  const gunzip = zlib.createGunzip();
  const out = new PassThrough();
  pipeline(Readable.from(rest()), gunzip, out, () => {});
  try {
    for await (const chunk of out) yield chunk as Buffer;
  } finally {
    out.destroy();
  }
}
