/**
 * A lane runs one SIEM mapping: it reads the durable buffer from its own cursor, applies the business rule
 * and the mapping, deduplicates, batches within the destination's limits, delivers, and commits the cursor
 * together with the acknowledged ids and dead letters. A slow destination only slows its own lanes.
 */
import type { z } from "zod";
import type { SiemMappingConfig } from "../config/load.js";
import { ERROR_CODES } from "../error-codes.js";
import { parseJson, stringifyJson } from "../formats/lossless-number.js";
import { STAGES, type EngineMetrics, type Stage } from "../metrics.js";
import { mapRecord, mapRecordSync } from "../mapping/index.js";
import { mappingPacer } from "../mapping/pacer.js";
import type { DeadLetterInput, BufferedRecord, StateStore } from "../state/interfaces.js";
import type { LogRecord, Logger, OutputRecord } from "../sdk/types.js";
import type { DestinationRuntime } from "./destination-runtime.js";
import { DeliveryInterrupted } from "./dispatcher.js";
import { InFlightBatches, recordPayload, type CommitOutcome, type PendingBatch } from "./in-flight.js";
import type { RecentRecord, RecentRecords } from "./recent.js";
import { DeadLetterLog } from "./dead-letter-log.js";
import { JsonArena } from "./json-arena.js";
import { JsonOutputRecord } from "./output-record.js";
import { emptyStats, type LaneStats } from "./stats.js";

const READ_CHUNK = 2000;

export interface LaneEnvironment {
  store: StateStore;
  metrics: EngineMetrics;
  logger: Logger;
  now: () => number;
  /** True once every source has finished (`--once`): the lane drains and stops. */
  ingestDone: () => boolean;
  /** Records of this lane's source just buffered by this process. */
  recent: RecentRecords;
  /** Resolves when new records are buffered (or after `ms`). */
  waitForData: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface ProcessedRow {
  seq: number;
  output?: OutputRecord;
  deadLetter?: DeadLetterInput;
}

/** A processed row with an output, still to be checked against dedup. */
interface Candidate {
  index: number;
  record: OutputRecord;
}

export class Lane {
  readonly stats: LaneStats = emptyStats();
  private readonly unpublished: LaneStats = emptyStats();
  readonly name: string;
  private cursor = 0;
  /** Last seq handed to delivery (in flight or committed). */
  private handedOff = 0;
  private readonly inFlight: InFlightBatches;
  private pending: PendingBatch;
  private readonly log: Logger;
  private readonly deadLetterLog: DeadLetterLog;
  /** The JSON of the records this lane's batches hold. */
  private readonly arena = new JsonArena();

  constructor(
    readonly config: SiemMappingConfig,
    readonly destination: DestinationRuntime,
    private readonly env: LaneEnvironment,
  ) {
    this.name = config.name;
    this.log = env.logger.child({ siemMapping: config.name });
    this.pending = this.emptyBatch(0);
    this.deadLetterLog = new DeadLetterLog(this.log);
    const { store, now } = env;
    this.inFlight = new InFlightBatches(config.name, destination, store, this.log, now, this.deadLetterLog);
  }

  /** Counts locally; `publishMetrics` hands the counts to prom-client once per chunk, not per record. */
  count(stage: Stage, n = 1): void {
    this.stats[stage] += n;
    this.unpublished[stage] += n;
  }

  publishMetrics(): void {
    for (const stage of STAGES) {
      const n = this.unpublished[stage];
      if (n === 0) continue;
      this.env.metrics.records.inc({ stage, siem_mapping: this.name }, n);
      this.unpublished[stage] = 0;
    }
  }

  get committedSeq(): number {
    return this.cursor;
  }

  private emptyBatch(lastSeq: number): PendingBatch {
    return { records: [], bytes: 0, deadLetters: [], lastSeq, openedAt: 0 };
  }

