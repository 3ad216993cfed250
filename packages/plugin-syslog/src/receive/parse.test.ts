/** Parsing RFC 5424 and RFC 3164 messages. */
import { describe, expect, it } from "vitest";
import { parseSyslog, SyslogParseError } from "./parse.js";

describe("RFC 5424", () => {
  it("parses the RFC's example with structured data, unescaping values", () => {
    const m = parseSyslog(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" ' +
        'eventSource="Appli\\"ca\\\\tion\\]x" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event',
    );
    expect(m).toEqual({
      header: {
        format: "rfc5424",
        facility: 20,
        severity: 5,
        timestamp: "2003-10-11T22:14:15.003Z",
        hostname: "mymachine.example.com",
        appName: "evntslog",
        msgId: "ID47",
        structuredData: {
          "exampleSDID@32473": { iut: "3", eventSource: 'Appli"ca\\tion]x', eventID: "1011" },
          "examplePriority@32473": { class: "high" },
        },
      },
      message: "An application event",
    });
  });

  it("leaves NILVALUE fields out; MSG may be absent; a backslash before another character stays", () => {
    expect(parseSyslog("<0>1 - - - - - -")).toEqual({
      header: { format: "rfc5424", facility: 0, severity: 0 },
      message: "",
    });
    expect(parseSyslog('<14>1 - h - - - [a@1 p="x\\ny" p="2"] multi\nline').header.structuredData).toEqual({
      "a@1": { p: ["x\\ny", "2"] },
    });
  });

  it.each([
    ["<14>1 2025-11-22T12:00:00Z host app", /cut short/],
    ["<14>1 - - - - - x msg", /neither - nor \[/],
    ['<14>1 - - - - - [a@1 p="v] x', /unterminated/],
    ["<14>1 - - - - - [a@1 p=v] x", /without ="value"/],
    ['<14>1 - - - - - [a@1 p="v"', /not closed/],
    ["<14>1 - - - - - -x", /no space/],
    ["<192>1 - - - - - -", /out of range/],
    ["no pri", /no <PRI>/],
  ])("refuses %j", (text, why) => {
    expect(() => parseSyslog(text)).toThrow(SyslogParseError);
    expect(() => parseSyslog(text)).toThrow(why);
  });
});

describe("RFC 3164", () => {
  it.each([
    [
      "<13>Nov  2 03:04:05 host1 app[123]: hello world",
      { timestamp: "Nov  2 03:04:05", hostname: "host1", appName: "app", procId: "123" },
      "hello world",
    ],
    [
      "<13>2025-11-22T12:00:00.5+01:00 host1 app: x",
      { timestamp: "2025-11-22T12:00:00.5+01:00", hostname: "host1", appName: "app" },
      "x",
    ],
    ["<13>Nov 22 00:10:00 app: no hostname", { timestamp: "Nov 22 00:10:00", appName: "app" }, "no hostname"],
    [
      "<13>Nov 22 00:10:00 host1 no tag here",
      { timestamp: "Nov 22 00:10:00", hostname: "host1" },
      "no tag here",
    ],
    ["<13>just text", {}, "just text"],
    ["<13>tag: text", { appName: "tag" }, "text"],
  ])("%j", (text, fields, message) => {
    expect(parseSyslog(text)).toEqual({
      header: { format: "rfc3164", facility: 1, severity: 5, ...fields },
      message,
    });
  });

  it("decodes UTF-8 from bytes", () => {
    expect(parseSyslog(Buffer.from("<13>Nov 22 00:10:00 h a: é 日本")).message).toBe("é 日本");
  });
});
