/**
 * Pulls one source: normalises records, evaluates the business rules of its SIEM mappings at ingest, and
 * appends the selected records with the source checkpoint in one transaction. What no SIEM mapping
 * selects is counted as filtered out and not buffered (as Cloud Exchange does).
 */
import type { SourceConfig } from "../config/load.js";
import { ERROR_CODES } from "../error-codes.js";
import { stringifyJson } from "../formats/lossless-number.js";
import type { EngineMetrics } from "../metrics.js";
import type { DeadLetterInput, RecordToBuffer, StateStore } from "../state/interfaces.js";
import type { Logger, RecordInput, RejectedInput, Source, SourceBatch } from "../sdk/types.js";
import { DeadLetterLog } from "./dead-letter-log.js";
import { InvalidUtf8Log } from "./invalid-utf8-log.js";
import type { Lane } from "./lane.js";
import { expressionId, normalize } from "./normalize.js";
import { RecentRecord, type RecentRecords } from "./recent.js";
import { MAX_RECORD_DEPTH, jsonTextTooDeep, valueTooDeep } from "./record-depth.js";
import { sleep } from "../sdk/sleep.js";

/** Batches of a read-ahead source that may be committing while the next is prepared. */
const MAX_COMMITS_IN_FLIGHT = 3;

/** Raw text of a malformed input is kept up to this size in its dead letter. */
const MAX_REJECT_BYTES = 64 * 1024;

export interface IngestEnvironment {
  store: StateStore;
  metrics: EngineMetrics;
  logger: Logger;
  now: () => number;
  /** Why sources must pause now (buffer or disk bound), or undefined. */
  pressure: () => string | undefined;
  notify: () => void;
  /** How long a stopped source may take to hand over what it holds. */
  shutdownTimeoutMs: number;
  /** This source's recently buffered records, for its lanes. */
  recent: RecentRecords;
}

const TIMED_OUT = Symbol("timed out");

/** A batch's records that some SIEM mapping selects, ready to commit. */
interface Selection {
  toBuffer: RecordToBuffer[];
  rejects: DeadLetterInput[];
  /** The same records, parsed, for the lanes (their seqs are set once committed). */
  recent: RecentRecord[];
  filtered: number;
  checkpoint: unknown;
}

/** Resolves TIMED_OUT `ms` after `signal` aborts (never, if it does not); `cancel` clears the timer. */
function afterAbort(signal: AbortSignal, ms: number): Promise<typeof TIMED_OUT> & { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: () => void = () => undefined;
  const promise = new Promise<typeof TIMED_OUT>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve(TIMED_OUT), ms);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return Object.assign(promise, {
    cancel: () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    },
  });
}

export class SourceRunner {
  rejected = 0;
  failed: Error | undefined;
  private readonly log: Logger;
  private readonly deadLetterLog: DeadLetterLog;
  private readonly invalidUtf8: InvalidUtf8Log;

  constructor(
    readonly config: SourceConfig,
    readonly instance: Source,
    private readonly lanes: Lane[],
    private readonly env: IngestEnvironment,
  ) {
    this.log = env.logger.child({ source: config.name });
    this.deadLetterLog = new DeadLetterLog(this.log);
    this.invalidUtf8 = new InvalidUtf8Log(this.log, env.metrics.invalidUtf8.labels({ source: config.name }));
  }

  async run(signal: AbortSignal, once: boolean): Promise<void> {
    try {
      await this.pullUntilStopped(signal, once);
    } finally {
      this.deadLetterLog.flush();
    }
  }

  private async pullUntilStopped(signal: AbortSignal, once: boolean): Promise<void> {
    while (!signal.aborted) {
      try {
        const checkpoint = await this.env.store.getCheckpoint(this.config.name);
        await this.pullOnce(checkpoint, signal);
        this.failed = undefined;
      } catch (error) {
        if (signal.aborted) break;
        this.failed = error as Error;
        this.log.error(
          { code: (error as { code?: string }).code, error: (error as Error).message },
          "pull failed",
        );
        if (once) return;
      }
      if (once) return;
      await sleep(this.config.core.interval, signal);
    }
  }

  /**
   * One pull, batch by batch. After a stop the source is still drained until it returns (a receiver hands
   * over what it received while the last batch was being committed), for at most the shutdown timeout.
   */
  private async pullOnce(checkpoint: unknown, signal: AbortSignal): Promise<void> {
    const batches = this.instance.pull(checkpoint, signal)[Symbol.asyncIterator]();
    const deadline = afterAbort(signal, this.env.shutdownTimeoutMs);
    let finished = false;
    // Commits not awaited yet (read-ahead sources only), oldest first.
    const commits: Promise<void>[] = [];
    try {
      for (;;) {
        const next = signal.aborted ? await Promise.race([batches.next(), deadline]) : await batches.next();
        if (next === TIMED_OUT) {
          this.log.warn(
            {},
            "source did not finish within the shutdown timeout; its next pull resumes at the checkpoint",
          );
          break;
        }
        if (next.done) {
          finished = true;
          break;
        }
        await this.waitForRoom(signal);
        const commit = this.ingest(next.value);
        if (!this.instance.readAhead) {
          await commit;
          continue;
        }
        // Its failure is taken (rethrown) when it is awaited below, in order.
        commit.catch(() => undefined);
        commits.push(commit);
        while (commits.length >= MAX_COMMITS_IN_FLIGHT) await commits.shift();
      }
      while (commits.length > 0) await commits.shift();
    } finally {
      // After a failure, still let the commits already sent settle before the next pull reads the checkpoint.
      await Promise.allSettled(commits);
      deadline.cancel();
      if (!finished) batches.return?.(undefined).catch(() => undefined);
    }
  }

