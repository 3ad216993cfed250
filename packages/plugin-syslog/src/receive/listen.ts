/**
 * The source's receiver: loads the TLS material, binds every listener, and feeds each message into the pull's
 * inbox, parsed (parse.ts, body.ts) into a record, or as a reject when it is malformed. Backpressure (see
 * source.ts): once `MAX_PENDING` messages wait in the inbox, the receiver pauses its stream connections.
 */
import type tls from "node:tls";
import type { PluginContext } from "@logshipper/core/sdk";
import { BodyError, parseBody } from "./body.js";
import type { SyslogSourceConfig } from "../config.js";
import { classifyListen } from "../errors.js";
import type { Inbox } from "./inbox.js";
import { parseSyslog, SyslogParseError } from "./parse.js";
import { tlsMaterial } from "../pem.js";
import { SyslogReceiver, type Listener, type ReceivedMessage } from "./server.js";

export const MAX_PENDING = 10_000;

function toData(m: ReceivedMessage, payload: SyslogSourceConfig["payload"]): Record<string, unknown> {
  const { header, message } = parseSyslog(m.bytes);
  const body = parseBody(payload, message);
  return { ...body, syslog: { ...header, protocol: m.protocol, peer: m.peer } };
}

/**
 * A started receiver on `listeners`, feeding `inbox`. Without an inbox (`validate --connect`) messages are
 * ignored: the receiver only proves the TLS files load and the addresses bind.
 */
export async function openReceiver(
  config: SyslogSourceConfig,
  ctx: PluginContext,
  listeners: Listener[],
  inbox: Inbox | undefined,
): Promise<SyslogReceiver> {
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
          inbox.add({ data: toData(m, config.payload), origin: m.origin }, m.bytes.length);
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
