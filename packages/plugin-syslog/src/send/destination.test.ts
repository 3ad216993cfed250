/**
 * The `syslog` destination against loopback receivers (node:net, node:tls, node:dgram): the SDK contract, the bytes
 * on the wire, reconnects, backpressure, and how every failure is classified. Nothing of the plugin is mocked.
 */
import { ConfigurationError, RetryableError } from "@logshipper/core/sdk";
import { destinationContract, fakeContext } from "@logshipper/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../error-codes.js";
import { testCerts, type TestCerts } from "../testing/certs.js";
import { destination, envelopes, outputRecord, signal } from "../testing/records.js";
import { freePorts } from "../testing/ports.js";
import { datagramSink, streamSink, type StreamSink } from "../testing/sinks.js";

let sink: StreamSink;
let certs: TestCerts;
const opened: { close?: () => Promise<void> }[] = [];

beforeAll(async () => {
  sink = await streamSink();
  certs = await testCerts();
});
afterAll(() => sink.close());
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close?.();
});

function dest(options: Record<string, unknown>, ctx = fakeContext({ name: "siem" })) {
  const d = destination({ host: "127.0.0.1", hostname: "shipper", ...options }, ctx);
  opened.push(d);
  return d;
}

destinationContract(
  "syslog",
  () => destination({ host: "127.0.0.1", port: sink.port }),
  (n) => envelopes(n),
);

describe("what reaches the receiver", () => {
  it("one octet-counted RFC 5424 message per record, in order, over one connection", async () => {
    const s = await streamSink();
    const d = dest({ port: s.port });
    for (let i = 0; i < 3; i++) await d.send(envelopes(2), signal());
    const frames = await s.waitFrames(6);
    expect(frames[0]).toBe('<14>1 2025-11-22T12:00:00.000Z shipper logshipper - m0 - \uFEFF{"n":0}');
    expect(frames.map((f) => /m\d/.exec(f)?.[0])).toEqual(["m0", "m1", "m0", "m1", "m0", "m1"]);
    expect(s.connections).toHaveLength(1);
    await s.close();
  });

  it("a record that cannot be encoded is permanent; the others are sent", async () => {
    const s = await streamSink();
    const d = dest({ port: s.port, payload: "cef" });
    const cef = {
      deviceVendor: "V",
      deviceProduct: "P",
      deviceVersion: "1",
      signatureId: "S",
      name: "N",
      severity: 1,
    };
    const batch = [
      outputRecord({ message: cef }, 0),
      outputRecord({ message: { name: "x" } }, 1),
      outputRecord({ message: cef }, 2),
    ];
    const { outcomes } = await d.send(batch, signal());
    expect(outcomes.map((o) => o.status)).toEqual(["ok", "permanent", "ok"]);
    expect(outcomes[1]).toMatchObject({ code: ERROR_CODES.SYSLOG_PAYLOAD });
    expect(await s.waitFrames(2)).toHaveLength(2);
    await s.close();
  });

  it("counts truncated messages", async () => {
    const ctx = fakeContext({ name: "siem" });
    const d = dest({ port: sink.port, payload: "text", maxMessageSize: 480 }, ctx);
    await d.send([outputRecord({ message: "x".repeat(1000) })], signal());
    expect(ctx.counters.get("syslog_truncated")).toBe(1);
  });

  it("UDP: one datagram per message, no framing", async () => {
    const u = await datagramSink();
    const d = dest({ port: u.port, protocol: "udp", payload: "text" });
    const { outcomes } = await d.send(
      [outputRecord({ message: "a\nb" }, 0), outputRecord({ message: "c" }, 1)],
      signal(),
    );
    expect(outcomes).toEqual([{ status: "ok" }, { status: "ok" }]);
    expect(await u.wait(2)).toEqual([
      "<14>1 2025-11-22T12:00:00.000Z shipper logshipper - - - \uFEFFa\nb",
      "<14>1 2025-11-22T12:00:01.000Z shipper logshipper - - - \uFEFFc",
    ]);
    await u.close();
  });

  it("test() sends a message an operator can find; check() connects without sending", async () => {
    const s = await streamSink();
    const d = dest({ port: s.port, payload: "text" });
    await expect(d.check!()).resolves.toBe(`tcp://127.0.0.1:${s.port}: connected`);
    await expect(d.test!()).resolves.toBe(`tcp://127.0.0.1:${s.port} accepted a test message`);
    expect(await s.waitFrames(1)).toEqual([
      expect.stringMatching(
        / shipper logshipper - test - \uFEFFLog Shipper test message from destination siem$/,
      ),
    ]);
    await s.close();
  });
});

