/**
 * One mapped record to one framed syslog message: header (RFC 5424 or 3164), structured data, the payload as MSG,
 * the size limit and the transport's framing.
 *
 * Size and truncation: `maxMessageSize` bounds the syslog message in octets (HEADER SP MSG, without the framing's
 * octet count or LF). When a message is larger, its MSG is cut at a UTF-8 character boundary so that the whole
 * fits (`oversize: truncate`, the default; the header and structured data are never cut), or the record is
 * refused (`oversize: reject`). A record whose header and structured data alone do not fit is always refused.
 *
 * Framing: `octet-counting` sends `LEN SP MSG` (RFC 6587 §3.4.1; RFC 5425 for TLS); `lf` ends each message with LF
 * and escapes, inside it, every character a receiver may split at (lf-escape.ts); UDP sends the message alone, one
 * per datagram (RFC 5426).
 */
import type { OutputRecord } from "@logshipper/core/sdk";
import { readEnvelope } from "./envelope.js";
import { ERROR_CODES } from "../error-codes.js";
import { header3164, header5424, type HeaderFields } from "./header.js";
import { forLfFraming } from "./lf-escape.js";
import { encodePayload, PayloadError, type LeefOptions, type PayloadKind } from "./payload.js";

export type Framing = "octet-counting" | "lf" | "none";

export interface MessageOptions {
  format: "rfc5424" | "rfc3164";
  payload: PayloadKind;
  leef: LeefOptions;
  framing: Framing;
  /** LF framing: escape the characters a receiver may split at (true), or only turn CR and LF into spaces. */
  escapeDelimiters: boolean;
  maxMessageSize: number;
  oversize: "truncate" | "reject";
  utf8Bom: boolean;
  facility: number;
  severity: number;
  hostname: string;
  appName: string;
}

export type Encoded =
  | { ok: true; frame: string; bytes: number; truncated: boolean }
  | { ok: false; code: string; reason: string };

const BOM = "\uFEFF";

/** The first `max` bytes of `text` in UTF-8, never splitting a character. */
export function cutUtf8(text: string, max: number): string {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= max) return text;
  let end = Math.max(0, max);
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.toString("utf8", 0, end);
}

function frame(message: string, bytes: number, framing: Framing): string {
  if (framing === "octet-counting") return `${bytes} ${message}`;
  if (framing === "lf") return `${message}\n`;
  return message;
}

export function encodeRecord(record: OutputRecord, options: MessageOptions): Encoded {
  const envelope = readEnvelope(record.value);
  if (typeof envelope === "string") {
    return { ok: false, code: ERROR_CODES.SYSLOG_PAYLOAD, reason: `not a syslog record: ${envelope}` };
  }
  let msg: string;
  try {
    msg = encodePayload(options.payload, envelope.message, options.leef);
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    return { ok: false, code: ERROR_CODES.SYSLOG_PAYLOAD, reason: error.message };
  }
  const fields: HeaderFields = {
    facility: envelope.facility ?? options.facility,
    severity: envelope.severity ?? options.severity,
    timestamp: envelope.timestamp ?? record.time,
    hostname: envelope.hostname ?? options.hostname,
    appName: envelope.appName ?? options.appName,
    procId: envelope.procId,
    msgId: envelope.msgId,
    structuredData: envelope.structuredData,
  };
  const rfc5424 = options.format === "rfc5424";
  let head = `${rfc5424 ? header5424(fields) : header3164(fields)} ${rfc5424 && options.utf8Bom ? BOM : ""}`;
  if (options.framing === "lf") {
    const leefDelimiter = options.payload === "leef" && options.leef.version === "2.0";
    head = forLfFraming(head, options.escapeDelimiters);
    msg = forLfFraming(msg, options.escapeDelimiters, leefDelimiter ? options.leef.delimiter : undefined);
  }
  const headBytes = Buffer.byteLength(head);
  let msgBytes = Buffer.byteLength(msg);
  const max = options.maxMessageSize;
  let truncated = false;
  if (headBytes + msgBytes > max) {
    const size = `${headBytes + msgBytes} octets; maxMessageSize is ${max}`;
    if (headBytes > max) {
      return {
        ok: false,
        code: ERROR_CODES.SYSLOG_TOO_LARGE,
        reason: `header and structured data alone: ${size}`,
      };
    }
    if (options.oversize === "reject") {
      return { ok: false, code: ERROR_CODES.SYSLOG_TOO_LARGE, reason: `message of ${size}` };
    }
    msg = cutUtf8(msg, max - headBytes);
    msgBytes = Buffer.byteLength(msg);
    truncated = true;
  }
  const bytes = headBytes + msgBytes;
  return { ok: true, frame: frame(head + msg, bytes, options.framing), bytes, truncated };
}
