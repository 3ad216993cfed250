/**
 * The control plane of the loopback CloudTrail Lake: CloudTrail's awsJson1_1 operations that the plugin uses
 * (GetChannel, StartQuery, DescribeQuery, GetQueryResults, CancelQuery) and STS AssumeRole (awsQuery, XML).
 *
 * Queries understand `SELECT eventData FROM <store> [WHERE eventTime > 'yyyy-MM-dd HH:mm:ss' | eventData.uid =
 * '<uid>']`; a query is QUEUED, then RUNNING, then FINISHED after `queryPolls` DescribeQuery calls.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { answerAssumeRole, stsError, verifySigV4 } from "@logshipper/aws/testing";
import { sendAwsError, type FakeLake } from "./fake-lake.js";

export interface FakeQuery {
  id: string;
  statement: string;
  status: "QUEUED" | "RUNNING" | "FINISHED" | "FAILED" | "CANCELLED";
  polls: number;
  rows: Record<string, string>[][];
  error?: string;
}

const SELECT =
  /^\s*SELECT\s+eventData\s+FROM\s+([-_A-Za-z0-9]+)(?:\s+WHERE\s+(?:eventTime\s*>\s*'([^']+)'|eventData\.uid\s*=\s*'([^']+)'))?\s*;?\s*$/i;

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function sendJson(res: http.ServerResponse, value: unknown): void {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
  res.end(JSON.stringify(value));
}

type Input = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function getChannel(lake: FakeLake, input: Input, res: http.ServerResponse): void {
  const wanted = str(input.Channel);
  const channel = [...lake.channels.values()].find((c) => c.arn === wanted || c.arn.endsWith(`/${wanted}`));
  if (!channel) return sendAwsError(res, 400, "ChannelNotFoundException", `Channel ${wanted} not found`);
  const [, , , region, account] = channel.arn.split(":");
  sendJson(res, {
    ChannelArn: channel.arn,
    Name: channel.name ?? "logshipper",
    Source: "Custom",
    SourceConfig: { ApplyToAllRegions: false, AdvancedEventSelectors: [] },
    Destinations: [
      {
        Type: "EVENT_DATA_STORE",
        Location: `arn:aws:cloudtrail:${region}:${account}:eventdatastore/${channel.eventDataStore}`,
      },
    ],
    IngestionStatus: {
      LatestIngestionSuccessTime: seconds(channel.lastSuccess),
      LatestIngestionSuccessEventID: channel.lastSuccessEventID,
      LatestIngestionErrorCode: channel.lastErrorCode,
      LatestIngestionAttemptTime: seconds(channel.lastAttempt),
    },
  });
}

function startQuery(lake: FakeLake, input: Input, res: http.ServerResponse): void {
  const statement = str(input.QueryStatement);
  const m = SELECT.exec(statement);
  if (!m) return sendAwsError(res, 400, "InvalidQueryStatementException", "unsupported query statement");
  const [, store, after, uid] = m;
  const channels = [...lake.channels.values()].filter((c) => c.eventDataStore === store);
  if (channels.length === 0)
    return sendAwsError(res, 400, "EventDataStoreNotFoundException", `event data store ${store} not found`);
  const arns = new Set(channels.map((c) => c.arn));
  const since = after === undefined ? undefined : Date.parse(`${after.replace(" ", "T")}Z`);
  const rows = lake.events
    .filter((e) => arns.has(e.channelArn))
    .filter((e) => since === undefined || Date.parse(String(e.eventData.eventTime)) > since)
    .filter((e) => uid === undefined || e.eventData.UID === uid)
    .map((e) => [{ eventData: JSON.stringify(e.eventData) }]);
  const id = randomUUID();
  const error = lake.failQueries;
  lake.queries.set(id, {
    id,
    statement,
    status: "QUEUED",
    polls: 0,
    rows,
    ...(error !== undefined && { error }),
  });
  sendJson(res, { QueryId: id });
}

function query(lake: FakeLake, input: Input, res: http.ServerResponse) {
  const q = lake.queries.get(str(input.QueryId));
  if (!q) sendAwsError(res, 400, "QueryIdNotFoundException", `query ${str(input.QueryId)} not found`);
  return q;
}

function describeQuery(lake: FakeLake, input: Input, res: http.ServerResponse): void {
  const q = query(lake, input, res);
  if (!q) return;
  if (q.status === "QUEUED" || q.status === "RUNNING") {
    q.polls++;
    q.status = q.polls >= (lake.options.queryPolls ?? 2) ? (q.error ? "FAILED" : "FINISHED") : "RUNNING";
  }
  sendJson(res, {
    QueryId: q.id,
    QueryString: q.statement,
    QueryStatus: q.status,
    QueryStatistics: { EventsMatched: q.rows.length, EventsScanned: lake.events.length, BytesScanned: 1024 },
    ...(q.status === "FAILED" && { ErrorMessage: q.error }),
  });
}

function getQueryResults(lake: FakeLake, input: Input, res: http.ServerResponse): void {
  const q = query(lake, input, res);
  if (!q) return;
  const start = Number(input.NextToken ?? 0);
  const size = Number(input.MaxQueryResults ?? 1000);
  const rows = q.rows.slice(start, start + size);
  const next = start + size < q.rows.length ? String(start + size) : undefined;
  sendJson(res, {
    QueryStatus: q.status,
    QueryStatistics: { ResultsCount: rows.length, TotalResultsCount: q.rows.length, BytesScanned: 1024 },
    QueryResultRows: rows,
    ...(next !== undefined && { NextToken: next }),
  });
}

const OPERATIONS: Record<string, (lake: FakeLake, input: Input, res: http.ServerResponse) => void> = {
  GetChannel: getChannel,
  StartQuery: startQuery,
  DescribeQuery: describeQuery,
  GetQueryResults: getQueryResults,
  CancelQuery: (lake, input, res) => {
    const q = query(lake, input, res);
    if (!q) return;
    q.status = "CANCELLED";
    sendJson(res, { QueryId: q.id, QueryStatus: q.status });
  },
};

export async function handleControl(
  lake: FakeLake,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
): Promise<void> {
  const auth = await verifySigV4({ method: "POST", url: req.url ?? "/", headers: req.headers, body }, (k) =>
    lake.keys.get(k),
  );
  const target = String(req.headers["x-amz-target"] ?? "");
  const isSts = target === "" && body.toString("utf8").includes("Action=AssumeRole");
  if (!auth.ok) {
    if (isSts) return stsError(res, auth.status, auth.type.replace(/Exception$/, ""), auth.message);
    return sendAwsError(res, auth.status, auth.type, auth.message);
  }
  if (isSts) {
    if (auth.service !== "sts")
      return stsError(res, 403, "SignatureDoesNotMatch", "credential scope is not sts");
    answerAssumeRole(new URLSearchParams(body.toString("utf8")), lake.roles, lake.keys, res);
    return;
  }
  const op = OPERATIONS[target.replace(/^CloudTrail_20131101\./, "")];
  if (!target.startsWith("CloudTrail_20131101.") || !op)
    return sendAwsError(res, 400, "UnknownOperationException", `unknown operation ${target}`);
  if (auth.service !== "cloudtrail")
    return sendAwsError(res, 403, "InvalidSignatureException", "credential scope is not cloudtrail");
  let input: Input = {};
  try {
    input = JSON.parse(body.toString("utf8") || "{}") as Input;
  } catch {
    return sendAwsError(res, 400, "SerializationException", "body is not JSON");
  }
  op(lake, input, res);
}
