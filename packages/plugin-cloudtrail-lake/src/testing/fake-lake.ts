/**
 * A loopback CloudTrail Lake for tests and the benchmark: one HTTP server that speaks
 * - CloudTrail Data (restJson1): `POST /PutAuditEvents?channelArn=...` (fake-data-plane.ts);
 * - CloudTrail (awsJson1_1, `X-Amz-Target: CloudTrail_20131101.*`): GetChannel, StartQuery, DescribeQuery,
 *   GetQueryResults, CancelQuery; and STS AssumeRole (awsQuery) (fake-control-plane.ts).
 * Every request's SigV4 signature is recomputed with the known secrets and checked (`verifySigV4` of @logshipper/aws/testing).
 *
 * Faults: queue one for the next PutAuditEvents calls (`queueFault`), or set random ones (`setRandom`, seeded):
 * throttling, 5xx, per-event Throttling / InternalFailure, slow responses, dropped connections, and a
 * `rejectEvent` hook for events that always fail permanently.
 */
import type http from "node:http";
import { handleControl, type FakeQuery } from "./fake-control-plane.js";
import { handlePutAuditEvents } from "./fake-data-plane.js";
import { listenLoopback, type KnownKey, type LoopbackHttp } from "@logshipper/aws/testing";

export const TEST_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const TEST_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

export interface FakeChannelInit {
  arn: string;
  name?: string;
  /** Event data store ID the channel delivers to (default: "eds-" + the channel id). */
  eventDataStore?: string;
  /** The channel's resource policy requires this externalId. */
  externalId?: string;
  /** Access keys the channel's resource policy does not allow (ChannelInsufficientPermission). */
  deniedKeys?: string[];
}

export interface FakeChannel extends FakeChannelInit {
  eventDataStore: string;
  lastAttempt?: number;
  lastErrorCode?: string | undefined;
  lastSuccess?: number;
  lastSuccessEventID?: string;
}

export type Fault =
  | { kind: "throttle" }
  | { kind: "error"; status: number; type: string; message?: string }
  | { kind: "delay"; ms: number }
  | { kind: "hang" }
  | { kind: "drop" }
  /** Per-event failures: position in the request -> errorCode; `"*"` for every event. */
  | { kind: "events"; errors: Partial<Record<number | "*", string>> };

export interface RandomFaults {
  seed?: number;
  throttle?: number;
  serverError?: number;
  eventThrottle?: number;
  eventInternal?: number;
  slow?: number;
  slowMs?: number;
  drop?: number;
}

export interface AcceptedEvent {
  id: string;
  eventID: string;
  channelArn: string;
  eventData: Record<string, unknown>;
  requestNo: number;
  /** A label the test sets (e.g. which run of the CLI was going on). */
  tag: string | undefined;
}

export interface RequestLog {
  no: number;
  /** When it arrived, ms since the epoch. */
  at: number;
  ids: string[];
  bytes: number;
  status: number;
  accessKeyId?: string;
  externalId?: string | undefined;
}

export interface FakeLakeOptions {
  region?: string;
  keys?: Record<string, KnownKey>;
  channels?: FakeChannelInit[];
  /** Roles that AssumeRole may assume, with the ExternalId each requires. */
  roles?: Record<string, { externalId?: string }>;
  /** Events that always fail: return the per-event error, or undefined to accept. */
  rejectEvent?: (
    eventData: Record<string, unknown>,
  ) => { errorCode: string; errorMessage: string } | undefined;
  /** DescribeQuery calls before a query is FINISHED (default 2). */
  queryPolls?: number;
}

export class FakeLake {
  readonly region: string;
  readonly keys = new Map<string, KnownKey>();
  readonly channels = new Map<string, FakeChannel>();
  readonly roles: Record<string, { externalId?: string }>;
  readonly events: AcceptedEvent[] = [];
  readonly requests: RequestLog[] = [];
  readonly queries = new Map<string, FakeQuery>();
  readonly faults: Fault[] = [];
  random: (RandomFaults & { next: () => number }) | undefined;
  tag: string | undefined;
  /** Queries started while this is set end FAILED with it as ErrorMessage. */
  failQueries: string | undefined;
  url = "";
  private server: LoopbackHttp | undefined;

  constructor(readonly options: FakeLakeOptions = {}) {
    this.region = options.region ?? "us-east-1";
    this.keys.set(TEST_ACCESS_KEY_ID, { secretAccessKey: TEST_SECRET_ACCESS_KEY });
    for (const [id, key] of Object.entries(options.keys ?? {})) this.keys.set(id, key);
    for (const c of options.channels ?? []) this.addChannel(c);
    this.roles = options.roles ?? {};
  }

  addChannel(c: FakeChannelInit): void {
    this.channels.set(c.arn, { ...c, eventDataStore: c.eventDataStore ?? `eds-${c.arn.split("/").pop()}` });
  }

  queueFault(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  setRandom(random: RandomFaults | undefined): void {
    if (!random) {
      this.random = undefined;
      return;
    }
    let x = (random.seed ?? 1) >>> 0;
    const next = () => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x / 4294967296;
    };
    this.random = { ...random, next };
  }

  /** How many times each audit event id was accepted. */
  acceptedCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    return counts;
  }

  async start(): Promise<this> {
    this.server = await listenLoopback((req, res, body) => this.route(req, res, body));
    this.url = this.server.url;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await server.close();
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === "/PutAuditEvents")
      return handlePutAuditEvents(this, req, res, body);
    if (req.method === "POST" && path === "/") return handleControl(this, req, res, body);
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: `no route for ${req.method} ${path}` }));
  }
}

/** Start a loopback CloudTrail Lake. */
export function startFakeLake(options: FakeLakeOptions = {}): Promise<FakeLake> {
  return new FakeLake(options).start();
}

/** Write an AWS JSON error: status, `x-amzn-errortype`, `{"__type", "message"}`. */
export function sendAwsError(res: http.ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
  res.end(JSON.stringify({ __type: type, message }));
}
