/**
 * Interop, a real rsyslog -> our source: hand-written messages go into a private rsyslogd, which parses them and
 * forwards them with its own templates and omfwd (RFC 5424 octet-counted and LF-framed over TCP, TLS via gtls,
 * UDP; RFC 3164 traditional format), to our receiver. What we parse must be what was written.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeContext } from "@logshipper/core/testing";
import { testCerts, type TestCerts } from "../testing/certs.js";
import { collect, type Collector } from "../testing/collect.js";
import { source } from "../testing/records.js";
import { freePorts, waitForPort } from "../testing/ports.js";
import { findRsyslogd, Rsyslog } from "../testing/rsyslog.js";

// Skipped without rsyslogd and its gtls driver; under CI=true this throws, which fails the file.
const rsyslogd = findRsyslogd();

type Route = "octet" | "lf" | "tls" | "udp" | "bsd" | "cef" | "members";
const ROUTES: Route[] = ["octet", "lf", "tls", "udp", "bsd", "cef", "members"];

let certs: TestCerts;
let rs: Rsyslog;
let feed: Record<Route, number>;
let text: Collector;
let cef: Collector;
let members: Collector;

/** Writes octet-counted frames to rsyslog's input for `route`. */
async function send(route: Route, messages: string[]): Promise<void> {
  const socket = net.connect(feed[route], "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  const frames = messages.map((m) => `${Buffer.byteLength(m)} ${m}`).join("");
  await new Promise<void>((resolve) => socket.end(frames, resolve));
}

const ctx = () => fakeContext({ name: "rx", mode: "continuous" });

describe.skipIf(!rsyslogd.available)("interop: rsyslog into our receiver", () => {
  beforeAll(async () => {
    certs = await testCerts();
    const ports = await freePorts(ROUTES.length + 6);
    feed = Object.fromEntries(ROUTES.map((r, i) => [r, ports[i]!])) as Record<Route, number>;
    const [octet, lf, tls, udp, cefPort, membersPort] = ports.slice(ROUTES.length);
    text = collect(
      source(
        {
          listen: [
            `tcp://127.0.0.1:${octet}`,
            `tcp://127.0.0.1:${lf}`,
            `tls://127.0.0.1:${tls}`,
            `udp://127.0.0.1:${udp}`,
          ],
          tls: { cert: certs.files.serverCert, key: certs.files.serverKey },
        },
        ctx(),
      ),
    );
    cef = collect(source({ listen: [`tcp://127.0.0.1:${cefPort}`], payload: "cef" }, ctx()));
    members = collect(source({ listen: [`tcp://127.0.0.1:${membersPort}`], payload: "members" }, ctx()));
    for (const p of [octet, lf, tls, cefPort, membersPort]) await waitForPort(p!);

    const forward = (port: number, options: string) =>
      `action(type="omfwd" target="127.0.0.1" port="${port}" ${options} action.resumeRetryCount="-1" action.resumeInterval="1")`;
    const protocol23 = 'template="RSYSLOG_SyslogProtocol23Format"';
    const actions: Record<Route, string> = {
      octet: forward(octet!, `protocol="tcp" TCP_Framing="octet-counted" ${protocol23}`),
      lf: forward(lf!, `protocol="tcp" ${protocol23}`),
      tls: forward(
        tls!,
        `protocol="tcp" TCP_Framing="octet-counted" ${protocol23} StreamDriver="gtls" StreamDriverMode="1" ` +
          'StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost"',
      ),
      udp: forward(udp!, `protocol="udp" ${protocol23}`),
      bsd: forward(lf!, 'protocol="tcp" template="RSYSLOG_TraditionalForwardFormat"'),
      cef: forward(cefPort!, `protocol="tcp" TCP_Framing="octet-counted" ${protocol23}`),
      members: forward(membersPort!, 'protocol="tcp" template="RSYSLOG_ForwardFormat"'),
    };
    rs = new Rsyslog(
      (dir) => `
global(workDirectory="${dir}/work" maxMessageSize="64k" parser.escapeControlCharactersOnReceive="off"
       defaultNetstreamDriverCAFile="${certs.files.ca}")
module(load="imtcp")
${ROUTES.map(
  (r) => `ruleset(name="${r}" parser=["rsyslog.rfc5424", "rsyslog.rfc3164"]) { ${actions[r]} }
input(type="imtcp" address="127.0.0.1" port="${feed[r]}" ruleset="${r}")`,
).join("\n")}
`,
    );
    await rs.start(feed.members);
  });

  afterAll(async () => {
    await rs?.stop();
    await Promise.all([text?.stop(), cef?.stop(), members?.stop()]);
  });

  const byHost = (c: Collector, hostname: string) =>
    c.records
      .map((r) => r.data as { syslog: Record<string, unknown> })
      .filter((d) => d.syslog["hostname"] === hostname);

  async function received(c: Collector, hostname: string, n = 1) {
    const deadline = Date.now() + 15_000;
    while (byHost(c, hostname).length < n) {
      if (Date.now() > deadline) throw new Error(`no message from ${hostname} arrived\n${rs.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return byHost(c, hostname);
  }

  describe("RFC 5424 forwarded by rsyslog", () => {
    const sd = '[ex@32473 a="q\\"b\\\\c\\]d" u="é 日本 | = [\\""][timeQuality tzKnown="1" isSynced="0"]';
    const structuredData = {
      "ex@32473": { a: 'q"b\\c]d', u: 'é 日本 | = ["' },
      timeQuality: { tzKnown: "1", isSynced: "0" },
    };

    it.each([
      ["octet", "tcp", true],
      ["lf", "tcp", false],
      ["tls", "tls", true],
      ["udp", "udp", true],
    ] as const)("%s", async (route, protocol, newlines) => {
      const hostname = `host-${route}`;
      const body = `hello é 🎉 "quoted" \\ back${newlines ? "\nsecond line\ttab" : ""}`;
      await send(route, [
        `<165>1 2025-11-22T12:34:56.123456+01:00 ${hostname} app 42 ID47 ${sd} \uFEFF${body}`,
      ]);
      const [data] = await received(text, hostname);
      expect(data).toEqual({
        message: body,
        syslog: {
          format: "rfc5424",
          facility: 20,
          severity: 5,
          timestamp: "2025-11-22T12:34:56.123456+01:00",
          hostname,
          appName: "app",
          procId: "42",
          msgId: "ID47",
          structuredData,
          protocol,
          peer: "127.0.0.1",
        },
      });
    });
  });

  describe("RFC 3164 forwarded by rsyslog", () => {
    it("traditional format: timestamp, hostname, tag and pid", async () => {
      await send("bsd", ['<13>Nov  2 03:04:05 host-bsd myapp[99]: bsd message é "q" \\ | =']);
      const [data] = await received(text, "host-bsd");
      expect(data).toEqual({
        message: 'bsd message é "q" \\ | =',
        syslog: {
          format: "rfc3164",
          facility: 1,
          severity: 5,
          timestamp: "Nov  2 03:04:05",
          hostname: "host-bsd",
          appName: "myapp",
          procId: "99",
          protocol: "tcp",
          peer: "127.0.0.1",
        },
      });
    });
  });

  describe("payloads", () => {
    it("cef: header fields and extension values unescaped", async () => {
      const msg =
        "CEF:0|Net\\|sk\\\\ope|Prod|1.0|DLP|n=a\\|me|8|suser=zoë müller fname=a\\=b\\\\c\\nd rt=1763769600000";
      await send("cef", [`<134>1 2025-11-22T12:00:00Z host-cef netskope - DLP - ${msg}`]);
      const [data] = await received(cef, "host-cef");
      expect(data).toMatchObject({
        cef: {
          version: 0,
          deviceVendor: "Net|sk\\ope",
          deviceProduct: "Prod",
          deviceVersion: "1.0",
          signatureId: "DLP",
          name: "n=a|me",
          severity: 8,
          extension: { suser: "zoë müller", fname: "a=b\\c\nd", rt: "1763769600000" },
        },
        syslog: { facility: 16, severity: 6, appName: "netskope", msgId: "DLP" },
      });
    });

    it("members: MetaDefender SYSLOG lines become the event's own fields; a bad line is a dead letter", async () => {
      const line =
        '"log_type":"removed","device_name":"mbp-ops","details":"Device event 21: \\"quoted\\" and \\\\ backslash",' +
        '"device_username":"chloé.durand@example.fr","timestamp":"2025-11-22T00:10:30.000Z"';
      await send("members", [
        `<14>Nov 22 00:10:30 host-md metadefender: ${line}`,
        "<14>Nov 22 00:10:31 host-md metadefender: not json members",
      ]);
      const [data] = await received(members, "host-md");
      expect(data).toMatchObject({
        log_type: "removed",
        device_name: "mbp-ops",
        details: 'Device event 21: "quoted" and \\ backslash',
        device_username: "chloé.durand@example.fr",
        timestamp: "2025-11-22T00:10:30.000Z",
        syslog: { format: "rfc3164", hostname: "host-md", appName: "metadefender", protocol: "tcp" },
      });
      await members.until(2);
      expect(members.rejects).toHaveLength(1);
      expect(members.rejects[0]).toMatchObject({
        origin: expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/) as unknown,
        reason: expect.stringMatching(/^MSG is not JSON members/) as unknown,
        raw: expect.stringContaining("not json members") as unknown,
      });
    });
  });
});
