/** RecordParser as a whole: format detection, resuming, gzip input and speed. */
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { RecordParser, isGzip, maybeGunzip, parseBuffer, parseStream, type ParseEvent } from "./index.js";
import {
  CERBY,
  CLOUDTRAIL,
  HOSTILE,
  MD_JSON,
  MD_SYSLOG,
  NETSKOPE,
  chunkSizes,
  feed,
  records,
  sample,
} from "./test-samples.js";

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
