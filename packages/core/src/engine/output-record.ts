/**
 * A mapped record on its way to a destination. Only its JSON text is held: `value` is parsed back from it on
 * first use. Most destinations write `json` as it is, and a full batch (up to a destination's byte limit, often
 * megabytes) then costs its text alone, not the text plus the object graph the mapping built. A destination
 * that reads `value` sees exactly what `json` ships.
 */
import type { OutputRecord } from "../sdk/types.js";

export interface OutputFields {
  id: string;
  type: string;
  subtype: string;
  source: string;
  time: number;
  destination: string;
  mapping: string;
  json: string;
  bytes: number;
}

export class JsonOutputRecord implements OutputRecord {
  readonly id: string;
  readonly type: string;
  readonly subtype: string;
  readonly source: string;
  readonly time: number;
  readonly destination: string;
  readonly mapping: string;
  readonly json: string;
  readonly bytes: number;
  unmapped?: Record<string, unknown>;
  private parsed: unknown;

  constructor(fields: OutputFields) {
    this.id = fields.id;
    this.type = fields.type;
    this.subtype = fields.subtype;
    this.source = fields.source;
    this.time = fields.time;
    this.destination = fields.destination;
    this.mapping = fields.mapping;
    this.json = fields.json;
    this.bytes = fields.bytes;
  }

  get value(): unknown {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.json) as unknown;
    return this.parsed;
  }
}
