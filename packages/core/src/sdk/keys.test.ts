import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FILE_TOKEN,
  contentName,
  fillFile,
  renderKey,
  sanitizeSegment,
  validateKeyTemplate,
  type KeyVars,
} from "./keys.js";

const TIME = Date.UTC(2025, 10, 22, 7, 5, 9); // 2025-11-22T07:05:09Z

function vars(over: Partial<KeyVars> = {}): KeyVars {
  return {
    type: "alert",
    subtype: "dlp",
    source: "netskope-alerts",
    destination: "lake",
    time: TIME,
    file: "0123456789abcdef0123456789abcdef.ndjson",
    value: { user: { name: "alice" }, n: 42, flag: true },
    ...over,
  };
}

/** What every sanitised segment must satisfy. */
function expectSafeSegment(s: string): void {
  expect(s).not.toBe("");
  expect(s).not.toMatch(/[/\\]/);
  expect(s.startsWith(".")).toBe(false);
  expect(s).not.toContain("..");
  // eslint-disable-next-line no-control-regex
  expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(Buffer.byteLength(s)).toBeLessThanOrEqual(128);
}

describe("renderKey", () => {
  it("renders the default template and every placeholder", () => {
    expect(renderKey("{type}/{date}/{file}", vars())).toBe(
      "alert/2025-11-22/0123456789abcdef0123456789abcdef.ndjson",
    );
    expect(renderKey("{source}/{destination}/{subtype}/{yyyy}/{MM}/{dd}/{HH}/x-{file}", vars())).toBe(
      "netskope-alerts/lake/dlp/2025/11/22/07/x-0123456789abcdef0123456789abcdef.ndjson",
    );
    expect(renderKey("{field:user.name}/{field:n}/{field:flag}/{field:missing.x}/{file}", vars())).toBe(
      "alice/42/true/unknown/0123456789abcdef0123456789abcdef.ndjson",
    );
  });

  it("uses `unknown` for empty values and an invalid time", () => {
    expect(renderKey("{type}/{subtype}/{date}/{HH}/{file}", vars({ subtype: "", time: Number.NaN }))).toBe(
      "alert/unknown/unknown/unknown/0123456789abcdef0123456789abcdef.ndjson",
    );
  });

  it("leaves {file} open when vars.file is left out, for fillFile", () => {
    const rest = vars();
    delete rest.file;
    const key = renderKey("{type}/{date}/{file}", rest);
    expect(key).toBe(`alert/2025-11-22/${FILE_TOKEN}`);
    expect(fillFile(key, "abc.ndjson")).toBe("alert/2025-11-22/abc.ndjson");
  });

  it("never lets a hostile value add, remove or escape a path segment", () => {
    const hostile = [
      "../../etc/passwd",
      "..",
      ".",
      "/",
      "/abs/path",
      "a\\b\\..\\c",
      ".hidden",
      "",
      "   ",
      "line\nbreak\r\u0000nul",
      "\u202eevil\u2066",
      'a]b"c\\d|e=f',
      "{file}",
      "x".repeat(500),
      "😀".repeat(100),
      "CON",
      "trailing.",
    ];
    for (const h of hostile) {
      const key = renderKey(
        "{type}/{field:v}/{source}/{file}",
        vars({ type: h, source: h, file: h, value: { v: h } }),
      );
      const segments = key.split("/");
      expect(segments).toHaveLength(4);
      for (const s of segments) expectSafeSegment(s);
      expect(path.posix.normalize(key)).toBe(key);
      const root = path.resolve("/srv/out");
      expect(path.resolve(root, key).startsWith(root + path.sep)).toBe(true);
    }
  });

  it("reads own properties only", () => {
    expect(renderKey("{field:constructor.name}/{field:__proto__}/{file}", vars({ value: {} }))).toBe(
      "unknown/unknown/0123456789abcdef0123456789abcdef.ndjson",
    );
  });

  it("throws on an invalid template", () => {
    expect(() => renderKey("{nope}/{file}", vars())).toThrow(/unknown placeholder \{nope\}/);
  });
});

