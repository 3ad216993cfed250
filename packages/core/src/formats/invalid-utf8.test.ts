/** Line formats flag the items whose bytes were not valid UTF-8 (lines.ts), and only those. */
import { describe, expect, it } from "vitest";
import { RecordParser } from "./record-parser.js";
import type { ParseEvent } from "./types.js";

function parseChunks(format: "ndjson" | "members", chunks: Buffer[]): ParseEvent[] {
  const parser = new RecordParser(format);
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

describe("invalid UTF-8 in line formats", () => {
  it("flags records and rejects with bad bytes, not valid text split across chunks nor U+FFFD itself", () => {
    const euro = Buffer.from('{"p":"€"}\n'); // 3 bytes, cut in the middle below
    const input = Buffer.concat([
      euro,
      Buffer.from('{"p":"\uFFFD"}\n{"p":"'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('"}\n{"p":'),
      Buffer.from([0xff]),
      Buffer.from("\n"),
    ]);
    const events = parseChunks("ndjson", [input.subarray(0, 7), input.subarray(7)]);
    expect(events.map((e) => [e.kind, e.line, e.invalidUtf8])).toEqual([
      ["record", 1, undefined],
      ["record", 2, undefined],
      ["record", 3, true],
      ["error", 4, true],
    ]);
    const members = parseChunks("members", [
      Buffer.concat([Buffer.from('"a": "'), Buffer.from([0xc0]), Buffer.from('"\n')]),
    ]);
    expect(members).toMatchObject([{ kind: "record", value: { a: "\uFFFD" }, invalidUtf8: true }]);
  });
});
