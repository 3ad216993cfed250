/**
 * The batches of one lane that are being delivered. Up to `maxInFlightBatches` are on the wire at once, so the
 * lane prepares the next batch while earlier ones are sent; outcomes are committed strictly in order (the
 * cursor only moves forward over settled records). Before a batch is sent, the ends of all batches in flight
 * are journaled, so that after a crash the lane re-forms exactly those batches.
 */
import type { DeadLetterInput, StateStore } from "../state/interfaces.js";
import type { Logger, OutputRecord } from "../sdk/types.js";
import { sleep } from "../sdk/sleep.js";
import type { DestinationRuntime } from "./destination-runtime.js";
import { deliver, DeliveryInterrupted, type DeliveryResult } from "./dispatcher.js";
import { JsonOutputRecord } from "./output-record.js";
import { DeadLetterLog } from "./dead-letter-log.js";

export interface PendingBatch {
  records: OutputRecord[];
  bytes: number;
  deadLetters: DeadLetterInput[];
  /** Seq of the last buffered record this batch settles. */
  lastSeq: number;
  openedAt: number;
}

type Settled = { ok: true; result: DeliveryResult } | { ok: false; error: unknown };

export interface CommitOutcome {
  cursor: number;
  sent: number;
  deadLettered: number;
}

/** A dead letter's payload is the whole record, so `deadletter replay` can put it back in the buffer. */
export function recordPayload(
  r: { id: string; type: string; subtype: string; source: string; time: number },
  dataJson: string,
): string {
  return `{"id":${JSON.stringify(r.id)},"type":${JSON.stringify(r.type)},"subtype":${JSON.stringify(r.subtype)},"source":${JSON.stringify(r.source)},"time":${r.time},"data":${dataJson}}`;
}

export class InFlightBatches {
  private readonly queue: { batch: PendingBatch; settled: Promise<Settled> }[] = [];

  constructor(
    private readonly lane: string,
    private readonly dest: DestinationRuntime,
    private readonly store: StateStore,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly deadLetterLog = new DeadLetterLog(log),
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** Every record id held by a batch in flight (released when committed). */
  heldIds(): string[] {
    return this.queue.flatMap((q) => q.batch.records.map((r) => r.id));
  }

  /** Start delivering a batch, once there is room: commits the oldest first when the queue is full. */
  async start(batch: PendingBatch, signal: AbortSignal, onCommit: (o: CommitOutcome) => void): Promise<void> {
    while (this.queue.length >= this.dest.limits.maxInFlightBatches) onCommit(await this.commitOldest());
    if (batch.records.length > 0) {
      await this.store.setInflight(this.lane, [...this.ends(), batch.lastSeq]);
    }
    const settled: Promise<Settled> =
      batch.records.length === 0
        ? Promise.resolve({ ok: true, result: { acked: [], rejected: [] } })
        : this.deliverKeepingBatch(batch, signal).then(
            (result) => ({ ok: true, result }),
            (error: unknown) => ({ ok: false, error }),
          );
    this.queue.push({ batch, settled });
  }

  /** Commit every batch in flight, in order. */
  async drain(onCommit: (o: CommitOutcome) => void): Promise<void> {
    while (this.queue.length > 0) onCommit(await this.commitOldest());
  }

  private ends(): number[] {
    return this.queue.filter((q) => q.batch.records.length > 0).map((q) => q.batch.lastSeq);
  }

  /** Retries until delivered; an error the plugin did not classify keeps the batch and tries again later. */
  private async deliverKeepingBatch(batch: PendingBatch, signal: AbortSignal): Promise<DeliveryResult> {
    const { dest, store } = this;
    for (;;) {
      try {
        return await deliver(dest, batch.records, {
          signal,
          onPartialAck: async (records) => {
            if (dest.dedupEnabled)
              await store.rememberSent(
                dest.name,
                records.map((r) => r.id),
                this.now() + dest.dedupTtlMs,
              );
          },
        });
      } catch (error) {
        if (error instanceof DeliveryInterrupted || signal.aborted || dest.stopSignal.aborted)
          throw new DeliveryInterrupted("shutdown");
        this.log.error(
          { error: (error as Error).message },
          "delivery failed unexpectedly; batch kept, retrying",
        );
        await sleep(dest.config.core.retry.pauseDelay, signal);
      }
    }
  }

  private async bufferedData(source: string, seq: number | undefined): Promise<string> {
    if (seq === undefined) return "null";
    const [row] = await this.store.buffer.read(source, seq - 1, 1);
    return row?.seq === seq ? row.dataJson : "null";
  }

  private async commitOldest(): Promise<CommitOutcome> {
    const head = this.queue[0]!;
    const settled = await head.settled;
    if (!settled.ok) throw settled.error;
    this.queue.shift();
    const { batch } = head;
    const { dest } = this;
    const deadLetters = [...batch.deadLetters];
    for (const r of settled.result.rejected) {
      this.deadLetterLog.note(
        { stage: "send", code: r.code, recordId: r.record.id, reason: r.reason },
        "record rejected by destination",
      );
      deadLetters.push({
        stage: "send",
        source: r.record.source,
        mapping: this.lane,
        destination: dest.name,
        recordId: r.record.id,
        code: r.code,
        reason: r.reason,
        payload: recordPayload(
          r.record,
          // A rejected record is read back from the buffer (where it stays until this batch commits) and
          // dead-lettered whole, so it can be replayed; the batch itself holds only the output.
          await this.bufferedData(
            r.record.source,
            r.record instanceof JsonOutputRecord ? r.record.seq : undefined,
          ),
        ),
      });
    }
    await this.store.acknowledge({
      lane: this.lane,
      destination: dest.name,
      cursor: batch.lastSeq,
      inflight: this.ends(),
      ackedIds: dest.dedupEnabled ? settled.result.acked.map((r) => r.id) : [],
      expiresAt: this.now() + dest.dedupTtlMs,
      deadLetters,
    });
    dest.release(
      batch.records.map((r) => r.id),
      this.lane,
    );
    return { cursor: batch.lastSeq, sent: settled.result.acked.length, deadLettered: deadLetters.length };
  }
}
