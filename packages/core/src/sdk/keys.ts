/**
 * Object keys and file paths from templates (`file` and `s3` destinations): `{type}/{date}/{file}`.
 *
 * Placeholders: `{type}`, `{subtype}`, `{source}`, `{destination}`, `{date}` (UTC YYYY-MM-DD of the event time),
 * `{yyyy}`, `{MM}`, `{dd}`, `{HH}`, `{field:a.b}` (a value of the mapped record), `{file}` (a name derived from the
 * object's content). Every substituted value becomes exactly one safe path segment ({@link sanitizeSegment});
 * the template's own `/` separators are kept.
 */
import { createHash } from "node:crypto";

/** Placeholders that stand alone (`{type}`), in the order error messages list them; `{field:a.b}` is the other kind. */
const SIMPLE_NAMES = [
  "type",
  "subtype",
  "source",
  "destination",
  "date",
  "yyyy",
  "MM",
  "dd",
  "HH",
  "file",
] as const;
type SimpleName = (typeof SIMPLE_NAMES)[number];

export const KEY_PLACEHOLDERS = [...SIMPLE_NAMES.slice(0, -1), "field:<path>", "file"] as const;

export interface KeyVars {
  type: string;
  subtype: string;
  source: string;
  destination: string;
  /** Event time, ms since epoch. */
  time: number;
  /** Value for `{file}`; when left out, `{file}` stays in the output as {@link FILE_TOKEN} (see `fillFile`). */
  file?: string | undefined;
  /** The mapped record, for `{field:a.b}`. */
  value: unknown;
}

/** What `{file}` renders to when `vars.file` is left out. No sanitised value can contain it. */
export const FILE_TOKEN = "{file}";

/** Longest substituted segment, in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 128;

type Part =
  { kind: "text"; text: string } | { kind: "var"; name: SimpleName } | { kind: "field"; path: string[] };

const SIMPLE: ReadonlySet<string> = new Set(SIMPLE_NAMES);
const FIELD_PATH = /^[^.\s{}/\\]+(\.[^.\s{}/\\]+)*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function parseTemplate(template: string): { parts: Part[]; problems: string[] } {
  const parts: Part[] = [];
  const problems: string[] = [];
  let i = 0;
  let text = "";
  while (i < template.length) {
    const c = template[i]!;
    if (c === "}") {
      problems.push(`unmatched "}" at position ${i + 1}`);
      i++;
      continue;
    }
    if (c !== "{") {
      text += c;
      i++;
      continue;
    }
    const close = template.indexOf("}", i + 1);
    const nextOpen = template.indexOf("{", i + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      problems.push(`unclosed "{" at position ${i + 1}`);
      i++;
      continue;
    }
    if (text) parts.push({ kind: "text", text });
    text = "";
    const name = template.slice(i + 1, close);
    if (name.startsWith("field:")) {
      const path = name.slice("field:".length);
      if (!FIELD_PATH.test(path)) problems.push(`{${name}}: expected a field path such as {field:user.name}`);
      else parts.push({ kind: "field", path: path.split(".") });
    } else if (SIMPLE.has(name)) {
      parts.push({ kind: "var", name: name as SimpleName });
    } else {
      problems.push(
        `unknown placeholder {${name}} (known: ${KEY_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`,
      );
    }
    i = close + 1;
  }
  if (text) parts.push({ kind: "text", text });
  return { parts, problems };
}

/**
 * Problems with a key template, for config validation (empty when it is valid): unknown placeholders, unbalanced
 * braces, an absolute path, `\`, control characters, empty, `.`, `..` or hidden segments in the literal text.
 * With `requireFile` (default true), a template without `{file}` is a problem: objects would overwrite each other.
 */
export function validateKeyTemplate(template: string, options: { requireFile?: boolean } = {}): string[] {
  const { parts, problems } = parseTemplate(template);
  if (template.trim() === "") return ["the key template is empty"];
  if (template.startsWith("/")) problems.push("must be a relative path (no leading /)");
  if (template.includes("\\")) problems.push('use "/" to separate path segments, not "\\"');
  if (CONTROL.test(template)) problems.push("contains control characters");
  // Segments of the template: placeholders count as content, so `{type}//x` has an empty segment.
  const shape = parts.map((p) => (p.kind === "text" ? p.text : "\u0001")).join("");
  const segments = shape.split("/");
  segments.forEach((segment, index) => {
    if (segment === "" && !(index === 0 && template.startsWith("/"))) {
      if (index === segments.length - 1) problems.push("must not end with /");
      else problems.push("has an empty path segment (//)");
    } else if (segment === "." || segment === "..") {
      problems.push(`has a "${segment}" path segment`);
    } else if (segment.startsWith(".")) {
      problems.push(`has a hidden path segment "${segment.replaceAll("\u0001", "{…}")}"`);
    }
  });
  if ((options.requireFile ?? true) && !parts.some((p) => p.kind === "var" && p.name === "file")) {
    problems.push("must contain {file}, or objects with the same key would overwrite each other");
  }
  return [...new Set(problems)];
}

