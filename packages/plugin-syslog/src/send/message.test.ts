/** One record to one framed message: envelope defaults, framing, the size limit and its truncation policy. */
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../error-codes.js";
import { cutUtf8, encodeRecord, type MessageOptions } from "./message.js";
import { outputRecord } from "../testing/records.js";

const options: MessageOptions = {
  format: "rfc5424",
  payload: "json",
  leef: { version: "2.0", delimiter: "^" },
  framing: "octet-counting",
  escapeDelimiters: true,
  maxMessageSize: 8192,
  oversize: "truncate",
  utf8Bom: true,
  facility: 1,
  severity: 6,
  hostname: "shipper",
  appName: "logshipper",
};
const time = Date.UTC(2025, 10, 22, 12, 0, 0);

function frame(value: unknown, more: Partial<MessageOptions> = {}) {
  const encoded = encodeRecord(outputRecord(value, 0, time), { ...options, ...more });
  if (!encoded.ok) throw new Error(encoded.reason);
  return encoded;
}

describe("envelope and defaults", () => {
  it("fills facility, severity, time, hostname and app-name from the options and the record", () => {
    expect(frame({ message: { a: 1 } }).frame).toBe(
      '66 <14>1 2025-11-22T12:00:00.000Z shipper logshipper - - - \uFEFF{"a":1}',
    );
  });

  it("takes names or numbers from the mapping; the octet count is in bytes", () => {
    const { frame: text, bytes } = frame(
      {
        facility: "local4",
        severity: "err",
        timestamp: "2025-11-22T13:00:00+01:00",
        hostname: "h",
        appName: "a",
        procId: 7,
        msgId: "M",
        structuredData: { "x@1": { v: "é]" } },
        message: "ü",
      },
      { payload: "text" },
    );
    expect(text).toBe(`${bytes} <163>1 2025-11-22T13:00:00+01:00 h a 7 M [x@1 v="é\\]"] \uFEFFü`);
    expect(bytes).toBe(Buffer.byteLength(text.slice(text.indexOf(" ") + 1)));
  });

  it("leaves the BOM out when asked, and always in RFC 3164", () => {
    expect(frame({ message: "x" }, { payload: "text", utf8Bom: false }).frame).toMatch(/ - - - x$/);
    expect(frame({ message: "x" }, { payload: "text", format: "rfc3164", framing: "none" }).frame).toBe(
      "<14>Nov 22 12:00:00 shipper logshipper: x",
    );
  });

  it("refuses what is not an envelope, and payloads the encoder refuses, as permanent", () => {
    for (const value of [{ text: "no message member" }, { message: "x", colour: "red" }, "text"]) {
      const encoded = encodeRecord(outputRecord(value), options);
      expect(encoded).toMatchObject({ ok: false, code: ERROR_CODES.SYSLOG_PAYLOAD });
    }
    expect(
      encodeRecord(outputRecord({ message: { name: "x" } }), { ...options, payload: "cef" }),
    ).toMatchObject({
      ok: false,
      code: ERROR_CODES.SYSLOG_PAYLOAD,
      reason: expect.stringMatching(/^message is not a CEF event/) as unknown,
    });
  });
});

