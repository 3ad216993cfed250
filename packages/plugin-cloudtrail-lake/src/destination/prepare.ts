/**
 * From a mapped record to one entry of a PutAuditEvents request, or to the reason it can never be sent.
 *
 * The destination fixes what it can, then checks the result against the strict schema:
 * - fills `recipientAccountId` with the channel owner's account (the only value CloudTrail accepts; a mapping's
 *   own value is replaced), `UID` with the record id and `version` with "1.0" when the mapping leaves them out;
 * - writes `eventTime` as UTC `yyyy-MM-ddTHH:mm:ssZ`; leaves out members whose value is null;
 * - with `additionalData`, adds the record's unmapped fields to `additionalEventData` (the mapping's own members
 *   win on a name clash);
 * - trims by this policy, in this order: `additionalEventData` over 28 kB loses members, largest first, those
 *   that came from the unmapped fields before the mapping's own, and lists their names in `logshipperOmitted`;
 *   `userAgent` over 1024 and `errorMessage` over 256 characters are cut, ending in "...".
 * Anything else over a limit (requestParameters or responseElements over 100 kB, a too-long eventSource, ...) or
 * an entry larger than a whole request cannot be fixed without losing what the mapping chose: the record is
 * dead-lettered with the field and the limit.
 */
import { createHash } from "node:crypto";
import type { OutputRecord } from "@logshipper/core/sdk";
import { asWireEvent, sized } from "./check-event.js";
import { EVENT_FIELDS, isJsonObject, jsonBytes, LIMITS, wireTime, type WireEvent } from "./event-schema.js";
import { ERROR_CODES } from "../error-codes.js";
import { auditEventId } from "./ids.js";

/** Largest request body, in bytes ("1 MB", counted as 1,000,000 bytes). */
export const MAX_REQUEST_BYTES = 1_000_000;
/** Most events in one request. */
export const MAX_REQUEST_EVENTS = 100;
/** `{"auditEvents":[` and `]}`. */
export const REQUEST_ENVELOPE_BYTES = Buffer.byteLength('{"auditEvents":[]}');

export const DEFAULT_VERSION = "1.0";
export const OMITTED_KEY = "logshipperOmitted";

export interface PreparedEntry {
  /** The audit event id (the record id, or its UUIDv5). */
  id: string;
  /** `{"id":...,"eventData":...,"eventDataChecksum":...}`: one element of `auditEvents`, as JSON text. */
  json: string;
  bytes: number;
  event: WireEvent;
}

export type Prepared = { ok: true; entry: PreparedEntry } | { ok: false; code: string; reason: string };

export interface PrepareOptions {
  /** The channel owner's account id. */
  account: string;
}

/** base64 of the SHA-256 of the UTF-8 bytes: PutAuditEvents' `eventDataChecksum`. */
export function checksum(eventData: string): string {
  return createHash("sha256").update(eventData, "utf8").digest("base64");
}

/** Cut `text` to `max` UTF-16 units, ending in "...", without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 3;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}...`;
}

/**
 * additionalEventData within its limit: members removed largest first, `unmapped` ones before the mapping's
 * own, their names listed under `logshipperOmitted`. Undefined when there is nothing to send.
 */
export function fitAdditionalData(
  mapped: Record<string, unknown> | undefined,
  unmapped: Record<string, unknown> | undefined,
  max: number = LIMITS.additionalEventDataBytes,
): Record<string, unknown> | undefined {
  const merged: Record<string, unknown> =
    unmapped === undefined ? (mapped ?? {}) : { ...unmapped, ...mapped };
  if (Object.keys(merged).length === 0) return undefined;
  if (jsonBytes(merged) <= max) {
    if (max <= LIMITS.additionalEventDataBytes) sized.add(merged);
    return merged;
  }
  const own = new Set(Object.keys(mapped ?? {}));
  const bySize = (keys: string[]) =>
    keys
      .map((k) => ({ k, size: jsonBytes({ [k]: merged[k] }) }))
      .sort((a, b) => b.size - a.size)
      .map((e) => e.k);
  const order = [
    ...bySize(Object.keys(merged).filter((k) => !own.has(k))),
    ...bySize(Object.keys(merged).filter((k) => own.has(k))),
  ];
  const omitted: string[] = [];
  const kept = { ...merged };
  for (const key of order) {
    delete kept[key];
    omitted.push(key);
    if (jsonBytes({ ...kept, [OMITTED_KEY]: omitted }) <= max) break;
  }
  const fitted = { ...kept, [OMITTED_KEY]: omitted };
  if (jsonBytes(fitted) <= max && max <= LIMITS.additionalEventDataBytes) sized.add(fitted);
  return fitted;
}

/** The event as it will be sent, before the last check: members in the schema's order, fixed where possible. */
export function buildEvent(record: OutputRecord, options: PrepareOptions): Record<string, unknown> {
  const value = isJsonObject(record.value) ? record.value : {};
  const event: Record<string, unknown> = {};
  for (const field of EVENT_FIELDS) {
    let v = value[field];
    switch (field) {
      case "version":
        v ??= DEFAULT_VERSION;
        break;
      case "UID":
        v ??= record.id;
        break;
      case "recipientAccountId":
        v = options.account;
        break;
      case "eventTime":
        v = wireTime(v) ?? v;
        break;
      case "userAgent":
        if (typeof v === "string") v = truncate(v, LIMITS.userAgent);
        break;
      case "errorMessage":
        if (typeof v === "string") v = truncate(v, LIMITS.errorMessage);
        break;
      case "userIdentity":
        if (isJsonObject(v) && v.details === null) {
          const identity = { ...v };
          delete identity.details;
          v = identity;
        }
        break;
      case "additionalEventData":
        v = fitAdditionalData(isJsonObject(v) ? v : undefined, record.unmapped);
        break;
    }
    if (v !== null && v !== undefined) event[field] = v;
  }
  return event;
}

/** A request entry for `record`, or why it can never be sent. */
export function prepare(record: OutputRecord, options: PrepareOptions): Prepared {
  const event = asWireEvent(buildEvent(record, options));
  if (Array.isArray(event)) {
    return {
      ok: false,
      code: ERROR_CODES.CLOUDTRAIL_EVENT_INVALID,
      reason: `event does not fit the CloudTrail Lake schema: ${event.join("; ")}`,
    };
  }
  const eventData = JSON.stringify(event);
  const id = auditEventId(record.id);
  const json = `{"id":${JSON.stringify(id)},"eventData":${JSON.stringify(eventData)},"eventDataChecksum":"${checksum(eventData)}"}`;
  const bytes = Buffer.byteLength(json);
  if (bytes + REQUEST_ENVELOPE_BYTES > MAX_REQUEST_BYTES) {
    return {
      ok: false,
      code: ERROR_CODES.CLOUDTRAIL_EVENT_TOO_LARGE,
      reason: `event is ${bytes} bytes in the request; a PutAuditEvents request holds at most ${MAX_REQUEST_BYTES}`,
    };
  }
  return { ok: true, entry: { id, json, bytes, event } };
}
