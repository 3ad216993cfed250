/**
 * Records as core builds them, for plugin and engine tests: a `LogRecord` as a rule or mapping sees it, and an
 * `OutputRecord` as a destination's `send` receives it (value, its JSON and byte length kept consistent).
 */
import type { LogRecord, OutputRecord } from "../sdk/types.js";

/** A normalized record with `data`; every other field has a plain default that `meta` overrides. */
export function logRecord(data: unknown, meta: Partial<Omit<LogRecord, "data">> = {}): LogRecord {
  return { id: "a1b2", type: "alert", subtype: "dlp", source: "netskope-alerts", time: 0, data, ...meta };
}

/** Fields of an OutputRecord a test may set; `json` and `bytes` always follow `value`. */
export type OutputRecordFields = Partial<Omit<OutputRecord, "value" | "json" | "bytes">>;

/** A mapped record carrying `value`, as core hands it to a destination. */
export function outputRecord(value: unknown, fields: OutputRecordFields = {}): OutputRecord {
  const json = JSON.stringify(value);
  return {
    id: "rec-0",
    type: "event",
    subtype: "test",
    source: "test",
    time: Date.UTC(2025, 10, 22, 12, 0, 0),
    destination: "test",
    mapping: "test",
    ...fields,
    value,
    json,
    bytes: Buffer.byteLength(json),
  };
}

/** `n` mapped records `{id, message, n}` with ids `rec-0`, `rec-1`, ... and times a second apart. */
export function sampleOutputRecords(n: number, destination = "test"): OutputRecord[] {
  return Array.from({ length: n }, (_, i) =>
    outputRecord(
      { id: `rec-${i}`, message: `test record ${i}`, n: i },
      {
        id: `rec-${i}`,
        source: "contract",
        mapping: "contract",
        destination,
        time: Date.UTC(2025, 10, 22, 12, 0, i % 60),
      },
    ),
  );
}
