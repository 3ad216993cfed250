/**
 * Where a lane keeps the JSON of the records its batches hold: UTF-8, back to back, in chunks outside the
 * JavaScript heap. A full batch (a `file` object is 8 MiB by default) then costs a few chunks instead of one
 * string per record, and since a batch lives long enough to outlast young-generation collections, those strings
 * would otherwise all be promoted and wait for a full collection to be freed. Chunks are never reused: a
 * record's bytes stay valid for as long as anything holds the record.
 */
const CHUNK_BYTES = 256 * 1024;

export class JsonArena {
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private used = 0;
  /** The chunk and offset of the text `append` wrote last. */
  lastChunk: Buffer = this.chunk;
  lastStart = 0;

  /** Encode `json`, returning its UTF-8 length; it is at lastChunk[lastStart, lastStart + length). */
  append(json: string): number {
    // At most 3 bytes per UTF-16 unit.
    const room = json.length * 3;
    if (this.used + room > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, room));
      this.used = 0;
    }
    const bytes = this.chunk.write(json, this.used, "utf8");
    this.lastChunk = this.chunk;
    this.lastStart = this.used;
    this.used += bytes;
    return bytes;
  }

  /** Give back the space of the text `append` wrote last (a record that was not kept). */
  dropLast(): void {
    if (this.lastChunk === this.chunk) this.used = this.lastStart;
  }
}
