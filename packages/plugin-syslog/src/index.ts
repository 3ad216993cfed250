/**
 * `@logshipper/plugin-syslog`: the `syslog` destination (RFC 5424 / 3164 over UDP, TCP or TLS; JSON, CEF, LEEF
 * or text payloads) and the `syslog` source (a receiver). Core loads this package by default when installed.
 */
import { definePlugin, type PluginDefinition } from "@logshipper/core/sdk";
import { syslogDestinationConfig, syslogSourceConfig } from "./config.js";
import { createSyslogDestination } from "./send/destination.js";
import { envelopeSchema } from "./send/envelope.js";
import { createSyslogSource } from "./receive/source.js";

/**
 * The destination's default mapping, for a SIEM mapping that names no mapping file: the text of
 * mappings/generic/syslog-json.jsonata (config.test.ts keeps the two identical).
 */
export const DEFAULT_MAPPING = `/*
  Any source -> \`syslog\` destination with \`payload: json\` (the destination's default mapping).
  MSG: the event itself, as JSON. Structured data [logshipper@32473 id type subtype source]: the record's id
  (for the receiver's deduplication), data type, subtype and source. 32473 is the documentation enterprise
  number (RFC 5612): change the SD-ID to your own \`name@PEN\` if your SIEM expects one.
  Syslog header: severity from the event's \`severity\` word when it has one (critical/crit 2, high/error 3,
  medium/warning 4, low/notice 5, info/informational 6, debug 7; others: the destination's default),
  MSGID the data type ($type). Timestamp: the record's time.
*/
(
  $word := $lowercase($string(severity));
  {
    "severity": $lookup({
      "emergency": "emerg", "emerg": "emerg", "alert": "alert", "critical": "crit", "crit": "crit",
      "high": "err", "error": "err", "err": "err", "medium": "warning", "warning": "warning", "warn": "warning",
      "low": "notice", "notice": "notice", "info": "info", "informational": "info", "debug": "debug"
    }, $word),
    "msgId": $type,
    "structuredData": {
      "logshipper@32473": {"id": $id, "type": $type, "subtype": $subtype, "source": $source}
    },
    "message": $
  }
)
`;

export const syslogDestination = definePlugin({
  name: "syslog",
  kind: "destination",
  description:
    "Sends each record as one syslog message (RFC 5424 or 3164) over udp, tcp or tls, with octet-counting or LF " +
    "framing; MSG is the mapped `message` encoded as json, cef, leef or text. A record counts as sent once the " +
    "socket accepted its bytes.",
  configSchema: syslogDestinationConfig,
  outputSchema: envelopeSchema,
  defaultMapping: DEFAULT_MAPPING,
  create: (config, ctx) => createSyslogDestination(config, ctx),
});

export const syslogSource = definePlugin({
  name: "syslog",
  kind: "source",
  description:
    "Receives syslog messages on udp://, tcp:// and tls:// addresses (octet-counting or LF framing, detected per " +
    "connection; RFC 5424 or 3164); MSG is read as text, json, cef or members. Use tcp or tls: UDP can lose data.",
  configSchema: syslogSourceConfig,
  create: (config, ctx) => createSyslogSource(config, ctx),
});

/** Every plugin of this package: what core's registry reads first. */
export const plugins: PluginDefinition[] = [syslogSource, syslogDestination];

export { syslogDestinationConfig, syslogSourceConfig } from "./config.js";
export type { SyslogDestinationConfig, SyslogSourceConfig } from "./config.js";
export { envelopeSchema, readEnvelope, type Envelope } from "./send/envelope.js";
export { ERROR_CODES, type ErrorCode } from "./error-codes.js";
export { classify } from "./errors.js";
export { encodeRecord, type MessageOptions } from "./send/message.js";
export { encodeCef, encodeLeef, encodePayload } from "./send/payload.js";
export { parseSyslog, type SyslogHeader, type ParsedMessage } from "./receive/parse.js";
export { parseBody, parseCef } from "./receive/body.js";
export { SyslogClient } from "./send/client.js";
export { SyslogReceiver } from "./receive/server.js";
export { createSyslogDestination } from "./send/destination.js";
export { createSyslogSource, readCheckpoint, type SyslogCheckpoint } from "./receive/source.js";
