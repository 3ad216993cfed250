/**
 * PutAuditEvents on the loopback CloudTrail Lake, checked as CloudTrail documents it: SigV4 (service
 * `cloudtrail-data`), the channel and its resource policy (externalId, denied keys), 1-100 events and at most
 * 1,000,000 bytes, ids of 1-128 `[-_A-Za-z0-9]`, no id twice in a request; then per event: the checksum, the
 * integration event schema (required fields, lengths, sizes, UTC eventTime, no unknown members) and that
 * recipientAccountId is the channel owner's. Written apart from the plugin's own checks, on purpose.
 */
import { createHash, randomUUID } from "node:crypto";
import type http from "node:http";
import { sendAwsError, type FakeChannel, type FakeLake, type Fault, type RequestLog } from "./fake-lake.js";
import { verifySigV4 } from "@logshipper/aws/testing";

const MAX_BYTES = 1_000_000;
const ID = /^[-_A-Za-z0-9]{1,128}$/;
const REQUIRED = [
  "version",
  "userIdentity",
  "eventSource",
  "eventName",
  "eventTime",
  "UID",
  "recipientAccountId",
];
const OPTIONAL = [
  "userAgent",
  "requestParameters",
  "responseElements",
  "errorCode",
  "errorMessage",
  "sourceIPAddress",
  "additionalEventData",
];
const LENGTHS: Record<string, number> = {
  version: 256,
  eventSource: 1024,
  eventName: 1024,
  UID: 1024,
  userAgent: 1024,
  errorCode: 256,
  errorMessage: 256,
};
const SIZES: Record<string, number> = {
  requestParameters: 100_000,
  responseElements: 100_000,
  additionalEventData: 28_000,
};

type EventError = { errorCode: string; errorMessage: string };

