/**
 * LF framing against a receiver that splits where real ones do: at NUL (NUL-delimited TCP inputs) and at every
 * line end of Unicode-aware line splitting (Python's `str.splitlines`: LF, CR, VT, FF, U+001C-U+001E, NEL,
 * U+2028, U+2029). Each record must arrive as one message, and a JSON payload as the same value.
 */
import { describe, expect, it } from "vitest";
import { destination, outputRecord, signal } from "../testing/records.js";
import { streamSink } from "../testing/sinks.js";

/** The messages such a receiver takes from the bytes of a connection. */
function splitLikeReceivers(bytes: Buffer): string[] {
  return (
    bytes
      .toString("utf8")
      // eslint-disable-next-line no-control-regex -- the control characters receivers split at
      .split(/\r\n|[\0\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/)
      .filter((m) => m !== "")
  );
}

/** Sends `values` over LF framing, closes, and returns every byte the receiver got. */
async function sendOverLf(values: unknown[], options: Record<string, unknown> = {}): Promise<Buffer> {
  const sink = await streamSink();
  const dest = destination({ host: "127.0.0.1", port: sink.port, framing: "lf", utf8Bom: false, ...options });
  const records = values.map((v, i) => outputRecord(v, i));
  const result = await dest.send(records, signal());
  expect(result.outcomes.map((o) => o.status)).toEqual(records.map(() => "ok"));
  await dest.close?.();
  const socket = sink.sockets[0]!;
  if (!socket.closed) await new Promise((resolve) => socket.once("close", resolve));
  const bytes = Buffer.concat(sink.connections[0]!);
  await sink.close();
  return bytes;
}

const SPLITTERS = "nul\0vt\vff\ffs\x1cgs\x1drs\x1enel\x85ls\u2028ps\u2029cr\rlf\nend";

describe("LF framing and receivers that split at more than LF", () => {
  it("a JSON payload arrives as one message per record, the same JSON value", async () => {
    const messages = [
      { text: SPLITTERS, ["key\u2028"]: "\x85" },
      { n: 2, note: "line\u2028sep" },
    ];
    const bytes = await sendOverLf(messages.map((message) => ({ message })));
    const received = splitLikeReceivers(bytes);
    expect(received).toHaveLength(messages.length);
    expect(received.map((m) => JSON.parse(m.slice(m.indexOf("{"))) as unknown)).toEqual(messages);
  });

  it("a text payload arrives as one message per record, with the characters escaped", async () => {
    const bytes = await sendOverLf([{ message: SPLITTERS }, { message: "two" }], { payload: "text" });
    const received = splitLikeReceivers(bytes);
    expect(received).toHaveLength(2);
    expect(received[0]).toMatch(
      /nul\\u0000vt\\u000bff\\u000cfs\\u001cgs\\u001drs\\u001enel\\u0085ls\\u2028ps\\u2029cr\\rlf\\nend$/,
    );
  });

  it("escapeDelimiters: false sends them raw (only CR and LF become spaces): such a receiver splits", async () => {
    const bytes = await sendOverLf([{ message: SPLITTERS }], { payload: "text", escapeDelimiters: false });
    expect(bytes.toString("utf8")).toContain("nul\0vt\vff\f");
    expect(splitLikeReceivers(bytes).length).toBeGreaterThan(1);
  });
});
