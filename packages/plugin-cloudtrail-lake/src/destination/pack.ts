/**
 * Cutting prepared entries into PutAuditEvents requests by the exact size of the request body: at most 100
 * events and 1 MB each, never two entries with the same id in one request (CloudTrail refuses the whole request
 * with DuplicatedAuditEventId), in the order of the batch.
 */
import {
  MAX_REQUEST_BYTES,
  MAX_REQUEST_EVENTS,
  REQUEST_ENVELOPE_BYTES,
  type PreparedEntry,
} from "./prepare.js";

export interface PackLimits {
  maxEvents: number;
  maxBytes: number;
}

export const API_LIMITS: PackLimits = { maxEvents: MAX_REQUEST_EVENTS, maxBytes: MAX_REQUEST_BYTES };

/** The request body of `entries`, exactly as sent. */
export function requestBody(entries: readonly PreparedEntry[]): string {
  return `{"auditEvents":[${entries.map((e) => e.json).join(",")}]}`;
}

/** Byte length of `requestBody(entries)`, without building it. */
export function requestBytes(entries: readonly PreparedEntry[]): number {
  let bytes = REQUEST_ENVELOPE_BYTES + Math.max(0, entries.length - 1);
  for (const e of entries) bytes += e.bytes;
  return bytes;
}

/**
 * Groups of entries, each one request. Greedy and in order: an entry that would break a limit, or whose id the
 * open request already holds, starts the next request. Every entry must fit a request on its own (prepare.ts
 * dead-letters those that do not).
 */
export function pack<T extends PreparedEntry>(entries: readonly T[], limits: PackLimits = API_LIMITS): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let ids = new Set<string>();
  let bytes = REQUEST_ENVELOPE_BYTES;
  for (const entry of entries) {
    const added = entry.bytes + (current.length > 0 ? 1 : 0);
    if (
      current.length > 0 &&
      (current.length >= limits.maxEvents || bytes + added > limits.maxBytes || ids.has(entry.id))
    ) {
      requests.push(current);
      current = [];
      ids = new Set();
      bytes = REQUEST_ENVELOPE_BYTES;
    }
    bytes += current.length > 0 ? added : entry.bytes;
    current.push(entry);
    ids.add(entry.id);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