/** The schema check of one eventData, as CloudTrail would answer it. */
export function checkEventData(data: unknown, account: string): EventError | undefined {
  if (!data || typeof data !== "object" || Array.isArray(data))
    return { errorCode: "InvalidData", errorMessage: "eventData is not a JSON object" };
  const e = data as Record<string, unknown>;
  for (const f of REQUIRED)
    if (e[f] === undefined || e[f] === null)
      return { errorCode: "FieldNotFound", errorMessage: `${f} is missing` };
  for (const k of Object.keys(e))
    if (!REQUIRED.includes(k) && !OPTIONAL.includes(k))
      return { errorCode: "InvalidData", errorMessage: `unknown field ${k}` };
  const id = e.userIdentity as Record<string, unknown>;
  if (typeof id !== "object" || typeof id.type !== "string" || typeof id.principalId !== "string")
    return { errorCode: "FieldNotFound", errorMessage: "userIdentity.type and principalId are required" };
  if (id.type.length > 128 || id.principalId.length > 1024)
    return { errorCode: "FieldTooLong", errorMessage: "userIdentity" };
  for (const [f, max] of Object.entries(LENGTHS)) {
    const v = e[f];
    if (v !== undefined && typeof v !== "string") return { errorCode: "InvalidData", errorMessage: `${f}` };
    if (typeof v === "string" && v.length > max) return { errorCode: "FieldTooLong", errorMessage: f };
  }
  for (const [f, max] of Object.entries(SIZES)) {
    if (e[f] !== undefined && Buffer.byteLength(JSON.stringify(e[f])) > max)
      return { errorCode: "FieldTooLong", errorMessage: f };
  }
  if (typeof e.eventTime !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(e.eventTime))
    return { errorCode: "InvalidData", errorMessage: "eventTime must be yyyy-MM-ddTHH:mm:ssZ" };
  if (e.recipientAccountId !== account)
    return { errorCode: "InvalidRecipient", errorMessage: "recipientAccountId is not the channel owner" };
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A refusal of the whole request, as CloudTrail answers it. */
type Refusal = { status: number; type: string; message: string };
const refuse = (status: number, type: string, message: string): Refusal => ({ status, type, message });
const refused = (value: object): value is Refusal => "status" in value;

/** Per-event failures to inject: position in the request (or `"*"`) -> errorCode. */
type EventFaults = Extract<Fault, { kind: "events" }>["errors"];
type AuditEventIn = { id: string; eventData: string; eventDataChecksum?: string };

function pickFault(lake: FakeLake): Fault | undefined {
  const queued = lake.faults.shift();
  if (queued) return queued;
  const r = lake.random;
  if (!r) return undefined;
  if (r.drop && r.next() < r.drop) return { kind: "drop" };
  if (r.throttle && r.next() < r.throttle) return { kind: "throttle" };
  if (r.serverError && r.next() < r.serverError)
    return { kind: "error", status: 503, type: "ServiceUnavailableException" };
  if (r.slow && r.next() < r.slow) return { kind: "delay", ms: r.slowMs ?? 200 };
  return undefined;
}

export async function handlePutAuditEvents(
  lake: FakeLake,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://placeholder");
  const log: RequestLog = {
    no: lake.requests.length + 1,
    at: Date.now(),
    ids: [],
    bytes: body.length,
    status: 0,
  };
  lake.requests.push(log);
  const error = (r: Refusal) => {
    log.status = r.status;
    sendAwsError(res, r.status, r.type, r.message);
  };
  const auth = await verifySigV4({ method: "POST", url: req.url ?? "/", headers: req.headers, body }, (k) =>
    lake.keys.get(k),
  );
  if (!auth.ok) return error(auth);
  if (auth.service !== "cloudtrail-data" || auth.region !== lake.region)
    return error(refuse(403, "InvalidSignatureException", `credential scope ${auth.region}/${auth.service}`));
  Object.assign(log, {
    accessKeyId: auth.accessKeyId,
    externalId: url.searchParams.get("externalId") ?? undefined,
  });

  const injected = await playFault(lake, req, error);
  if (injected === false) return;
  const target = findChannel(lake, url, auth.accessKeyId);
  if (refused(target)) return error(target);
  const events = readEvents(body);
  if (refused(events)) return error(events);
  log.ids = events.map((ev) => ev.id);

  const { arn, channel } = target;
  const { successful, failed } = ingest(lake, arn, events, injected, log.no);
  channel.lastAttempt = Date.now();
  channel.lastErrorCode = failed[0]?.errorCode;
  const last = successful.at(-1);
  if (last) Object.assign(channel, { lastSuccess: Date.now(), lastSuccessEventID: last.eventID });
  log.status = 200;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ successful, failed }));
}

/**
 * Play the next request-level fault (queued, else random). False when it answered the request (or dropped or
 * left it hanging); else the per-event failures to inject, if any.
 */
async function playFault(
  lake: FakeLake,
  req: http.IncomingMessage,
  error: (r: Refusal) => void,
): Promise<false | EventFaults | undefined> {
  const fault = pickFault(lake);
  if (fault === undefined) return undefined;
  switch (fault.kind) {
    case "drop":
      req.socket.destroy();
      return false;
    case "hang":
      return false;
    case "delay":
      await sleep(fault.ms);
      return req.socket.destroyed ? false : undefined; // destroyed: the client gave up, nothing is ingested
    case "throttle":
      error(refuse(429, "ThrottlingException", "Rate exceeded"));
      return false;
    case "error":
      error(refuse(fault.status, fault.type, fault.message ?? fault.type));
      return false;
    case "events":
      return fault.errors;
  }
}

/** The channel of `channelArn`, if it exists and its resource policy lets this caller in. */
function findChannel(
  lake: FakeLake,
  url: URL,
  accessKeyId: string,
): Refusal | { arn: string; channel: FakeChannel } {
  const arn = url.searchParams.get("channelArn");
  if (!arn) return refuse(400, "ValidationException", "channelArn is required");
  if (!/^arn:aws[-a-z]*:cloudtrail:[^:]+:\d{12}:channel\/.+$/.test(arn))
    return refuse(400, "InvalidChannelARN", `${arn} is not a channel ARN`);
  const channel = lake.channels.get(arn);
  if (!channel) return refuse(400, "ChannelNotFound", `The channel ${arn} could not be found.`);
  const externalId = url.searchParams.get("externalId") ?? undefined;
  if (channel.externalId !== undefined && externalId !== channel.externalId)
    return refuse(400, "ChannelInsufficientPermission", "externalId does not match the channel's policy");
  if (channel.deniedKeys?.includes(accessKeyId))
    return refuse(400, "ChannelInsufficientPermission", "the channel's policy does not allow this principal");
  return { arn, channel };
}

