/**
 * Payload encoders: turn a mapped record's `message` into the MSG text.
 *
 * - `json`: the JSON text of `message`.
 * - `text`: `message` as it is when it is a string, else its JSON text.
 * - `cef`: `CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|k=v k=v`. Header fields escape `\` and `|` and
 *   have no line breaks (they become spaces); extension values escape `\`, `=`, newline (`\n`) and CR (`\r`);
 *   severity is an integer 0-10; extension keys are letters, digits and `_`.
 * - `leef`: LEEF 1.0 (`LEEF:1.0|Vendor|Product|Version|EventID|k=v<TAB>k=v`) or 2.0 (`LEEF:2.0|...|EventID|^|k=v^k=v`).
 *   Header fields escape `\` and `|`; an attribute value never contains the delimiter (each one becomes a space).
 *
 * An encoder throws {@link PayloadError} when `message` does not fit; the destination dead-letters that record.
 */
import { z } from "@logshipper/core/sdk";
import { describeIssues } from "./envelope.js";

export type PayloadKind = "json" | "cef" | "leef" | "text";

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PayloadError";
  }
}

export interface LeefOptions {
  version: "1.0" | "2.0";
  delimiter: string;
}

const extensionKey = z.string().regex(/^[A-Za-z0-9_]+$/, { message: "a key is letters, digits and _" });
const headerValue = z.union([z.string(), z.number()]).transform(String);

const cefSchema = z.object({
  version: z.union([z.literal(0), z.literal(1)]).default(0),
  deviceVendor: headerValue,
  deviceProduct: headerValue,
  deviceVersion: headerValue,
  signatureId: headerValue,
  name: headerValue,
  severity: z.union([z.int(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.int().min(0).max(10)),
  extension: z.record(extensionKey, z.unknown()).default({}),
});
export type CefMessage = z.input<typeof cefSchema>;

const leefSchema = z.object({
  vendor: headerValue,
  product: headerValue,
  version: headerValue,
  eventId: headerValue,
  attributes: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: "a key is letters, digits, _ . -" }),
      z.unknown(),
    )
    .default({}),
});
export type LeefMessage = z.input<typeof leefSchema>;

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PayloadError(`message is not a ${what} event (${describeIssues(parsed.error.issues)})`);
}

/** A value as text: strings as they are, other scalars with String, objects and arrays as JSON. */
function text(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      return JSON.stringify(value) ?? "";
  }
}

/** CEF and LEEF header fields: `\` and `|` escaped, no line breaks. */
export function escapeHeader(value: string): string {
  return value.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, " ");
}

/** CEF extension values: `\`, `=`, newline and CR escaped. */
export function escapeCefValue(value: string): string {
  return value.replace(/[\\=\r\n]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : `\\${c}`));
}

export function encodeCef(message: unknown): string {
  const cef = parse(cefSchema, message, "CEF");
  const head = [cef.deviceVendor, cef.deviceProduct, cef.deviceVersion, cef.signatureId, cef.name]
    .map(escapeHeader)
    .join("|");
  const ext: string[] = [];
  for (const [key, value] of Object.entries(cef.extension)) {
    if (value === null || value === undefined) continue;
    ext.push(`${key}=${escapeCefValue(text(value))}`);
  }
  return `CEF:${cef.version}|${head}|${cef.severity}|${ext.join(" ")}`;
}

/** The LEEF 2.0 delimiter field: the character itself, or `xHH` for whitespace and control characters. */
function delimiterField(delimiter: string): string {
  const code = delimiter.codePointAt(0)!;
  return code <= 0x20 || code === 0x7f ? `x${code.toString(16).padStart(2, "0")}` : delimiter;
}

export function encodeLeef(message: unknown, options: LeefOptions): string {
  const leef = parse(leefSchema, message, "LEEF");
  const delimiter = options.version === "1.0" ? "\t" : options.delimiter;
  const head = [leef.vendor, leef.product, leef.version, leef.eventId].map(escapeHeader).join("|");
  const attrs: string[] = [];
  for (const [key, value] of Object.entries(leef.attributes)) {
    if (value === null || value === undefined) continue;
    attrs.push(`${key}=${text(value).split(delimiter).join(" ")}`);
  }
  const version = options.version === "1.0" ? "LEEF:1.0" : `LEEF:2.0`;
  const delimiterPart = options.version === "1.0" ? "" : `${delimiterField(delimiter)}|`;
  return `${version}|${head}|${delimiterPart}${attrs.join(delimiter)}`;
}

export function encodePayload(kind: PayloadKind, message: unknown, leef: LeefOptions): string {
  switch (kind) {
    case "json":
      return JSON.stringify(message);
    case "text":
      return text(message);
    case "cef":
      return encodeCef(message);
    case "leef":
      return encodeLeef(message, leef);
  }
}