describe("framing", () => {
  // Every character some receiver splits at: LF, CR, NUL, VT, FF, FS/GS/RS, NEL, LINE and PARAGRAPH SEPARATOR.
  const SPLITTERS = "a\nb\rc\0d\ve\ff\x1cg\x1dh\x1ei\x85j\u2028k\u2029l";
  const ESCAPED = "a\\nb\\rc\\u0000d\\u000be\\u000cf\\u001cg\\u001dh\\u001ei\\u0085j\\u2028k\\u2029l";

  it("lf: ends with LF and escapes, inside the message, every character a receiver may split at", () => {
    const value = { structuredData: { "x@1": { v: "a\r\nb\u2028" } }, message: SPLITTERS };
    expect(frame(value, { payload: "text", framing: "lf" }).frame).toBe(
      `<14>1 2025-11-22T12:00:00.000Z shipper logshipper - - [x@1 v="a\\r\\nb\\u2028"] \uFEFF${ESCAPED}\n`,
    );
  });

  it("lf with a JSON payload: the escaped text is the same JSON value", () => {
    const message = { text: SPLITTERS, "key\u2028": ["\x85"] };
    const encoded = frame({ message }, { framing: "lf", utf8Bom: false });
    const msg = encoded.frame.slice(encoded.frame.indexOf("{"), -1);
    for (const c of SPLITTERS.replace(/[a-z]/g, "")) expect(msg).not.toContain(c);
    expect(JSON.parse(msg)).toEqual(message);
    expect(encoded.bytes).toBe(Buffer.byteLength(encoded.frame) - 1);
  });

  it("lf with escapeDelimiters false: CR and LF become spaces, the others go raw", () => {
    const encoded = frame(
      { message: "a\r\nb\0c\u2028d\x85e" },
      { payload: "text", framing: "lf", escapeDelimiters: false },
    );
    expect(encoded.frame.endsWith("\uFEFFa  b\0c\u2028d\x85e\n")).toBe(true);
  });

  it("lf keeps a LEEF 2.0 delimiter that is one of those characters", () => {
    const leef = {
      vendor: "V",
      product: "P",
      version: "1",
      eventId: "E",
      attributes: { a: "x\u2028y", b: 2 },
    };
    const encoded = frame(
      { message: leef },
      { payload: "leef", framing: "lf", leef: { version: "2.0", delimiter: "\x1e" } },
    );
    expect(encoded.frame.endsWith("|x1e|a=x\\u2028y\x1eb=2\n")).toBe(true);
  });

  it("octet-counting and UDP keep every character as it is", () => {
    expect(frame({ message: SPLITTERS }, { payload: "text" }).frame.endsWith(SPLITTERS)).toBe(true);
    expect(
      frame({ message: SPLITTERS }, { payload: "text", framing: "none" }).frame.endsWith(SPLITTERS),
    ).toBe(true);
  });
});

describe("size limit", () => {
  const header = "<14>1 2025-11-22T12:00:00.000Z shipper logshipper - - - \uFEFF";
  const headerBytes = Buffer.byteLength(header);

  it("cuts MSG at a character boundary so that the message fits (truncate)", () => {
    const encoded = frame(
      { message: "é".repeat(100) },
      { payload: "text", maxMessageSize: headerBytes + 11 },
    );
    expect(encoded).toMatchObject({ truncated: true, bytes: headerBytes + 10 });
    expect(encoded.frame).toBe(`${headerBytes + 10} ${header}${"é".repeat(5)}`);
  });

  it("refuses the record instead under oversize: reject", () => {
    const encoded = encodeRecord(outputRecord({ message: "x".repeat(600) }), {
      ...options,
      payload: "text",
      maxMessageSize: 500,
      oversize: "reject",
    });
    expect(encoded).toMatchObject({ ok: false, code: ERROR_CODES.SYSLOG_TOO_LARGE });
  });

  it("refuses a record whose header and structured data alone are too large", () => {
    const value = { structuredData: { "x@1": { v: "y".repeat(600) } }, message: "x" };
    const encoded = encodeRecord(outputRecord(value), { ...options, maxMessageSize: 500 });
    expect(encoded).toMatchObject({ ok: false, code: ERROR_CODES.SYSLOG_TOO_LARGE });
  });

  it("a message that fits exactly is not touched", () => {
    const encoded = frame({ message: "abc" }, { payload: "text", maxMessageSize: headerBytes + 3 });
    expect(encoded).toMatchObject({ truncated: false, bytes: headerBytes + 3 });
  });

  it("cutUtf8 never splits a character", () => {
    expect(cutUtf8("a🎉b", 4)).toBe("a");
    expect(cutUtf8("a🎉b", 5)).toBe("a🎉");
    expect(cutUtf8("abc", 10)).toBe("abc");
    expect(cutUtf8("日本", 2)).toBe("");
  });
});
