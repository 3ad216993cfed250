/** Loopback receivers for unit tests: they keep the raw bytes of every connection (TCP, TLS) or datagram (UDP). */
import dgram from "node:dgram";
import net from "node:net";
import tls from "node:tls";

export interface StreamSink {
  port: number;
  /** Raw bytes per connection, in order of connection. */
  connections: Buffer[][];
  sockets: net.Socket[];
  /** Every octet-counted frame received so far, over all connections, as text. */
  frames(): string[];
  /** Resolves when `frames()` has at least `n` entries. */
  waitFrames(n: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Splits `LEN SP MSG` frames; the last, incomplete one (if any) is left out. */
export function octetFrames(bytes: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const sp = bytes.indexOf(0x20, i);
    if (sp === -1) break;
    const len = Number(bytes.toString("latin1", i, sp));
    if (!Number.isInteger(len) || sp + 1 + len > bytes.length) break;
    out.push(bytes.toString("utf8", sp + 1, sp + 1 + len));
    i = sp + 1 + len;
  }
  return out;
}

export async function streamSink(
  options: { tls?: tls.TlsOptions; onConnection?: (socket: net.Socket, index: number) => void } = {},
): Promise<StreamSink> {
  const connections: Buffer[][] = [];
  const sockets: net.Socket[] = [];
  const onSocket = (socket: net.Socket) => {
    const chunks: Buffer[] = [];
    connections.push(chunks);
    sockets.push(socket);
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", () => undefined);
    options.onConnection?.(socket, connections.length - 1);
  };
  const server = options.tls ? tls.createServer(options.tls, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const frames = () => connections.flatMap((c) => octetFrames(Buffer.concat(c)));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    sockets,
    frames,
    async waitFrames(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (frames().length < n) {
        if (Date.now() > deadline) throw new Error(`received ${frames().length} of ${n} frames`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return frames();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface DatagramSink {
  port: number;
  datagrams: string[];
  wait(n: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function datagramSink(): Promise<DatagramSink> {
  const socket = dgram.createSocket("udp4");
  const datagrams: string[] = [];
  socket.on("message", (m) => datagrams.push(m.toString("utf8")));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    datagrams,
    async wait(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (datagrams.length < n) {
        if (Date.now() > deadline) throw new Error(`received ${datagrams.length} of ${n} datagrams`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return datagrams;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
