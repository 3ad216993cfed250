/**
 * The `syslog` source (receiver) against loopback senders (node:net, node:tls, node:dgram): what becomes a record,
 * dead letters, limits, backpressure, the graceful stop, `run --once`, and listener errors.
 */
import dgram from "node:dgram";
import net from "node:net";
import tls from "node:tls";
import { ConfigurationError } from "@logshipper/core/sdk";
import { fakeContext } from "@logshipper/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../error-codes.js";
import { readCheckpoint } from "./source.js";
import { testCerts, type TestCerts } from "../testing/certs.js";
import { collect } from "../testing/collect.js";
import { source } from "../testing/records.js";
import { freePorts, waitForPort } from "../testing/ports.js";

let certs: TestCerts;
beforeAll(async () => {
  certs = await testCerts();
});

const continuous = () => fakeContext({ name: "rx", mode: "continuous" });
const frame = (m: string) => `${Buffer.byteLength(m)} ${m}`;

async function tcpSend(port: number, data: string | Buffer): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  await new Promise<void>((resolve) => socket.end(data, resolve));
}

async function listening(options: Record<string, unknown>, ctx = continuous()) {
  const [port] = (await freePorts(1)) as [number];
  const proto = (options["proto"] as string | undefined) ?? "tcp";
  const rest = { ...options };
  delete rest["proto"];
  const c = collect(source({ listen: [`${proto}://127.0.0.1:${port}`], ...rest }, ctx));
  if (proto !== "udp") await waitForPort(port);
  else await new Promise((r) => setTimeout(r, 50));
  return { c, port, ctx };
}

describe("records", () => {
  it("TCP, both framings: the MSG and the header fields, with the sender as origin", async () => {
    const { c, port } = await listening({});
    await tcpSend(port, frame('<165>1 2025-11-22T12:00:00Z h app 7 ID [a@1 k="v\\]"] \uFEFFoctet\nline'));
    await tcpSend(port, "<13>Nov 22 12:00:00 h2 tag: lf one\n<13>Nov 22 12:00:01 h2 tag: lf two\n");
    await c.until(3);
    await c.stop();
    expect(c.records[0]).toEqual({
      data: {
        message: "octet\nline",
        syslog: {
          format: "rfc5424",
          facility: 20,
          severity: 5,
          timestamp: "2025-11-22T12:00:00Z",
          hostname: "h",
          appName: "app",
          procId: "7",
          msgId: "ID",
          structuredData: { "a@1": { k: "v]" } },
          protocol: "tcp",
          peer: "127.0.0.1",
        },
      },
      origin: expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/) as unknown,
    });
    expect(c.records.slice(1).map((r) => (r.data as { message: string }).message)).toEqual([
      "lf one",
      "lf two",
    ]);
  });

  it("UDP: one message per datagram", async () => {
    const { c, port } = await listening({ proto: "udp", payload: "json" });
    const socket = dgram.createSocket("udp4");
    for (const m of ['<14>1 - h - - - - {"a":1}\n', '<14>1 - h - - - - {"a":2}'])
      await new Promise((r) => socket.send(m, port, "127.0.0.1", r));
    socket.close();
    await c.until(2);
    await c.stop();
    expect(c.records.map((r) => r.data)).toEqual(
      [1, 2].map((a) => ({ a, syslog: expect.objectContaining({ protocol: "udp" }) as unknown })),
    );
  });

  it("TLS, with client certificates required: a client without one is refused, one with one is read", async () => {
    const tlsOptions = {
      cert: certs.files.serverCert,
      key: certs.files.serverKey,
      ca: certs.files.ca,
      requestCert: true,
    };
    const { c, port, ctx } = await listening({ proto: "tls", tls: tlsOptions });
    const connect = (extra: tls.ConnectionOptions) =>
      new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({ host: "127.0.0.1", port, ca: certs.ca, ...extra }, () => resolve(s));
        s.on("error", reject);
      });
    const anonymous = await connect({}).catch(() => undefined);
    anonymous?.on("error", () => undefined).end(frame("<14>1 - anonymous - - - - no"));
    const client = await connect({ cert: certs.clientCert, key: certs.clientKey });
    client.end(frame("<14>1 - authenticated - - - - yes"));
    await c.until(1);
    await new Promise((r) => setTimeout(r, 100));
    await c.stop();
    expect(c.records.map((r) => (r.data as { syslog: { hostname: string } }).syslog.hostname)).toEqual([
      "authenticated",
    ]);
    expect(ctx.counters.get("syslog_tls_failed")).toBeGreaterThanOrEqual(1);
  });
});

