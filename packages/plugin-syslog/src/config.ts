/**
 * Options of the `syslog` destination and the `syslog` source (receiver). Core validates them when the
 * configuration loads; every problem is reported with its path (`destinations.siem.port: ...`).
 */
import { byteSize, duration, secret, z } from "@logshipper/core/sdk";
import { FACILITIES, SEVERITIES, facilityCode, severityCode } from "./facilities.js";

/** Largest UDP payload over IPv4 (65535 - 8 UDP header - 20 IP header). */
export const MAX_UDP_MESSAGE = 65_507;
/** Default largest message: RFC 5426 asks every receiver to take 2048 octets over UDP. */
export const DEFAULT_UDP_MESSAGE = 2048;
/** Default largest message over TCP and TLS (rsyslog's default `maxMessageSize`). */
export const DEFAULT_STREAM_MESSAGE = 8192;

const pem = (what: string) =>
  z
    .string()
    .min(1)
    .describe(`${what}: a PEM file (relative to the configuration file) or the PEM text itself`);

const facility = z
  .union([z.int().min(0).max(23), z.string().refine((s) => facilityCode(s) !== undefined)])
  .transform((v) => (typeof v === "number" ? v : facilityCode(v)!))
  .describe(`facility: 0-23 or a name (${Object.keys(FACILITIES).join(", ")})`);

const severity = z
  .union([z.int().min(0).max(7), z.string().refine((s) => severityCode(s) !== undefined)])
  .transform((v) => (typeof v === "number" ? v : severityCode(v)!))
  .describe(`severity: 0-7 or a name (${Object.keys(SEVERITIES).join(", ")})`);

/** A LEEF 2.0 attribute delimiter: one character, or its code as `xHH` / `0xHH`. */
const leefDelimiter = z
  .string()
  .transform((v, ctx) => {
    const hex = /^(?:0?x)([0-9a-f]{2,4})$/i.exec(v);
    const char = hex ? String.fromCharCode(parseInt(hex[1]!, 16)) : v;
    if ([...char].length !== 1 || /[A-Za-z0-9|=\r\n ]/.test(char)) {
      ctx.addIssue({
        code: "custom",
        message: "one character (or xHH), not a letter, digit, |, =, space or newline",
      });
      return z.NEVER;
    }
    return char;
  })
  .default("^");

export const destinationTlsConfig = z
  .object({
    ca: pem("CA bundle that verifies the server (default: the system's CAs)").optional(),
    cert: pem("Client certificate, for servers that ask for one").optional(),
    key: secret(pem("Private key of the client certificate")).optional(),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe("Verify the server's certificate and name (default true; false only for tests)"),
    servername: z.string().min(1).optional().describe("Name to verify in the certificate (default: host)"),
  })
  .strict()
  .refine((t) => (t.cert === undefined) === (t.key === undefined), { message: "set cert and key together" });

