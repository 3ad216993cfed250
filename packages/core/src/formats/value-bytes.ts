/**
 * The bytes of the value a StructParser is cutting out, collected chunk by chunk. Past a cap only the head is
 * kept (for the report of an oversized value), so memory stays bounded whatever the input.
 */
import { RAW_BYTES } from "./mode-parser.js";

export class ValueBytes {
  private chunks: Buffer[] = [];
  /** Bytes appended, kept or not. */
  private len = 0;
  /** Bytes kept once oversize (at most RAW_BYTES). */
  private kept = 0;
  /** More than the cap was appended: only the head is kept. */
  oversize = false;

  /** Add buf[start, end); past `cap` bytes in all, keep only the head. */
  append(buf: Buffer, start: number, end: number, cap: number): void {
    if (end <= start) return;
    const part = buf.subarray(start, end);
    if (!this.oversize && this.len + part.length > cap) {
      this.oversize = true;
      const head = Buffer.concat([...this.chunks, part]).subarray(0, RAW_BYTES);
      this.chunks = [head];
      this.kept = head.length;
    } else if (this.oversize) {
      if (this.kept < RAW_BYTES) {
        const piece = part.subarray(0, RAW_BYTES - this.kept);
        this.chunks.push(piece);
        this.kept += piece.length;
      }
    } else {
      this.chunks.push(part);
    }
    this.len += part.length;
  }

  /** The collected bytes as text (what is kept of them). */
  text(): string {
    const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return buf.toString("utf8");
  }

  clear(): void {
    this.chunks = [];
    this.len = 0;
    this.kept = 0;
    this.oversize = false;
  }
}
