/**
 * CloudTrail log files: one JSON object `{"Records": [...]}` per file (gzip). Each element of `Records` is a
 * record whose id is its `eventID` and whose time is its `eventTime`. A file is parsed whole (CloudTrail files
 * are a few MB); the position inside it is the index in `Records`.
 */
import { truncateRaw } from "@logshipper/core/sdk";
import type { ObjectItem, ObjectPosition } from "./reader.js";

/** Largest CloudTrail file parsed (decompressed); a larger one is rejected whole. */
export const MAX_CLOUDTRAIL_BYTES = 256 * 1024 * 1024;
/** Items per yielded chunk. */
const CHUNK = 500;

/** True when the (decompressed) start of an object is the start of a CloudTrail file. */
export function looksLikeCloudTrail(head: Buffer): boolean {
  return /^\uFEFF?\s*\{\s*"Records"\s*:\s*\[/.test(head.subarray(0, 512).toString("utf8"));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

async function collect(bytes: AsyncIterable<Buffer>, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Items of a CloudTrail file from `start` (elements of `Records` already handed over). A file that is not
 * CloudTrail JSON becomes one reject, marked as the end of the object.
 */
export async function* cloudTrailItems(
  bytes: AsyncIterable<Buffer>,
  where: string,
  start: number,
  max: number,
  extra: Partial<ObjectPosition>,
): AsyncGenerator<ObjectItem[]> {
  const base = { offset: 0, line: 1, mode: "cloudtrail" as const, ...extra };
  const whole = (reason: string, raw: string): ObjectItem[] => [
    {
      kind: "reject",
      origin: where,
      reason,
      raw: truncateRaw(raw),
      bytes: raw.length,
      next: { ...base, index: 1, end: true },
    },
  ];
  const buffer = await collect(bytes, max);
  if (buffer === undefined) {
    yield whole(`CloudTrail file larger than ${max} bytes`, "");
    return;
  }
  const text = buffer.toString("utf8").replace(/^\uFEFF/, "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    yield whole(`invalid JSON: ${(error as Error).message}`, text);
    return;
  }
  if (!isObject(parsed) || !Array.isArray(parsed.Records)) {
    yield whole('not a CloudTrail file: expected {"Records": [...]}', text);
    return;
  }
  const records: unknown[] = parsed.Records;
  const each = Math.ceil(buffer.length / Math.max(1, records.length));
  let out: ObjectItem[] = [];
  for (let i = start; i < records.length; i++) {
    const value = records[i];
    const origin = `${where}#Records[${i}]`;
    const next: ObjectPosition = { ...base, index: i + 1 };
    if (!isObject(value)) {
      out.push({
        kind: "reject",
        origin,
        reason: "not a JSON object",
        raw: truncateRaw(JSON.stringify(value) ?? ""),
        bytes: each,
        next,
      });
    } else {
      const id = typeof value.eventID === "string" && value.eventID !== "" ? value.eventID : undefined;
      const time = typeof value.eventTime === "string" ? Date.parse(value.eventTime) : NaN;
      out.push({
        kind: "record",
        data: value,
        origin,
        bytes: each,
        next,
        ...(id !== undefined && { id }),
        ...(Number.isFinite(time) && { time }),
      });
    }
    if (out.length >= CHUNK) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}
