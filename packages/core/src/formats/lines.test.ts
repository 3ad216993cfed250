/** The line formats: ndjson and members (lines.ts), through RecordParser and parseBuffer. */
import { describe, expect, it } from "vitest";
import { MAX_RAW_CHARS, RecordParser, parseBuffer } from "./index.js";
import { HOSTILE, MD_SYSLOG, chunkSizes, errors, feed, records, sample } from "./test-samples.js";

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