export const syslogDestinationConfig = z
  .object({
    host: z.string().min(1).describe("Receiver host name or address"),
    port: z.int().min(1).max(65_535).optional().describe("Receiver port (default 514; 6514 for tls)"),
    protocol: z.enum(["udp", "tcp", "tls"]).default("tcp").describe("udp, tcp (default) or tls"),
    format: z
      .enum(["rfc5424", "rfc3164"])
      .default("rfc5424")
      .describe("Header: rfc5424 (default) or rfc3164"),
    framing: z
      .enum(["octet-counting", "lf"])
      .default("octet-counting")
      .describe("TCP framing (RFC 6587): octet-counting (default; the only one for tls) or lf"),
    escapeDelimiters: z
      .boolean()
      .default(true)
      .describe(
        "lf framing: escape LF, CR, NUL, VT, FF, U+001C-U+001E, U+0085, U+2028, U+2029 inside a message (default true)",
      ),
    payload: z.enum(["json", "cef", "leef", "text"]).default("json").describe("How `message` is encoded"),
    tls: destinationTlsConfig.optional().describe("TLS options (protocol tls)"),
    maxMessageSize: byteSize()
      .optional()
      .describe("Largest message in octets, framing excluded (default 2048 for udp, 8192 for tcp and tls)"),
    oversize: z
      .enum(["truncate", "reject"])
      .default("truncate")
      .describe("A message over maxMessageSize: truncate its MSG (default) or dead-letter the record"),
    facility: facility.default(1).describe("Facility when the mapping gives none (default 1, user)"),
    severity: severity.default(6).describe("Severity when the mapping gives none (default 6, info)"),
    hostname: z.string().optional().describe("HOSTNAME when the mapping gives none (default: this host)"),
    appName: z.string().default("logshipper").describe("APP-NAME when the mapping gives none"),
    utf8Bom: z.boolean().default(true).describe("Start an RFC 5424 MSG with the UTF-8 BOM (default true)"),
    leef: z
      .object({
        version: z.enum(["1.0", "2.0"]).default("2.0").describe("LEEF version (default 2.0)"),
        delimiter: leefDelimiter.describe("LEEF 2.0 attribute delimiter (default ^); 1.0 uses a tab"),
      })
      .strict()
      .default({ version: "2.0", delimiter: "^" })
      .describe("LEEF payload: version 1.0 or 2.0 (default) and, for 2.0, the attribute delimiter"),
    connectTimeout: duration().default(10_000).describe("Time limit of a connection or TLS handshake"),
    writeTimeout: duration()
      .default(30_000)
      .describe("Time limit for the receiver to take a batch's bytes (default 30s)"),
  })
  .superRefine((c, ctx) => {
    if (c.protocol === "tls" && c.framing === "lf")
      ctx.addIssue({ code: "custom", path: ["framing"], message: "tls uses octet-counting (RFC 5425)" });
    if (c.protocol !== "tls" && c.tls !== undefined)
      ctx.addIssue({ code: "custom", path: ["tls"], message: "tls options need protocol: tls" });
    const max = c.maxMessageSize;
    if (max !== undefined && max < 480)
      ctx.addIssue({ code: "custom", path: ["maxMessageSize"], message: "at least 480 octets (RFC 5424)" });
    if (c.protocol === "udp" && max !== undefined && max > MAX_UDP_MESSAGE)
      ctx.addIssue({
        code: "custom",
        path: ["maxMessageSize"],
        message: `udp carries at most ${MAX_UDP_MESSAGE}`,
      });
  });
export type SyslogDestinationConfig = z.output<typeof syslogDestinationConfig>;

const listenAddress = z
  .string()
  .regex(/^(udp|tcp|tls):\/\/(\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+):\d{1,5}$/, {
    message: "expected udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT",
  })
  .describe("udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT (HOST 0.0.0.0 or [::] for all)");

export const sourceTlsConfig = z
  .object({
    cert: pem("Server certificate (chain)"),
    key: secret(pem("Private key of the server certificate")),
    ca: pem("CA bundle that verifies client certificates").optional(),
    requestCert: z
      .boolean()
      .default(false)
      .describe("Require a client certificate signed by `ca` (mutual TLS; default false)"),
  })
  .strict();

export const syslogSourceConfig = z
  .object({
    listen: z.array(listenAddress).min(1).describe("Addresses to listen on"),
    payload: z
      .enum(["text", "json", "cef", "members"])
      .default("text")
      .describe("How MSG is read: text (default), json, cef, or members (JSON members without braces)"),
    tls: sourceTlsConfig.optional().describe("TLS options of the tls:// listeners"),
    maxMessageSize: byteSize()
      .default(64 * 1024)
      .describe("Longest message in octets; a longer one is kept as a dead letter (default 64KiB)"),
    maxConnections: z
      .int()
      .min(1)
      .default(512)
      .describe("Open TCP/TLS connections per listener (default 512)"),
    idleTimeout: duration()
      .default(5000)
      .describe("Under run --once: stop after no message arrived for this long (default 5s)"),
    drainTimeout: duration()
      .default(2000)
      .describe("At shutdown: how long to read from senders after asking them to close (default 2s)"),
  })
  .superRefine((c, ctx) => {
    const secure = c.listen.some((l) => l.startsWith("tls://"));
    if (secure && !c.tls)
      ctx.addIssue({
        code: "custom",
        path: ["tls"],
        message: "a tls:// listener needs tls.cert and tls.key",
      });
    if (!secure && c.tls)
      ctx.addIssue({ code: "custom", path: ["tls"], message: "tls options need a tls:// listener" });
    if (c.tls?.requestCert && !c.tls.ca)
      ctx.addIssue({
        code: "custom",
        path: ["tls", "ca"],
        message: "requestCert needs the CA that signs clients",
      });
  });
export type SyslogSourceConfig = z.output<typeof syslogSourceConfig>;
