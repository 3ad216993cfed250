/**
 * Syslog headers: RFC 5424 (`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD`) and RFC 3164
 * (`<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]:`), with the RFC's field limits.
 *
 * Header fields are made valid rather than refused (they often come from event data): characters outside
 * printable US-ASCII (33-126) become `_`, the value is cut to the field's limit, and an empty value is `-`
 * (NILVALUE). Structured-data names are checked by the output schema (envelope.ts); values are escaped here.
 */

/** RFC 5424 §6: longest HOSTNAME, APP-NAME, PROCID and MSGID. */
export const FIELD_LIMITS = { hostname: 255, appName: 48, procId: 128, msgId: 32 } as const;

/** Printable US-ASCII only, at most `max` characters, `-` when empty. */
export function headerField(value: string | undefined, max: number): string {
  if (value === undefined || value === "") return "-";
  let out = "";
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    out += c >= 33 && c <= 126 ? ch : "_";
    if (out.length >= max) break;
  }
  return out;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** A number below this is taken as epoch seconds (as core's `timeField` does), else milliseconds. */
const SECONDS_BELOW = 1e11;

/** Milliseconds since the epoch of a mapped timestamp (ms or s number, or RFC 3339 text), else undefined. */
export function timestampMillis(value: number | string): number | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    return value < SECONDS_BELOW ? Math.round(value * 1000) : Math.round(value);
  }
  if (!RFC3339.test(value)) return undefined;
  const ms = Date.parse(value.replace(" ", "T"));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * RFC 5424 TIMESTAMP: RFC 3339 with at most 6 fraction digits. Numbers become UTC with milliseconds; RFC 3339 text
 * keeps its offset and precision (cut to 6 digits). Undefined when the value is not a valid time.
 */
export function timestamp5424(value: number | string): string | undefined {
  if (typeof value === "number") {
    const ms = timestampMillis(value);
    if (ms === undefined) return undefined;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const m = RFC3339.exec(value);
  if (!m || timestampMillis(value) === undefined) return undefined;
  const fraction = m[3] ? `.${m[3].slice(0, 6)}` : "";
  return `${m[1]}T${m[2]}${fraction}${m[4]!.toUpperCase()}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 3164 TIMESTAMP, `Mmm dd hh:mm:ss` (day padded with a space), in UTC: the format has no zone. */
export function timestamp3164(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => n.toString().padStart(2, "0");
  const day = d.getUTCDate().toString().padStart(2, " ");
  return `${MONTHS[d.getUTCMonth()]} ${day} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export type SdValue = string | number | boolean | null;
export type StructuredData = Record<string, Record<string, SdValue | SdValue[]>>;

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
export function escapeSdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** STRUCTURED-DATA: `-`, or `[ID name="value" ...]...`. Arrays repeat the parameter; null leaves it out. */
export function structuredData(sd: StructuredData | undefined): string {
  if (!sd) return "-";
  let out = "";
  for (const [id, params] of Object.entries(sd)) {
    out += `[${id}`;
    for (const [name, value] of Object.entries(params)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v !== null) out += ` ${name}="${escapeSdValue(String(v))}"`;
      }
    }
    out += "]";
  }
  return out === "" ? "-" : out;
}

export interface HeaderFields {
  facility: number;
  severity: number;
  /** Epoch milliseconds or RFC 3339 text, already validated. */
  timestamp: number | string;
  hostname: string | undefined;
  appName: string | undefined;
  procId: string | undefined;
  msgId: string | undefined;
  structuredData: StructuredData | undefined;
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA` (no trailing space). */
export function header5424(h: HeaderFields): string {
  const pri = h.facility * 8 + h.severity;
  return [
    `<${pri}>1`,
    timestamp5424(h.timestamp) ?? "-",
    headerField(h.hostname, FIELD_LIMITS.hostname),
    headerField(h.appName, FIELD_LIMITS.appName),
    headerField(h.procId, FIELD_LIMITS.procId),
    headerField(h.msgId, FIELD_LIMITS.msgId),
    structuredData(h.structuredData),
  ].join(" ");
}

/** RFC 3164 TAG: at most 32 characters that parsers do not take for the end of the tag (`:`, `[`, `]`). */
function tag(appName: string | undefined): string {
  const base = headerField(appName, 32).replace(/[:[\]]/g, "_");
  return base === "-" ? "logshipper" : base;
}

/** `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]:` (no trailing space). MSGID and structured data have no place. */
export function header3164(h: HeaderFields): string {
  const pri = h.facility * 8 + h.severity;
  const ms = timestampMillis(h.timestamp) ?? 0;
  const procId = headerField(h.procId, FIELD_LIMITS.procId).replace(/[[\]]/g, "_");
  const pid = procId === "-" ? "" : `[${procId}]`;
  return `<${pri}>${timestamp3164(ms)} ${headerField(h.hostname, FIELD_LIMITS.hostname)} ${tag(h.appName)}${pid}:`;
}
