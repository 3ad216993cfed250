/** Payload encoders: JSON, text, CEF and LEEF escaping and validation. */
import { describe, expect, it } from "vitest";
import {
  encodeCef,
  encodeLeef,
  encodePayload,
  escapeCefValue,
  escapeHeader,
  PayloadError,
} from "./payload.js";

const cef = {
  deviceVendor: "Netskope",
  deviceProduct: "Netskope Security Cloud",
  deviceVersion: "1.0",
  signatureId: "DLP",
  name: "DLP-PII",
  severity: 8,
};

describe("CEF", () => {
  it("header: escapes | and \\, turns line breaks into spaces", () => {
    expect(escapeHeader("a|b\\c\r\nd\ne")).toBe("a\\|b\\\\c d e");
  });

  it("extension: escapes \\, =, newline and CR; leaves | alone", () => {
    expect(escapeCefValue("a=b\\c\nd\re|f")).toBe("a\\=b\\\\c\\nd\\re|f");
  });

  it("renders the header, severity and extension in order, leaving out null values", () => {
    const text = encodeCef({
      ...cef,
      name: "n|a=me",
      extension: {
        suser: "eve",
        src: "10.0.0.1",
        fname: "a=b.docx",
        cnt: 3,
        flag: true,
        none: null,
        obj: { a: 1 },
      },
    });
    expect(text).toBe(
      "CEF:0|Netskope|Netskope Security Cloud|1.0|DLP|n\\|a=me|8|" +
        'suser=eve src=10.0.0.1 fname=a\\=b.docx cnt=3 flag=true obj={"a":1}',
    );
  });

  it("accepts severity 0-10 as a number or numeric text, and CEF version 1", () => {
    expect(encodeCef({ ...cef, severity: "10", version: 1 })).toBe(
      "CEF:1|Netskope|Netskope Security Cloud|1.0|DLP|DLP-PII|10|",
    );
  });

  it.each([
    [{ ...cef, severity: 11 }, /severity/],
    [{ ...cef, severity: "high" }, /severity/],
    [{ ...cef, deviceVendor: undefined }, /deviceVendor/],
    [{ ...cef, extension: { "bad key": 1 } }, /a key is letters, digits and _/],
    ["not an object", /not a CEF event/],
  ])("refuses %j", (message, why) => {
    expect(() => encodeCef(message)).toThrow(PayloadError);
    expect(() => encodeCef(message)).toThrow(why);
  });
});

describe("LEEF", () => {
  const leef = {
    vendor: "V|x",
    product: "P",
    version: "2",
    eventId: "E1",
    attributes: { usrName: "a^b\tc", n: 5, z: null },
  };

  it("2.0 with a delimiter: attribute values never contain it", () => {
    expect(encodeLeef(leef, { version: "2.0", delimiter: "^" })).toBe(
      "LEEF:2.0|V\\|x|P|2|E1|^|usrName=a b\tc^n=5",
    );
  });

  it("2.0 with a tab: written as x09 in the header", () => {
    expect(encodeLeef(leef, { version: "2.0", delimiter: "\t" })).toBe(
      "LEEF:2.0|V\\|x|P|2|E1|x09|usrName=a^b c\tn=5",
    );
  });

  it("1.0: tab-separated, no delimiter field", () => {
    expect(encodeLeef(leef, { version: "1.0", delimiter: "^" })).toBe(
      "LEEF:1.0|V\\|x|P|2|E1|usrName=a^b c\tn=5",
    );
  });

  it("refuses a message without the header fields", () => {
    expect(() => encodeLeef({ vendor: "V" }, { version: "2.0", delimiter: "^" })).toThrow(/not a LEEF event/);
  });
});

describe("JSON and text", () => {
  const leefOptions = { version: "2.0" as const, delimiter: "^" };
  it("json: the JSON text of message", () => {
    expect(encodePayload("json", { a: 'x"\n', b: [1] }, leefOptions)).toBe('{"a":"x\\"\\n","b":[1]}');
  });

  it("text: strings as they are, other values as JSON", () => {
    expect(encodePayload("text", "line\nbreak", leefOptions)).toBe("line\nbreak");
    expect(encodePayload("text", { a: 1 }, leefOptions)).toBe('{"a":1}');
    expect(encodePayload("text", 42, leefOptions)).toBe("42");
  });
});
