/** Messages between the engine and the state thread (threaded.ts, state-thread.ts). */
import type { RecordToBuffer } from "./interfaces.js";

/** StateStore methods, and its buffer's as `buffer.<name>`, callable on the state thread. */
export const STATE_METHODS = [
  "ingest",
  "getCheckpoint",
  "listCheckpoints",
  "getCursor",
  "setInflight",
  "acknowledge",
  "rememberSent",
  "delivered",
  "expireDedup",
  "addDeadLetters",
  "listDeadLetters",
  "countDeadLetters",
  "deleteDeadLetters",
  "requeue",
  "pluginSet",
  "pluginEntries",
  "close",
  "buffer.read",
  "buffer.lastSeq",
  "buffer.countAfter",
  "buffer.prune",
] as const;

export type StateMethod = (typeof STATE_METHODS)[number];

export interface StateCall {
  id: number;
  method: StateMethod;
  args: unknown[];
}

/** Every reply carries the bytes the buffer holds, which the engine reads synchronously for backpressure. */
export type StateReply =
  | { id: number; ok: true; value: unknown; bufferBytes: number }
  | { id: number; ok: false; error: { name: string; message: string; code?: string }; bufferBytes: number };

export interface StateThreadOptions {
  dir: string;
  sync: "normal" | "full";
}

/**
 * Records to buffer, as columns, the record data encoded as UTF-8 into one buffer that is transferred, not
 * copied: the structured clone of an object (or a string) per record would cost the engine's thread far more,
 * and ingest sends every selected record across.
 */
export interface RecordColumns {
  id: string[];
  type: string[];
  subtype: string[];
  source: string[];
  time: Float64Array;
  /** Every record's dataJson as UTF-8, back to back; record i ends at byte dataEnd[i]. */
  data: Uint8Array;
  dataEnd: Uint32Array;
  origin: (string | undefined)[];
  lane: (string | undefined)[];
}

/** The columns of `records`, and the buffers to transfer with them. */
export function toColumns(records: readonly RecordToBuffer[]): {
  columns: RecordColumns;
  transfer: ArrayBuffer[];
} {
  const n = records.length;
  let chars = 0;
  for (let i = 0; i < n; i++) chars += records[i]!.dataJson.length;
  // UTF-8 takes at most 3 bytes per UTF-16 unit. The pages past what is written are never touched.
  const bytes = new ArrayBuffer(chars * 3);
  const data = Buffer.from(bytes);
  const time = new Float64Array(n);
  const dataEnd = new Uint32Array(n);
  const c: RecordColumns = {
    id: new Array<string>(n),
    type: new Array<string>(n),
    subtype: new Array<string>(n),
    source: new Array<string>(n),
    time,
    data,
    dataEnd,
    origin: new Array<string | undefined>(n),
    lane: new Array<string | undefined>(n),
  };
  let end = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    c.id[i] = r.id;
    c.type[i] = r.type;
    c.subtype[i] = r.subtype;
    c.source[i] = r.source;
    c.time[i] = r.time;
    end += data.write(r.dataJson, end, "utf8");
    c.dataEnd[i] = end;
    c.origin[i] = r.origin;
    c.lane[i] = r.lane;
  }
  return { columns: c, transfer: [bytes, time.buffer, dataEnd.buffer] };
}

export function fromColumns(c: RecordColumns): RecordToBuffer[] {
  const out = new Array<RecordToBuffer>(c.id.length);
  const data = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    const end = c.dataEnd[i]!;
    out[i] = {
      id: c.id[i]!,
      type: c.type[i]!,
      subtype: c.subtype[i]!,
      source: c.source[i]!,
      time: c.time[i]!,
      dataJson: data.toString("utf8", start, end),
      origin: c.origin[i],
      lane: c.lane[i],
    };
    start = end;
  }
  return out;
}
