/**
 * A narrow syslog sender: one long-lived UDP, TCP or TLS connection to a receiver, and `write(frames)`, which
 * reports how many frames (a prefix, in order) the socket accepted. It knows nothing of records or outcomes.
 *
 * - TCP/TLS: frames are written in chunks of about 64 KiB; a chunk counts as accepted when its write completed
 *   (the kernel took every byte). `write` waits for `drain` when the socket's buffer is full (backpressure), and
 *   stops at the first failure, a connection the receiver closed, or the abort signal. The whole call has a time
 *   limit (`writeTimeoutMs`); on expiry, or on abort (the shutdown deadline), the connection is destroyed and what
 *   was not accepted is reported as such.
 * - A connection that failed, or that the receiver closed (it sent FIN), is dropped; the next call connects again.
 *   Backoff between attempts is core's retry policy: the client itself never waits or retries.
 * - UDP: a connected datagram socket (so ICMP "port unreachable" surfaces as ECONNREFUSED); one frame per datagram;
 *   accepted means handed to the kernel. UDP has no acknowledgement and no backpressure from the receiver.
 */
import dgram from "node:dgram";
import dns from "node:dns/promises";
import net from "node:net";
import tls from "node:tls";
import { ConnectionClosedError, isTlsError, SyslogTimeoutError, TlsRejectedError } from "../errors.js";
import { writeDatagrams } from "./udp.js";

export interface ClientOptions {
  protocol: "udp" | "tcp" | "tls";
  host: string;
  port: number;
  /** TLS only: the secure context (CA, client certificate), built lazily by the destination. */
  secureContext?: () => Promise<tls.SecureContext>;
  rejectUnauthorized?: boolean;
  servername?: string | undefined;
  connectTimeoutMs: number;
  writeTimeoutMs: number;
}

export interface WriteResult {
  /** Frames, from the first, that the socket accepted. */
  accepted: number;
  /** Why the rest was not accepted. */
  error?: unknown;
}

const CHUNK_BYTES = 64 * 1024;

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const error = new Error(reason instanceof Error ? reason.message : "the send was aborted");
  error.name = "AbortError";
  return error;
}

/**
 * TLS 1.3: wait until the server has evidently accepted the connection (it sent a session ticket), or for twice
 * the handshake's duration (at least 100 ms, at most 2 s), so that a server that refuses our (missing) client
 * certificate and closes is noticed before any record is written and counted as sent.
 */
function settle(socket: tls.TLSSocket, handshakeMs: number): Promise<void> {
  const ms = Math.min(2000, Math.max(100, 2 * handshakeMs));
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.off("session", accepted).off("end", refused).off("close", refused).off("error", failed);
      // Leave the TLS read callback first: data written from inside it (the `session` event) never reaches
      // the server (Node 20). A new macrotask is outside it.
      setImmediate(() => (error ? reject(error) : resolve()));
    };
    const accepted = () => done();
    const refused = () => done(new TlsRejectedError());
    const failed = (error: Error) => done(isTlsError(error) ? error : new TlsRejectedError());
    const timer = setTimeout(accepted, ms);
    socket.once("session", accepted).once("end", refused).once("close", refused).once("error", failed);
  });
}

export class SyslogClient {
  readonly display: string;
  /** Connections opened so far (for a metric of reconnects). */
  connects = 0;
  private stream: net.Socket | undefined;
  private udp: dgram.Socket | undefined;
  private lastError: Error | undefined;

  constructor(private readonly options: ClientOptions) {
    const host = net.isIPv6(options.host) ? `[${options.host}]` : options.host;
    this.display = `${options.protocol}://${host}:${options.port}`;
  }

  /** Open the connection unless a live one exists. Throws what the socket reported. */
  async connect(signal: AbortSignal): Promise<void> {
    if (this.options.protocol === "udp") {
      this.udp ??= await this.connectUdp();
      return;
    }
    if (this.stream && this.isLive(this.stream)) return;
    this.drop();
    this.stream = await this.connectStream(signal);
    this.connects++;
  }

  async write(frames: string[], signal: AbortSignal): Promise<WriteResult> {
    try {
      await this.connect(signal);
    } catch (error) {
      return { accepted: 0, error };
    }
    if (this.udp) {
      const result = await writeDatagrams(this.udp, frames, signal, this.options.writeTimeoutMs);
      if (result.error !== undefined) this.dropUdp();
      return result;
    }
    const result = await this.writeStream(this.stream!, frames, signal);
    if (result.error !== undefined) this.drop();
    return result;
  }

  /** Ends the connection after what was written (FIN), destroying it if the receiver does not close. */
  close(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (stream && !stream.destroyed) {
      stream.end();
      setTimeout(() => stream.destroy(), 2000).unref();
    }
    this.dropUdp();
  }

  private isLive(socket: net.Socket): boolean {
    return !socket.destroyed && socket.writable && !socket.readableEnded;
  }

