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
import type { Destination, PluginContext } from "@logshipper/core/sdk";
import { SyslogClient } from "./client.js";
import { DEFAULT_STREAM_MESSAGE, DEFAULT_UDP_MESSAGE, type SyslogDestinationConfig } from "../config.js";
import { classify } from "../errors.js";
import type { MessageOptions } from "./message.js";
import { tlsMaterial } from "../pem.js";
import { SyslogSender } from "./sender.js";
import { testRecord } from "./test-message.js";

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
    escapeDelimiters: config.escapeDelimiters,
    maxMessageSize: config.maxMessageSize ?? (udp ? DEFAULT_UDP_MESSAGE : DEFAULT_STREAM_MESSAGE),
    oversize: config.oversize,
    utf8Bom: config.utf8Bom,
    facility: config.facility,
    severity: config.severity,
    hostname: config.hostname ?? os.hostname(),
    appName: config.appName,
  };
}

/** The long-lived connection; its TLS context is loaded on the first connect. */
function createClient(config: SyslogDestinationConfig, ctx: PluginContext): SyslogClient {
  const protocol = config.protocol;
  let context: Promise<tls.SecureContext> | undefined;
  return new SyslogClient({
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
}

export function createSyslogDestination(config: SyslogDestinationConfig, ctx: PluginContext): Destination {
  const protocol = config.protocol;
  const client = createClient(config, ctx);
  const sender = new SyslogSender(client, messageOptions(config), ctx);

  return {
    limits: {
      maxBatchRecords: MAX_BATCH_RECORDS,
      maxBatchBytes: MAX_BATCH_BYTES,
      maxRecordBytes: MAX_RECORD_BYTES,
    },

    async send(batch, signal) {
      if (batch.length === 0) return { outcomes: [] };
      return { outcomes: await sender.deliver(batch, signal) };
    },

    // `validate --connect`: open the connection (and verify the server's certificate) without sending data.
    async check() {
      try {
        await client.connect(ctx.signal);
      } catch (error) {
        throw classify(error, client.display);
      }
      sender.countConnects();
      if (protocol === "udp") return `${client.display}: address resolved (UDP has no handshake to check)`;
      return `${client.display}: connected${protocol === "tls" ? ", server certificate verified" : ""}`;
    },

    async test() {
      const [outcome] = await sender.deliver([testRecord(config, ctx)], ctx.signal);
      if (outcome?.status !== "ok") throw new Error(`test message not sent: ${outcome?.reason ?? "unknown"}`);
      return `${client.display} accepted a test message`;
    },

    close() {
      client.close(); // idempotent, and safe before any send
      return Promise.resolve();
    },
  };
}