  private async waitForRoom(signal: AbortSignal): Promise<void> {
    let reason = this.env.pressure();
    if (!reason) return;
    this.log.warn({ reason }, "source paused: backpressure");
    while (reason && !signal.aborted) {
      await sleep(200, signal);
      reason = this.env.pressure();
    }
    this.log.info({}, "source resumed");
  }

  /**
   * Commit one batch. Nothing of the batch but its selected records (parsed, for the lanes) is held while the
   * commit is on its way: the raw inputs and the records filtered out can be collected at once.
   */
  private ingest(batch: SourceBatch): Promise<void> {
    return this.select(batch).then((selection) => this.commit(selection));
  }

  /** Normalise, apply the rules, and keep what any SIEM mapping selects. */
  private async select(batch: SourceBatch): Promise<Selection> {
    const { config, lanes, env } = this;
    const pulledAt = env.now();
    const toBuffer: RecordToBuffer[] = [];
    const recent: RecentRecord[] = [];
    let filtered = 0;
    // Counted per batch, not per record.
    const filteredBy = lanes.map(() => 0);
    const rejects = (batch.rejects ?? []).map((r) => this.rejectedInput(r));
    for (const input of batch.records) {
      if (input.invalidUtf8) this.invalidUtf8.note(input.origin);
      if (input.json !== undefined ? jsonTextTooDeep(input.json) : valueTooDeep(input.data)) {
        rejects.push(this.tooDeep(input));
        continue;
      }
      const record = normalize(
        input,
        config,
        pulledAt,
        config.idExpression ? await expressionId(input, config) : undefined,
      );
      let selected = false;
      for (let l = 0; l < lanes.length; l++) {
        if (lanes[l]!.config.rule.predicate(record)) selected = true;
        else filteredBy[l]!++;
      }
      if (!selected) {
        filtered++;
        continue;
      }
      recent.push(
        new RecentRecord(
          0,
          record.id,
          record.type,
          record.subtype,
          record.source,
          record.time,
          input.origin ?? null,
          record.data,
        ),
      );
      toBuffer.push({
        id: record.id,
        type: record.type,
        subtype: record.subtype,
        source: record.source,
        time: record.time,
        dataJson: input.json ?? stringifyJson(record.data),
        origin: input.origin,
      });
    }
    // Inputs the prefilter skipped were pulled and filtered out, for every SIEM mapping of the source.
    const skipped = batch.skipped ?? 0;
    const tooDeep = rejects.length - (batch.rejects?.length ?? 0);
    lanes.forEach((lane, l) => {
      lane.count("pulled", batch.records.length - tooDeep + skipped);
      lane.count("filtered", filteredBy[l]! + skipped);
    });
    filtered += skipped;
    return { toBuffer, rejects, recent, filtered, checkpoint: batch.checkpoint };
  }

  /** The dead letter of an input the source could not parse. */
  private rejectedInput(r: RejectedInput): DeadLetterInput {
    if (r.invalidUtf8) this.invalidUtf8.note(r.origin);
    return this.ingestDeadLetter(ERROR_CODES.INPUT_MALFORMED, r.origin, r.reason, r.raw);
  }

  /** The dead letter of a record nested too deep to be handled (see record-depth.ts). */
  private tooDeep(input: RecordInput): DeadLetterInput {
    let raw = input.json;
    try {
      raw ??= JSON.stringify(input.data);
    } catch {
      raw = ""; // Too deep even to serialise: the origin says where it is.
    }
    const reason = `record nests objects and arrays more than ${MAX_RECORD_DEPTH} levels deep`;
    return this.ingestDeadLetter(ERROR_CODES.RECORD_TOO_DEEP, input.origin, reason, raw);
  }

  private ingestDeadLetter(
    code: string,
    origin: string | undefined,
    reason: string,
    raw: string,
  ): DeadLetterInput {
    const what = code === ERROR_CODES.INPUT_MALFORMED ? "malformed input" : "record too deep";
    this.deadLetterLog.note({ stage: "ingest", code, origin, reason }, `${what} kept as a dead letter`);
    return {
      stage: "ingest",
      source: this.config.name,
      origin,
      code,
      reason,
      payload: raw.length > MAX_REJECT_BYTES ? raw.slice(0, MAX_REJECT_BYTES) : raw,
    };
  }

  private commit(selection: Selection): Promise<void> {
    const { toBuffer, rejects, checkpoint } = selection;
    const committed = this.env.store.ingest(this.config.name, toBuffer, rejects, checkpoint);
    // Only what `committed` needs is kept: not the data text, which the store took.
    const { recent, filtered } = selection;
    const rejected = rejects.length;
    return committed.then((seqs) => this.committed(seqs, recent, filtered, rejected));
  }

  private committed(seqs: number[], recent: RecentRecord[], filtered: number, rejected: number): void {
    const { config, lanes, env } = this;
    for (let i = 0; i < recent.length; i++) recent[i]!.seq = seqs[i]!;
    env.recent.add(recent);
    for (const lane of lanes) lane.publishMetrics();
    this.rejected += rejected;
    const m = env.metrics.sourceRecords;
    m.inc({ source: config.name, outcome: "buffered" }, recent.length);
    m.inc({ source: config.name, outcome: "filtered" }, filtered);
    m.inc({ source: config.name, outcome: "rejected" }, rejected);
    env.metrics.bufferBytes.set(env.store.buffer.sizeBytes());
    if (recent.length) env.notify();
  }
}
