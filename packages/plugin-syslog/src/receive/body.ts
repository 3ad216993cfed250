/**
 * Reads a received MSG as the source's `payload` option says, into the members of the record's data:
 *
 * - `text`: `{message: "..."}`.
 * - `json`: the members of the JSON object MSG holds.
 * - `members`: the members of `"a": 1, "b": "x"`, a JSON object without its braces (MetaDefender's SYSLOG format),
 *   read with the SDK's `members` parser.
 * - `cef`: `{cef: {version, deviceVendor, deviceProduct, deviceVersion, signatureId, name, severity, extension}}`,
 *   header fields and extension values unescaped; the same shape the `syslog` destination's CEF encoder takes.
 *
 * Anything else throws {@link BodyError}: the message is kept as a dead letter.
 */
import { parseBuffer } from "@logshipper/core/sdk";

export type BodyFormat = "text" | "json" | "cef" | "members";

export class BodyError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Splits a CEF header on unescaped `|`, unescaping `\|` and `\\`. Returns the 7 fields and the extension. */
function cefHeader(text: string): [string[], string] {
  const fields: string[] = [];
  let current = "";
  let i = 0;
  while (i < text.length && fields.length < 7) {
    const c = text[i]!;
    if (c === "\\" && (text[i + 1] === "|" || text[i + 1] === "\\")) {
      current += text[i + 1];
      i += 2;
    } else if (c === "|") {
      fields.push(current);
      current = "";
      i++;
    } else {
      current += c;
      i++;
    }
  }
  if (fields.length < 7) throw new BodyError("not CEF: the header has fewer than 8 |-separated fields");
  return [fields, text.slice(i)];
}

function unescapeCefValue(value: string): string {
  return value.replace(/\\([\\=nr])/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c));
}

/** `k=v k2=v2 with spaces`: a key is a word followed by an unescaped `=`; a value runs to the next key. */
function cefExtension(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = [...text.matchAll(/(?:^|\s)([A-Za-z0-9_.[\]-]+)=/g)].filter((m) => {
    let backslashes = 0;
    for (let j = m.index + m[0].length - 2; j >= 0 && text[j] === "\\"; j--) backslashes++;
    return backslashes % 2 === 0;
  });
  for (const [n, m] of keys.entries()) {
    const start = m.index + m[0].length;
    const next = keys[n + 1];
    const end = next ? next.index : text.length;
    const raw = text.slice(start, end);
    out[m[1]!] = unescapeCefValue(next ? raw : raw.replace(/\s+$/, ""));
  }
  return out;
}

export function parseCef(message: string): Record<string, unknown> {
  const start = message.indexOf("CEF:");
  if (start === -1 || message.slice(0, start).trim() !== "") throw new BodyError("not CEF: no CEF: prefix");
  const [fields, extension] = cefHeader(message.slice(start + 4));
  const [version, deviceVendor, deviceProduct, deviceVersion, signatureId, name, severity] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    cef: {
      version: /^\d+$/.test(version) ? Number(version) : version,
      deviceVendor,
      deviceProduct,
      deviceVersion,
      signatureId,
      name,
      severity: /^\d+$/.test(severity) ? Number(severity) : severity,
      extension: cefExtension(extension),
    },
  };
}

export function parseBody(format: BodyFormat, message: string): Record<string, unknown> {
  switch (format) {
    case "text":
      return { message };
    case "json": {
      let value: unknown;
      try {
        value = JSON.parse(message);
      } catch (error) {
        throw new BodyError(`MSG is not JSON: ${(error as Error).message}`);
      }
      if (!isObject(value)) throw new BodyError("MSG is JSON but not an object");
      return value;
    }
    case "members": {
      const events = parseBuffer(message.replace(/[\r\n]+/g, " "), "members");
      const first = events[0];
      if (events.length !== 1 || first === undefined) throw new BodyError("MSG holds no JSON members");
      if (first.kind === "error") throw new BodyError(`MSG is not JSON members: ${first.reason}`);
      return first.value;
    }
    case "cef":
      return parseCef(message);
  }
}
