/** `lake query`: StartQuery, DescribeQuery until done, GetQueryResults pages, against the loopback CloudTrail. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lakeQueryCommand, parseSince } from "./cli.js";
import { cloudTrailLakeConfig } from "../config.js";
import { createControlClient } from "../control.js";
import { ERROR_CODES as CODES } from "../error-codes.js";
import { QueryUsageError } from "../errors.js";
import { defaultStatement, lakeTime, rowObject, runLakeQuery, type LakeQueryOptions } from "./lake-query.js";
import {
  startFakeLake,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  type FakeLake,
} from "../testing/index.js";
import { lakeEvent } from "../testing/records.js";

const ARN = "arn:aws:cloudtrail:us-east-1:123456789012:channel/c-q";
const NOW = Date.UTC(2025, 10, 22, 12);
let lake: FakeLake;

beforeAll(async () => {
  lake = await startFakeLake({ channels: [{ arn: ARN, eventDataStore: "eds-q" }], queryPolls: 3 });
  const times = [
    "2025-11-20T10:00:00Z",
    "2025-11-22T01:00:00Z",
    "2025-11-22T02:00:00Z",
    "2025-11-22T03:00:00Z",
  ];
  times.forEach((eventTime, i) =>
    lake.events.push({
      id: `e${i}`,
      eventID: `eid-${i}`,
      channelArn: ARN,
      eventData: { ...lakeEvent(i, { eventTime }), UID: `uid-${i}`, recipientAccountId: "123456789012" },
      requestNo: 1,
      tag: undefined,
    }),
  );
});
afterAll(() => lake.close());

const client = () =>
  createControlClient({
    region: "us-east-1",
    credentials: () =>
      Promise.resolve({ accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY }),
    endpoint: lake.url,
    timeoutMs: 5000,
  });

async function query(options: Partial<LakeQueryOptions> = {}) {
  const rows: unknown[] = [];
  const log: string[] = [];
  const summary = await runLakeQuery({
    client: client(),
    eventDataStore: "eds-q",
    signal: new AbortController().signal,
    print: (line) => rows.push(JSON.parse(line)),
    log: (line) => log.push(line),
    now: () => NOW,
    sleep: () => Promise.resolve(),
    ...options,
  });
  return { rows, log, summary };
}

describe("lake query", () => {
  it("asks for the last day's events by default and prints each row as JSON", async () => {
    const { rows, summary, log } = await query();
    expect(summary.statement).toBe("SELECT eventData FROM eds-q WHERE eventTime > '2025-11-21 12:00:00'");
    expect(rows).toEqual(
      [1, 2, 3].map((i) => ({ eventData: expect.objectContaining({ UID: `uid-${i}` }) as unknown })),
    );
    expect(summary.rows).toBe(3);
    expect(log.at(-1)).toMatch(/: 3 row\(s\)$/);
  });

  it("takes --since and an ARN, and pages through the results", async () => {
    const before = lake.queries.size;
    const { rows } = await query({
      eventDataStore: "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/eds-q",
      since: Date.UTC(2025, 10, 1),
      pageSize: 2,
    });
    expect(rows).toHaveLength(4);
    expect(lake.queries.size).toBe(before + 1);
  });

  it("runs the SQL it is given", async () => {
    const { rows } = await query({ sql: "SELECT eventData FROM eds-q WHERE eventData.uid = 'uid-2'" });
    expect(rows).toEqual([{ eventData: expect.objectContaining({ UID: "uid-2" }) as unknown }]);
  });

  it("reports a failed query, an unknown store and a bad statement with their codes", async () => {
    lake.failQueries = "Query exceeded the time limit";
    await expect(query()).rejects.toMatchObject({
      code: CODES.CLOUDTRAIL_QUERY_FAILED,
      message: expect.stringMatching(/FAILED: Query exceeded/) as unknown,
    });
    lake.failQueries = undefined;
    await expect(query({ eventDataStore: "eds-none" })).rejects.toMatchObject({
      kind: "config",
      code: CODES.CLOUDTRAIL_QUERY_STORE,
    });
    await expect(query({ sql: "DELETE FROM eds-q" })).rejects.toMatchObject({
      kind: "permanent",
      code: CODES.CLOUDTRAIL_QUERY_INVALID,
    });
    await expect(query({ eventDataStore: "bad id!" })).rejects.toBeInstanceOf(QueryUsageError);
  });

  it("cancels the query when interrupted", async () => {
    const controller = new AbortController();
    const sleep = (_ms: number, signal: AbortSignal) => {
      controller.abort(new Error("interrupted"));
      return Promise.reject(signal.reason as Error);
    };
    await expect(query({ signal: controller.signal, sleep })).rejects.toThrow("interrupted");
    expect([...lake.queries.values()].at(-1)?.status).toBe("CANCELLED");
  });

  it("formats times and rows as Lake expects", () => {
    expect(lakeTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe("2025-01-02 03:04:05");
    expect(defaultStatement("s", 0)).toBe("SELECT eventData FROM s WHERE eventTime > '1970-01-01 00:00:00'");
    expect(rowObject([{ eventData: '{"a":1}' }, { n: "2" }, { s: "{version=1.0}" }])).toEqual({
      eventData: { a: 1 },
      n: "2",
      s: "{version=1.0}",
    });
  });
});

describe("lake query command", () => {
  const base = {
    signal: new AbortController().signal,
    print: () => undefined,
    now: () => NOW,
    env: {},
    sleep: () => Promise.resolve(),
  };

  it("parses --since as a duration, a date or a zoned time", () => {
    expect(parseSince("6h", NOW)).toBe(NOW - 6 * 3_600_000);
    expect(parseSince("2025-11-01", NOW)).toBe(Date.UTC(2025, 10, 1));
    expect(parseSince("2025-11-01T10:00:00+02:00", NOW)).toBe(Date.UTC(2025, 10, 1, 8));
    expect(() => parseSince("2025-11-01T10:00:00", NOW)).toThrow(QueryUsageError);
  });

  it("refuses what cannot work, with exit code 2", async () => {
    const noRegion = await lakeQueryCommand({ ...base, eventDataStore: "eds-q" }).catch((e: unknown) => e);
    expect(noRegion).toMatchObject({ code: CODES.CLOUDTRAIL_QUERY_USAGE, exitCode: 2 });
    const both = lakeQueryCommand({ ...base, eventDataStore: "eds-q", since: "1d", sql: "SELECT 1" });
    await expect(both).rejects.toBeInstanceOf(QueryUsageError);
  });

  it("uses a destination's region, credentials and controlEndpoint", async () => {
    const destination = cloudTrailLakeConfig.parse({
      channelArn: ARN,
      controlEndpoint: lake.url,
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
    });
    const rows: string[] = [];
    const summary = await lakeQueryCommand({
      ...base,
      eventDataStore: "eds-q",
      since: "30d",
      destination,
      print: (l) => rows.push(l),
    });
    expect(summary.rows).toBe(4);
    expect(rows).toHaveLength(4);
  });
});
