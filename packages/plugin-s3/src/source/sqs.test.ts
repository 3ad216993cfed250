/**
 * The `s3` source in `mode: sqs`: the real @aws-sdk/client-sqs against a loopback SQS server that checks SigV4,
 * and s3rver holding the CloudTrail samples. Above all: a message is deleted only after the batch holding its
 * records was committed, and a stop at any point loses nothing and reads nothing twice.
 */
import { fakeContext, pullAll, type FakeContext } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Source, s3Source } from "../index.js";
import {
  dataOf,
  iterate,
  notification,
  sampleMessages,
  startSqsFixture,
  takeThenStop,
  type SqsFixture,
} from "../testing/sqs-fixture.js";

let fx: SqsFixture;
let queueNo = 0;
const TRAIL =
  "AWSLogs/123456789012/CloudTrail/us-east-1/2025/11/22/123456789012_CloudTrail_us-east-1_20251122T";
const FILES = ["0000Z_c8a734b0d63f0297", "0005Z_7c7439b7d15cb20f", "0010Z_d40426b42de0d703"].map(
  (f) => `${TRAIL}${f}.json.gz`,
);

beforeAll(async () => {
  fx = await startSqsFixture();
});
afterAll(async () => {
  await fx.stop();
});

/** A new queue holding `bodies`. */
function queue(bodies: string[]): string {
  const name = `q${++queueNo}`;
  fx.sqs.queueUrl(name);
  for (const body of bodies) fx.sqs.send(name, body);
  return name;
}

function source(
  name: string,
  extra: Record<string, unknown> = {},
  ctx: FakeContext = fakeContext(),
  batch = 1000,
) {
  const config = s3Source.configSchema.parse(fx.options(name, extra));
  return createS3Source(config, ctx, { maxBatchRecords: batch, maxBatchBytes: 1 << 30, pageKeys: 1000 });
}