describe("connections", () => {
  it("reconnects after the receiver closed the connection, and resends nothing already taken", async () => {
    const s = await streamSink({ onConnection: (socket) => setTimeout(() => socket.end(), 50) });
    const d = dest({ port: s.port });
    await d.send(envelopes(1), signal());
    await new Promise((r) => setTimeout(r, 200)); // the receiver has closed its side by now
    expect((await d.send(envelopes(2), signal())).outcomes.map((o) => o.status)).toEqual(["ok", "ok"]);
    expect(await s.waitFrames(3)).toHaveLength(3);
    expect(s.connections).toHaveLength(2);
    await s.close();
  });

  it("under backpressure, only what the socket took is ok; the rest is retryable and resent on a new connection", async () => {
    const s = await streamSink({ onConnection: (socket, i) => i === 0 && socket.pause() });
    const d = dest({ port: s.port, payload: "text", writeTimeout: 300, maxMessageSize: 8000 });
    const batch = Array.from({ length: 2000 }, (_, i) =>
      outputRecord({ msgId: `r${i}`, message: "y".repeat(4000) }, i),
    );
    const first = await d.send(batch, signal());
    const ok = first.outcomes.findIndex((o) => o.status !== "ok");
    expect(ok).toBeGreaterThan(0);
    expect(first.outcomes.slice(ok).every((o) => o.status === "retryable")).toBe(true);
    expect(first.outcomes[ok]).toMatchObject({
      reason: expect.stringMatching(/took no more data/) as unknown,
    });
    s.sockets[0]!.resume(); // what the kernel took still arrives
    const second = await d.send(batch.slice(ok), signal());
    expect(second.outcomes.every((o) => o.status === "ok")).toBe(true);
    const ids = (await s.waitFrames(2000)).map((f) => / - (r\d+) - /.exec(f)?.[1]);
    expect(new Set(ids).size).toBe(2000);
    await s.close();
  });
});

describe("failures", () => {
  it("a refused connection is retryable", async () => {
    const [port] = await freePorts(1);
    const error = await dest({ port })
      .send(envelopes(1), signal())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.SYSLOG_NETWORK });
  });

  it("an unknown host is a configuration error", async () => {
    const error = await dest({ host: "no-such-host.invalid", port: 514 })
      .send(envelopes(1), signal())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.SYSLOG_CONNECT });
  });

  it("an aborted send reports nothing as sent", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await dest({ port: sink.port })
      .send(envelopes(2), controller.signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ERROR_CODES.SYSLOG_ABORTED });
  });
});

describe("TLS", () => {
  let tlsSink: StreamSink;
  beforeAll(async () => {
    tlsSink = await streamSink({ tls: { cert: certs.serverCert, key: certs.serverKey } });
  });
  afterAll(() => tlsSink.close());
  const tlsDest = (tls: Record<string, unknown>) => dest({ port: tlsSink.port, protocol: "tls", tls });

  it("verifies the server with the CA bundle and sends octet-counted messages", async () => {
    const d = tlsDest({ ca: certs.files.ca });
    expect((await d.send(envelopes(2), signal())).outcomes).toEqual([{ status: "ok" }, { status: "ok" }]);
    expect(await tlsSink.waitFrames(2)).toHaveLength(2);
  });

  it.each([
    ["a certificate no trusted CA signed", () => ({ ca: certs.files.otherCa })],
    ["the system CAs, which do not know the test CA", () => ({})],
    [
      "a name the certificate does not carry",
      () => ({ ca: certs.files.ca, servername: "other.example.com" }),
    ],
  ])("refuses %s (configuration error)", async (_what, tls) => {
    const error = await tlsDest(tls())
      .send(envelopes(1), signal())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.SYSLOG_TLS });
  });

  it("skips verification only when told to", async () => {
    const d = tlsDest({ rejectUnauthorized: false });
    expect((await d.send(envelopes(1), signal())).outcomes).toEqual([{ status: "ok" }]);
  });

  it("an unreadable CA file is a configuration error that names the file", async () => {
    const error = await tlsDest({ ca: "missing/ca.pem" })
      .send(envelopes(1), signal())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({
      code: ERROR_CODES.SYSLOG_TLS_FILE,
      message: expect.stringMatching(/^tls\.ca: cannot read .*missing\/ca\.pem/) as unknown,
    });
  });
});
