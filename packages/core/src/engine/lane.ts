/**
 * A lane runs one SIEM mapping: it reads the durable buffer from its own cursor, applies the business rule
 * and the mapping, deduplicates, batches within the destination's limits, delivers, and commits the cursor
 * together with the acknowledged ids and dead letters. A slow destination only slows its own lanes.
 */
import type { SiemMappingConfig } from "../config/load.js";
import { STAGES, type EngineMetrics, type Stage } from "../metrics.js";
import { mapRecord } from "../mapping/index.js";
import type { DeadLetterInput, BufferedRecord, StateStore } from "../state/interfaces.js";
import type { LogRecord, Logger, OutputRecord } from "../sdk/types.js";
import type { DestinationRuntime } from "./destination-runtime.js";
import { deliver, DeliveryInterrupted } from "./dispatcher.js";
import type { RecentRecord, RecentRecords } from "./recent.js";
import { emptyStats, type LaneStats } from "./stats.js";
import { sleep } from "../sdk/sleep.js";

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
  dataJson: string;
  output?: OutputRecord;
  deadLetter?: DeadLetterInput;
}

/** A dead letter's payload is the whole record, so `deadletter replay` can put it back in the buffer. */
function recordPayload(
  r: { id: string; type: string; subtype: string; source: string; time: number },
  dataJson: string,
): string {
  return `{"id":${JSON.stringify(r.id)},"type":${JSON.stringify(r.type)},"subtype":${JSON.stringify(r.subtype)},"source":${JSON.stringify(r.source)},"time":${r.time},"data":${dataJson}}`;
}

interface PendingBatch {
  records: OutputRecord[];
  bytes: number;
  deadLetters: DeadLetterInput[];
  /** Record data by id, so a record the destination rejects is dead-lettered whole (and can be replayed). */
  dataById: Map<string, string>;
  /** Seq of the last buffered record this batch settles. */
  lastSeq: number;
  openedAt: number;
}

export class Lane {
  readonly stats: LaneStats = emptyStats();
  private readonly unpublished: LaneStats = emptyStats();
  readonly name: string;
  private cursor = 0;
  private pending: PendingBatch;
  private readonly log: Logger;

  constructor(
    readonly config: SiemMappingConfig,
    readonly destination: DestinationRuntime,
    private readonly env: LaneEnvironment,
  ) {
    this.name = config.name;
    this.log = env.logger.child({ siemMapping: config.name });
    this.pending = this.emptyBatch(0);
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
    return { records: [], bytes: 0, deadLetters: [], dataById: new Map(), lastSeq, openedAt: 0 };
  }

