/** RFC 5424 / 3164 headers: field limits, timestamps, structured data escaping. */
import { describe, expect, it } from "vitest";
import {
  escapeSdValue,
  header3164,
  header5424,
  headerField,
  structuredData,
  timestamp3164,
  timestamp5424,
  timestampMillis,
  type HeaderFields,
} from "./header.js";

const base: HeaderFields = {
  facility: 20,
  severity: 4,
  timestamp: Date.UTC(2025, 10, 22, 12, 0, 1, 234),
  hostname: "ce.example.com",
  appName: "netskope",
  procId: undefined,
  msgId: "DLP",
  structuredData: undefined,
};

describe("header fields", () => {
  it("keeps printable US-ASCII, replaces the rest with _, cuts to the limit, and is - when empty", () => {
    expect(headerField("app name/é", 48)).toBe("app_name/_");
    expect(headerField("tab\there\n", 48)).toBe("tab_here_");
    expect(headerField("x".repeat(40), 32)).toBe("x".repeat(32));
    expect(headerField("", 48)).toBe("-");
    expect(headerField(undefined, 48)).toBe("-");
    expect(headerField("🎉", 48)).toBe("_");
  });

  it("RFC 5424 limits: hostname 255, app-name 48, procid 128, msgid 32", () => {
    const h = header5424({
      ...base,
      hostname: "h".repeat(300),
      appName: "a".repeat(60),
      procId: "p".repeat(200),
      msgId: "m".repeat(40),
    });
    const [, , host, app, proc, msg] = h.split(" ");
    expect([host!.length, app!.length, proc!.length, msg!.length]).toEqual([255, 48, 128, 32]);
  });

  it("builds <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD", () => {
    expect(header5424(base)).toBe("<164>1 2025-11-22T12:00:01.234Z ce.example.com netskope - DLP -");
  });
});

describe("timestamps", () => {
  it("RFC 3339 with at most 6 fraction digits, keeping the offset", () => {
    expect(timestamp5424("2025-11-22T12:34:56.123456789+01:00")).toBe("2025-11-22T12:34:56.123456+01:00");
    expect(timestamp5424("2025-11-22t12:34:56z")).toBe("2025-11-22T12:34:56Z");
    expect(timestamp5424("2025-11-22 12:34:56.5-05:30")).toBe("2025-11-22T12:34:56.5-05:30");
    expect(timestamp5424(1763769600123)).toBe("2025-11-22T00:00:00.123Z");
    expect(timestamp5424(1763769600)).toBe("2025-11-22T00:00:00.000Z"); // epoch seconds
  });

  it("refuses what is not a time", () => {
    expect(timestamp5424("yesterday")).toBeUndefined();
    expect(timestamp5424("2025-13-45T99:00:00Z")).toBeUndefined();
    expect(timestampMillis("2025-11-22")).toBeUndefined();
    expect(timestampMillis(Number.NaN)).toBeUndefined();
  });

  it("RFC 3164: Mmm dd hh:mm:ss in UTC, the day padded with a space", () => {
    expect(timestamp3164(Date.UTC(2025, 10, 2, 3, 4, 5))).toBe("Nov  2 03:04:05");
    expect(timestamp3164(Date.UTC(2025, 0, 22, 23, 59, 59))).toBe("Jan 22 23:59:59");
  });
});

describe("structured data", () => {
  it('escapes ", \\ and ] in values, and nothing else', () => {
    expect(escapeSdValue('a"b\\c]d=e|f\n')).toBe('a\\"b\\\\c\\]d=e|f\n');
  });

  it("renders elements in order; arrays repeat a parameter; null leaves it out; none is -", () => {
    expect(structuredData({ "a@1": { x: 1, y: true, z: null, w: ["p", "q"] }, meta: {} })).toBe(
      '[a@1 x="1" y="true" w="p" w="q"][meta]',
    );
    expect(structuredData(undefined)).toBe("-");
    expect(structuredData({})).toBe("-");
  });
});

describe("RFC 3164 header", () => {
  it("<PRI>TIMESTAMP HOSTNAME TAG[PID]: without MSGID or structured data", () => {
    const sd = { "a@1": { x: "1" } };
    expect(header3164({ ...base, procId: "42", structuredData: sd })).toBe(
      "<164>Nov 22 12:00:01 ce.example.com netskope[42]:",
    );
  });

  it("makes a tag parsers can find: at most 32 characters, no : [ ]", () => {
    expect(header3164({ ...base, appName: "my:app[x]" + "y".repeat(40) })).toMatch(/ my_app_x_y{23}:$/);
    expect(header3164({ ...base, appName: undefined })).toMatch(/ logshipper:$/);
  });
});
