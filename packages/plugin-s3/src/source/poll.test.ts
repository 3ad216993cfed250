/**
 * The `s3` source in `mode: poll`, against s3rver on loopback: every sample format, CloudTrail ids and times,
 * digest files skipped, exact resume from every checkpoint (inside plain and gzip objects, inside CloudTrail
 * files), listing pages, new objects, replaced objects, rejects with their origin, and failures.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigurationError, LogShipperError, RetryableError, type Source } from "@logshipper/core/sdk";
import {
  batchOrigins,
  fakeContext,
  pullAll,
  sourceContract,
  type FakeContext,
} from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Source, ERROR_CODES, s3Source } from "../index.js";
import { writeBucket } from "../testing/objects.js";
import { FakeS3, s3Options } from "../testing/s3-server.js";

const SAMPLES = fileURLToPath(new URL("../../../../test/fixtures/samples", import.meta.url));
const BUCKET = "inbox";
let s3: FakeS3;

/** Every sample file, keyed by its path under the samples directory (the cloudtrail/ part dropped). */
function samples(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const entry of fs.readdirSync(SAMPLES, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith(".md") || entry.name === "sqs-messages.json") continue;
    const file = path.join(entry.parentPath, entry.name);
    const key = path
      .relative(SAMPLES, file)
      .split(path.sep)
      .join("/")
      .replace(/^cloudtrail\//, "");
    if (key.startsWith("netskope/")) continue;
    out[key] = fs.readFileSync(file);
  }
  return out;
}

beforeAll(async () => {
  s3 = await new FakeS3().start();
  await s3.createBucket(BUCKET);
  await writeBucket(s3.url, BUCKET, samples());
});
afterAll(async () => {
  await s3.stop();
});

function source(
  options: Record<string, unknown> = {},
  ctx: FakeContext = fakeContext(),
  small = false,
): Source {
  const config = s3Source.configSchema.parse({ ...s3Options(s3), bucket: BUCKET, ...options });
  return small
    ? createS3Source(config, ctx, { maxBatchRecords: 7, maxBatchBytes: 4096, pageKeys: 3 })
    : s3Source.create(config, ctx);
}

sourceContract("s3 poll", () => source({}, fakeContext(), true));

