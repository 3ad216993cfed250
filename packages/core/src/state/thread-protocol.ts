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
 * Records to buffer, as columns, the record data joined into one string: the structured clone of a few strings
 * and typed arrays costs far less than that of an object (or a string) per record, and ingest sends every
 * selected record across.
 */
export interface RecordColumns {
  id: string[];
  type: string[];
  subtype: string[];
  source: string[];
  time: Float64Array;
  /** Every record's dataJson, concatenated; record i ends at dataEnd[i]. */
  data: string;
  dataEnd: Uint32Array;
  origin: (string | undefined)[];
}

export function toColumns(records: readonly RecordToBuffer[]): RecordColumns {
  const n = records.length;
  const c: RecordColumns = {
    id: new Array<string>(n),
    type: new Array<string>(n),
    subtype: new Array<string>(n),
    source: new Array<string>(n),
    time: new Float64Array(n),
    data: "",
    dataEnd: new Uint32Array(n),
    origin: new Array<string | undefined>(n),
  };
  const data = new Array<string>(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    c.id[i] = r.id;
    c.type[i] = r.type;
    c.subtype[i] = r.subtype;
    c.source[i] = r.source;
    c.time[i] = r.time;
    data[i] = r.dataJson;
    end += r.dataJson.length;
    c.dataEnd[i] = end;
    c.origin[i] = r.origin;
  }
  c.data = data.join("");
  return c;
}

export function fromColumns(c: RecordColumns): RecordToBuffer[] {
  const out = new Array<RecordToBuffer>(c.id.length);
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    const end = c.dataEnd[i]!;
    out[i] = {
      id: c.id[i]!,
      type: c.type[i]!,
      subtype: c.subtype[i]!,
      source: c.source[i]!,
      time: c.time[i]!,
      dataJson: c.data.slice(start, end),
      origin: c.origin[i],
    };
    start = end;
  }
  return out;
}
