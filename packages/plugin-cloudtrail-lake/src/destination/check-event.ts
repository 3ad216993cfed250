/**
 * The last check of an event before it is sent: everything CloudTrail requires is there and every limit of the
 * integration event schema is met. It runs once per event on the hot path, so it is written by hand (a zod
 * schema costs several times more) and returns the problems as `field: what is wrong` texts.
 */
import { isIP } from "node:net";
import { EVENT_FIELDS, isJsonObject, jsonBytes, LIMITS, WIRE_TIME, type WireEvent } from "./event-schema.js";

const FIELDS = new Set<string>(EVENT_FIELDS);
const IDENTITY_FIELDS = new Set(["type", "principalId", "details"]);

function text(problems: string[], field: string, value: unknown, max: number, required: boolean): void {
  if (value === undefined) {
    if (required) problems.push(`${field}: required`);
  } else if (typeof value !== "string") problems.push(`${field}: must be a string`);
  else if (required && value.length === 0) problems.push(`${field}: must not be empty`);
  else if (value.length > max) problems.push(`${field}: must be at most ${max} characters`);
}

/** Objects whose size was already checked (prepare.ts sizes additionalEventData while fitting it). */
export const sized = new WeakSet<object>();

function object(problems: string[], field: string, value: unknown, maxBytes: number): void {
  if (value === undefined) return;
  if (!isJsonObject(value)) problems.push(`${field}: must be a JSON object`);
  else if (!sized.has(value) && jsonBytes(value) > maxBytes)
    problems.push(`${field}: must be at most ${maxBytes} bytes of JSON`);
}

/** The problems of `event`, none when it can be sent. */
export function checkWireEvent(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(event))
    if (!FIELDS.has(key)) problems.push(`${key}: not a field of eventData`);
  text(problems, "version", event.version, LIMITS.version, true);
  const identity = event.userIdentity;
  if (!isJsonObject(identity)) problems.push("userIdentity: required (an object with type and principalId)");
  else {
    text(problems, "userIdentity.type", identity.type, LIMITS.userIdentityType, true);
    text(problems, "userIdentity.principalId", identity.principalId, LIMITS.principalId, true);
    if (identity.details !== undefined && !isJsonObject(identity.details))
      problems.push("userIdentity.details: must be a JSON object");
    for (const key of Object.keys(identity))
      if (!IDENTITY_FIELDS.has(key)) problems.push(`userIdentity.${key}: not a field of userIdentity`);
  }
  text(problems, "userAgent", event.userAgent, LIMITS.userAgent, false);
  text(problems, "eventSource", event.eventSource, LIMITS.eventSource, true);
  text(problems, "eventName", event.eventName, LIMITS.eventName, true);
  if (typeof event.eventTime !== "string" || !WIRE_TIME.test(event.eventTime))
    problems.push("eventTime: must be an ISO 8601 time with a zone, or epoch seconds or milliseconds");
  text(problems, "UID", event.UID, LIMITS.UID, true);
  object(problems, "requestParameters", event.requestParameters, LIMITS.requestParametersBytes);
  object(problems, "responseElements", event.responseElements, LIMITS.responseElementsBytes);
  text(problems, "errorCode", event.errorCode, LIMITS.errorCode, false);
  text(problems, "errorMessage", event.errorMessage, LIMITS.errorMessage, false);
  const ip = event.sourceIPAddress;
  if (ip !== undefined && (typeof ip !== "string" || isIP(ip) === 0))
    problems.push("sourceIPAddress: must be an IPv4 or IPv6 address");
  if (typeof event.recipientAccountId !== "string" || !/^\d{12}$/.test(event.recipientAccountId))
    problems.push("recipientAccountId: must be a 12-digit account id");
  object(problems, "additionalEventData", event.additionalEventData, LIMITS.additionalEventDataBytes);
  return problems;
}

/** `event` as a `WireEvent`, or its problems. */
export function asWireEvent(event: Record<string, unknown>): WireEvent | string[] {
  const problems = checkWireEvent(event);
  return problems.length > 0 ? problems : (event as unknown as WireEvent);
}