export interface KeyTemplate {
  readonly template: string;
  readonly usesFile: boolean;
  render(vars: KeyVars): string;
}

const cache = new Map<string, KeyTemplate>();

/** Compile a template once (throws when it is invalid; `{file}` is not required here). */
export function compileKeyTemplate(template: string): KeyTemplate {
  const cached = cache.get(template);
  if (cached) return cached;
  const problems = validateKeyTemplate(template, { requireFile: false });
  if (problems.length)
    throw new Error(`invalid key template ${JSON.stringify(template)}: ${problems.join("; ")}`);
  const { parts } = parseTemplate(template);
  const compiled: KeyTemplate = {
    template,
    usesFile: parts.some((p) => p.kind === "var" && p.name === "file"),
    render(vars) {
      let date: Date | undefined;
      const d = (): Date | undefined => {
        if (date === undefined && Number.isFinite(vars.time)) date = new Date(vars.time);
        return date && Number.isFinite(date.getTime()) ? date : undefined;
      };
      let out = "";
      for (const part of parts) {
        if (part.kind === "text") out += part.text;
        else if (part.kind === "field") out += sanitizeSegment(getPath(vars.value, part.path));
        else out += renderVar(part.name, vars, d);
      }
      return out;
    },
  };
  if (cache.size > 1000) cache.clear();
  cache.set(template, compiled);
  return compiled;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function renderVar(name: SimpleName, vars: KeyVars, date: () => Date | undefined): string {
  switch (name) {
    case "type":
    case "subtype":
    case "source":
    case "destination":
      return sanitizeSegment(vars[name]);
    case "file":
      return vars.file === undefined ? FILE_TOKEN : sanitizeSegment(vars.file);
    default: {
      const d = date();
      if (!d) return "unknown";
      if (name === "date")
        return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      if (name === "yyyy") return pad(d.getUTCFullYear(), 4);
      if (name === "MM") return pad(d.getUTCMonth() + 1);
      if (name === "dd") return pad(d.getUTCDate());
      return pad(d.getUTCHours());
    }
  }
}

/** Render a key. Throws on an invalid template (validate templates at config load with {@link validateKeyTemplate}). */
export function renderKey(template: string, vars: KeyVars): string {
  return compileKeyTemplate(template).render(vars);
}

/** Replace {@link FILE_TOKEN} in a key rendered without `vars.file`. */
export function fillFile(key: string, file: string): string {
  return key.replaceAll(FILE_TOKEN, sanitizeSegment(file));
}

/** `a.b.c` in a value; own properties only (no `__proto__` or `constructor` lookups). */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

// Replaced by "_": control and format characters (bidi overrides, zero-width; ZWJ U+200D is kept so that emoji
// sequences survive), lone surrogates, line/paragraph separators, path separators, and characters that file
// systems or S3 reject or advise against.
const UNSAFE = /(?!\u200d)[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|[/\\<>:"|?*{}^%`[\]#~]/gu;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * Turn any value into one safe path segment: no `/` or `\`, no `..`, no leading `.` (no hidden names), no control
 * characters, never empty (`unknown`), at most `maxBytes` UTF-8 bytes (longer values are cut and end with a hash
 * of the whole value, so that two long values stay distinct). Letters of any script and emoji are kept.
 */
export function sanitizeSegment(value: unknown, maxBytes = MAX_SEGMENT_BYTES): string {
  let text: string;
  if (value === undefined || value === null) text = "";
  else if (typeof value === "string") text = value;
  else if (typeof value === "object") text = JSON.stringify(value) ?? "";
  else if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    text = String(value);
  else text = "";
  let s = text.replace(UNSAFE, "_").trim();
  s = s.replace(/\.{2,}/g, "_");
  if (s.startsWith(".")) s = `_${s.slice(1)}`;
  if (s.endsWith(".")) s = `${s.slice(0, -1)}_`;
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  if (s === "") return "unknown";
  if (Buffer.byteLength(s, "utf8") <= maxBytes) return s;
  const suffix = `-${createHash("sha256").update(text).digest("hex").slice(0, 8)}`;
  const budget = Math.max(0, maxBytes - suffix.length);
  let cut = "";
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > budget) break;
    cut += ch;
    bytes += n;
  }
  return `${cut.trimEnd().replace(/\.$/, "_")}${suffix}`;
}

/**
 * A name derived from content: the first 32 hex characters of its sha256, plus `ext` (`.ndjson`, `.ndjson.gz`).
 * A re-sent batch gets the same name (it overwrites itself); different content never collides.
 */
export function contentName(parts: Iterable<Uint8Array | string> | string, ext: string): string {
  const hash = createHash("sha256");
  if (typeof parts === "string") hash.update(parts, "utf8");
  else for (const part of parts) hash.update(part);
  const suffix = ext === "" || ext.startsWith(".") ? ext : `.${ext}`;
  return `${hash.digest("hex").slice(0, 32)}${suffix}`;
}
