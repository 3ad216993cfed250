/**
 * The shutdown deadline against a syslog receiver that accepts and never reads: `logshipper run` exits within
 * `--shutdown-timeout` (plus a little) after SIGTERM, even with a long `writeTimeout`, and what it had not
 * delivered is sent by the next run: every record reaches a receiver.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { octetFrames, streamSink } from "@logshipper/plugin-syslog/testing";
import { runCli, startCli, tempDir, writeConfig } from "./helpers.js";

const RECORDS = 30_000;

/** Accepts connections and never reads them, so that the sender's writes block once the kernel buffers fill. */
async function deafReceiver(): Promise<{ port: number; sockets: net.Socket[]; server: net.Server }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    socket.on("error", () => undefined);
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, sockets, server };
}

/** What the kernel had accepted on a socket that was never read: read it now, until the sender's FIN. */
async function drain(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on("data", (d: Buffer) => chunks.push(d));
  await new Promise<void>((resolve) => {
    socket.once("end", resolve).once("close", resolve);
    setTimeout(resolve, 5000).unref();
    socket.resume();
  });
  return Buffer.concat(chunks);
}

function config(port: number): string {
  return `
state: { dir: state }
sources:
  data: { plugin: file, path: data.ndjson, idField: _id }
destinations:
  siem: { plugin: syslog, protocol: tcp, host: 127.0.0.1, port: ${port}, writeTimeout: 120s }
siemMappings:
  - { source: data, destination: siem }
`;
}

const idsIn = (frames: string[]) => frames.map((f) => /"_id":"(a\d+)"/.exec(f)?.[1]).filter(Boolean);

describe("shutdown deadline", () => {
  it("cuts a send blocked on a receiver that never reads; the next run delivers the rest", async () => {
    const dir = tempDir("ls-deadline-");
    const lines = Array.from({ length: RECORDS }, (_, i) =>
      JSON.stringify({ _id: `a${i}`, msg: "x".repeat(600) }),
    );
    fs.writeFileSync(path.join(dir, "data.ndjson"), lines.join("\n") + "\n");
    const deaf = await deafReceiver();
    const file = writeConfig(dir, config(deaf.port));
    const { child, done } = startCli(["run", "-c", file, "--shutdown-timeout", "2s"]);
    while (deaf.sockets.length === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500)); // the kernel buffers fill; the write blocks
    const signalled = Date.now();
    child.kill("SIGTERM");
    const first = await done;
    const took = Date.now() - signalled;
    console.log(`exited ${took} ms after SIGTERM (--shutdown-timeout 2s)`);
    expect(first.code).toBe(0);
    expect(took).toBeLessThan(2000 + 3000);
    expect(first.stderr).toMatch(/shutdown interrupted a delivery/);
    const accepted = (await Promise.all(deaf.sockets.map(drain))).flatMap((b) => octetFrames(b));
    deaf.server.close();

    const sink = await streamSink();
    writeConfig(dir, config(sink.port));
    const second = await runCli(["run", "--once", "-c", file]);
    expect(second.code).toBe(0);
    const resent = idsIn(sink.frames());
    await sink.close();
    // Nothing lost: every record reached one receiver or the other (the kernel's share of the deaf one counts).
    expect(new Set([...idsIn(accepted), ...resent]).size).toBe(RECORDS);
    expect(new Set(resent).size).toBe(resent.length);
  }, 120_000);
});
