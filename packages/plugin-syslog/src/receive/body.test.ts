/** Reading MSG as text, JSON, JSON members (MetaDefender) or CEF. */
import { describe, expect, it } from "vitest";
import { BodyError, parseBody, parseCef } from "./body.js";
import { encodeCef } from "../send/payload.js";

describe("text, json, members", () => {
  it("text keeps MSG as it is", () => {
    expect(parseBody("text", "a\nb")).toEqual({ message: "a\nb" });
  });

  it("json: the members of an object; anything else is refused", () => {
    expect(parseBody("json", '{"a":1,"b":{"c":"é"}}')).toEqual({ a: 1, b: { c: "é" } });
    expect(() => parseBody("json", "[1]")).toThrow(/not an object/);
    expect(() => parseBody("json", "{oops")).toThrow(BodyError);
  });

  it("members: MetaDefender's brace-less JSON members", () => {
    const line = '"log_type":"config","details":"a \\"q\\" \\\\ b","n":3,"nested":{"x":[1]}';
    expect(parseBody("members", line)).toEqual({
      log_type: "config",
      details: 'a "q" \\ b',
      n: 3,
      nested: { x: [1] },
    });
    expect(() => parseBody("members", "not members")).toThrow(/MSG is not JSON members/);
    expect(() => parseBody("members", "   ")).toThrow(/no JSON members/);
  });
});

describe("cef", () => {
  it("splits the header on unescaped |, and the extension on key=", () => {
    const text =
      "CEF:0|Net\\|sk\\\\ope|Prod|1.0|DLP|n=a\\|me|8|suser=zoë müller fname=a\\=b\\\\c\\nd\\re rt=1763769600000 msg=x y ";
    expect(parseCef(text)).toEqual({
      cef: {
        version: 0,
        deviceVendor: "Net|sk\\ope",
        deviceProduct: "Prod",
        deviceVersion: "1.0",
        signatureId: "DLP",
        name: "n=a|me",
        severity: 8,
        extension: { suser: "zoë müller", fname: "a=b\\c\nd\re", rt: "1763769600000", msg: "x y" },
      },
    });
  });

  it("reads back what the destination's encoder writes", () => {
    const extension = { suser: 'a "q" = b', fname: "x|y\\z\nw", act: "block" };
    const message = {
      deviceVendor: "V|1",
      deviceProduct: "P\\2",
      deviceVersion: "3",
      signatureId: "4",
      name: "n",
      severity: 10,
      extension,
    };
    expect(parseCef(encodeCef(message))).toEqual({ cef: { version: 0, ...message } });
  });

  it("allows an empty extension and text before CEF: only when it is blank", () => {
    expect(parseCef(" CEF:1|a|b|c|d|e|Low|")).toMatchObject({
      cef: { version: 1, severity: "Low", extension: {} },
    });
    expect(() => parseCef("x CEF:0|a|b|c|d|e|1|")).toThrow(/no CEF: prefix/);
    expect(() => parseCef("CEF:0|a|b|c")).toThrow(/fewer than 8/);
  });
});
