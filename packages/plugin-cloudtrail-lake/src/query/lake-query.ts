/**
 * `logshipper lake query`: the check users make after setting up a channel. It runs a CloudTrail Lake SQL query
 * (StartQuery), waits for it (DescribeQuery), pages the rows (GetQueryResults) and prints each row as one JSON
 * object. Without `sql` it asks for the events of the last day (or since `since`):
 * `SELECT eventData FROM <id> WHERE eventTime > 'yyyy-MM-dd HH:mm:ss'`.
 *
 * `runLakeQuery` does the work with a client it is given; `lakeQueryCommand` (cli.ts) builds that client from a
 * destination's options or from the environment, for the CLI.
 */
import {
  CancelQueryCommand,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  type CloudTrailClient,
} from "@aws-sdk/client-cloudtrail";
import { LogShipperError } from "@logshipper/core/sdk";
import { parseEventDataStore } from "../arn.js";
import { fromSdkError } from "../control.js";
import { ERROR_CODES } from "../error-codes.js";
import { classify, QueryUsageError } from "../errors.js";

export interface LakeQueryOptions {
  client: CloudTrailClient;
  /** Event data store ID or ARN. */
  eventDataStore: string;
  /** Lower bound of eventTime, ms since the epoch (default: a day before `now`); ignored with `sql`. */
  since?: number | undefined;
  /** The whole statement, instead of the default one. */
  sql?: string | undefined;
  signal: AbortSignal;
  /** Receives each row as one line of JSON. */
  print: (line: string) => void;
  /** Receives progress and the final summary (stderr in the CLI). */
  log?: (line: string) => void;
  now?: () => number;
  /** Waits between DescribeQuery calls (tests pass one that does not sleep). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Rows per GetQueryResults page (1-1000). */
  pageSize?: number;
}

export interface LakeQuerySummary {
  queryId: string;
  statement: string;
  rows: number;
  eventsScanned?: number | undefined;
  bytesScanned?: number | undefined;
}

const DAY_MS = 86_400_000;
const POLL_MS = [250, 500, 1000, 2000];
const FAILED = new Set(["FAILED", "CANCELLED", "TIMED_OUT"]);

/** `yyyy-MM-dd HH:mm:ss` in UTC: how CloudTrail Lake SQL compares eventTime. */
export function lakeTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

export function defaultStatement(storeId: string, since: number): string {
  return `SELECT eventData FROM ${storeId} WHERE eventTime > '${lakeTime(since)}'`;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

/** A row of GetQueryResults (a list of one-column objects) as one object; JSON text values are parsed. */
export function rowObject(row: Record<string, string>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of row) {
    for (const [name, value] of Object.entries(column)) {
      const t = value.trimStart();
      if (t.startsWith("{") || t.startsWith("[")) {
        try {
          out[name] = JSON.parse(value) as unknown;
          continue;
        } catch {
          // not JSON (Lake prints structs as {a=b, ...}): keep the text
        }
      }
      out[name] = value;
    }
  }
  return out;
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(fromSdkError(error), what);
  }
}

export async function runLakeQuery(options: LakeQueryOptions): Promise<LakeQuerySummary> {
  const { client, signal } = options;
  const log = options.log ?? (() => undefined);
  const sleep = options.sleep ?? defaultSleep;
  const store = parseEventDataStore(options.eventDataStore);
  if (!store) {
    throw new QueryUsageError(
      `--event-data-store ${JSON.stringify(options.eventDataStore)}: expected an event data store ID or ARN`,
    );
  }
  const now = (options.now ?? Date.now)();
  const statement = options.sql ?? defaultStatement(store.id, options.since ?? now - DAY_MS);
  const opts = { abortSignal: signal };
  const started = await call("StartQuery", () =>
    client.send(new StartQueryCommand({ QueryStatement: statement }), opts),
  );
  const queryId = started.QueryId!;
  log(`query ${queryId} started: ${statement}`);
  let eventsScanned: number | undefined;
  try {
    for (let i = 0; ; i++) {
      const d = await call("DescribeQuery", () =>
        client.send(new DescribeQueryCommand({ QueryId: queryId }), opts),
      );
      eventsScanned = d.QueryStatistics?.EventsScanned ?? eventsScanned;
      if (d.QueryStatus === "FINISHED") break;
      if (d.QueryStatus !== undefined && FAILED.has(d.QueryStatus)) {
        throw new LogShipperError(
          ERROR_CODES.CLOUDTRAIL_QUERY_FAILED,
          `query ${queryId} ${d.QueryStatus}${d.ErrorMessage ? `: ${d.ErrorMessage}` : ""}`,
        );
      }
      await sleep(POLL_MS[Math.min(i, POLL_MS.length - 1)]!, signal);
    }
  } catch (error) {
    if (signal.aborted) {
      await client.send(new CancelQueryCommand({ QueryId: queryId })).catch(() => undefined);
      log(`query ${queryId} cancelled`);
    }
    throw error;
  }
  let rows = 0;
  let nextToken: string | undefined;
  let bytesScanned: number | undefined;
  do {
    const page = await call("GetQueryResults", () =>
      client.send(
        new GetQueryResultsCommand({
          QueryId: queryId,
          MaxQueryResults: options.pageSize ?? 1000,
          ...(nextToken !== undefined && { NextToken: nextToken }),
        }),
        opts,
      ),
    );
    for (const row of page.QueryResultRows ?? []) {
      options.print(JSON.stringify(rowObject(row)));
      rows++;
    }
    bytesScanned = page.QueryStatistics?.BytesScanned ?? bytesScanned;
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  log(`query ${queryId}: ${rows} row(s)`);
  return { queryId, statement, rows, eventsScanned, bytesScanned };
}