describe("dead letters and limits", () => {
  it("keeps malformed messages with their origin and reason; the connection goes on", async () => {
    const { c, port, ctx } = await listening({ payload: "json", maxMessageSize: 200 });
    const big = `<14>1 - h - - - - "${"x".repeat(300)}"`;
    await tcpSend(
      port,
      [
        frame("no pri here"),
        frame('<14>1 - h - - - - {"ok":1}'),
        frame("<14>1 - h - - - - [1]"),
        frame(big),
        frame('<14>1 - h - - - - {"ok":2}'),
      ].join(""),
    );
    await c.until(5);
    await c.stop();
    expect(c.records.map((r) => (r.data as { ok: number }).ok)).toEqual([1, 2]);
    expect(c.rejects.map((r) => r.reason)).toEqual([
      "no <PRI> at the start: not a syslog message",
      "MSG is JSON but not an object",
      `message of ${Buffer.byteLength(big)} octets; the limit is 200`,
    ]);
    expect(c.rejects[0]).toMatchObject({
      raw: "no pri here",
      origin: expect.stringMatching(/^tcp:\/\//) as unknown,
    });
    expect(ctx.counters.get("syslog_malformed")).toBe(3);
  });

  it("refuses connections over maxConnections and counts them", async () => {
    const { c, port, ctx } = await listening({ maxConnections: 1 });
    await new Promise((r) => setTimeout(r, 100)); // the probe connection of `listening` is gone
    const first = net.connect(port, "127.0.0.1");
    first.write(frame("<14>1 - h - - - - kept"));
    await c.until(1);
    const second = net.connect(port, "127.0.0.1").on("error", () => undefined);
    await new Promise((r) => second.once("close", r));
    first.end();
    await c.stop();
    expect(ctx.counters.get("syslog_connections_refused")).toBe(1);
  });
});

describe("backpressure and stopping", () => {
  it("stops reading senders while batches are not taken, then delivers everything", async () => {
    const [port] = (await freePorts(1)) as [number];
    const controller = new AbortController();
    const ctx = continuous();
    const pull = source({ listen: [`tcp://127.0.0.1:${port}`] }, ctx).pull(undefined, controller.signal);
    const iterator = pull[Symbol.asyncIterator]();
    const taken = async () => {
      const next = await iterator.next();
      return next.done ? 0 : next.value.records.length;
    };
    const firstBatch = taken(); // binds, then waits for messages
    await waitForPort(port);
    const sender = net.connect(port, "127.0.0.1");
    await new Promise((r) => sender.once("connect", r));
    const total = 40_000;
    let text = "";
    for (let i = 0; i < total; i++) text += frame(`<14>1 - h - - - - ${i} ${"z".repeat(100)}`);
    sender.write(text);
    let received = await firstBatch;
    await new Promise((r) => setTimeout(r, 300)); // we do not take the next batch: the receiver stops reading
    expect(ctx.counters.get("syslog_paused")).toBe(1);
    sender.end();
    while (received < total) received += await taken();
    controller.abort();
    await iterator.next();
    expect(received).toBe(total);
  });

  it("graceful stop: the last batch holds what senders wrote until they closed", async () => {
    const { c, port } = await listening({});
    const sender = net.connect(port, "127.0.0.1");
    await new Promise((r) => sender.once("connect", r));
    sender.on("end", () => sender.end()); // a sender that closes when the receiver does
    for (let i = 0; i < 50; i++) sender.write(frame(`<14>1 - h - - - - ${i}`));
    await c.until(1);
    const stopping = c.stop();
    for (let i = 50; i < 100; i++) sender.write(frame(`<14>1 - h - - - - ${i}`));
    await stopping;
    expect(c.records.map((r) => Number((r.data as { message: string }).message))).toEqual([
      ...Array(100).keys(),
    ]);
    expect(c.batches.at(-1)!.checkpoint).toEqual({ received: 100 });
  });

  it("run --once: returns after idleTimeout without a message", async () => {
    const { c, port } = await listening({ idleTimeout: 200 }, fakeContext({ mode: "once" }));
    await tcpSend(port, frame("<14>1 - h - - - - one"));
    await c.done;
    expect(c.records).toHaveLength(1);
  });
});

describe("checkpoints, test() and close()", () => {
  it("counts messages from the checkpoint it was given", async () => {
    const { c, port } = await listening({}, continuous());
    await c.stop();
    const again = collect(source({ listen: [`tcp://127.0.0.1:${port}`] }, continuous()), { received: 41 });
    await waitForPort(port);
    await tcpSend(port, frame("<14>1 - h - - - - x"));
    await again.until(1);
    await again.stop();
    expect(again.batches.map((b) => JSON.parse(JSON.stringify(b.checkpoint)) as unknown)).toEqual([
      { received: 42 },
    ]);
    expect(() => readCheckpoint({ cursor: 1 })).toThrow(/LS_ERR_SYSLOG_CHECKPOINT|unrecognised checkpoint/);
  });

  it("an address in use is a configuration error, for pull and test()", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as net.AddressInfo).port;
    const s = source({ listen: [`tcp://127.0.0.1:${port}`] });
    for (const attempt of [() => s.test!(), () => collect(s).done]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ code: ERROR_CODES.SYSLOG_LISTEN });
    }
    blocker.close();
    await s.close?.();
    await s.close?.();
  });
});
