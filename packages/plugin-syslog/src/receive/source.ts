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
import type tls from "node:tls";
import { LogShipperError, z, type PluginContext, type Source } from "@logshipper/core/sdk";
import { BodyError, parseBody } from "./body.js";
import type { SyslogSourceConfig } from "../config.js";
import { ERROR_CODES } from "../error-codes.js";
import { classifyListen } from "../errors.js";
import { Inbox } from "./inbox.js";
import { parseSyslog, SyslogParseError } from "./parse.js";
import { tlsMaterial } from "../pem.js";
import { parseListener, SyslogReceiver, type ReceivedMessage } from "./server.js";

export const BATCH_RECORDS = 1000;
export const BATCH_AGE_MS = 100;
/** No byte limit: a batch is cut by count and age only (messages are at most `maxMessageSize` each). */
export const BATCH_BYTES = Number.POSITIVE_INFINITY;
export const MAX_PENDING = 10_000;

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

  function toData(m: ReceivedMessage): Record<string, unknown> {
    const { header, message } = parseSyslog(m.bytes);
    const body = parseBody(config.payload, message);
    return { ...body, syslog: { ...header, protocol: m.protocol, peer: m.peer } };
  }

  async function receiver(inbox: Inbox | undefined): Promise<SyslogReceiver> {
    let material: tls.SecureContextOptions | undefined;
    if (config.tls) material = await tlsMaterial(config.tls, ctx.baseDir);
    const pauseIfBacklogged = () => {
      if (inbox && inbox.count >= MAX_PENDING && r.pause()) ctx.metrics.count("syslog_paused");
    };
    const r: SyslogReceiver = new SyslogReceiver(
      listeners,
      {
        maxMessageSize: config.maxMessageSize,
        maxConnections: config.maxConnections,
        secure: material && { material, requestCert: config.tls?.requestCert ?? false },
      },
      {
        message: (m) => {
          if (!inbox) return;
          try {
            inbox.add({ data: toData(m), origin: m.origin }, m.bytes.length);
          } catch (error) {
            if (!(error instanceof SyslogParseError || error instanceof BodyError)) throw error;
            ctx.metrics.count("syslog_malformed");
            const raw = m.bytes.toString("utf8");
            inbox.reject({ origin: m.origin, reason: error.message, raw }, m.bytes.length);
          }
          pauseIfBacklogged();
        },
        fault: (origin, reason, head) => {
          ctx.metrics.count("syslog_malformed");
          inbox?.reject({ origin, reason, raw: head.toString("utf8") });
          pauseIfBacklogged();
        },
        count: (name) => ctx.metrics.count(`syslog_${name}`),
      },
    );
    try {
      await r.start();
    } catch (error) {
      throw classifyListen(error, `listen on ${config.listen.join(", ")}`);
    }
    return r;
  }

  return {
    async *pull(checkpoint, signal) {
      let { received } = readCheckpoint(checkpoint);
      const inbox = new Inbox({
        maxBatchRecords: BATCH_RECORDS,
        maxBatchBytes: BATCH_BYTES,
        maxBatchAgeMs: BATCH_AGE_MS,
      });
      const handOver = () => {
        received += inbox.count;
        return inbox.take({ received } satisfies SyslogCheckpoint);
      };
      const r = await receiver(inbox);
      active.add(r);
      ctx.logger.debug({ addresses: r.addresses }, "listening");
      const once = ctx.mode === "once";
      try {
        for (;;) {
          const now = performance.now();
          const idle = once && inbox.empty && now - inbox.lastAt >= config.idleTimeout;
          if (signal.aborted || idle) {
            await r.drain(config.drainTimeout);
            if (!inbox.empty) yield handOver();
            return;
          }
          if (!inbox.due) {
            const until = !inbox.empty
              ? inbox.msUntilDue()
              : once
                ? inbox.lastAt + config.idleTimeout - now
                : Infinity;
            await inbox.wait(until, signal);
            continue;
          }
          yield handOver();
          r.resume();
        }
      } finally {
        active.delete(r);
        r.destroy();
        // Core stopped pulling before this generator could hand over what it holds (see README, "Stopping").
        if (inbox.count > 0) {
          ctx.metrics.count("syslog_dropped_at_stop", inbox.count);
          ctx.logger.warn(
            { messages: inbox.count },
            "pull ended early: received messages were not handed to core",
          );
        }
      }
    },

    // `validate --connect`: the TLS files load and every address can be bound (then it is released).
    async test() {
      const r = await receiver(undefined);
      r.destroy();
    },

    close() {
      for (const r of active) r.destroy();
      active.clear();
      return Promise.resolve();
    },
  };
}
