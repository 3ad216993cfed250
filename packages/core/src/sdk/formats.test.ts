import { fileURLToPath } from "node:url";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  MAX_RAW_CHARS,
  RecordParser,
  isGzip,
  maybeGunzip,
  parseBuffer,
  parseStream,
  type FileFormat,
  type ParseEvent,
} from "./formats.js";

const SAMPLES = fileURLToPath(new URL("../../../../test/fixtures/samples", import.meta.url));
const sample = (rel: string) => fs.readFileSync(path.join(SAMPLES, rel));

const HOSTILE = "edge/hostile.ndjson";
const MD_JSON = "metadefender/json/logs-0001.json";
const MD_SYSLOG = "metadefender/syslog/logs-0002.log";
const CERBY = "cerby/analytics/2025/11/22/0000-analytics.json";
const NETSKOPE = "netskope/alerts.ndjson";
const CLOUDTRAIL =
  "cloudtrail/AWSLogs/123456789012/CloudTrail/us-east-1/2025/11/22/123456789012_CloudTrail_us-east-1_20251122T0000Z_c8a734b0d63f0297.json.gz";

function records(events: ParseEvent[]) {
  return events.filter((e) => e.kind === "record");
}
function errors(events: ParseEvent[]) {
  return events.filter((e) => e.kind === "error");
}

/** Feed `buf` in chunks of the given sizes (cycled), then end. */
function feed(
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
function chunkSizes(seed: number, count: number, max: number): number[] {
  let x = seed;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    sizes.push(1 + (x % max));
  }
  return sizes;
}

describe("ndjson", () => {
  it("parses one object per line with line numbers and the offset after each line", () => {
    const text = '{"a":1}\n\n{"b":"é"}\r\n   \n{"c":3}';
    const events = parseBuffer(text, "ndjson");
    expect(events.map((e) => (e.kind === "record" ? [e.line, e.value] : e))).toEqual([
      [1, { a: 1 }],
      [3, { b: "é" }],
      [5, { c: 3 }],
    ]);
    const buf = Buffer.from(text);
    expect(events[0]!.next).toEqual({ offset: 8, line: 2, mode: "ndjson" });
    expect(events[1]!.next.offset).toBe(buf.indexOf("   "));
    expect(events[2]!.next).toEqual({ offset: buf.length, line: 5, mode: "ndjson" });
  });

  it("rejects lines that are JSON but not objects, and malformed lines, without stopping", () => {
    const events = parseBuffer('[1]\n42\nnull\n"s"\n{"ok":true}\n{"bad":\n', "ndjson");
    expect(errors(events).map((e) => [e.line, e.kind === "error" && e.reason])).toEqual([
      [1, "not a JSON object (an array)"],
      [2, "not a JSON object (a number)"],
      [3, "not a JSON object (null)"],
      [4, "not a JSON object (a string)"],
      [6, expect.stringMatching(/^invalid JSON/)],
    ]);
    expect(records(events).map((e) => e.line)).toEqual([5]);
  });

  it("hostile.ndjson: 7 records, 3 rejects (lines 2, 3, 8), the empty line skipped", () => {
    const events = parseBuffer(sample(HOSTILE), "ndjson");
    expect(records(events).map((e) => e.line)).toEqual([1, 5, 6, 7, 9, 10, 11]);
    expect(errors(events).map((e) => e.line)).toEqual([2, 3, 8]);
    expect(errors(events).map((e) => e.kind === "error" && e.raw)).toEqual([
      '{"_id":"trunc","timestamp":176376',
      "not json at all",
      "[1,2,3]",
    ]);
    const ok2 = records(events).find((e) => e.value._id === "ok-2")!;
    expect(ok2.value.user).toBe("line\nbreak\r\u0000nul");
    const emoji = records(events).find((e) => String(e.value._id).startsWith("emoji"))!;
    expect(emoji.value.user).toBe("😀@example.com");
    const big = records(events).find((e) => e.value._id === "big-0001")!;
    expect(String(big.value.blob).length).toBeGreaterThan(290_000);
  });

  it("gives the same events whatever the chunking, down to one byte at a time", () => {
    const buf = sample(HOSTILE);
    const whole = parseBuffer(buf, "auto");
    expect(feed("auto", buf, [1])).toEqual(whole);
    expect(feed("ndjson", buf, [1])).toEqual(whole);
    expect(feed("auto", buf, chunkSizes(7, 50, 70_000))).toEqual(whole);
  });

  it("decodes UTF-8 split across chunk boundaries", () => {
    const buf = Buffer.from('{"name":"chloé 😀 漢字"}\n{"x":"ü"}\n');
    for (let cut = 1; cut < buf.length; cut++) {
      const parser = new RecordParser("ndjson");
      const events = [
        ...parser.push(buf.subarray(0, cut)),
        ...parser.push(buf.subarray(cut)),
        ...parser.end(),
      ];
      expect(records(events).map((e) => e.value)).toEqual([{ name: "chloé 😀 漢字" }, { x: "ü" }]);
    }
  });

  it("handles a 300 KiB line arriving in 64 KiB chunks", () => {
    const long = JSON.stringify({ id: "long", blob: "é".repeat(150 * 1024) });
    const buf = Buffer.from(`{"id":"a"}\n${long}\n{"id":"b"}\n`);
    const events = feed("ndjson", buf, [64 * 1024]);
    expect(records(events).map((e) => e.value.id)).toEqual(["a", "long", "b"]);
  });

  it("reports a line longer than maxRecordBytes and goes on", () => {
    const buf = Buffer.from(`{"id":"a"}\n{"blob":"${"x".repeat(5000)}"}\n{"id":"b"}\n`);
    for (const sizes of [[buf.length], [100], [1]]) {
      const events = feed("ndjson", buf, sizes, new RecordParser("ndjson", { maxRecordBytes: 1000 }));
      expect(records(events).map((e) => [e.line, e.value.id])).toEqual([
        [1, "a"],
        [3, "b"],
      ]);
      const [err] = errors(events);
      expect(err).toMatchObject({ line: 2, reason: "line longer than 1000 bytes" });
      expect(err!.kind === "error" && err!.raw.length).toBeLessThanOrEqual(MAX_RAW_CHARS + 1);
      expect(events.at(-1)!.next.offset).toBe(buf.length);
    }
  });

  it("truncates the raw text of a malformed item to about 4 KiB", () => {
    const events = parseBuffer(`{"x": ${"1".repeat(10_000)}\n`, "ndjson");
    const err = errors(events)[0]!;
    expect(err.kind === "error" && err.raw.length).toBe(MAX_RAW_CHARS + 1);
  });

  it("skips a UTF-8 byte order mark", () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')]);
    expect(records(parseBuffer(buf, "auto")).map((e) => e.value)).toEqual([{ a: 1 }]);
    expect(records(feed("ndjson", buf, [1])).map((e) => e.value)).toEqual([{ a: 1 }]);
  });
});