  /**
   * Runs until `stop` aborts (then delivers what is pending and returns), or, under `--once`, until everything
   * buffered is settled. `kill` interrupts deliveries in flight: their batch stays in the buffer, uncommitted.
   */
  async run(stop: AbortSignal, kill: AbortSignal): Promise<void> {
    const start = await this.env.store.getCursor(this.name);
    this.cursor = start.seq;
    this.handedOff = start.seq;
    this.pending = this.emptyBatch(start.seq);
    // Batches were in flight when the process stopped: re-form exactly those batches first, so that a
    // destination that names objects by content overwrites what it may already have written.
    const recover = start.inflight.filter((end) => end > start.seq);
    let readFrom = start.seq;
    this.env.recent.follow(this.name, readFrom);
    try {
      while (!stop.aborted) {
        const rows =
          this.env.recent.read(readFrom, READ_CHUNK) ??
          (await this.env.store.buffer.read(this.config.source, readFrom, READ_CHUNK));
        if (rows.length === 0) {
          recover.length = 0;
          if (await this.idle(stop, kill)) return;
          continue;
        }
        const processed = await this.process(rows, stop);
        this.publishMetrics();
        for (const item of processed) {
          if (item.output) {
            if (recover.length === 0 && this.wouldOverflow(item.output)) await this.flush(kill);
            this.add(item.output);
          }
          if (item.deadLetter) this.pending.deadLetters.push(item.deadLetter);
          this.pending.lastSeq = item.seq;
          if (recover.length > 0) {
            if (item.seq >= recover[0]!) {
              await this.flush(kill);
              recover.shift();
            }
          } else if (this.pending.records.length >= this.destination.limits.maxBatchRecords)
            await this.flush(kill);
        }
        readFrom = rows[rows.length - 1]!.seq;
        this.env.recent.follow(this.name, readFrom);
        if (recover.length === 0 && this.batchExpired()) await this.flush(kill);
      }
      // Stopping: objects are closed at shutdown, so deliver what is pending.
      // (Not a half-recovered batch: it must be re-formed whole on the next run.)
      if (this.pending.lastSeq > this.pendingStart() && recover.length === 0) await this.flush(kill);
      await this.inFlight.drain((o) => this.committed(o));
    } catch (error) {
      if (!(error instanceof DeliveryInterrupted)) throw error;
      this.log.warn(
        {},
        "shutdown interrupted a delivery; its batch stays buffered and is sent on the next run",
      );
    } finally {
      this.deadLetterLog.flush();
      this.env.recent.unfollow(this.name);
      this.destination.release(
        [...this.pending.records.map((r) => r.id), ...this.inFlight.heldIds()],
        this.name,
      );
    }
  }

  /**
   * Nothing new to read: commit what is on the wire, flush a batch that is due, or wait for data. Returns true
   * once an `--once` run has settled everything buffered.
   */
  private async idle(stop: AbortSignal, kill: AbortSignal): Promise<boolean> {
    if (this.inFlight.size > 0) {
      await this.inFlight.drain((o) => this.committed(o));
      return false;
    }
    if (this.pending.lastSeq > this.pendingStart() && (this.batchExpired() || this.env.ingestDone())) {
      await this.flush(kill);
      return false;
    }
    if (this.env.ingestDone() && this.pending.lastSeq === this.pendingStart()) {
      return (await this.env.store.buffer.lastSeq(this.config.source)) <= this.cursor;
    }
    const wait = this.pending.records.length
      ? Math.max(1, this.pending.openedAt + this.destination.maxAgeMs - this.env.now())
      : 1000;
    await this.env.waitForData(Math.min(wait, 1000), stop);
    return false;
  }

  private batchExpired(): boolean {
    return (
      this.pending.records.length > 0 && this.env.now() - this.pending.openedAt >= this.destination.maxAgeMs
    );
  }

  private wouldOverflow(record: OutputRecord): boolean {
    return (
      this.pending.records.length > 0 &&
      this.pending.bytes + record.bytes > this.destination.limits.maxBatchBytes
    );
  }

  private add(record: OutputRecord): void {
    if (this.pending.records.length === 0) this.pending.openedAt = this.env.now();
    this.pending.records.push(record);
    this.pending.bytes += record.bytes;
  }