describe("s3 source, mode sqs", () => {
  it("reads the sample notifications: skips the test event, decodes keys, deletes every message", async () => {
    const name = queue(sampleMessages());
    const batches = await pullAll(source(name));
    const records = batches.flatMap((b) => b.records);
    expect(records).toHaveLength(3 * 26 + 1);
    expect(records.at(-1)).toMatchObject({ data: { note: "key with space and plus", n: 1 } });
    expect(records.at(-1)!.origin).toBe("s3://trail-logs/exports/Q4 report+final (1).ndjson:1");
    expect(records[0]!.id).toBe((records[0]!.data as { eventID: string }).eventID);
    expect(fx.sqs.remaining(name)).toEqual([]);
    expect(fx.sqs.calls.every((c) => c.accessKeyId === "S3RVER")).toBe(true);
  });

  it("deletes a message only after the batch holding its records is committed", async () => {
    const name = queue(FILES.map((f) => notification(f)));
    const it = iterate(source(name, {}, fakeContext(), 20));
    let checked = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      // Suspended at `yield`: core has not committed this batch yet, so no message it finished may be gone.
      const finished = (r.value.checkpoint as { del: { id: string }[] }).del.map((d) => d.id);
      const present = fx.sqs.remaining(name).map((m) => m.id);
      for (const id of finished) expect(present).toContain(id);
      checked += finished.length;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(fx.sqs.remaining(name)).toEqual([]);
  });

  it("after a stop before the delete, the next pull deletes the committed messages and reads nothing twice", async () => {
    const name = queue(FILES.map((f) => notification(f)));
    const first = await takeThenStop(source(name), 1);
    expect(fx.sqs.remaining(name)).toHaveLength(3);
    // They come back before the next pull, received meanwhile (so the saved receipt handles are stale):
    // recognised by id, deleted with the new handle, not read again.
    fx.sqs.redeliver(name);
    const ctx = fakeContext();
    const rest = await pullAll(source(name, {}, ctx), first[0]!.checkpoint);
    expect(dataOf([...first, ...rest])).toHaveLength(78);
    expect(new Set(dataOf([...first, ...rest])).size).toBe(75);
    expect(rest.flatMap((b) => b.records)).toEqual([]);
    expect(fx.sqs.remaining(name)).toEqual([]);
  });

  it("resumes a message read in part at the committed position, whether the last batch was committed or not", async () => {
    for (const committed of [true, false]) {
      const all = dataOf(await pullAll(source(queue([notification(...FILES)]), {}, fakeContext(), 10)));
      const name = queue([notification(...FILES)]);
      const taken = await takeThenStop(source(name, {}, fakeContext(), 10), 3);
      const kept = committed ? taken : taken.slice(0, 2);
      fx.sqs.expireAll(name);
      const rest = await pullAll(source(name, {}, fakeContext(), 10), kept.at(-1)!.checkpoint);
      expect(dataOf([...kept, ...rest])).toEqual(all);
      expect(fx.sqs.remaining(name)).toEqual([]);
    }
  });

  it("accepts SNS envelopes and CloudTrail's own notifications; skips digests and removals", async () => {
    const sns = JSON.stringify({ Type: "Notification", MessageId: "m", Message: notification(FILES[0]!) });
    const trail = JSON.stringify({ s3Bucket: "trail-logs", s3ObjectKey: [FILES[1]] });
    const digest = notification(
      "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2025/11/22/digest-skip-me.json.gz",
    );
    const removed = notification(FILES[2]!).replace("ObjectCreated:Put", "ObjectRemoved:Delete");
    const name = queue([sns, trail, digest, removed]);
    const batches = await pullAll(source(name));
    expect(batches.flatMap((b) => b.records)).toHaveLength(52);
    expect(batches.flatMap((b) => b.rejects ?? [])).toEqual([]);
    expect(fx.sqs.remaining(name)).toEqual([]);
  });

  it("keeps what is not a notification, or is for another bucket, as a dead letter", async () => {
    const other = notification(FILES[0]!).replace('"trail-logs"', '"elsewhere"');
    const name = queue(["not json", '{"hello":1}', other]);
    const rejects = (await pullAll(source(name, { bucket: "trail-logs" }))).flatMap((b) => b.rejects ?? []);
    expect(rejects.map((r) => r.reason)).toEqual([
      "the message body is not JSON",
      "not an S3 event notification (no Records, no s3:TestEvent)",
      expect.stringContaining("bucket elsewhere"),
    ]);
    expect(rejects[0]).toMatchObject({
      origin: expect.stringMatching(/^sqs:q\d+\//) as unknown,
      raw: "not json",
    });
    expect(fx.sqs.remaining(name)).toEqual([]);
  });

  it("retries a message whose object fails, and dead-letters it after maxReceives", async () => {
    const name = queue([notification(FILES[0]!)]);
    fx.s3.fail({ method: "GET", path: /0000Z/, status: 503, code: "SlowDown", times: 2 });
    const ctx = fakeContext();
    expect(await pullAll(source(name, { maxReceives: 2 }, ctx))).toEqual([]);
    expect(ctx.logs.some((l) => l.msg?.includes("retried later"))).toBe(true);
    expect(fx.sqs.remaining(name)).toHaveLength(1);
    fx.sqs.expireAll(name);
    const second = await pullAll(source(name, { maxReceives: 2 }));
    expect(second.flatMap((b) => b.rejects ?? [])).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(/SlowDown.*received 2 times/) as unknown,
        raw: notification(FILES[0]!),
      }),
    ]);
    expect(fx.sqs.remaining(name)).toEqual([]);
  });

  it("dead-letters a message whose object was deleted at once", async () => {
    const name = queue([notification("AWSLogs/gone.json.gz")]);
    const rejects = (await pullAll(source(name))).flatMap((b) => b.rejects ?? []);
    expect(rejects[0]?.reason).toMatch(/NoSuchKey/);
    expect(fx.sqs.remaining(name)).toEqual([]);
  });

  it("stops on a permissions problem and hands its messages back at once", async () => {
    const name = queue([notification(FILES[0]!)]);
    fx.s3.fail({ method: "GET", path: /0000Z/, status: 403, code: "AccessDenied", times: 1 });
    await expect(pullAll(source(name))).rejects.toMatchObject({ code: "LS_ERR_S3_ACCESS_DENIED" });
    const [message] = fx.sqs.remaining(name);
    expect(message!.visibleAt).toBeLessThanOrEqual(Date.now());
    expect((await pullAll(source(name))).flatMap((b) => b.records)).toHaveLength(26);
  });

  it("extends the visibility of held messages while core holds the source at a yield", async () => {
    const name = queue([notification(FILES[0]!)]);
    const it = iterate(source(name, { visibilityTimeout: "2s" }, fakeContext(), 5));
    await it.next();
    const before = fx.sqs.count("ChangeMessageVisibilityBatch");
    await expect
      .poll(() => fx.sqs.count("ChangeMessageVisibilityBatch"), { timeout: 5000 })
      .toBeGreaterThan(before);
    await it.return?.();
  });

  it("keeps receiving until stopped when not run with --once", async () => {
    const name = queue([]);
    const controller = new AbortController();
    const src = source(name, { waitTime: "1s" }, fakeContext({ mode: "continuous" }));
    const got: number[] = [];
    setTimeout(() => fx.sqs.send(name, notification(FILES[1]!)), 300);
    for await (const b of src.pull(undefined, controller.signal)) {
      got.push(b.records.length);
      if (got.reduce((a, n) => a + n, 0) >= 26) controller.abort();
    }
    expect(got.reduce((a, n) => a + n, 0)).toBe(26);
  });

  it("checks the signature: a wrong secret is a credentials problem; test() reads the queue", async () => {
    const name = queue([]);
    await expect(source(name).test!()).resolves.toBeUndefined();
    const wrong = source(name, { credentials: { accessKeyId: "S3RVER", secretAccessKey: "not-the-secret" } });
    await expect(pullAll(wrong)).rejects.toMatchObject({ code: "LS_ERR_S3_CREDENTIALS" });
    const missing = s3Source.create(
      s3Source.configSchema.parse(fx.options(name, { queueUrl: `${fx.sqs.base}/123456789012/nope` })),
      fakeContext(),
    );
    await expect(missing.test!()).rejects.toMatchObject({ code: "LS_ERR_S3_QUEUE_NOT_FOUND" });
  });
});