describe("members (MetaDefender SYSLOG)", () => {
  it("parses each line as the members of an object", () => {
    const events = parseBuffer(sample(MD_SYSLOG), "members");
    expect(errors(events)).toEqual([]);
    expect(records(events)).toHaveLength(20);
    expect(records(events)[0]!.value).toMatchObject({ log_type: "config", admin_name: "Dana" });
    expect(records(events)[1]!.value.details).toBe('Device event 21: "quoted" and \\ backslash');
    expect(records(events).map((e) => e.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("reports a malformed line and skips blank ones", () => {
    const events = parseBuffer('"a": 1, "b": "x"\n\n  \n"a": nope\n"c": [1, {"d": 2}]\n', "members");
    expect(records(events).map((e) => [e.line, e.value])).toEqual([
      [1, { a: 1, b: "x" }],
      [5, { c: [1, { d: 2 }] }],
    ]);
    expect(errors(events).map((e) => [e.line, e.kind === "error" && e.raw])).toEqual([[4, '"a": nope']]);
  });
});

describe("concatenated (MetaDefender JSON)", () => {
  it("parses pretty-printed objects one after another", () => {
    const events = parseBuffer(sample(MD_JSON), "concatenated");
    expect(errors(events)).toEqual([]);
    expect(records(events)).toHaveLength(20);
    expect(records(events)[0]).toMatchObject({ line: 1, value: { log_type: "config" } });
    expect(records(events)[1]!.line).toBe(10);
    expect(records(events)[1]!.value.details).toBe('Device event 1: "quoted" and \\ backslash');
  });

  it("handles braces and escaped quotes inside strings, compact objects and junk between objects", () => {
    const text = '{"a":"}{\\"","b":{"c":[1,{"d":"\\\\"}]}}{"e":2}\n  garbage here\n{\n "f": "x\\ny"\n}\n';
    for (const sizes of [[text.length], [1], [3, 5, 7]]) {
      const events = feed("concatenated", Buffer.from(text), sizes);
      expect(records(events).map((e) => [e.line, e.value])).toEqual([
        [1, { a: '}{"', b: { c: [1, { d: "\\" }] } }],
        [1, { e: 2 }],
        [3, { f: "x\ny" }],
      ]);
      expect(errors(events).map((e) => [e.line, e.kind === "error" && e.raw])).toEqual([[2, "garbage here"]]);
    }
  });

  it("reports an object that is not valid JSON and one left open at the end", () => {
    const events = parseBuffer('{"a": nope}\n{"b": 1}\n{"c": ', "concatenated");
    expect(records(events).map((e) => e.value)).toEqual([{ b: 1 }]);
    expect(errors(events).map((e) => [e.line, e.kind === "error" && e.reason])).toEqual([
      [1, expect.stringMatching(/^invalid JSON/)],
      [3, expect.stringMatching(/not closed/)],
    ]);
  });
});

describe("json (array or object)", () => {
  it("parses a JSON array of objects (Cerby)", () => {
    const events = parseBuffer(sample(CERBY), "json");
    expect(errors(events)).toEqual([]);
    expect(records(events)).toHaveLength(20);
    expect(records(events).map((e) => e.value)).toEqual(JSON.parse(sample(CERBY).toString()));
    expect(records(events)[0]!.line).toBe(2);
    expect(events.at(-1)!.next.mode).toBe("array-items");
  });

  it("parses one object", () => {
    const events = parseBuffer('{\n  "Records": [{"a": 1}, {"a": 2}]\n}\n', "json");
    expect(records(events).map((e) => e.value)).toEqual([{ Records: [{ a: 1 }, { a: 2 }] }]);
  });

  it("rejects array elements that are not objects, text after the array, and an unclosed array", () => {
    let events = parseBuffer('[{"a":1}, 2, "s", [3], {"b":[4,5]}, {bad}]\nextra', "json");
    expect(records(events).map((e) => e.value)).toEqual([{ a: 1 }, { b: [4, 5] }]);
    expect(errors(events).map((e) => (e.kind === "error" ? e.reason : ""))).toEqual([
      "not a JSON object (a number)",
      "not a JSON object (a string)",
      "not a JSON object (an array)",
      expect.stringMatching(/^invalid JSON/),
      "unexpected text after the JSON array",
    ]);
    events = parseBuffer('[{"a":1},\n{"b":2}', "json");
    expect(records(events).map((e) => e.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(errors(events).map((e) => (e.kind === "error" ? e.reason : ""))).toEqual([
      expect.stringMatching(/array is not closed/),
    ]);
    expect(parseBuffer("[]", "json")).toEqual([]);
    expect(parseBuffer("", "json")).toEqual([]);
  });

  it("gives the same events one byte at a time", () => {
    const buf = sample(CERBY);
    expect(feed("json", buf, [1])).toEqual(parseBuffer(buf, "json"));
    expect(feed("auto", buf, [1])).toEqual(parseBuffer(buf, "json"));
  });
});

describe("auto", () => {
  const detected = (input: string | Buffer) => {
    const parser = new RecordParser("auto");
    parser.push(Buffer.from(input));
    parser.end();
    return parser.mode;
  };

  it("detects each sample's format", () => {
    expect(detected(sample(HOSTILE))).toBe("ndjson");
    expect(detected(sample(NETSKOPE))).toBe("ndjson");
    expect(detected(sample(MD_JSON))).toBe("concatenated");
    expect(detected(sample(MD_SYSLOG))).toBe("members");
    expect(detected(sample(CERBY))).toBe("array-end");
  });

  it("tells ndjson from concatenated when the first line is malformed", () => {
    expect(detected('{"a": 1,\n{"b": 2}\n')).toBe("ndjson");
    expect(detected('{"a": 1,\n  "b": 2}\n')).toBe("concatenated");
    expect(detected('{"a":1}{"b":2}')).toBe("concatenated");
    expect(detected('\n\n  {"a":1}')).toBe("ndjson");
    expect(detected("garbage\n")).toBe("ndjson");
    expect(detected("")).toBe("ndjson");
  });

  it("parses every sample the same as its explicit format", () => {
    for (const [file, format] of [
      [HOSTILE, "ndjson"],
      [MD_JSON, "concatenated"],
      [MD_SYSLOG, "members"],
      [CERBY, "json"],
    ] as const) {
      const buf = sample(file);
      expect(parseBuffer(buf, "auto")).toEqual(parseBuffer(buf, format));
      expect(feed("auto", buf, chunkSizes(3, 40, 300))).toEqual(parseBuffer(buf, format));
    }
  });
});

describe("resume", () => {
  it("resuming at each event's position gives exactly the remaining events", () => {
    for (const [file, format] of [
      [HOSTILE, "auto"],
      [MD_JSON, "auto"],
      [MD_SYSLOG, "members"],
      [CERBY, "auto"],
      [NETSKOPE, "ndjson"],
    ] as const) {
      const buf = sample(file);
      const all = parseBuffer(buf, format);
      expect(all.length).toBeGreaterThan(0);
      for (let i = 0; i < all.length; i++) {
        const at = all[i]!.next;
        const parser = new RecordParser(format, { resume: at });
        const rest = [...parser.push(buf.subarray(at.offset)), ...parser.end()];
        expect(rest).toEqual(all.slice(i + 1));
      }
    }
  });

  it("position covers blank lines and whitespace, and not a partial last line", () => {
    const parser = new RecordParser("ndjson");
    parser.push(Buffer.from('{"a":1}\n\n\n{"b":'));
    expect(parser.position).toEqual({ offset: 10, line: 4, mode: "ndjson" });
    const obj = new RecordParser("concatenated");
    obj.push(Buffer.from('{"a":1}\n\n{"b":'));
    expect(obj.position).toEqual({ offset: 9, line: 3, mode: "concatenated" });
  });
});

describe("gzip", () => {
  it("recognises gzip by content and decompresses it streaming", async () => {
    const plain = sample(NETSKOPE);
    const gz = zlib.gzipSync(plain);
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(plain)).toBe(false);
    const stream = Readable.from(
      Array.from({ length: Math.ceil(gz.length / 1000) }, (_, i) => gz.subarray(i * 1000, i * 1000 + 1000)),
    );
    const events: ParseEvent[] = [];
    for await (const batch of parseStream(stream, "auto")) events.push(...batch);
    expect(events).toEqual(parseBuffer(plain, "ndjson"));
    expect(parseBuffer(gz, "auto")).toEqual(parseBuffer(plain, "ndjson"));
  });

  it("reads a CloudTrail .json.gz as one object, and passes plain bytes through", async () => {
    const events = parseBuffer(sample(CLOUDTRAIL), "json");
    expect(records(events)).toHaveLength(1);
    expect(Array.isArray(records(events)[0]!.value.Records)).toBe(true);
    const out: Buffer[] = [];
    for await (const c of maybeGunzip([Buffer.from("{"), Buffer.from('"a":1}')])) out.push(c);
    expect(Buffer.concat(out).toString()).toBe('{"a":1}');
  });

  it("throws on a truncated gzip stream", async () => {
    const gz = zlib.gzipSync(sample(NETSKOPE));
    const run = async () => {
      for await (const batch of parseStream([gz.subarray(0, gz.length >> 1)], "ndjson")) void batch;
    };
    await expect(run()).rejects.toThrow(/unexpected end of file/);
  });
});

describe("speed", () => {
  it("parses 20 MB of ndjson quickly", () => {
    const line = Buffer.from(`${sample(NETSKOPE).toString().split("\n")[0]}\n`);
    const buf = Buffer.concat(Array.from({ length: Math.ceil(20e6 / line.length) }, () => line));
    const start = performance.now();
    const parser = new RecordParser("ndjson");
    let n = 0;
    for (let i = 0; i < buf.length; i += 256 * 1024) n += parser.push(buf.subarray(i, i + 256 * 1024)).length;
    n += parser.end().length;
    const ms = performance.now() - start;
    expect(n).toBe(Math.ceil(20e6 / line.length));
    expect(ms).toBeLessThan(5000);
  });
});
