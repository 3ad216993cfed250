/**
 * The `cloudtrail-lake` destination against the loopback CloudTrail Lake (real HTTP, SigV4 recomputed by the
 * server): the SDK contract, what CloudTrail stores, per-event outcomes, and how request failures classify.
 */
import {
  ConfigurationError,
  PermanentError,
  RetryableError,
  type Destination,
  type OutputRecord,
} from "@logshipper/core/sdk";
import { destinationContract, fakeContext } from "@logshipper/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ERROR_CODES as CODES } from "../error-codes.js";
import { uuidv5 } from "./ids.js";
import { cloudTrailLakeDestination, plugins } from "../index.js";
import { AUDIT_EVENT_ID_NAMESPACE } from "./ids.js";
import {
  startFakeLake,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  type FakeLake,
} from "../testing/index.js";
import { lakeEvent, lakeRecords, outputRecord } from "../testing/records.js";

const ACCOUNT = "123456789012";
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:channel/c-main`;
const EXT_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:channel/c-ext`;
let lake: FakeLake;

beforeAll(async () => {
  lake = await startFakeLake({
    channels: [
      { arn: ARN, name: "netskope" },
      { arn: EXT_ARN, externalId: "ext-1234" },
    ],
  });
});
afterAll(() => lake.close());
beforeEach(() => {
  lake.events.length = 0;
  lake.requests.length = 0;
  lake.faults.length = 0;
});

const credentials = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY };
function destination(options: Record<string, unknown> = {}): Destination {
  const config = cloudTrailLakeDestination.configSchema.parse({
    channelArn: ARN,
    endpoint: lake.url,
    controlEndpoint: lake.url,
    credentials,
    maxRequestsPerSecond: 99,
    ...options,
  });
  return cloudTrailLakeDestination.create(config, fakeContext({ name: "lake" }));
}
const signal = () => new AbortController().signal;

async function failure(dest: Destination, batch: OutputRecord[] = lakeRecords(3)): Promise<unknown> {
  try {
    return await dest.send(batch, signal()).then(
      () => undefined,
      (e: unknown) => e,
    );
  } finally {
    await dest.close?.();
  }
}

destinationContract("cloudtrail-lake", () => destination(), lakeRecords);

describe("cloudtrail-lake destination", () => {
  it("is exported in `plugins` with its output schema and default mapping", () => {
    expect(plugins).toContain(cloudTrailLakeDestination);
    expect(cloudTrailLakeDestination.outputSchema).toBeDefined();
    expect(cloudTrailLakeDestination.defaultMapping).toContain("netskope");
  });

  it("declares one request a batch, `concurrency` batches on the wire", () => {
    expect(destination({ concurrency: 3 }).limits).toEqual({
      maxBatchRecords: 100,
      maxBatchBytes: 1_000_000,
      maxInFlightBatches: 3,
    });
  });

  it("ingests a batch through signed requests of at most 100 events; CloudTrail stores each event once", async () => {
    const dest = destination();
    const batch = lakeRecords(250);
    const result = await dest.send(batch, signal());
    expect(result.outcomes).toEqual(batch.map(() => ({ status: "ok" })));
    expect(lake.requests.map((r) => [r.status, r.ids.length, r.accessKeyId])).toEqual([
      [200, 100, TEST_ACCESS_KEY_ID],
      [200, 100, TEST_ACCESS_KEY_ID],
      [200, 50, TEST_ACCESS_KEY_ID],
    ]);
    expect([...lake.acceptedCounts().values()].every((n) => n === 1)).toBe(true);
    expect(lake.events.find((e) => e.id === "rec-7")?.eventData).toEqual({
      version: "1.0",
      ...lakeEvent(7),
      UID: "rec-7",
      recipientAccountId: ACCOUNT,
    });
    await dest.close?.();
  });

  it("answers each event as CloudTrail did; only the failed ones are sent again", async () => {
    const dest = destination();
    const batch = lakeRecords(5);
    lake.queueFault({ kind: "events", errors: { 0: "Throttling", 1: "InternalFailure", 2: "FieldTooLong" } });
    const first = await dest.send(batch, signal());
    expect(first.outcomes).toEqual([
      { status: "retryable", reason: "Throttling: injected Throttling" },
      { status: "retryable", reason: "InternalFailure: injected InternalFailure" },
      {
        status: "permanent",
        reason: "FieldTooLong: injected FieldTooLong",
        code: CODES.CLOUDTRAIL_EVENT_REJECTED,
      },
      { status: "ok" },
      { status: "ok" },
    ]);
    // Core resends only the retryable ones.
    const second = await dest.send(batch.slice(0, 2), signal());
    expect(second.outcomes).toEqual([{ status: "ok" }, { status: "ok" }]);
    expect([...lake.acceptedCounts().entries()].sort()).toEqual([
      ["rec-0", 1],
      ["rec-1", 1],
      ["rec-3", 1],
      ["rec-4", 1],
    ]);
    await dest.close?.();
  });

  it("dead-letters an event that cannot be sent, alone; the rest of its batch goes", async () => {
    const bad = outputRecord("bad", lakeEvent(1, { requestParameters: { blob: "x".repeat(100_001) } }));
    const dest = destination();
    const result = await dest.send([...lakeRecords(2), bad], signal());
    expect(result.outcomes.map((o) => o.status)).toEqual(["ok", "ok", "permanent"]);
    expect(result.outcomes[2]).toMatchObject({ code: CODES.CLOUDTRAIL_EVENT_INVALID });
    expect(lake.events).toHaveLength(2);
    await dest.close?.();
  });

  it("never sends one id twice in a request, and sends ids that do not fit as their UUIDv5", async () => {
    const dest = destination();
    const batch = [
      outputRecord("a", lakeEvent(1)),
      outputRecord("a", lakeEvent(2)),
      outputRecord("x/y@z", lakeEvent(3)),
    ];
    const result = await dest.send(batch, signal());
    expect(result.outcomes.every((o) => o.status === "ok")).toBe(true);
    expect(lake.requests.map((r) => r.ids)).toEqual([
      ["a"],
      ["a", uuidv5("x/y@z", AUDIT_EVENT_ID_NAMESPACE)],
    ]);
    expect(lake.events.map((e) => e.eventData.UID)).toEqual(["a", "a", "x/y@z"]);
    await dest.close?.();
  });

  it("keeps what one request delivered when another request of the batch fails", async () => {
    const dest = destination({ concurrency: 1 });
    lake.queueFault({ kind: "delay", ms: 0 }, { kind: "throttle" });
    const result = await dest.send(lakeRecords(150), signal());
    expect(result.outcomes.slice(0, 100).every((o) => o.status === "ok")).toBe(true);
    expect(result.outcomes.slice(100).every((o) => o.status === "retryable")).toBe(true);
    expect(lake.events).toHaveLength(100);
    await dest.close?.();
  });

  it("sends externalId with every call", async () => {
    const dest = destination({ channelArn: EXT_ARN, externalId: "ext-1234" });
    await dest.send(lakeRecords(1), signal());
    expect(lake.requests[0]).toMatchObject({ status: 200, externalId: "ext-1234" });
    await dest.close?.();
  });

  it("sends a test event and says how to find it; check() shows the channel's ingestion", async () => {
    const dest = destination();
    const line = await dest.test?.();
    expect(line).toMatch(/accepted a test event \(UID [-0-9a-f]{36}\); find it with: logshipper lake query/);
    expect(line).toContain("--event-data-store eds-c-main");
    expect(lake.events[0]?.eventData).toMatchObject({
      eventSource: "logshipper.test",
      recipientAccountId: ACCOUNT,
    });
    expect(await dest.check?.()).toMatch(
      /^channel netskope \(source Custom\); delivers to event data store eds-c-main; last ingestion \d{4}-/,
    );
    await dest.close?.();
    await dest.close?.();
  });
});

