/**
 * The receiver's sockets: UDP, TCP and TLS listeners that hand each framed message (or framing fault) to a sink.
 * It knows nothing of records or checkpoints.
 *
 * - UDP: one message per datagram (RFC 5426); a trailing LF, CR or NUL is dropped. While paused, datagrams are
 *   dropped and counted (UDP has no way to slow a sender down).
 * - TCP/TLS: framing detected per connection (deframe.ts); at most `maxConnections` open per listener (more are
 *   refused and counted). While paused, connections are not read, so TCP flow control slows the senders down.
 * - `drain` is the graceful stop: listeners close, every connection is asked to close (a TCP FIN, also under TLS)
 *   and is still read until the sender closes its side or `timeoutMs` passes; only then are connections
 *   destroyed. A sender that notices the close before it writes again loses nothing.
 */
import dgram from "node:dgram";
import net from "node:net";
import tls from "node:tls";
import { Deframer } from "./deframe.js";

export type Protocol = "udp" | "tcp" | "tls";

export interface Listener {
  protocol: Protocol;
  host: string;
  port: number;
}

export interface ReceivedMessage {
  bytes: Buffer;
  protocol: Protocol;
  /** The sender's address. */
  peer: string;
  /** `tcp://10.0.0.5:43210`: the sender, for origins of records and dead letters. */
  origin: string;
}

export interface ReceiverSink {
  message(message: ReceivedMessage): void;
  fault(origin: string, reason: string, head: Buffer): void;
  /** Counts what only the receiver sees: `udp_dropped`, `connections_refused`, `tls_failed`. */
  count(name: string): void;
}

export interface ReceiverOptions {
  maxMessageSize: number;
  maxConnections: number;
  secure?: { material: tls.SecureContextOptions; requestCert: boolean } | undefined;
}

