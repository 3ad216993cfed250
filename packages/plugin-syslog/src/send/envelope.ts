/**
 * What a SIEM mapping produces for the `syslog` destination (its output schema): the header fields, structured
 * data, and `message`, which the configured payload encoder turns into MSG. Every member but `message` is optional
 * and falls back to the destination's options. Core checks each mapped record against this schema before `send`
 * and dead-letters those that fail (core's output-schema code), so that a bad record never holds back its batch.
 *
 * ```json
 * { "facility": "local4", "severity": "warning", "timestamp": 1763769600000, "hostname": "ce", "appName": "netskope",
 *   "procId": "-", "msgId": "DLP", "structuredData": { "alert@32473": { "user": "eve" } }, "message": { ... } }
 * ```
 */
import { z } from "@logshipper/core/sdk";
import { FACILITIES, SEVERITIES, facilityCode, severityCode } from "../facilities.js";
import { timestampMillis, type StructuredData } from "./header.js";

/** SD-NAME (RFC 5424 §6.3.2): 1-32 printable US-ASCII characters except `=`, space, `]` and `"`. */
const SD_NAME = /^[!#-<>-\\^-~]{1,32}$/;
/** SD-IDs without `@` are reserved to IANA; these are the registered ones. */
const IANA_SD_IDS = new Set(["timeQuality", "origin", "meta"]);

/** zod issues as one line, `path: message; ...`, with the reason of a refused record key rather than zod's. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const inner = i.code === "invalid_key" ? i.issues[0]?.message : undefined;
      return `${i.path.join(".") || "(root)"}: ${inner ?? i.message}`;
    })
    .join("; ");
}

export function isSdName(name: string): boolean {
  return SD_NAME.test(name);
}

/** An SD-ID: a registered name, or `name@enterprise-number` (digits, optionally dotted). */
export function isSdId(id: string): boolean {
  if (!SD_NAME.test(id)) return false;
  const at = id.indexOf("@");
  if (at === -1) return IANA_SD_IDS.has(id);
  return at > 0 && /^\d+(\.\d+)*$/.test(id.slice(at + 1)) && !id.slice(0, at).includes("@");
}

const sdScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const sdParams = z.record(
  z.string().refine(isSdName, { message: 'not an SD-NAME (1-32 printable ASCII, no = ] " or space)' }),
  z.union([sdScalar, z.array(sdScalar)]),
);
const structuredData = z.record(
  z.string().refine(isSdId, {
    message: "not an SD-ID: use name@enterprise-number (or timeQuality, origin, meta)",
  }),
  sdParams,
);

const facility = z.union([
  z.int().min(0).max(23),
  z.string().refine((s) => facilityCode(s) !== undefined, {
    message: `unknown facility (0-23 or ${Object.keys(FACILITIES).join(", ")})`,
  }),
]);
const severity = z.union([
  z.int().min(0).max(7),
  z.string().refine((s) => severityCode(s) !== undefined, {
    message: `unknown severity (0-7 or ${Object.keys(SEVERITIES).join(", ")})`,
  }),
]);
const headerText = z.union([z.string(), z.number()]).transform(String);

export const envelopeSchema = z
  .object({
    facility: facility.optional(),
    severity: severity.optional(),
    timestamp: z
      .union([z.number(), z.string()])
      .refine((t) => timestampMillis(t) !== undefined, {
        message: "not a time: epoch milliseconds (or seconds) or RFC 3339 text",
      })
      .optional(),
    hostname: headerText.optional(),
    appName: headerText.optional(),
    procId: headerText.optional(),
    msgId: headerText.optional(),
    structuredData: structuredData.optional(),
    message: z.unknown().refine((m) => m !== undefined && m !== null, { message: "message is required" }),
  })
  .strict()
  .describe(
    "{facility?, severity?, timestamp?, hostname?, appName?, procId?, msgId?, structuredData?: {SD-ID: {name: value}}, " +
      "message}: message is a JSON value (payload json), a string (text), {deviceVendor, deviceProduct, deviceVersion, " +
      "signatureId, name, severity, extension} (cef) or {vendor, product, version, eventId, attributes} (leef)",
  );

export interface Envelope {
  facility: number | undefined;
  severity: number | undefined;
  timestamp: number | string | undefined;
  hostname: string | undefined;
  appName: string | undefined;
  procId: string | undefined;
  msgId: string | undefined;
  structuredData: StructuredData | undefined;
  message: unknown;
}

/** Parse one mapped value; a string says why it is not an envelope. */
export function readEnvelope(value: unknown): Envelope | string {
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) return describeIssues(parsed.error.issues);
  const e = parsed.data;
  return {
    facility: typeof e.facility === "string" ? facilityCode(e.facility) : e.facility,
    severity: typeof e.severity === "string" ? severityCode(e.severity) : e.severity,
    timestamp: e.timestamp,
    hostname: e.hostname,
    appName: e.appName,
    procId: e.procId,
    msgId: e.msgId,
    structuredData: e.structuredData,
    message: e.message,
  };
}
