/**
 * The `syslog` destination: each mapped record becomes one syslog message (message.ts) sent over one long-lived
 * UDP, TCP or TLS connection (client.ts).
 *
 * The contract with core:
 * - `send` makes one attempt. A record is `ok` only when the socket accepted its bytes (the kernel took them: syslog
 *   has no application acknowledgement); the records after the first one the socket did not take are `retryable`,
 *   and core resends them, over a new connection, after its backoff. Nothing is counted as sent early.
 * - When nothing could be written (no connection), `send` throws the classified error (../errors.ts).
 * - A record whose payload cannot be encoded, or that is too large under `oversize: reject`, is `permanent`.
 */
import os from "node:os";
import tls from "node:tls";
import type { Destination, OutputRecord, PluginContext, RecordOutcome } from "@logshipper/core/sdk";
import { SyslogClient } from "./client.js";
import { DEFAULT_STREAM_MESSAGE, DEFAULT_UDP_MESSAGE, type SyslogDestinationConfig } from "../config.js";
import { classify } from "../errors.js";
import { encodeRecord, type MessageOptions } from "./message.js";
import { tlsMaterial } from "../pem.js";

/** Records per batch: a few hundred KiB of messages, written in 64 KiB chunks. */
export const MAX_BATCH_RECORDS = 2000;
/** Mapped JSON per batch (core's measure; the wire size is close to it). */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** Largest mapped record core hands over; larger messages are then truncated or refused (`oversize`). */
export const MAX_RECORD_BYTES = 1024 * 1024;

export function messageOptions(config: SyslogDestinationConfig): MessageOptions {
  const udp = config.protocol === "udp";
  return {
    format: config.format,
    payload: config.payload,
    leef: config.leef,
    framing: udp ? "none" : config.framing,
    maxMessageSize: config.maxMessageSize ?? (udp ? DEFAULT_UDP_MESSAGE : DEFAULT_STREAM_MESSAGE),
    oversize: config.oversize,
    utf8Bom: config.utf8Bom,
    facility: config.facility,
    severity: config.severity,
    hostname: config.hostname ?? os.hostname(),
    appName: config.appName,
  };
}

/** A harmless message for `logshipper test-destination`, in the configured payload. */
function testMessage(config: SyslogDestinationConfig, name: string): unknown {
  const text = `Log Shipper test message from destination ${name}`;
  switch (config.payload) {
    case "text":
      return text;
    case "json":
      return { message: text, destination: name };
    case "cef":
      return {
        deviceVendor: "Log Shipper",
        deviceProduct: "logshipper",
        deviceVersion: "1",
        signatureId: "test",
        name: text,
        severity: 0,
        extension: { msg: text },
      };
    case "leef":
      return {
        vendor: "Log Shipper",
        product: "logshipper",
        version: "1",
        eventId: "test",
        attributes: { msg: text },
      };
  }
}

export function createSyslogDestination(config: SyslogDestinationConfig, ctx: PluginContext): Destination {
  const protocol = config.protocol;
  let context: Promise<tls.SecureContext> | undefined;
  const client = new SyslogClient({
    protocol,
    host: config.host,
    port: config.port ?? (protocol === "tls" ? 6514 : 514),
    secureContext: () => {
      context ??= tlsMaterial(config.tls ?? {}, ctx.baseDir).then((m) => tls.createSecureContext(m));
      context.catch(() => (context = undefined)); // a file fixed later is read again
      return context;
    },
    rejectUnauthorized: config.tls?.rejectUnauthorized ?? true,
    servername: config.tls?.servername,
    connectTimeoutMs: config.connectTimeout,
    writeTimeoutMs: config.writeTimeout,
  });
  const options = messageOptions(config);
  let connects = 0;

  const countConnects = () => {
    if (client.connects > connects) ctx.metrics.count("syslog_connections", client.connects - connects);
    connects = client.connects;
  };

  async function deliver(batch: OutputRecord[], signal: AbortSignal): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = new Array<RecordOutcome>(batch.length);
    const frames: string[] = [];
    const positions: number[] = [];
    let truncated = 0;
    for (const [i, record] of batch.entries()) {
      const encoded = encodeRecord(record, options);
      if (!encoded.ok) {
        outcomes[i] = { status: "permanent", reason: encoded.reason, code: encoded.code };
        continue;
      }
      if (encoded.truncated) truncated++;
      frames.push(encoded.frame);
      positions.push(i);
    }
    if (truncated > 0) ctx.metrics.count("syslog_truncated", truncated);
    if (frames.length === 0) return outcomes;
    const result = await client.write(frames, signal);
    countConnects();
    if (result.error !== undefined && result.accepted === 0) throw classify(result.error, client.display);
    const reason =
      result.error === undefined ? "" : (classify(result.error, client.display) as Error).message;
    for (const [j, i] of positions.entries()) {
      outcomes[i] = j < result.accepted ? { status: "ok" } : { status: "retryable", reason };
    }
    if (result.accepted < frames.length)
      ctx.metrics.count("syslog_not_written", frames.length - result.accepted);
    return outcomes;
  }

  return {
    limits: {
      maxBatchRecords: MAX_BATCH_RECORDS,
      maxBatchBytes: MAX_BATCH_BYTES,
      maxRecordBytes: MAX_RECORD_BYTES,
    },

    async send(batch, signal) {
      if (batch.length === 0) return { outcomes: [] };
      return { outcomes: await deliver(batch, signal) };
    },

    // `validate --connect`: open the connection (and verify the server's certificate) without sending data.
    async check() {
      try {
        await client.connect(ctx.signal);
      } catch (error) {
        throw classify(error, client.display);
      }
      countConnects();
      if (protocol === "udp") return `${client.display}: address resolved (UDP has no handshake to check)`;
      return `${client.display}: connected${protocol === "tls" ? ", server certificate verified" : ""}`;
    },

    async test() {
      const value = { msgId: "test", message: testMessage(config, ctx.name) };
      const json = JSON.stringify(value);
      const record: OutputRecord = {
        id: "test",
        type: "test",
        subtype: "",
        source: "test",
        time: ctx.clock.now(),
        destination: ctx.name,
        mapping: "test",
        value,
        json,
        bytes: Buffer.byteLength(json),
      };
      const [outcome] = await deliver([record], ctx.signal);
      if (outcome?.status !== "ok") throw new Error(`test message not sent: ${outcome?.reason ?? "unknown"}`);
      return `${client.display} accepted a test message`;
    },

    close() {
      client.close(); // idempotent, and safe before any send
      return Promise.resolve();
    },
  };
}