/** `udp://0.0.0.0:514` to a listener. */
export function parseListener(address: string): Listener {
  const m = /^(udp|tcp|tls):\/\/(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  if (!m) throw new Error(`invalid listen address ${address}`);
  return { protocol: m[1] as Protocol, host: m[2] ?? m[3]!, port: Number(m[4]) };
}

function display(protocol: Protocol, host: string, port: number): string {
  return `${protocol}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

export class SyslogReceiver {
  private servers: net.Server[] = [];
  private udp: dgram.Socket[] = [];
  private readonly sockets = new Set<net.Socket>();
  /** The TCP sockets under TLS connections, to close them without a TLS close_notify (see `drain`). */
  private readonly tcpUnderTls = new Set<net.Socket>();
  private paused = false;
  /** Stopping: read everything senders still send, whatever is pending (see `drain`). */
  private draining = false;
  /** Bound addresses, in the order of the listeners (real ports when 0 was asked for). */
  readonly addresses: string[] = [];

  constructor(
    private readonly listeners: Listener[],
    private readonly options: ReceiverOptions,
    private readonly sink: ReceiverSink,
  ) {}

  async start(): Promise<void> {
    try {
      for (const l of this.listeners) this.addresses.push(await this.bind(l));
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** Stop reading TCP/TLS connections (UDP datagrams are dropped meanwhile); true when it was reading. */
  pause(): boolean {
    if (this.paused || this.draining) return false;
    this.paused = true;
    for (const s of this.sockets) s.pause();
    return true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const s of this.sockets) s.resume();
  }

  async drain(timeoutMs: number): Promise<void> {
    this.resume();
    this.draining = true; // no pause from here on: what is not read now is lost
    for (const server of this.servers) server.close();
    for (const socket of this.udp) socket.close();
    this.udp = [];
    const open = [...this.sockets];
    for (const s of open) if (!(s instanceof tls.TLSSocket)) s.end();
    // TLS: a bare TCP FIN, no close_notify. A sender that peeks at its connection before writing (rsyslog) sees
    // the FIN and reconnects; behind a close_notify it would see data, write on, and lose what it wrote.
    for (const raw of this.tcpUnderTls) raw.end();
    let timer: NodeJS.Timeout | undefined;
    const closed = Promise.all(open.map((s) => new Promise((resolve) => s.once("close", resolve))));
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.destroy();
  }

  destroy(): void {
    for (const server of this.servers) server.close();
    for (const socket of this.udp) socket.close();
    for (const s of this.sockets) s.destroy();
    for (const raw of this.tcpUnderTls) raw.destroy();
    this.tcpUnderTls.clear();
    this.servers = [];
    this.udp = [];
    this.sockets.clear();
  }

  private bind(l: Listener): Promise<string> {
    return l.protocol === "udp" ? this.bindUdp(l) : this.bindStream(l);
  }

  private bindUdp(l: Listener): Promise<string> {
    const socket = dgram.createSocket(net.isIPv6(l.host) ? "udp6" : "udp4");
    socket.on("message", (bytes, from) => {
      const origin = display("udp", from.address, from.port);
      if (this.paused) return this.sink.count("udp_dropped");
      let end = bytes.length;
      while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d || bytes[end - 1] === 0)) end--;
      if (end > this.options.maxMessageSize) {
        return this.sink.fault(
          origin,
          `datagram of ${end} octets; the limit is ${this.options.maxMessageSize}`,
          bytes.subarray(0, 4096),
        );
      }
      if (end > 0)
        this.sink.message({ bytes: bytes.subarray(0, end), protocol: "udp", peer: from.address, origin });
    });
    this.udp.push(socket);
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(l.port, l.host, () => {
        socket.off("error", reject);
        socket.on("error", () => this.sink.count("udp_errors"));
        try {
          socket.setRecvBufferSize(4 * 1024 * 1024); // fewer drops under bursts; capped by net.core.rmem_max
        } catch {
          // the system's limit applies
        }
        resolve(display("udp", l.host, socket.address().port));
      });
    });
  }

  private bindStream(l: Listener): Promise<string> {
    const secure = l.protocol === "tls" ? this.options.secure : undefined;
    if (l.protocol === "tls" && !secure) throw new Error("a tls:// listener needs a certificate and key");
    const onSocket = (socket: net.Socket) => this.accept(socket, l.protocol);
    const server = secure
      ? tls.createServer(
          {
            ...secure.material,
            requestCert: secure.requestCert,
            rejectUnauthorized: secure.requestCert,
          },
          onSocket,
        )
      : net.createServer(onSocket);
    server.maxConnections = this.options.maxConnections;
    server.on("drop", () => this.sink.count("connections_refused"));
    server.on("tlsClientError", () => this.sink.count("tls_failed"));
    if (secure) {
      server.on("connection", (raw: net.Socket) => {
        this.tcpUnderTls.add(raw);
        raw.once("close", () => this.tcpUnderTls.delete(raw));
      });
    }
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(l.port, l.host, () => {
        server.off("error", reject);
        server.on("error", () => this.sink.count("listener_errors"));
        resolve(display(l.protocol, l.host, (server.address() as net.AddressInfo).port));
      });
    });
  }

  private accept(socket: net.Socket, protocol: Protocol): void {
    const peer = socket.remoteAddress ?? "unknown";
    const origin = display(protocol, peer, socket.remotePort ?? 0);
    this.sockets.add(socket);
    if (this.paused) socket.pause();
    socket.setKeepAlive(true, 60_000);
    const deframer = new Deframer(this.options.maxMessageSize, {
      message: (bytes) => this.sink.message({ bytes, protocol, peer, origin }),
      fault: (reason, head) => this.sink.fault(origin, reason, head),
    });
    socket.on("data", (chunk: Buffer) => deframer.push(chunk));
    socket.on("end", () => deframer.end());
    socket.on("error", () => this.sink.count("connection_errors"));
    socket.on("close", () => this.sockets.delete(socket));
  }
}
