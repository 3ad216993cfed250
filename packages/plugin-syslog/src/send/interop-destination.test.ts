/**
 * Interop, our destination -> a real rsyslog: a private rsyslogd (imudp, imtcp, imtcp over gtls with and without
 * client certificates; parsers rsyslog.rfc5424 and rsyslog.rfc3164; mmpstrucdata) writes the fields it parsed as
 * JSON lines, and every field we sent must arrive identical. rsyslog is told not to escape control characters; it
 * keeps the BOM in `msg` (stripped here, not in our output) and the leading space of an RFC 3164 MSG.
 */
import { ConfigurationError, RetryableError } from "@logshipper/core/sdk";
import { fakeContext } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../error-codes.js";
import { testCerts, type TestCerts } from "../testing/certs.js";
import { destination, HOSTILE, outputRecord, signal } from "../testing/records.js";
import { freePorts } from "../testing/ports.js";
import { FIELDS_TEMPLATE, findRsyslogd, Rsyslog } from "../testing/rsyslog.js";

// Skipped without rsyslogd and its gtls driver; under CI=true this throws, which fails the file.
const rsyslogd = findRsyslogd();

interface Line {
  input: string;
  facility: string;
  severity: string;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  sd: string;
  msg: string;
}

let certs: TestCerts;
let rs: Rsyslog;
let ports: { udp: number; tcp: number; tls: number; mtls: number; nul: number };

