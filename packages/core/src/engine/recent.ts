/**
 * Records this process has just buffered, kept parsed for a while, so that lanes running close behind
 * ingest take them from memory instead of reading and parsing them back from the durable buffer. The buffer
 * stays the source of truth: a lane that falls behind (or a record from an earlier run) reads it from there.
 */
import type { BufferedRecord } from "../state/interfaces.js";

export interface RecentRecord extends BufferedRecord {
  data: unknown;
}

/** One source's recent records, in seq order, bounded by count. */
export class RecentRecords {
  private items: RecentRecord[] = [];
  private head = 0;
  /** Every record of the source with seq > floor that this process buffered is in `items`. */
  private floor: number;

  constructor(
    lastSeqAtStart: number,
    private readonly max: number,
  ) {
    this.floor = lastSeqAtStart;
  }

  add(records: RecentRecord[]): void {
    for (const r of records) this.items.push(r);
    let live = this.items.length - this.head;
    while (live > this.max) {
      this.floor = this.items[this.head]!.seq;
      this.head++;
      live--;
    }
    // Compact once the dead prefix is as long as the live part, so memory stays at about 2 * max.
    if (this.head > 0 && this.head >= live) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
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
}
