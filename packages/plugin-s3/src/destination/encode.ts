/**
 * From a batch of mapped records to S3 objects: records are grouped by their rendered key (`{file}` left open),
 * each group is cut into objects of at most `maxObjectBytes` (uncompressed bytes written), and each object is
 * named after its content (`{file}` = sha256 of its bytes). A re-sent batch yields the same objects under the
 * same keys, so it overwrites itself; two different objects never share a key.
 */
import { promisify } from "node:util";
import zlib from "node:zlib";
import { compileKeyTemplate, contentName, fillFile, type OutputRecord } from "@logshipper/core/sdk";
import { joinKey } from "../config.js";

const gzipAsync = promisify(zlib.gzip);

export type ObjectFormat = "ndjson" | "json";

export interface EncodeOptions {
  prefix: string;
  key: string;
  format: ObjectFormat;
  gzip: boolean;
  maxObjectBytes: number;
  /** Time for the date placeholders instead of each record's event time (`partitionTime: ingest`). */
  partitionTime?: number | undefined;
}

export interface PlannedObject {
  key: string;
  /** Indexes of the batch's records in this object, in batch order. */
  indexes: number[];
  /** The uncompressed body. */
  body: Buffer;
}

/** Bytes a record adds to an object besides its JSON: "\n" (ndjson) or ",\n" (json array). */
export function separatorBytes(format: ObjectFormat): number {
  return format === "ndjson" ? 1 : 2;
}

/** Bytes of an object with no records: nothing (ndjson) or "[\n" and "\n]\n" (json). */
export function frameBytes(format: ObjectFormat): number {
  return format === "ndjson" ? 0 : 5;
}

export function extension(format: ObjectFormat, gzip: boolean): string {
  return `.${format}${gzip ? ".gz" : ""}`;
}

export function contentType(format: ObjectFormat, gzip: boolean): string {
  if (gzip) return "application/gzip";
  return format === "ndjson" ? "application/x-ndjson" : "application/json";
}

/** The object body for some records' JSON texts. */
export function body(jsons: readonly string[], format: ObjectFormat): Buffer {
  if (format === "ndjson") return Buffer.from(jsons.map((j) => `${j}\n`).join(""), "utf8");
  return Buffer.from(jsons.length === 0 ? "[]\n" : `[\n${jsons.join(",\n")}\n]\n`, "utf8");
}

/** Plan the objects of a batch: group by key, cut by size, name by content. */
export function planObjects(batch: readonly OutputRecord[], options: EncodeOptions): PlannedObject[] {
  const template = compileKeyTemplate(options.key);
  const groups = new Map<string, number[]>();
  batch.forEach((record, index) => {
    // `value` is only read when the template has a {field:...}.
    const key = template.render(
      options.partitionTime === undefined
        ? record
        : {
            type: record.type,
            subtype: record.subtype,
            source: record.source,
            destination: record.destination,
            time: options.partitionTime,
            get value() {
              return record.value;
            },
          },
    );
    const list = groups.get(key);
    if (list) list.push(index);
    else groups.set(key, [index]);
  });
  const ext = extension(options.format, options.gzip);
  const sep = separatorBytes(options.format);
  const planned: PlannedObject[] = [];
  for (const [rendered, indexes] of groups) {
    let chunk: number[] = [];
    let size = frameBytes(options.format);
    const close = () => {
      const bytes = body(
        chunk.map((i) => batch[i]!.json),
        options.format,
      );
      const name = contentName([bytes], ext);
      const key = template.usesFile ? fillFile(rendered, name) : rendered;
      planned.push({ key: joinKey(options.prefix, key), indexes: chunk, body: bytes });
      chunk = [];
      size = frameBytes(options.format);
    };
    for (const i of indexes) {
      const add = batch[i]!.bytes + sep;
      if (chunk.length > 0 && size + add > options.maxObjectBytes) close();
      chunk.push(i);
      size += add;
    }
    if (chunk.length > 0) close();
  }
  return planned;
}

/** The bytes to upload: the body, gzip-compressed when asked (deterministic: no name or time in the header). */
export async function payload(object: PlannedObject, gzip: boolean): Promise<Buffer> {
  return gzip ? await gzipAsync(object.body) : object.body;
}
