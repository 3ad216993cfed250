/**
 * The `id` of an audit event in a PutAuditEvents request: 1-128 characters of `[-_A-Za-z0-9]`, unique within the
 * request. It is how the response's `successful[]` and `failed[]` entries name the events.
 *
 * A record id that fits is sent as it is (an operator can find it in CloudTrail's answer); one that does not
 * (Netskope `_id`s fit; URLs, e-mail addresses or ids with dots do not) becomes the UUIDv5 of itself, which
 * is stable: a resent record gets the same id.
 */
import { createHash } from "node:crypto";

export const AUDIT_EVENT_ID_PATTERN = /^[-_A-Za-z0-9]{1,128}$/;

/** UUIDv5 namespace of Log Shipper's CloudTrail Lake audit event ids (a random, fixed UUID). */
export const AUDIT_EVENT_ID_NAMESPACE = "3f0b5a8e-52c4-4d8a-9a57-6d0e4f1c2b71";

/** UUIDv5 (RFC 9562 §5.5): SHA-1 of the namespace's 16 bytes and the name's UTF-8 bytes, version and variant set. */
export function uuidv5(name: string, namespace: string = AUDIT_EVENT_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new TypeError(`not a UUID: ${namespace}`);
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The audit event id of a record: its id when it fits the pattern, else the UUIDv5 of it. */
export function auditEventId(recordId: string): string {
  return AUDIT_EVENT_ID_PATTERN.test(recordId) ? recordId : uuidv5(recordId);
}