  /**
   * Runs until `stop` aborts (then delivers what is pending and returns), or, under `--once`, until everything
   * buffered is settled. `kill` interrupts deliveries in flight: their batch stays in the buffer, uncommitted.
   */
  async run(stop: AbortSignal, kill: AbortSignal): Promise<void> {
    const start = await this.env.store.getCursor(this.name);
    this.cursor = start.seq;
    this.pending = this.emptyBatch(start.seq);
    // A batch was in flight when the process stopped: re-form exactly that batch first, so that a
    // destination that names objects by content overwrites what it may already have written.
    let recoverTo = start.inflightTo !== null && start.inflightTo > start.seq ? start.inflightTo : null;
    let readFrom = start.seq;
    try {
      while (!stop.aborted) {
        const rows =
          this.env.recent.read(readFrom, READ_CHUNK) ??
          (await this.env.store.buffer.read(this.config.source, readFrom, READ_CHUNK));
        if (rows.length === 0) {
          recoverTo = null;
          if (this.pending.lastSeq > this.cursor && (this.batchExpired() || this.env.ingestDone())) {
            await this.flush(kill);
            continue;
          }
          if (this.env.ingestDone() && this.pending.lastSeq === this.cursor) {
            if ((await this.env.store.buffer.lastSeq(this.config.source)) <= this.cursor) return;
            continue;
          }
          const wait = this.pending.records.length
            ? Math.max(1, this.pending.openedAt + this.destination.maxAgeMs - this.env.now())
            : 1000;
          await this.env.waitForData(Math.min(wait, 1000), stop);
          continue;
        }
        const processed = await this.process(rows);
        this.publishMetrics();
        for (const item of processed) {
          if (item.output) {
            if (recoverTo === null && this.wouldOverflow(item.output)) await this.flush(kill);
            this.add(item.output, item.dataJson);
          }
          if (item.deadLetter) this.pending.deadLetters.push(item.deadLetter);
          this.pending.lastSeq = item.seq;
          if (recoverTo !== null) {
            if (item.seq >= recoverTo) {
              await this.flush(kill);
              recoverTo = null;
            }
          } else if (this.pending.records.length >= this.destination.limits.maxBatchRecords)
            await this.flush(kill);
        }
        readFrom = rows[rows.length - 1]!.seq;
        if (recoverTo === null && this.batchExpired()) await this.flush(kill);
      }
      // Stopping: objects are closed at shutdown, so deliver what is pending.
      // (Not a half-recovered batch: it must be re-formed whole on the next run.)
      if (this.pending.lastSeq > this.cursor && recoverTo === null) await this.flush(kill);
    } catch (error) {
      if (!(error instanceof DeliveryInterrupted)) throw error;
      this.log.warn(
        {},
        "shutdown interrupted a delivery; its batch stays buffered and is sent on the next run",
      );
    } finally {
      this.destination.release(
        this.pending.records.map((r) => r.id),
        this.name,
      );
    }
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

  private add(record: OutputRecord, dataJson: string): void {
    if (this.pending.records.length === 0) this.pending.openedAt = this.env.now();
    this.pending.dataById.set(record.id, dataJson);
    this.pending.records.push(record);
    this.pending.bytes += record.bytes;
  }

  /** Rule, mapping, output checks and dedup for a chunk of buffered records. */
  private async process(rows: (BufferedRecord | RecentRecord)[]): Promise<ProcessedRow[]> {
    const { config, destination } = this;
    const out: ProcessedRow[] = [];
    const candidates: { index: number; record: OutputRecord }[] = [];
    for (const row of rows) {
      const record: LogRecord = {
        id: row.id,
        type: row.type,
        subtype: row.subtype,
        source: row.source,
        time: row.time,
        data: "data" in row ? row.data : (JSON.parse(row.dataJson) as unknown),
      };
      // Records were filtered at ingest, but the buffer is shared by every SIEM mapping of the source.
      const item: ProcessedRow = { seq: row.seq, dataJson: row.dataJson };
      out.push(item);
      if (!config.rule.predicate(record)) continue;
      let value: unknown;
      let unmapped: Record<string, unknown> | undefined;
      try {
        ({ value, unmapped } = await mapRecord(config.mapping, record, {
          additionalData: destination.config.additionalData,
        }));
      } catch (error) {
        item.deadLetter = this.deadLetter(row, "mapping", error);
        continue;
      }
      const schema = destination.config.plugin.outputSchema;
      if (schema) {
        const check = schema.safeParse(value);
        if (!check.success) {
          const reason = check.error.issues
            .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
            .join("; ");
          item.deadLetter = this.deadLetter(row, "output", { code: "LS_ERR_OUTPUT_SCHEMA", message: reason });
          continue;
        }
        value = check.data;
      }
      this.count("mapped");
      const json = JSON.stringify(value);
      const bytes = Buffer.byteLength(json);
      if (bytes > destination.limits.maxRecordBytes) {
        item.deadLetter = this.deadLetter(row, "output", {
          code: "LS_ERR_RECORD_TOO_LARGE",
          message: `mapped record is ${bytes} bytes; destination ${destination.name} accepts at most ${destination.limits.maxRecordBytes}`,
        });
        continue;
      }
      const output: OutputRecord = {
        id: record.id,
        type: record.type,
        subtype: record.subtype,
        source: record.source,
        time: record.time,
        destination: destination.name,
        mapping: this.name,
        value,
        json,
        bytes,
      };
      if (unmapped && Object.keys(unmapped).length > 0) output.unmapped = unmapped;
      item.output = output;
      candidates.push({ index: out.length - 1, record: output });
    }
    if (destination.dedupEnabled && candidates.length > 0) {
      const delivered = await this.env.store.delivered(
        destination.name,
        candidates.map((c) => c.record.id),
        this.env.now(),
      );
      const inBatch = new Set(this.pending.records.map((r) => r.id));
      for (const c of candidates) {
        const id = c.record.id;
        // While re-forming a recovered batch, ids this lane claimed before the crash are its own.
        if (delivered.has(id) || inBatch.has(id) || !destination.claim(id, this.name)) {
          delete out[c.index]!.output;
          this.count("deduplicated");
        } else inBatch.add(id);
      }
    }
    return out;
  }

  private deadLetter(row: BufferedRecord, stage: "mapping" | "output", error: unknown): DeadLetterInput {
    const e = error as { code?: string; message?: string };
    this.log.warn(
      { recordId: row.id, origin: row.origin, code: e.code, reason: e.message },
      `record dead-lettered at ${stage}`,
    );
    return {
      stage,
      source: row.source,
      mapping: this.name,
      destination: this.destination.name,
      recordId: row.id,
      origin: row.origin ?? undefined,
      code: e.code ?? "LS_ERR_MAPPING_EVAL",
      reason: e.message ?? String(error),
      payload: recordPayload(row, row.dataJson),
    };
  }

  /** Deliver the pending batch and commit its outcome. Throws DeliveryInterrupted at shutdown (nothing committed). */
  private async flush(signal: AbortSignal): Promise<void> {
    const batch = this.pending;
    const { store } = this.env;
    const dest = this.destination;
    if (batch.records.length > 0) await store.setInflight(this.name, batch.lastSeq);
    const expiresAt = () => this.env.now() + dest.dedupTtlMs;
    let result: Awaited<ReturnType<typeof deliver>> = { acked: [], rejected: [] };
    if (batch.records.length > 0) {
      for (;;) {
        try {
          result = await deliver(dest, batch.records, {
            signal,
            onPartialAck: async (records) => {
              if (dest.dedupEnabled)
                await store.rememberSent(
                  dest.name,
                  records.map((r) => r.id),
                  expiresAt(),
                );
            },
          });
          break;
        } catch (error) {
          if (error instanceof DeliveryInterrupted || signal.aborted)
            throw new DeliveryInterrupted("shutdown");
          // Not classified by the plugin (a bug or an unexpected error): keep the batch and try again later.
          this.log.error(
            { error: (error as Error).message },
            "delivery failed unexpectedly; batch kept, retrying",
          );
          await sleep(dest.config.core.retry.pauseDelay, signal);
        }
      }
    }
    const deadLetters = [...batch.deadLetters];
    for (const r of result.rejected) {
      this.log.warn(
        { recordId: r.record.id, code: r.code, reason: r.reason },
        "record rejected by destination",
      );
      deadLetters.push({
        stage: "send",
        source: r.record.source,
        mapping: this.name,
        destination: dest.name,
        recordId: r.record.id,
        code: r.code,
        reason: r.reason,
        payload: recordPayload(r.record, batch.dataById.get(r.record.id) ?? "null"),
      });
    }
    await store.acknowledge({
      lane: this.name,
      destination: dest.name,
      cursor: batch.lastSeq,
      ackedIds: dest.dedupEnabled ? result.acked.map((r) => r.id) : [],
      expiresAt: expiresAt(),
      deadLetters,
    });
    dest.release(
      batch.records.map((r) => r.id),
      this.name,
    );
    this.cursor = batch.lastSeq;
    this.count("sent", result.acked.length);
    this.count("deadlettered", deadLetters.length);
    this.publishMetrics();
    this.pending = this.emptyBatch(batch.lastSeq);
  }
}
