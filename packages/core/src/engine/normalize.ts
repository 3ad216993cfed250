/** Turn a source's RecordInput into a LogRecord: id, type, subtype and time from the source's core options. */
import { v5 as uuidv5 } from "uuid";
import type { SourceConfig } from "../config/load.js";
import { isLosslessNumber } from "../formats/lossless-number.js";
import type { LogRecord, RecordInput } from "../sdk/types.js";

/** Namespace of derived record ids: UUIDv5(canonical JSON of data, this namespace). */
export const RECORD_ID_NAMESPACE = "6f1c1b1e-6c2f-5c8e-9a53-4c6f67736870";

/**
 * JSON with object keys sorted, so equal events give equal text whatever their key order. A number a double
 * cannot hold is written as its text: 9007199254740992 and 9007199254740993 are two events.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

export function derivedId(data: unknown): string {
  return uuidv5(canonicalJson(data), RECORD_ID_NAMESPACE);
}

/** Dotted paths already split: normalising reads the same few paths for every record. */
const SPLIT_PATHS = new Map<string, string[]>();

export function getPath(data: unknown, path: string): unknown {
  if (data === null || typeof data !== "object") return undefined;
  if (!path.includes(".")) return (data as Record<string, unknown>)[path];
  let parts = SPLIT_PATHS.get(path);
  if (!parts) {
    parts = path.split(".");
    if (SPLIT_PATHS.size < 1000) SPLIT_PATHS.set(path, parts);
  }
  let cur: unknown = data;
  for (const part of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Epoch seconds, epoch milliseconds (numbers or numeric strings) or ISO 8601 text, to ms. */
export function parseEventTime(value: unknown): number | undefined {
  if (isLosslessNumber(value)) return parseEventTime(Number(value.value));
  if (typeof value === "number" && Number.isFinite(value))
    return value < 1e11 ? Math.round(value * 1000) : value;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    if (Number.isFinite(n)) return parseEventTime(n);
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** An id's text; a number keeps the digits it came with (a 64-bit id is a LosslessNumber). */
function idText(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (isLosslessNumber(value)) return value.value;
  return undefined;
}

/** Normalise one input. `pulledAt` is the time used when the event carries none. */
export function normalize(
  input: RecordInput,
  source: SourceConfig,
  pulledAt: number,
  computedId?: string,
): LogRecord {
  const { core } = source;
  const data = input.data;
  let id = input.id ?? computedId;
  if (id === undefined && core.idField) id = idText(getPath(data, core.idField));
  let subtype = input.subtype;
  if (subtype === undefined && core.subtypeField) {
    const v = getPath(data, core.subtypeField);
    if (typeof v === "string" || typeof v === "number" || isLosslessNumber(v)) subtype = String(v);
  }
  let time = input.time;
  if (time === undefined && core.timeField) time = parseEventTime(getPath(data, core.timeField));
  return {
    id: id ?? derivedId(data),
    type: input.type ?? core.recordType,
    subtype: subtype ?? core.subtype ?? "",
    source: source.name,
    time: time ?? pulledAt,
    data,
  };
}

/** The id from the source's `idExpression` (JSONata), when it has one. */
export async function expressionId(input: RecordInput, source: SourceConfig): Promise<string | undefined> {
  if (!source.idExpression || input.id !== undefined) return undefined;
  const value = await source.idExpression.evaluate({
    id: "",
    type: input.type ?? source.core.recordType,
    subtype: input.subtype ?? "",
    source: source.name,
    time: input.time ?? 0,
    data: input.data,
  });
  return idText(value);
}
