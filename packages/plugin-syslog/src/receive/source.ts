/**
 * The `syslog` source: a receiver. `pull` listens on every `listen` address, parses each message (parse.ts) and
 * its MSG (body.ts), and yields batches of records: every 1000 messages, or 100 ms after the first one pending.
 *
 * A receiver cannot be re-pulled: a message is safe once core has committed the batch that holds it to the durable
 * buffer. Hence:
 * - Backpressure: while core does not take batches (its buffer is full) and 10,000 messages are pending, TCP and
 *   TLS connections are not read (senders slow down) and UDP datagrams are dropped and counted.
 * - Stop (shutdown, or `run --once` after `idleTimeout` without a message): listeners close, senders are asked to
 *   close and are read until they do (at most `drainTimeout`), and what arrived is yielded as the last batch.
 * - The checkpoint is `{received: N}`, the number of messages handed to core so far: there is nothing to resume
 *   from, but it shows in `logshipper status`.
 *
 * A record's data is the MSG as `payload` reads it, plus `syslog`: the header fields (facility, severity,
 * timestamp, hostname, appName, procId, msgId, structuredData: those present), `format`, `protocol` and `peer`.
 */
import { performance } from "node:perf_hooks";
import { LogShipperError, z, type PluginContext, type Source, type SourceBatch } from "@logshipper/core/sdk";
import type { SyslogSourceConfig } from "../config.js";
import { ERROR_CODES } from "../error-codes.js";
import { Inbox } from "./inbox.js";
import { openReceiver } from "./listen.js";
import { parseListener, type Listener, type SyslogReceiver } from "./server.js";

export const BATCH_RECORDS = 1000;
export const BATCH_AGE_MS = 100;
/** No byte limit: a batch is cut by count and age only (messages are at most `maxMessageSize` each). */
export const BATCH_BYTES = Number.POSITIVE_INFINITY;
export { MAX_PENDING } from "./listen.js";

export interface SyslogCheckpoint {
  received: number;
}

const checkpointSchema = z.object({ received: z.int().nonnegative() });

export function readCheckpoint(checkpoint: unknown): SyslogCheckpoint {
  if (checkpoint === undefined || checkpoint === null) return { received: 0 };
  const parsed = checkpointSchema.safeParse(checkpoint);
  if (parsed.success) return parsed.data;
  throw new LogShipperError(
    ERROR_CODES.SYSLOG_CHECKPOINT,
    `unrecognised checkpoint ${JSON.stringify(checkpoint)}: expected {received}`,
  );
}

export function createSyslogSource(config: SyslogSourceConfig, ctx: PluginContext): Source {
  const listeners = config.listen.map(parseListener);
  const active = new Set<SyslogReceiver>();
  return {
    async *pull(checkpoint, signal) {
      yield* new SyslogPull(config, ctx, listeners, active, checkpoint, signal).run();
    },

    // `validate --connect`: the TLS files load and every address can be bound (then it is released).
    async test() {
      const r = await openReceiver(config, ctx, listeners, undefined);
      r.destroy();
    },

    close() {
      for (const r of active) r.destroy();
      active.clear();
      return Promise.resolve();
    },
  };
}

/** One pull: a receiver of its own, the messages it collected that are not handed over yet, and the count so far. */
class SyslogPull {
  private received: number;
  private readonly inbox: Inbox;
  private readonly once: boolean;

  constructor(
    private readonly config: SyslogSourceConfig,
    private readonly ctx: PluginContext,
    private readonly listeners: Listener[],
    /** The factory's receivers, for `close`. */
    private readonly active: Set<SyslogReceiver>,
    checkpoint: unknown,
    private readonly signal: AbortSignal,
  ) {
    this.received = readCheckpoint(checkpoint).received;
    this.inbox = new Inbox({
      maxBatchRecords: BATCH_RECORDS,
      maxBatchBytes: BATCH_BYTES,
      maxBatchAgeMs: BATCH_AGE_MS,
    });
    this.once = ctx.mode === "once";
  }

  /** Yields batches as they fill or age; on stop, drains the senders and yields what arrived last. */
  async *run(): AsyncGenerator<SourceBatch> {
    const { config, inbox, once, signal } = this;
    const r = await openReceiver(config, this.ctx, this.listeners, inbox);
    this.active.add(r);
    this.ctx.logger.debug({ addresses: r.addresses }, "listening");
    try {
      for (;;) {
        const now = performance.now();
        const idle = once && inbox.empty && now - inbox.lastAt >= config.idleTimeout;
        if (signal.aborted || idle) {
          await r.drain(config.drainTimeout);
          if (!inbox.empty) yield this.handOver();
          return;
        }
        if (!inbox.due) {
          await inbox.wait(this.msUntilWake(now), signal);
          continue;
        }
        yield this.handOver();
        r.resume();
      }
    } finally {
      this.active.delete(r);
      r.destroy();
      this.warnIfDropped();
    }
  }

  private handOver(): SourceBatch {
    this.received += this.inbox.count;
    return this.inbox.take({ received: this.received } satisfies SyslogCheckpoint);
  }

  /** How long to wait for messages: until the pending batch is due, else (`run --once`) until idle. */
  private msUntilWake(now: number): number {
    const { inbox } = this;
    if (!inbox.empty) return inbox.msUntilDue();
    return this.once ? inbox.lastAt + this.config.idleTimeout - now : Infinity;
  }

  /** Core stopped pulling before this generator could hand over what it holds (see README, "Stopping"). */
  private warnIfDropped(): void {
    const { count } = this.inbox;
    if (count === 0) return;
    this.ctx.metrics.count("syslog_dropped_at_stop", count);
    this.ctx.logger.warn({ messages: count }, "pull ended early: received messages were not handed to core");
  }
}
