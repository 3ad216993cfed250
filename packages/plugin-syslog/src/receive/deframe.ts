/**
 * Splits a TCP/TLS byte stream into syslog messages (RFC 6587). The framing is detected once per connection,
 * from its first byte that is not whitespace: a digit means octet-counting (`LEN SP MSG`), anything else
 * (normally `<`) means LF-terminated messages (a CR before the LF is dropped).
 *
 * Limits and faults, none of which ends the connection:
 * - a message longer than `maxMessageSize` is skipped as it streams in (only its head is kept, for the report);
 * - an octet count that is not `1*9DIGIT SP` is reported with the rest of its line, and reading resumes after
 *   the next LF (the only place a lost octet-counted stream can find a boundary again);
 * - whitespace (LF, CR, SP, NUL) between octet-counted messages is ignored, as rsyslog does;
 * - at the end of the stream, an LF-framed message without its final LF is still a message;
 * - an octet-counted message that ends with LF (rsyslog's templates end with one and count it) loses that LF, as
 *   rsyslog's own `dropTrailingLFOnReception` does.
 */

export type Framing = "octet-counting" | "lf";

export interface DeframeSink {
  message(bytes: Buffer): void;
  /** A malformed or oversized frame; `head` is at most {@link REPORT_BYTES} of it. */
  fault(reason: string, head: Buffer): void;
}

export const REPORT_BYTES = 4096;
const LF = 0x0a;
const SP = 0x20;

function isSpace(c: number): boolean {
  return c === LF || c === 0x0d || c === SP || c === 0x00 || c === 0x09;
}

export class Deframer {
  framing: Framing | undefined;
  private parts: Buffer[] = [];
  private held = 0;
  /** Octet-counting: bytes of the current message still to come (after its count). */
  private remaining = 0;
  private expected = 0;
  /** Bytes of the current message dropped because it is too long (or the rest of a bad count's line). */
  private skipping: "oversize" | "line" | undefined;

  constructor(
    private readonly max: number,
    private readonly sink: DeframeSink,
  ) {}

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.framing === undefined) {
        while (i < chunk.length && isSpace(chunk[i]!)) i++;
        if (i === chunk.length) return;
        this.framing = chunk[i]! >= 0x30 && chunk[i]! <= 0x39 ? "octet-counting" : "lf";
      }
      i = this.framing === "lf" ? this.pushLine(chunk, i) : this.pushCounted(chunk, i);
    }
  }

  /** The stream ended: a last LF-framed message without its LF is delivered; a cut-off frame is reported. */
  end(): void {
    if (this.framing === "lf" && this.skipping === undefined && this.held > 0) this.emitLine();
    else if (this.framing === "octet-counting" && this.remaining > 0 && this.skipping === undefined)
      this.fault(`the stream ended inside a message of ${this.expected} octets`);
    this.reset();
  }

  private reset(): void {
    this.parts = [];
    this.held = 0;
    this.remaining = 0;
    this.skipping = undefined;
  }

  private hold(part: Buffer): void {
    if (this.skipping !== undefined) {
      if (this.held < REPORT_BYTES) this.parts.push(part.subarray(0, REPORT_BYTES - this.held));
      this.held = Math.min(REPORT_BYTES, this.held + part.length);
      return;
    }
    this.parts.push(part);
    this.held += part.length;
  }

  private taken(): Buffer {
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
  }

  private fault(reason: string): void {
    this.sink.fault(reason, this.taken().subarray(0, REPORT_BYTES));
  }

  private emitLine(): void {
    let line = this.taken();
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length > 0) this.sink.message(line);
  }

  private pushLine(chunk: Buffer, start: number): number {
    const lf = chunk.indexOf(LF, start);
    const end = lf === -1 ? chunk.length : lf;
    if (this.skipping === undefined && this.held + (end - start) > this.max) this.skipping = "oversize";
    this.hold(chunk.subarray(start, end));
    if (lf === -1) return chunk.length;
    if (this.skipping === "oversize") this.fault(`message longer than ${this.max} octets`);
    else if (this.skipping === "line") this.fault("invalid octet count");
    else this.emitLine();
    this.reset();
    return lf + 1;
  }

  private pushCounted(chunk: Buffer, start: number): number {
    let i = start;
    if (this.skipping === "line") return this.pushLine(chunk, i);
    if (this.remaining === 0) {
      // Between messages: skip whitespace, then read `LEN SP` (the count may be split across chunks).
      if (this.held === 0) while (i < chunk.length && isSpace(chunk[i]!)) i++;
      while (i < chunk.length) {
        const c = chunk[i]!;
        if (c === SP && this.held > 0) {
          const length = Number(this.taken().toString("latin1"));
          this.parts = [];
          this.held = 0;
          i++;
          this.expected = length;
          this.remaining = length;
          if (length > this.max) this.skipping = "oversize";
          if (length === 0) this.fault("empty octet-counted message");
          return i;
        }
        if (c < 0x30 || c > 0x39 || this.held >= 9) {
          this.skipping = "line"; // what was held (digits) stays as the head of the report
          return this.pushLine(chunk, i);
        }
        this.hold(chunk.subarray(i, i + 1));
        i++;
      }
      return i;
    }
    const take = Math.min(this.remaining, chunk.length - i);
    this.hold(chunk.subarray(i, i + take));
    this.remaining -= take;
    i += take;
    if (this.remaining === 0) {
      if (this.skipping === "oversize")
        this.fault(`message of ${this.expected} octets; the limit is ${this.max}`);
      else {
        let message = this.taken();
        if (message[message.length - 1] === LF) message = message.subarray(0, message.length - 1);
        if (message.length > 0) this.sink.message(message);
      }
      this.reset();
    }
    return i;
  }
}