/** The request's audit events: 1-100 of them, in at most MAX_BYTES, each id valid and not repeated. */
function readEvents(body: Buffer): Refusal | AuditEventIn[] {
  if (body.length > MAX_BYTES) return refuse(400, "ValidationException", `request is ${body.length} bytes`);
  let parsed: { auditEvents?: unknown };
  try {
    parsed = JSON.parse(body.toString("utf8")) as { auditEvents?: unknown };
  } catch {
    return refuse(400, "SerializationException", "body is not JSON");
  }
  const events = parsed.auditEvents;
  if (!Array.isArray(events) || events.length < 1 || events.length > 100)
    return refuse(400, "ValidationException", "auditEvents must hold 1 to 100 events");
  const seen = new Set<string>();
  for (const ev of events as { id?: unknown; eventData?: unknown }[]) {
    if (typeof ev.id !== "string" || !ID.test(ev.id))
      return refuse(
        400,
        "ValidationException",
        `id ${JSON.stringify(ev.id)} does not match [-_A-Za-z0-9]{1,128}`,
      );
    if (typeof ev.eventData !== "string")
      return refuse(400, "ValidationException", "eventData must be a string");
    if (seen.has(ev.id)) return refuse(400, "DuplicatedAuditEventId", `id ${ev.id} appears twice`);
    seen.add(ev.id);
  }
  return events as AuditEventIn[];
}

/** Check each event and keep those that pass; the answer's `successful` and `failed`. */
function ingest(
  lake: FakeLake,
  arn: string,
  events: AuditEventIn[],
  injected: EventFaults | undefined,
  requestNo: number,
): { successful: { id: string; eventID: string }[]; failed: ({ id: string } & EventError)[] } {
  const account = arn.split(":")[4]!;
  const successful: { id: string; eventID: string }[] = [];
  const failed: ({ id: string } & EventError)[] = [];
  events.forEach((ev, position) => {
    const checked = checkEvent(lake, ev, account, injected?.[position] ?? injected?.["*"]);
    if ("errorCode" in checked) return void failed.push({ id: ev.id, ...checked });
    const eventID = randomUUID();
    successful.push({ id: ev.id, eventID });
    lake.events.push({
      id: ev.id,
      eventID,
      channelArn: arn,
      eventData: checked.data,
      requestNo,
      tag: lake.tag,
    });
  });
  return { successful, failed };
}

/** One event's checksum, JSON, schema and recipient, then the injected or random per-event failures. */
function checkEvent(
  lake: FakeLake,
  ev: AuditEventIn,
  account: string,
  injected: string | undefined,
): EventError | { data: Record<string, unknown> } {
  const sum = createHash("sha256").update(ev.eventData, "utf8").digest("base64");
  if (ev.eventDataChecksum !== undefined && ev.eventDataChecksum !== sum)
    return { errorCode: "InvalidChecksum", errorMessage: "checksum does not match eventData" };
  let data: unknown;
  try {
    data = JSON.parse(ev.eventData);
  } catch {
    return { errorCode: "InvalidData", errorMessage: "eventData is not JSON" };
  }
  const invalid =
    checkEventData(data, account) ?? lake.options.rejectEvent?.(data as Record<string, unknown>);
  if (invalid) return invalid;
  if (injected) return { errorCode: injected, errorMessage: `injected ${injected}` };
  const r = lake.random;
  if (r?.eventThrottle && r.next() < r.eventThrottle)
    return { errorCode: "Throttling", errorMessage: "event throttled" };
  if (r?.eventInternal && r.next() < r.eventInternal)
    return { errorCode: "InternalFailure", errorMessage: "internal failure" };
  return { data: data as Record<string, unknown> };
}
