/**
 * What a SIEM mapping must produce for CloudTrail Lake: the `eventData` of an integration event (AWS "CloudTrail
 * Lake integrations event schema"), with the per-field limits of that page.
 *
 * `outputSchema` is what core checks after the mapping: a record that fails it is dead-lettered alone
 * (`LS_ERR_OUTPUT_SCHEMA`, with the field and the reason), and `logshipper mapping test --destination` shows the
 * same complaint. It is lenient where the destination can fix the event: `recipientAccountId`, `UID` and `version`
 * may be left out (the destination fills them), `eventTime` may be any ISO 8601 time with a zone or epoch
 * milliseconds (normalised to UTC seconds), and `userAgent`, `errorMessage` and `additionalEventData` may be too
 * long (trimmed, see prepare.ts). Once filled in and trimmed, every event is checked again, strictly, just before
 * it is sent (check-event.ts).
 */
import { z } from "@logshipper/core/sdk";

/** Lengths (UTF-16 units, as AWS counts) and sizes (bytes of the member's JSON text) from the schema page. */
export const LIMITS = {
  version: 256,
  userIdentityType: 128,
  principalId: 1024,
  userAgent: 1024,
  eventSource: 1024,
  eventName: 1024,
  UID: 1024,
  errorCode: 256,
  errorMessage: 256,
  /** "100 kB": counted as 100,000 bytes, the stricter reading. */
  requestParametersBytes: 100_000,
  responseElementsBytes: 100_000,
  /** "28 kB": counted as 28,000 bytes. */
  additionalEventDataBytes: 28_000,
} as const;

/** What `eventTime` must look like on the wire: UTC, whole seconds. */
export const WIRE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch numbers below this are seconds (before 1973 in milliseconds), above it milliseconds. */
const SECONDS_BELOW = 1e11;

/**
 * `yyyy-MM-ddTHH:mm:ssZ` in UTC from an ISO 8601 time with a zone, or from epoch seconds or milliseconds;
 * undefined for anything else. A time without a zone is refused: it would be read as local time (the fault of
 * Cloud Exchange's plugin, which formats local time with a "Z").
 */
export function wireTime(value: unknown): string | undefined {
  if (typeof value === "string" && WIRE_TIME.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : value;
  }
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) return undefined;
    ms = value < SECONDS_BELOW ? value * 1000 : value;
  } else if (typeof value === "string" && ISO_WITH_ZONE.test(value)) {
    ms = Date.parse(value);
  } else return undefined;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999) return undefined;
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Byte length of the JSON text of a value. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "");

const text = (max: number) => z.string().min(1, "must not be empty").max(max);
/** A JSON object (not an array, not null): checked without walking its members, which are JSON already. */
export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const jsonObject = z.custom<Record<string, unknown>>(isJsonObject, "must be a JSON object");
const sizedObject = (max: number) =>
  jsonObject.refine((v) => jsonBytes(v) <= max, `must be at most ${max} bytes of JSON`);
const ip = z.union([z.ipv4(), z.ipv6()], { error: "must be an IPv4 or IPv6 address" });
const eventTime = z
  .union([z.string(), z.number()])
  .refine(
    (v) => wireTime(v) !== undefined,
    "must be an ISO 8601 time with a zone (2025-11-22T10:00:00Z, ...+01:00) or epoch seconds or milliseconds",
  );

const userIdentity = z
  .object({
    type: text(LIMITS.userIdentityType),
    principalId: text(LIMITS.principalId),
    details: jsonObject.nullish(),
  })
  .strict();

/** Members in the order of the AWS schema page; the destination writes eventData in this order. */
export const EVENT_FIELDS = [
  "version",
  "userIdentity",
  "userAgent",
  "eventSource",
  "eventName",
  "eventTime",
  "UID",
  "requestParameters",
  "responseElements",
  "errorCode",
  "errorMessage",
  "sourceIPAddress",
  "recipientAccountId",
  "additionalEventData",
] as const;

export const outputSchema = z
  .object({
    version: text(LIMITS.version).optional(),
    userIdentity,
    userAgent: z.string().nullish(),
    eventSource: text(LIMITS.eventSource),
    eventName: text(LIMITS.eventName),
    eventTime,
    UID: text(LIMITS.UID).optional(),
    requestParameters: sizedObject(LIMITS.requestParametersBytes).nullish(),
    responseElements: sizedObject(LIMITS.responseElementsBytes).nullish(),
    errorCode: z.string().max(LIMITS.errorCode).nullish(),
    errorMessage: z.string().nullish(),
    sourceIPAddress: ip.nullish(),
    recipientAccountId: z
      .string()
      .regex(/^\d{12}$/, "must be a 12-digit account id")
      .optional(),
    additionalEventData: jsonObject.nullish(),
  })
  .strict()
  .describe(
    "eventData of a CloudTrail Lake integration event: version, userIdentity {type, principalId, details}, " +
      "userAgent, eventSource, eventName, eventTime, UID, requestParameters, responseElements, errorCode, " +
      "errorMessage, sourceIPAddress, recipientAccountId, additionalEventData",
  );

export type MappedEvent = z.output<typeof outputSchema>;

/** The event as it goes on the wire (check-event.ts checks it). */
export interface WireEvent {
  version: string;
  userIdentity: { type: string; principalId: string; details?: Record<string, unknown> };
  userAgent?: string;
  eventSource: string;
  eventName: string;
  eventTime: string;
  UID: string;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  sourceIPAddress?: string;
  recipientAccountId: string;
  additionalEventData?: Record<string, unknown>;
}