describe("cloudtrail-lake destination: failures", () => {
  it("throttling is retryable", async () => {
    lake.queueFault({ kind: "throttle" });
    const error = await failure(destination());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: CODES.CLOUDTRAIL_THROTTLED });
    expect(lake.events).toHaveLength(0);
  });

  it("5xx is retryable", async () => {
    lake.queueFault({ kind: "error", status: 503, type: "ServiceUnavailableException" });
    expect(await failure(destination())).toMatchObject({ kind: "retryable", code: CODES.CLOUDTRAIL_SERVER });
  });

  it("a dropped connection is retryable", async () => {
    lake.queueFault({ kind: "drop" });
    expect(await failure(destination())).toMatchObject({ kind: "retryable", code: CODES.CLOUDTRAIL_NETWORK });
  });

  it("a server that does not answer in time is retryable", async () => {
    lake.queueFault({ kind: "hang" });
    expect(await failure(destination({ timeout: "300ms" }))).toMatchObject({
      code: CODES.CLOUDTRAIL_TIMEOUT,
    });
  });

  it("shutdown cancels a request in flight; nothing is acknowledged", async () => {
    lake.queueFault({ kind: "hang" });
    const dest = destination();
    const controller = new AbortController();
    const sending = dest.send(lakeRecords(2), controller.signal).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await sending).toMatchObject({ kind: "retryable", code: CODES.CLOUDTRAIL_ABORTED });
    await dest.close?.();
  });

  it("a wrong secret fails the signature check: the destination pauses", async () => {
    const error = await failure(
      destination({ credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: "not-the-secret" } }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: CODES.CLOUDTRAIL_AUTH });
    expect((error as Error).message).toContain("InvalidSignatureException");
  });

  it("a missing channel, a wrong externalId or AccountNotSubscribed pause the destination", async () => {
    const missing = await failure(destination({ channelArn: `${ARN}-gone` }));
    expect(missing).toMatchObject({ kind: "config", code: CODES.CLOUDTRAIL_CHANNEL_NOT_FOUND });
    const ext = await failure(destination({ channelArn: EXT_ARN, externalId: "wrong-id" }));
    expect(ext).toMatchObject({ kind: "config", code: CODES.CLOUDTRAIL_CHANNEL_PERMISSION });
    lake.queueFault({ kind: "events", errors: { "*": "AccountNotSubscribed" } });
    expect(await failure(destination())).toMatchObject({ kind: "config", code: CODES.CLOUDTRAIL_ACCOUNT });
  });

  it("a configuration failure after part of the batch was accepted is answered per record", async () => {
    lake.queueFault({ kind: "events", errors: { 1: "AccountNotSubscribed" } });
    const dest = destination();
    const result = await dest.send(lakeRecords(2), signal());
    expect(result.outcomes.map((o) => o.status)).toEqual(["ok", "retryable"]);
    await dest.close?.();
  });

  it("check() names a missing channel", async () => {
    const dest = destination({ channelArn: `${ARN}-gone` });
    await expect(dest.check?.()).rejects.toMatchObject({
      kind: "config",
      code: CODES.CLOUDTRAIL_CHANNEL_NOT_FOUND,
    });
    await dest.close?.();
  });

  it("a test event CloudTrail refuses is reported", async () => {
    lake.queueFault({ kind: "events", errors: { 0: "InvalidEventSource" } });
    const dest = destination();
    const error: unknown = await dest.test?.().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain("InvalidEventSource");
    await dest.close?.();
  });
});
