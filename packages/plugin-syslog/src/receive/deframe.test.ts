/** Stream framing (RFC 6587): detection per connection, octet counts, LF, limits, faults, split chunks. */
import { describe, expect, it } from "vitest";
import { Deframer } from "./deframe.js";

function run(chunks: (string | Buffer)[], max = 100) {
  const messages: string[] = [];
  const faults: { reason: string; head: string }[] = [];
  const d = new Deframer(max, {
    message: (b) => messages.push(b.toString("utf8")),
    fault: (reason, head) => faults.push({ reason, head: head.toString("utf8") }),
  });
  for (const c of chunks) d.push(typeof c === "string" ? Buffer.from(c) : c);
  d.end();
  return { messages, faults, framing: d.framing };
}

/** Every way of cutting `text` in two. */
function splits(text: string): string[][] {
  const bytes = Buffer.from(text);
  return Array.from({ length: bytes.length + 1 }, (_, i) => [
    bytes.subarray(0, i).toString("latin1"),
    bytes.subarray(i).toString("latin1"),
  ]);
}

describe("octet-counting", () => {
  const stream = "5 <1>ab9 <1>x\ny é\n3 <2>";
  it("is detected from a leading digit and reads each LEN SP MSG", () => {
    const out = run([stream]);
    expect(out.framing).toBe("octet-counting");
    expect(out.messages).toEqual(["<1>ab", "<1>x\ny é", "<2>"]);
    expect(out.faults).toEqual([]);
  });

  it("gives the same messages however the stream is cut", () => {
    for (const [a, b] of splits(stream)) {
      const out = run([Buffer.from(a!, "latin1"), Buffer.from(b!, "latin1")]);
      expect(out.messages).toEqual(["<1>ab", "<1>x\ny é", "<2>"]);
    }
  });

  it("drops a trailing LF inside the count (rsyslog) and whitespace between messages", () => {
    expect(run(["6 <1>ab\n\n 5 <2>c\n\r\n"]).messages).toEqual(["<1>ab", "<2>c"]);
  });

  it("skips a message over the limit, reports its head, and goes on", () => {
    const big = "x".repeat(150);
    const out = run([`150 ${big.slice(0, 70)}`, `${big.slice(70)}3 <3>`], 100);
    expect(out.messages).toEqual(["<3>"]);
    expect(out.faults).toEqual([{ reason: "message of 150 octets; the limit is 100", head: big }]);
  });

  it("reports a bad count with the rest of its line, and resynchronises after the LF", () => {
    const out = run(["3 <1>12x <2>garbage\n4 <3>z"]);
    expect(out.messages).toEqual(["<1>", "<3>z"]);
    expect(out.faults).toEqual([{ reason: "invalid octet count", head: "12x <2>garbage" }]);
  });

  it("reports a count longer than 9 digits, and a stream that ends inside a message", () => {
    expect(run(["1234567890 x\n"]).faults.map((f) => f.reason)).toEqual(["invalid octet count"]);
    expect(run(["10 <1>abc"]).faults).toEqual([
      { reason: "the stream ended inside a message of 10 octets", head: "<1>abc" },
    ]);
  });
});

describe("LF framing", () => {
  it("is detected from anything but a digit; CR before LF is dropped; empty lines are skipped", () => {
    const out = run(["<1>one\r\n\n<2>two\n<3>th", "ree"]);
    expect(out.framing).toBe("lf");
    expect(out.messages).toEqual(["<1>one", "<2>two", "<3>three"]);
  });

  it("gives the same messages however the stream is cut", () => {
    const stream = "<1>é one\n<2>two\n";
    for (const [a, b] of splits(stream)) {
      expect(run([Buffer.from(a!, "latin1"), Buffer.from(b!, "latin1")]).messages).toEqual([
        "<1>é one",
        "<2>two",
      ]);
    }
  });

  it("skips a line over the limit and goes on", () => {
    const out = run([`<1>${"y".repeat(120)}\n<2>ok\n`], 100);
    expect(out.messages).toEqual(["<2>ok"]);
    expect(out.faults.map((f) => f.reason)).toEqual(["message longer than 100 octets"]);
  });

  it("keeps the framing of the connection once detected", () => {
    expect(run(["<1>a\n12 <2>b\n"]).messages).toEqual(["<1>a", "12 <2>b"]);
  });
});