  /** Rule, mapping, output checks and dedup for a chunk of buffered records (a prefix of it, at shutdown). */
  private async process(rows: (BufferedRecord | RecentRecord)[], stop: AbortSignal): Promise<ProcessedRow[]> {
    const { config, destination } = this;
    const out: ProcessedRow[] = [];
    const candidates: Candidate[] = [];
    const options = { additionalData: destination.config.additionalData };
    for (const row of rows) {
      // A mapping may run to its budget on each record: let signals and `/metrics` in, and stop mapping at
      // shutdown (the rows not reached stay buffered: the cursor only passes the rows returned).
      if (mappingPacer.due()) {
        await mappingPacer.yield();
        if (stop.aborted) break;
      }
      if ("lane" in row && row.lane && row.lane !== this.name) {
        // A dead letter of another SIEM mapping, replayed for that one only: settled here untouched.
        out.push({ seq: row.seq });
        continue;
      }
      const record: LogRecord = {
        id: row.id,
        type: row.type,
        subtype: row.subtype,
        source: row.source,
        time: row.time,
        data: "data" in row ? row.data : parseJson(row.dataJson),
      };
      // Records were filtered at ingest, but the buffer is shared by every SIEM mapping of the source.
      const item: ProcessedRow = { seq: row.seq };
      out.push(item);
      if (!config.rule.predicate(record)) continue;
      let value: unknown;
      let unmapped: Record<string, unknown> | undefined;
      try {
        // Compiled mappings map without a promise; interpreted ones (and errors, for their exact text) await.
        ({ value, unmapped } =
          mapRecordSync(config.mapping, record, options) ??
          (await mapRecord(config.mapping, record, options)));
      } catch (error) {
        item.deadLetter = this.deadLetter(row, "mapping", error);
        continue;
      }
      const schema = destination.config.plugin.outputSchema;
      if (schema) {
        const check = schema.safeParse(value);
        if (!check.success) {
          item.deadLetter = this.schemaDeadLetter(row, check.error);
          continue;
        }
        value = check.data;
      }
      this.count("mapped");
      // stringifyJson: numbers a double cannot hold (in records that have them) leave as they came.
      const bytes = this.arena.append(stringifyJson(value, record.data));
      if (bytes > destination.limits.maxRecordBytes) {
        this.arena.dropLast();
        item.deadLetter = this.deadLetter(row, "output", {
          code: ERROR_CODES.RECORD_TOO_LARGE,
          message: `mapped record is ${bytes} bytes; destination ${destination.name} accepts at most ${destination.limits.maxRecordBytes}`,
        });
        continue;
      }
      const output = this.outputRecord(record, bytes, row.seq, unmapped);
      item.output = output;
      candidates.push({ index: out.length - 1, record: output });
    }
    if (destination.dedupEnabled && candidates.length > 0) {
      const delivered = await this.env.store.delivered(
        destination.name,
        candidates.map((c) => c.record.id),
        this.env.now(),
      );
      this.dropDuplicates(out, candidates, delivered);
    }
    return out;
  }

  /** The output of a record that passed mapping and checks; its JSON is the arena's last entry. */
  private outputRecord(
    record: LogRecord,
    bytes: number,
    seq: number,
    unmapped: Record<string, unknown> | undefined,
  ): JsonOutputRecord {
    const output = new JsonOutputRecord(
      {
        id: record.id,
        type: record.type,
        subtype: record.subtype,
        source: record.source,
        time: record.time,
        destination: this.destination.name,
        mapping: this.name,
      },
      this.arena.lastChunk,
      this.arena.lastStart,
      bytes,
      seq,
    );
    if (unmapped && Object.keys(unmapped).length > 0) output.unmapped = unmapped;
    return output;
  }

  /** Drop the outputs of a chunk that the destination already has or that another batch holds. */
  private dropDuplicates(out: ProcessedRow[], candidates: Candidate[], delivered: Set<string>): void {
    for (const c of candidates) {
      // Already delivered, or held by a batch not committed yet (this lane's or another's).
      if (delivered.has(c.record.id) || !this.destination.claim(c.record.id, this.name)) {
        delete out[c.index]!.output;
        this.count("deduplicated");
      }
    }
  }

  /** A record whose mapped value fails the destination's output schema, with every issue as the reason. */
  private schemaDeadLetter(row: BufferedRecord, error: z.ZodError): DeadLetterInput {
    const reason = error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    return this.deadLetter(row, "output", { code: ERROR_CODES.OUTPUT_SCHEMA, message: reason });
  }

  private deadLetter(row: BufferedRecord, stage: "mapping" | "output", error: unknown): DeadLetterInput {
    const e = error as { code?: string; message?: string };
    const code = e.code ?? ERROR_CODES.MAPPING_EVAL;
    const reason = e.message ?? String(error);
    const note = { stage, code, recordId: row.id, origin: row.origin, reason };
    this.deadLetterLog.note(note, `record dead-lettered at ${stage}`);
    return {
      stage,
      source: row.source,
      mapping: this.name,
      destination: this.destination.name,
      recordId: row.id,
      origin: row.origin ?? undefined,
      code,
      reason,
      payload: recordPayload(row, row.dataJson),
    };
  }

  /** Where the pending batch starts: after the last batch handed to delivery (committed or in flight). */
  private pendingStart(): number {
    return this.handedOff;
  }

  /** Hand the pending batch to delivery; returns once it is on its way (or committed, when the queue is full). */
  private async flush(kill: AbortSignal): Promise<void> {
    const batch = this.pending;
    this.pending = this.emptyBatch(batch.lastSeq);
    this.handedOff = batch.lastSeq;
    await this.inFlight.start(batch, kill, (o) => this.committed(o));
  }

  private committed(o: CommitOutcome): void {
    this.cursor = o.cursor;
    this.count("sent", o.sent);
    this.count("deadlettered", o.deadLettered);
    this.publishMetrics();
  }
}