describe("sanitizeSegment", () => {
  it("replaces what is unsafe and keeps letters and emoji", () => {
    expect(sanitizeSegment("../../etc/passwd")).toBe("____etc_passwd");
    expect(sanitizeSegment("..")).toBe("_");
    expect(sanitizeSegment(".hidden")).toBe("_hidden");
    expect(sanitizeSegment("")).toBe("unknown");
    expect(sanitizeSegment(undefined)).toBe("unknown");
    expect(sanitizeSegment(null)).toBe("unknown");
    expect(sanitizeSegment("a/b\\c")).toBe("a_b_c");
    expect(sanitizeSegment("tab\there\u0000")).toBe("tab_here_");
    expect(sanitizeSegment("chloé.durand@example.fr")).toBe("chloé.durand@example.fr");
    expect(sanitizeSegment("emoji-😀")).toBe("emoji-😀");
    expect(sanitizeSegment("👨‍👩‍👧")).toBe("👨‍👩‍👧"); // ZWJ sequence kept whole
    expect(sanitizeSegment("\u202egnp.exe")).toBe("_gnp.exe"); // bidi override replaced
    expect(sanitizeSegment("Google Ads")).toBe("Google Ads");
    expect(sanitizeSegment({ a: 1 })).toBe('_"a"_1_'.replaceAll('"', "_"));
    expect(sanitizeSegment(12.5)).toBe("12.5");
    expect(sanitizeSegment("nul")).toBe("_nul");
  });

  it("caps long values at 128 bytes and keeps different long values distinct", () => {
    const a = sanitizeSegment(`${"x".repeat(200)}a`);
    const b = sanitizeSegment(`${"x".repeat(200)}b`);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(128);
    expect(a).not.toBe(b);
    expect(sanitizeSegment(`${"x".repeat(200)}a`)).toBe(a);
    const emoji = sanitizeSegment("😀".repeat(100));
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(128);
    expect(emoji.startsWith("😀".repeat(20))).toBe(true);
    expect(emoji).not.toContain("\ufffd");
  });

  it("always returns one safe segment (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })),
        (s) => {
          const out = sanitizeSegment(s);
          expectSafeSegment(out);
          expect(sanitizeSegment(s)).toBe(out);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("validateKeyTemplate", () => {
  it("accepts good templates", () => {
    expect(validateKeyTemplate("{type}/{date}/{file}")).toEqual([]);
    expect(validateKeyTemplate("logs/{source}/{yyyy}/{MM}/{dd}/{HH}/{field:user.name}-{file}")).toEqual([]);
    expect(validateKeyTemplate("{type}/x", { requireFile: false })).toEqual([]);
  });

  it("reports every problem", () => {
    expect(validateKeyTemplate("{nope}/{file}")[0]).toMatch(/unknown placeholder \{nope\}/);
    expect(validateKeyTemplate("{mm}/{file}")[0]).toMatch(/unknown placeholder \{mm\}/);
    expect(validateKeyTemplate("{type/{file}")).toContainEqual(expect.stringMatching(/unclosed/));
    expect(validateKeyTemplate("type}/{file}")).toContainEqual(expect.stringMatching(/unmatched/));
    expect(validateKeyTemplate("/{type}/{file}")).toContainEqual(expect.stringMatching(/relative/));
    expect(validateKeyTemplate("../{type}/{file}")).toContainEqual(
      expect.stringMatching(/"\.\." path segment/),
    );
    expect(validateKeyTemplate("a//{file}")).toContainEqual(expect.stringMatching(/empty path segment/));
    expect(validateKeyTemplate(".cache/{file}")).toContainEqual(expect.stringMatching(/hidden/));
    expect(validateKeyTemplate("a\\{file}")).toContainEqual(expect.stringMatching(/\\/));
    expect(validateKeyTemplate("{field:}/{file}")).toContainEqual(expect.stringMatching(/field path/));
    expect(validateKeyTemplate("{field:a..b}/{file}")).toContainEqual(expect.stringMatching(/field path/));
    expect(validateKeyTemplate("{type}/{date}")).toContainEqual(expect.stringMatching(/\{file\}/));
    expect(validateKeyTemplate("{type}/")).toContainEqual(expect.stringMatching(/end with/));
    expect(validateKeyTemplate("")).toEqual(["the key template is empty"]);
  });
});

describe("contentName", () => {
  it("is stable for the same content and distinct for different content", () => {
    const a = contentName([Buffer.from('{"a":1}\n'), Buffer.from('{"b":2}\n')], ".ndjson");
    expect(a).toMatch(/^[0-9a-f]{32}\.ndjson$/);
    expect(contentName('{"a":1}\n{"b":2}\n', ".ndjson")).toBe(a);
    expect(contentName([Buffer.from('{"a":1}\n{"b":2}\n')], "ndjson")).toBe(a);
    expect(contentName('{"a":1}\n{"b":3}\n', ".ndjson")).not.toBe(a);
    expect(contentName('{"a":1}\n{"b":2}\n', ".ndjson.gz")).toBe(a.replace(".ndjson", ".ndjson.gz"));
    const names = new Set(Array.from({ length: 1000 }, (_, i) => contentName(`{"i":${i}}\n`, ".ndjson")));
    expect(names.size).toBe(1000);
  });
});
