/**
 * A source's batch under construction: records, rejects and prefilter-skipped inputs collected until a
 * record count, a byte size or an age is reached. Every source that reads a stream of inputs (files, S3
 * objects, a syslog receiver) builds its batches with this one class, so the limits mean the same everywhere.
 */
import { performance } from "node:perf_hooks";
import type { RecordInput, RejectedInput, SourceBatch } from "./types.js";

export interface SourceBatchLimits {
  /** Inputs (records, rejects and skipped) per batch. */
  maxBatchRecords: number;
  /** Input bytes per batch (as the source measures them: line or message bytes). */
  maxBatchBytes: number;
  /** Age of the oldest input after which the batch is due; unset: no age limit. */
  maxBatchAgeMs?: number;
}

export class SourceBatcher {
  records: RecordInput[] = [];
  rejects: RejectedInput[] = [];
  skipped = 0;
  bytes = 0;
  /** When the oldest pending input was added (`now()` time), 0 when empty. */
  firstAt = 0;

  constructor(
    readonly limits: SourceBatchLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Inputs pending: records, rejects and skipped ones. */
  get count(): number {
    return this.records.length + this.rejects.length + this.skipped;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** The record or byte limit is reached. */
  get full(): boolean {
    return this.count >= this.limits.maxBatchRecords || this.bytes >= this.limits.maxBatchBytes;
  }

  /** Milliseconds until the age limit makes the batch due (Infinity without one or when empty; 0 when due). */
  msUntilDue(): number {
    const maxAge = this.limits.maxBatchAgeMs;
    if (maxAge === undefined || this.empty) return Infinity;
    return Math.max(0, this.firstAt + maxAge - this.now());
  }

  /** Full, or older than the age limit. */
  get due(): boolean {
    return this.full || this.msUntilDue() === 0;
  }

  add(record: RecordInput, bytes: number): void {
    this.arrived(bytes);
    this.records.push(record);
  }

  /** A rejected input; its size defaults to the length of its raw text. */
  reject(reject: RejectedInput, bytes: number = reject.raw.length): void {
    this.arrived(bytes);
    this.rejects.push(reject);
  }

  /** Inputs the prefilter skipped: they count towards the limits and are reported with the batch. */
  skip(count = 1, bytes = 0): void {
    this.arrived(bytes);
    this.skipped += count;
  }

  /** The batch with `checkpoint`; the batcher is empty afterwards. */
  take(checkpoint: unknown): SourceBatch {
    const batch: SourceBatch = { records: this.records, checkpoint };
    if (this.rejects.length) batch.rejects = this.rejects;
    if (this.skipped) batch.skipped = this.skipped;
    this.records = [];
    this.rejects = [];
    this.skipped = 0;
    this.bytes = 0;
    this.firstAt = 0;
    return batch;
  }

  private arrived(bytes: number): void {
    if (this.empty) this.firstAt = this.now();
    this.bytes += bytes;
  }
}
