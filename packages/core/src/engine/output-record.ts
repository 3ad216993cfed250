/**
 * A mapped record on its way to a destination. Its JSON is held as UTF-8 bytes in the lane's arena
 * (json-arena.ts): `json` is decoded and `value` parsed from them on demand. Most destinations write the bytes
 * as they are, and a full batch (up to a destination's byte limit, often megabytes) then costs its bytes
 * alone, outside the JavaScript heap. A destination that reads `value` sees exactly what `json` ships.
 */
import { parseJson } from "../formats/lossless-number.js";
import type { OutputRecord } from "../sdk/types.js";

export interface OutputFields {
  id: string;
  type: string;
  subtype: string;
  source: string;
  time: number;
  destination: string;
  mapping: string;
}

export class JsonOutputRecord implements OutputRecord {
  readonly id: string;
  readonly type: string;
  readonly subtype: string;
  readonly source: string;
  readonly time: number;
  readonly destination: string;
  readonly mapping: string;
  unmapped?: Record<string, unknown>;
  private parsed: unknown;

  constructor(
    fields: OutputFields,
    private readonly chunk: Buffer,
    private readonly start: number,
    /** UTF-8 length of the JSON. */
    readonly bytes: number,
    /** Position of the record in the durable buffer (a rejected record is read back from there). */
    readonly seq: number,
  ) {
    this.id = fields.id;
    this.type = fields.type;
    this.subtype = fields.subtype;
    this.source = fields.source;
    this.time = fields.time;
    this.destination = fields.destination;
    this.mapping = fields.mapping;
  }

  get json(): string {
    return this.chunk.toString("utf8", this.start, this.start + this.bytes);
  }

  jsonBytes(): Uint8Array {
    return this.chunk.subarray(this.start, this.start + this.bytes);
  }

  get value(): unknown {
    // parseJson: a number the mapping passed through reads back as it was shipped (a LosslessNumber if need be).
    if (this.parsed === undefined) this.parsed = parseJson(this.json);
    return this.parsed;
  }
}
