/**
 * Parses one syslog message: RFC 5424 when `<PRI>` is followed by the version `1 `, else RFC 3164 (BSD), read as
 * leniently as rsyslog's `rsyslog.rfc3164` parser: optional timestamp (`Mmm dd hh:mm:ss` or RFC 3339), hostname,
 * `TAG[PID]:`. Structured data is unescaped (`\"`, `\\`, `\]`; a backslash before any other character is kept).
 * A leading UTF-8 BOM of an RFC 5424 MSG is removed. NILVALUE (`-`) fields are left out of the result.
 */

export interface SyslogHeader {
  format: "rfc5424" | "rfc3164";
  facility: number;
  severity: number;
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  structuredData?: Record<string, Record<string, string | string[]>>;
}

export interface ParsedMessage {
  header: SyslogHeader;
  message: string;
}

export class SyslogParseError extends Error {}

const PRI = /^<(\d{1,3})>/;

function fail(why: string): never {
  throw new SyslogParseError(why);
}

/** Parse a message (UTF-8 bytes or text). Throws {@link SyslogParseError} with the reason. */
export function parseSyslog(input: Buffer | string): ParsedMessage {
  const text = typeof input === "string" ? input : input.toString("utf8");
  const pri = PRI.exec(text);
  if (!pri) fail("no <PRI> at the start: not a syslog message");
  const value = Number(pri[1]);
  if (value > 191) fail(`PRI ${value} is out of range (0-191)`);
  const facility = Math.floor(value / 8);
  const severity = value % 8;
  const rest = text.slice(pri[0].length);
  if (/^[1-9]\d? /.test(rest)) return parse5424(rest, facility, severity);
  return parse3164(rest, facility, severity);
}

function nil(token: string): string | undefined {
  return token === "-" ? undefined : token;
}

function parse5424(rest: string, facility: number, severity: number): ParsedMessage {
  const tokens: string[] = [];
  let pos = 0;
  for (let i = 0; i < 6; i++) {
    const sp = rest.indexOf(" ", pos);
    if (sp === -1)
      fail("RFC 5424 header is cut short (expected VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID)");
    tokens.push(rest.slice(pos, sp));
    pos = sp + 1;
  }
  const [version, timestamp, hostname, appName, procId, msgId] = tokens as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version !== "1") fail(`unsupported syslog version ${version}`);
  if (tokens.some((t) => t === "")) fail("RFC 5424 header has an empty field (two spaces)");
  const header: SyslogHeader = { format: "rfc5424", facility, severity };
  if (nil(timestamp) !== undefined) header.timestamp = timestamp;
  if (nil(hostname) !== undefined) header.hostname = hostname;
  if (nil(appName) !== undefined) header.appName = appName;
  if (nil(procId) !== undefined) header.procId = procId;
  if (nil(msgId) !== undefined) header.msgId = msgId;
  let message = "";
  if (rest[pos] === "-") {
    pos++;
  } else if (rest[pos] === "[") {
    const [sd, end] = parseStructuredData(rest, pos);
    header.structuredData = sd;
    pos = end;
  } else fail("RFC 5424 STRUCTURED-DATA is neither - nor [");
  if (pos < rest.length) {
    if (rest[pos] !== " ") fail("no space between STRUCTURED-DATA and MSG");
    message = rest.slice(pos + 1);
    if (message.startsWith("\uFEFF")) message = message.slice(1);
  }
  return { header, message };
}

/** `[ID name="value" ...]...` from `start`; returns the elements and the index after the last `]`. */
function parseStructuredData(
  text: string,
  start: number,
): [Record<string, Record<string, string | string[]>>, number] {
  const sd: Record<string, Record<string, string | string[]>> = {};
  let i = start;
  while (text[i] === "[") {
    i++;
    const idEnd = text.slice(i).search(/[ \]]/);
    if (idEnd <= 0) fail("STRUCTURED-DATA element without SD-ID");
    const id = text.slice(i, i + idEnd);
    i += idEnd;
    const params: Record<string, string | string[]> = Object.hasOwn(sd, id) ? sd[id]! : {};
    sd[id] = params;
    while (text[i] === " ") {
      i++;
      const eq = text.indexOf("=", i);
      if (eq === -1 || text[eq + 1] !== '"') fail(`SD-PARAM without ="value" in [${id}]`);
      const name = text.slice(i, eq);
      if (name === "" || /[ \]"]/.test(name)) fail(`invalid SD-PARAM name in [${id}]`);
      i = eq + 2;
      let value = "";
      for (;;) {
        if (i >= text.length) fail(`unterminated SD-PARAM value in [${id}]`);
        const c = text[i]!;
        if (c === "\\" && i + 1 < text.length) {
          const n = text[i + 1]!;
          value += n === '"' || n === "\\" || n === "]" ? n : `\\${n}`;
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      const before = params[name];
      params[name] =
        before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
    }
    if (text[i] !== "]") fail(`STRUCTURED-DATA element [${id}] is not closed`);
    i++;
  }
  return [sd, i];
}

const BSD_TIME = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}:\d{2}:\d{2}) /;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;
const HOST = /^([A-Za-z0-9._:-]+) /;
const TAG = /^([^\s:[\]]{1,48})(?:\[([^\]\s]{1,128})\])?:/;

function parse3164(rest: string, facility: number, severity: number): ParsedMessage {
  const header: SyslogHeader = { format: "rfc3164", facility, severity };
  let text = rest;
  const time = BSD_TIME.exec(text) ?? ISO_TIME.exec(text);
  if (time) {
    header.timestamp = time.length === 4 ? `${time[1]} ${time[2]} ${time[3]}` : time[1]!;
    text = text.slice(time[0].length);
    const host = HOST.exec(text);
    // A hostname is a word followed by a space, unless that word is already the tag (`app:` or `app[12]:`).
    if (host && !host[1]!.endsWith(":") && !TAG.test(text)) {
      header.hostname = host[1]!;
      text = text.slice(host[0].length);
    }
  }
  const tag = TAG.exec(text);
  if (tag) {
    header.appName = tag[1]!;
    if (tag[2] !== undefined) header.procId = tag[2];
    text = text.slice(tag[0].length);
    if (text.startsWith(" ")) text = text.slice(1);
  }
  return { header, message: text };
}