describe("s3 source, mode poll", () => {
  it("reads every sample format, skips CloudTrail digests, and names origins s3://bucket/key:line", async () => {
    const batches = await pullAll(source());
    const seen = batchOrigins(batches);
    const keys = [...new Set(seen.map((o) => o.replace(/^!/, "").replace(/(:\d+|#Records\[\d+\])$/, "")))];
    expect(keys).toEqual([
      "s3://inbox/AWSLogs/123456789012/CloudTrail/us-east-1/2025/11/22/123456789012_CloudTrail_us-east-1_20251122T0000Z_c8a734b0d63f0297.json.gz",
      "s3://inbox/AWSLogs/123456789012/CloudTrail/us-east-1/2025/11/22/123456789012_CloudTrail_us-east-1_20251122T0005Z_7c7439b7d15cb20f.json.gz",
      "s3://inbox/AWSLogs/123456789012/CloudTrail/us-east-1/2025/11/22/123456789012_CloudTrail_us-east-1_20251122T0010Z_d40426b42de0d703.json.gz",
      ...["0000", "0001", "0002", "0003", "0004"].map(
        (n) => `s3://inbox/cerby/analytics/2025/11/22/${n}-analytics.json`,
      ),
      "s3://inbox/edge/hostile.ndjson",
      "s3://inbox/exports/Q4 report+final (1).ndjson",
      "s3://inbox/metadefender/json/logs-0001.json",
      "s3://inbox/metadefender/syslog/logs-0002.log",
      "s3://inbox/panoptica/Panoptica/attack-paths/2025-11-22/123456789012/ef306764.json",
      "s3://inbox/panoptica/Panoptica/security-findings/2025-11-22/123456789012/5fc3fc56.json",
    ]);
    const rejects = batches.flatMap((b) => b.rejects ?? []);
    expect(rejects.map((r) => r.origin)).toEqual([2, 3, 8].map((n) => `s3://inbox/edge/hostile.ndjson:${n}`));
    expect(rejects[2]).toMatchObject({ reason: "not a JSON object (an array)", raw: "[1,2,3]" });
    expect(await pullAll(source(), batches.at(-1)!.checkpoint)).toEqual([]);
  });

  it("gives CloudTrail records their eventID as id and eventTime as time", async () => {
    const batches = await pullAll(source({ prefix: "AWSLogs/" }));
    const records = batches.flatMap((b) => b.records);
    expect(records).toHaveLength(78);
    const first = records[0]!;
    const data = first.data as { eventID: string; eventTime: string };
    expect(first.id).toBe(data.eventID);
    expect(first.time).toBe(Date.parse(data.eventTime));
    expect(first.origin).toMatch(/_c8a734b0d63f0297\.json\.gz#Records\[0\]$/);
  });

  it("resumes inside objects: a Range request for plain ones, decompress-and-skip for gzip", async () => {
    const options = { prefix: "edge/" };
    const all = await pullAll(source(options, fakeContext(), true));
    const middle = all[0]!.checkpoint as { cur: { key: string; pos: { offset: number } } };
    expect(middle.cur.key).toBe("edge/hostile.ndjson");
    s3.requests.length = 0;
    const rest = await pullAll(source(options, fakeContext(), true), middle);
    expect(batchOrigins(rest)).toEqual(batchOrigins(all).slice(batchOrigins([all[0]!]).length));
    const get = s3.requests.find((r) => r.method === "GET" && r.path.endsWith("hostile.ndjson"))!;
    expect(get.headers.range).toBe(`bytes=${middle.cur.pos.offset}-`);
    const trail = await pullAll(source({ prefix: "AWSLogs/" }, fakeContext(), true));
    const inside = trail[1]!.checkpoint as { cur: { pos: { index: number } } };
    expect(inside.cur.pos).toMatchObject({ mode: "cloudtrail", gz: true });
    expect(inside.cur.pos.index).toBe(trail[0]!.records.length + trail[1]!.records.length);
  });

  it("pages the listing and reads only new keys on the next pull", async () => {
    const first = await pullAll(source({ prefix: "new/" }));
    expect(first).toEqual([]);
    await writeBucket(s3.url, BUCKET, { "new/a.ndjson": '{"n":1}\n', "new/b.ndjson": '{"n":2}\n' });
    const second = await pullAll(source({ prefix: "new/" }, fakeContext(), true));
    expect(second.flatMap((b) => b.records.map((r) => r.data))).toEqual([{ n: 1 }, { n: 2 }]);
    await writeBucket(s3.url, BUCKET, { "new/c.ndjson": '{"n":3}\n{"n":4}\n' });
    const third = await pullAll(source({ prefix: "new/" }), second.at(-1)!.checkpoint);
    expect(third.flatMap((b) => b.records.map((r) => r.data))).toEqual([{ n: 3 }, { n: 4 }]);
  });

  it("reads an object replaced since its checkpoint from the start", async () => {
    await writeBucket(s3.url, BUCKET, {
      "swap/x.ndjson": Array.from({ length: 10 }, (_, i) => `{"v":1,"i":${i}}\n`).join(""),
    });
    const part = (await pullAll(source({ prefix: "swap/" }, fakeContext(), true)))[0]!;
    await writeBucket(s3.url, BUCKET, { "swap/x.ndjson": '{"v":2}\n' });
    const ctx = fakeContext();
    const rest = await pullAll(source({ prefix: "swap/" }, ctx), part.checkpoint);
    expect(rest.flatMap((b) => b.records.map((r) => r.data))).toEqual([{ v: 2 }]);
    expect(ctx.logs.some((l) => l.msg?.includes("from the start"))).toBe(true);
  });

  it("applies include and exclude patterns", async () => {
    const batches = await pullAll(source({ include: ["**/*.log", "exports/*"], exclude: ["**/syslog/**"] }));
    expect([...new Set(batchOrigins(batches).map((o) => o.replace(/:\d+$/, "")))]).toEqual([
      "s3://inbox/exports/Q4 report+final (1).ndjson",
    ]);
  });

  it("classifies listing and reading failures", async () => {
    s3.fail({ method: "GET", query: "list-type", status: 403, code: "AccessDenied", times: 1 });
    let error = await pullAll(source()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.S3_ACCESS_DENIED });
    s3.fail({ method: "GET", path: /hostile/, status: 503, code: "SlowDown", times: 1 });
    error = await pullAll(source({ prefix: "edge/" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    s3.fail({ method: "GET", path: /hostile/, status: 403, code: "KMS.AccessDeniedException", times: 1 });
    error = await pullAll(source({ prefix: "edge/" })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ERROR_CODES.S3_KMS });
    await expect(source({ bucket: "missing-bucket" }).test!()).rejects.toBeInstanceOf(ConfigurationError);
    await expect(source().test!()).resolves.toBeUndefined();
  });

  it("refuses a checkpoint it did not write, and starts over on one of mode sqs", async () => {
    await expect(pullAll(source(), { cursor: 3 })).rejects.toBeInstanceOf(LogShipperError);
    const ctx = fakeContext();
    const sqsCheckpoint = { v: 1, mode: "sqs", del: [], seen: [], parts: {} };
    expect((await pullAll(source({ prefix: "new/" }, ctx), sqsCheckpoint)).length).toBeGreaterThan(0);
    expect(ctx.logs.some((l) => l.level === "warn" && l.msg?.includes("mode sqs"))).toBe(true);
  });
});
