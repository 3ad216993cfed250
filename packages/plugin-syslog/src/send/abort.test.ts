/**
 * The shutdown deadline reaches the socket: core aborts the send's signal, and a write blocked on a receiver
 * that accepts and never reads ends then, not after `writeTimeout`. A loopback receiver; nothing is mocked.
 */
import { afterEach, describe, expect, it } from "vitest";
import { destination, outputRecord } from "../testing/records.js";
import { streamSink, type StreamSink } from "../testing/sinks.js";

let sink: StreamSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe("abort during a blocked write", () => {
  it("ends the write at once; what the kernel did not take is not ok", { timeout: 20_000 }, async () => {
    const s = (sink = await streamSink({ onConnection: (socket) => socket.pause() }));
    // Far longer than the test may take: only the abort can end this send.
    const d = destination({ host: "127.0.0.1", port: s.port, payload: "text", writeTimeout: 600_000 });
    const batch = Array.from({ length: 2000 }, (_, i) => outputRecord({ message: "y".repeat(4000) }, i));
    const stop = new AbortController();
    const sent = d.send(batch, stop.signal).catch((error: unknown) => error);
    while (s.connections.length === 0) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    const result = await sent;
    const outcomes = (result as { outcomes?: { status: string }[] }).outcomes;
    if (outcomes) {
      expect(outcomes.filter((o) => o.status === "ok").length).toBeLessThan(batch.length);
      expect(outcomes.some((o) => o.status === "retryable")).toBe(true);
    } else {
      expect(result).toBeInstanceOf(Error);
    }
    await d.close?.();
  });
});