describe.skipIf(!rsyslogd.available)("interop: our destination into rsyslog", () => {
  beforeAll(async () => {
    certs = await testCerts();
    const [udp, tcp, tls, mtls, nul] = (await freePorts(5)) as [number, number, number, number, number];
    ports = { udp, tcp, tls, mtls, nul };
    const gtls = (mode: string) =>
      `streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="${mode}" ` +
      `streamDriver.CAFile="${certs.files.ca}" streamDriver.CertFile="${certs.files.serverCert}" ` +
      `streamDriver.KeyFile="${certs.files.serverKey}"`;
    rs = new Rsyslog(
      (dir) => `
global(workDirectory="${dir}/work" maxMessageSize="64k" parser.escapeControlCharactersOnReceive="off")
module(load="imudp")
module(load="imtcp" maxSessions="100")
module(load="mmpstrucdata")
${FIELDS_TEMPLATE}
ruleset(name="in" parser=["rsyslog.rfc5424", "rsyslog.rfc3164"]) {
  action(type="mmpstrucdata" sd_name.lowercase="off")
  action(type="omfile" file="${dir}/out.jsonl" template="fields")
}
input(type="imudp" address="127.0.0.1" port="${udp}" ruleset="in" name="udp")
input(type="imtcp" address="127.0.0.1" port="${tcp}" ruleset="in" name="tcp")
input(type="imtcp" address="127.0.0.1" port="${tls}" ruleset="in" name="tls" ${gtls("anon")})
input(type="imtcp" address="127.0.0.1" port="${mtls}" ruleset="in" name="mtls" ${gtls("x509/certvalid")})
input(type="imtcp" address="127.0.0.1" port="${nul}" ruleset="in" name="nul" AddtlFrameDelimiter="0")
`,
    );
    await rs.start(tcp);
  });

  afterAll(async () => {
    await rs?.stop();
  });

  const host = (name: string) => ({ host: "127.0.0.1", hostname: name });

  async function sendAll(options: Record<string, unknown>, values: unknown[]): Promise<void> {
    const dest = destination(options);
    const records = values.map((v, i) => outputRecord(v, i));
    const result = await dest.send(records, signal());
    expect(result.outcomes.map((o) => o.status)).toEqual(records.map(() => "ok"));
    await dest.close?.();
  }

  const received = (hostname: string, n: number) =>
    rs.lines<Line>("out.jsonl", n, (l) => l.hostname === hostname);

  const withoutBom = (msg: string) => (msg.startsWith("\uFEFF") ? msg.slice(1) : msg);

  describe("RFC 5424 with a JSON payload, every field byte for byte", () => {
    const message = { text: HOSTILE, nested: { list: [1, "ü", null], ok: true } };
    const envelope = (hostname: string) => ({
      facility: "local4",
      severity: "warning",
      timestamp: "2025-11-22T12:34:56.123456789+01:00",
      hostname,
      appName: "app-name.x",
      procId: "4242",
      msgId: "ID-47",
      structuredData: {
        "hostile@32473": { v: HOSTILE, n: 42, ok: true },
        timeQuality: { tzKnown: 1, isSynced: 0 },
      },
      message,
    });

    const cases: [string, Record<string, unknown>, boolean][] = [
      ["udp", { protocol: "udp", port: 0 }, false],
      ["tcp-octet", { protocol: "tcp", port: 0 }, false],
      ["tcp-lf", { protocol: "tcp", port: 0, framing: "lf" }, true],
      ["tls", { protocol: "tls", port: 0 }, false],
      ["mtls", { protocol: "tls", port: 0 }, false],
    ];

    it.each(cases)("over %s", async (name, options, lf) => {
      const port = name.startsWith("udp")
        ? ports.udp
        : name.startsWith("tcp")
          ? ports.tcp
          : ports[name as "tls"];
      const tls =
        name === "tls"
          ? { tls: { ca: certs.files.ca } }
          : name === "mtls"
            ? { tls: { ca: certs.files.ca, cert: certs.files.clientCert, key: certs.files.clientKey } }
            : {};
      const hostname = `json-${name}`;
      await sendAll({ ...host(hostname), ...options, ...tls, port }, [envelope(hostname)]);
      const [line] = await received(hostname, 1);
      // Under LF framing a line break would end the message: it is escaped (`\n`, `\r`; documented), and only
      // there. The escape comes after the SD-value escaping, so rsyslog keeps it as it is (RFC 5424 §6.3.3).
      const lfEscape = (text: string) => (lf ? text.replace(/\n/g, "\\n").replace(/\r/g, "\\r") : text);
      const expectedText = lfEscape(HOSTILE);
      expect(line).toMatchObject({
        input: name === "udp" ? "udp" : name.startsWith("tcp") ? "tcp" : name,
        facility: "20",
        severity: "4",
        timestamp: "2025-11-22T12:34:56.123456+01:00",
        hostname,
        appName: "app-name.x",
        procId: "4242",
        msgId: "ID-47",
      });
      // The raw STRUCTURED-DATA as rsyslog received it: `"`, `\` and `]` escaped (RFC 5424 §6.3.3), nothing else.
      const escaped = lfEscape(HOSTILE.replace(/["\\\]]/g, (c) => `\\${c}`));
      expect(line!.structuredData).toBe(
        `[hostile@32473 v="${escaped}" n="42" ok="true"][timeQuality tzKnown="1" isSynced="0"]`,
      );
      expect(JSON.parse(line!.sd)).toEqual({
        "hostile@32473": { v: expectedText, n: "42", ok: "true" },
        timeQuality: { tzKnown: "1", isSynced: "0" },
      });
      expect(line!.msg.startsWith("\uFEFF")).toBe(true);
      expect(JSON.parse(withoutBom(line!.msg))).toEqual(message);
    });
  });

  describe("CEF and LEEF payloads arrive as the exact text", () => {
    const cef = {
      deviceVendor: "Net|sk\\ope",
      deviceProduct: "Prod\nuct",
      deviceVersion: "1.0",
      signatureId: "DLP",
      name: "n=a|me",
      severity: 8,
      extension: { suser: 'zoë "z" müller', fname: "a=b\\c|d\ne\rf ]", rt: 1763769600000, empty: null },
    };
    const cefText =
      "CEF:0|Net\\|sk\\\\ope|Prod uct|1.0|DLP|n=a\\|me|8|" +
      'suser=zoë "z" müller fname=a\\=b\\\\c|d\\ne\\rf ] rt=1763769600000';

    it.each([
      ["cef-octet", {}],
      ["cef-lf", { framing: "lf" }],
      ["cef-udp-3164", { protocol: "udp", format: "rfc3164" }],
    ])("%s", async (hostname, options) => {
      const udp = (options as { protocol?: string }).protocol === "udp";
      await sendAll({ ...host(hostname), port: udp ? ports.udp : ports.tcp, payload: "cef", ...options }, [
        { message: cef },
      ]);
      const [line] = await received(hostname, 1);
      const msg = hostname.endsWith("3164") ? line!.msg.replace(/^ /, "") : withoutBom(line!.msg);
      expect(msg).toBe(cefText);
    });

    const leef = {
      vendor: "V|x",
      product: "P",
      version: "2",
      eventId: "E=1",
      attributes: { usrName: "a^b\tc", n: 5 },
    };
    it.each([
      ["leef-2", { version: "2.0", delimiter: "^" }, "LEEF:2.0|V\\|x|P|2|E=1|^|usrName=a b\tc^n=5"],
      ["leef-2-tab", { version: "2.0", delimiter: "x09" }, "LEEF:2.0|V\\|x|P|2|E=1|x09|usrName=a^b c\tn=5"],
      ["leef-1", { version: "1.0" }, "LEEF:1.0|V\\|x|P|2|E=1|usrName=a^b c\tn=5"],
    ])("%s", async (hostname, leefOptions, text) => {
      await sendAll({ ...host(hostname), port: ports.tcp, payload: "leef", leef: leefOptions }, [
        { message: leef },
      ]);
      const [line] = await received(hostname, 1);
      expect(withoutBom(line!.msg)).toBe(text);
    });
  });

  describe("RFC 3164", () => {
    it.each([
      ["bsd-udp", "udp"],
      ["bsd-tcp", "tcp"],
    ])("header fields and a text MSG (%s)", async (hostname, protocol) => {
      const text = 'plain text: "quoted" \\ back é 日本';
      const port = protocol === "udp" ? ports.udp : ports.tcp;
      const time = Date.UTC(2025, 10, 2, 3, 4, 5);
      const dest = destination({ ...host(hostname), port, protocol, format: "rfc3164", payload: "text" });
      const record = outputRecord(
        { facility: 16, severity: 3, appName: "my-app", procId: 77, message: text },
        0,
        time,
      );
      expect((await dest.send([record], signal())).outcomes).toEqual([{ status: "ok" }]);
      await dest.close?.();
      const [line] = await received(hostname, 1);
      expect(line).toMatchObject({
        facility: "16",
        severity: "3",
        appName: "my-app",
        procId: "77",
        msgId: "-",
      });
      expect(line!.timestamp).toMatch(/^\d{4}-11-02T03:04:05/);
      expect(line!.msg).toBe(` ${text}`);
    });
  });

  describe("LF framing into an input that also ends a message at NUL", () => {
    it("each record arrives whole, its NUL, LS and NEL escaped", async () => {
      const hostname = "nul-framed";
      const text = "before\0after ls\u2028nel\x85 end";
      await sendAll({ ...host(hostname), port: ports.nul, framing: "lf", payload: "text" }, [
        { message: text },
        { message: "second" },
      ]);
      const lines = await received(hostname, 2);
      expect(lines.map((l) => withoutBom(l.msg))).toEqual([
        "before\\u0000after ls\\u2028nel\\u0085 end",
        "second",
      ]);
    });
  });

  describe("size limit", () => {
    it("truncates MSG at a character boundary to maxMessageSize", async () => {
      const hostname = "truncated";
      const long = "é日🎉".repeat(400);
      await sendAll({ ...host(hostname), port: ports.tcp, payload: "text", maxMessageSize: 600 }, [
        { message: long },
      ]);
      const [line] = await received(hostname, 1);
      const msg = withoutBom(line!.msg);
      expect(long.startsWith(msg)).toBe(true);
      expect(msg.length).toBeGreaterThan(100);
      const header = `<14>1 2025-11-22T12:00:00.000Z ${hostname} logshipper - - - \uFEFF`;
      const total = Buffer.byteLength(header) + Buffer.byteLength(msg);
      expect(total).toBeLessThanOrEqual(600);
      expect(total).toBeGreaterThan(600 - 4); // no more was cut than the last character
    });
  });

  describe("TLS verification against rsyslog", () => {
    it("refuses a server certificate its CA bundle does not sign (configuration error)", async () => {
      const dest = destination({
        host: "127.0.0.1",
        port: ports.tls,
        protocol: "tls",
        tls: { ca: certs.files.otherCa },
      });
      const error = await dest.send([outputRecord({ message: "x" })], signal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: ERROR_CODES.SYSLOG_TLS });
      await dest.close?.();
    });

    it("notices a server that refuses the connection for lack of a client certificate, before writing", async () => {
      const dest = destination({
        host: "127.0.0.1",
        port: ports.mtls,
        protocol: "tls",
        tls: { ca: certs.files.ca },
      });
      for (let attempt = 0; attempt < 3; attempt++) {
        const error = await dest.send([outputRecord({ message: "x" })], signal()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RetryableError);
        expect(error).toMatchObject({
          code: ERROR_CODES.SYSLOG_TLS_REJECTED,
          message: expect.stringMatching(/may require a client certificate/) as unknown,
        });
      }
      await dest.close?.();
    });

    it("check() verifies the server and, with a client certificate, connects without sending data", async () => {
      const ctx = fakeContext({ name: "siem", baseDir: certs.dir });
      // `ca` as a path relative to the configuration's directory; cert and key as inline PEM text.
      const options = { ca: "ca.pem", cert: certs.clientCert, key: certs.clientKey };
      const dest = destination({ host: "127.0.0.1", port: ports.mtls, protocol: "tls", tls: options }, ctx);
      await expect(dest.check!()).resolves.toMatch(
        /^tls:\/\/127\.0\.0\.1:\d+: connected, server certificate verified$/,
      );
      await dest.close?.();
    });
  });
});