  private drop(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }

  private dropUdp(): void {
    try {
      this.udp?.close();
    } catch {
      // already closed
    }
    this.udp = undefined;
  }

  private async connectUdp(): Promise<dgram.Socket> {
    const { address, family } = await dns.lookup(this.options.host);
    const socket = dgram.createSocket(family === 6 ? "udp6" : "udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(this.options.port, address, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    socket.on("error", () => this.dropUdp());
    this.connects++;
    return socket;
  }

  private async connectStream(signal: AbortSignal): Promise<net.Socket> {
    const { host, port, protocol } = this.options;
    const context = protocol === "tls" ? await this.options.secureContext?.() : undefined;
    if (signal.aborted) throw abortError(signal);
    const started = Date.now();
    const socket: net.Socket =
      protocol === "tls"
        ? tls.connect({
            host,
            port,
            ...(context && { secureContext: context }),
            rejectUnauthorized: this.options.rejectUnauthorized ?? true,
            ...(this.options.servername !== undefined && { servername: this.options.servername }),
          })
        : net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy(new SyslogTimeoutError(`no connection within ${this.options.connectTimeoutMs} ms`));
      }, this.options.connectTimeoutMs);
      const onAbort = () => socket.destroy(abortError(signal));
      const done = (error?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        socket.off("error", done);
        if (error) reject(error);
        else resolve();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once(protocol === "tls" ? "secureConnect" : "connect", () => done());
      socket.once("error", done);
    });
    socket.setKeepAlive(true, 30_000);
    socket.setNoDelay(true);
    this.lastError = undefined;
    socket.on("error", (error) => (this.lastError = error));
    // A syslog receiver sends nothing; read anyway, so that its FIN is noticed and unread bytes never cause a RST.
    socket.on("data", () => undefined);
    if (socket instanceof tls.TLSSocket && socket.getProtocol() === "TLSv1.3") {
      try {
        await settle(socket, Date.now() - started);
      } catch (error) {
        socket.destroy();
        throw error;
      }
    } else {
      await new Promise((resolve) => setImmediate(resolve)); // out of the handshake's callback, as above
    }
    socket.on("close", () => {
      if (this.stream === socket) this.stream = undefined;
    });
    return socket;
  }

  private async writeStream(socket: net.Socket, frames: string[], signal: AbortSignal): Promise<WriteResult> {
    let accepted = 0;
    let outstanding = 0;
    /** Why no more chunks are written. */
    let failure: unknown;
    /** A chunk the socket did not take: no later chunk counts (writes complete in order). */
    let writeError: unknown;
    let wake: (() => void) | undefined;
    const notify = () => wake?.();
    const sleep = () => new Promise<void>((resolve) => (wake = resolve));
    const onEnd = () => {
      failure ??= new ConnectionClosedError();
      notify();
    };
    const onClose = () => {
      failure ??= this.lastError ?? new ConnectionClosedError();
      notify();
    };
    const timer = setTimeout(() => {
      failure ??= new SyslogTimeoutError(
        `the receiver took no more data within ${this.options.writeTimeoutMs} ms`,
      );
      socket.destroy();
    }, this.options.writeTimeoutMs);
    // At the shutdown deadline the write is cut: a receiver that stopped reading would otherwise hold it until
    // `writeTimeoutMs`. What the kernel had not taken is reported as not accepted (it stays buffered in core).
    const onAbort = () => {
      failure ??= abortError(signal);
      socket.destroy();
      notify();
    };
    socket.on("end", onEnd).on("close", onClose).on("drain", notify);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      let i = 0;
      while (i < frames.length && failure === undefined && !signal.aborted && this.isLive(socket)) {
        if (socket.writableNeedDrain) {
          await sleep();
          continue;
        }
        let chunk = "";
        const first = i;
        while (i < frames.length && (i === first || chunk.length < CHUNK_BYTES)) chunk += frames[i++];
        const count = i - first;
        outstanding++;
        socket.write(chunk, "utf8", (error) => {
          outstanding--;
          // Node calls back *without* an error for writes still pending when a socket is destroyed (their bytes
          // were never written): after a destroy, no completion counts.
          if (error || socket.destroyed) {
            writeError ??= error ?? new ConnectionClosedError("the connection was closed during the write");
            failure ??= writeError;
          } else if (writeError === undefined) accepted += count;
          notify();
        });
      }
      while (outstanding > 0 && !socket.destroyed) await sleep();
    } finally {
      clearTimeout(timer);
      socket.off("end", onEnd).off("close", onClose).off("drain", notify);
      signal.removeEventListener("abort", onAbort);
    }
    if (accepted < frames.length) {
      if (failure === undefined && signal.aborted) failure = abortError(signal);
      return { accepted, error: failure ?? writeError ?? this.lastError ?? new ConnectionClosedError() };
    }
    return { accepted };
  }
}
