/** For the codec tests only: the sample files of test/fixtures/samples and ways to feed a parser. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RecordParser } from "./record-parser.js";
import type { FileFormat, ParseEvent, ParseFailure, ParsedRecord } from "./types.js";

const SAMPLES = fileURLToPath(new URL("../../../../test/fixtures/samples", import.meta.url));
export const sample = (rel: string): Buffer => fs.readFileSync(path.join(SAMPLES, rel));

export const HOSTILE = "edge/hostile.ndjson";
export const MD_JSON = "metadefender/json/logs-0001.json";
export const MD_SYSLOG = "metadefender/syslog/logs-0002.log";
export const CERBY = "cerby/analytics/2025/11/22/0000-analytics.json";
export const NETSKOPE = "netskope/alerts.ndjson";
export const CLOUDTRAIL =
  "cloudtrail/AWSLogs/123456789012/CloudTrail/us-east-1/2025/11/22/123456789012_CloudTrail_us-east-1_20251122T0000Z_c8a734b0d63f0297.json.gz";

export function records(events: ParseEvent[]): ParsedRecord[] {
  return events.filter((e) => e.kind === "record");
}
export function errors(events: ParseEvent[]): ParseFailure[] {
  return events.filter((e) => e.kind === "error");
}

/** Feed `buf` in chunks of the given sizes (cycled), then end. */
export function feed(
  format: FileFormat,
  buf: Buffer,
  sizes: number[],
  parser = new RecordParser(format),
): ParseEvent[] {
  const out: ParseEvent[] = [];
  let i = 0;
  let k = 0;
  while (i < buf.length) {
    const n = sizes[k++ % sizes.length]!;
    out.push(...parser.push(buf.subarray(i, i + n)));
    i += n;
  }
  out.push(...parser.end());
  return out;
}

/** Small deterministic PRNG for chunk sizes. */
export function chunkSizes(seed: number, count: number, max: number): number[] {
  let x = seed;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    sizes.push(1 + (x % max));
  }
  return sizes;
}
