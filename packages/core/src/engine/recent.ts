/**
 * Records this process has just buffered, kept parsed for a while, so that lanes running close behind
 * ingest take them from memory instead of reading and parsing them back from the durable buffer. The buffer
 * stays the source of truth: a lane that falls behind (or a record from an earlier run) reads it from there.
 *
 * Records are let go as soon as every lane following the source has read past them, so memory holds about
 * the distance between ingest and the slowest lane, never more than `max` records.
 */
import { stringifyJson } from "../formats/lossless-number.js";
import type { BufferedRecord } from "../state/interfaces.js";

/**
 * A buffered record with its data parsed. It does not keep the data's JSON text: lanes need the text only for
 * a dead letter, and holding both would double what every record in flight costs in memory.
 */
export class RecentRecord implements BufferedRecord {
  constructor(
    /** Set once the record is committed. */
    public seq: number,
    readonly id: string,
    readonly type: string,
    readonly subtype: string,
    readonly source: string,
    readonly time: number,
    readonly origin: string | null,
    readonly data: unknown,
  ) {}

  get dataJson(): string {
    return stringifyJson(this.data);
  }
}

/** One source's recent records, in seq order. */
export class RecentRecords {
  private items: RecentRecord[] = [];
  private head = 0;
  /** Every record of the source with seq > floor that this process buffered is in `items`. */
  private floor: number;
  /** Lanes reading this source, with the last seq each has read. */
  private readonly readers = new Map<string, number>();

  constructor(
    lastSeqAtStart: number,
    private readonly max: number,
  ) {
    this.floor = lastSeqAtStart;
  }

  /** Number of records held. */
  get size(): number {
    return this.items.length - this.head;
  }

  add(records: RecentRecord[]): void {
    for (const r of records) this.items.push(r);
    this.trim();
  }

  /** A lane starts (or goes on) reading this source after `seq`. */
  follow(reader: string, seq: number): void {
    this.readers.set(reader, seq);
    this.trim();
  }

  /** A lane stops reading: it no longer holds records in memory. */
  unfollow(reader: string): void {
    this.readers.delete(reader);
    this.trim();
  }

  /** Up to `limit` records after `afterSeq`, or undefined when memory cannot answer for the whole range. */
  read(afterSeq: number, limit: number): RecentRecord[] | undefined {
    if (afterSeq < this.floor) return undefined;
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return this.items.slice(lo, lo + limit);
  }

  private trim(): void {
    let slowest = Infinity;
    for (const seq of this.readers.values()) slowest = Math.min(slowest, seq);
    if (this.readers.size === 0) slowest = -Infinity;
    let live = this.items.length - this.head;
    while (live > 0) {
      const first = this.items[this.head]!;
      if (first.seq > slowest && live <= this.max) break;
      this.floor = first.seq;
      this.head++;
      live--;
    }
    // Compact once the dead prefix is as long as the live part, so the array stays at about twice the live part.
    if (this.head > 0 && this.head >= live) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
