/**
 * Invalid UTF-8 in an S3 object: each record or reject whose bytes were not UTF-8 is handed to core flagged
 * (`invalidUtf8`), for core to count and report once per object. Against s3rver on loopback.
 */
import { fakeContext, pullAll } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Source } from "../index.js";
import { writeBucket } from "../testing/objects.js";
import { FakeS3, s3Options } from "../testing/s3-server.js";

const BUCKET = "utf8";
let s3: FakeS3;

beforeAll(async () => {
  s3 = await new FakeS3().start();
  await s3.createBucket(BUCKET);
  const bad = Buffer.from([0x62, 0xff, 0x62]);
  await writeBucket(s3.url, BUCKET, {
    "logs/a.ndjson": Buffer.concat([
      Buffer.from('{"n":1}\n{"n":2,"user":"'),
      bad,
      Buffer.from('"}\n{"n":3,"user":"\uFFFD"}\n{"n":4,'),
      bad,
      Buffer.from("\n"),
    ]),
  });
});
afterAll(async () => {
  await s3.stop();
});

describe("s3 source, invalid UTF-8", () => {
  it("flags the records and rejects whose bytes were not UTF-8, with their lines", async () => {
    const config = s3Source.configSchema.parse({ ...s3Options(s3), bucket: BUCKET });
    const batches = await pullAll(s3Source.create(config, fakeContext()));
    const records = batches.flatMap((b) => b.records);
    const rejects = batches.flatMap((b) => b.rejects ?? []);
    expect(records.map((r) => [r.origin, r.invalidUtf8])).toEqual([
      ["s3://utf8/logs/a.ndjson:1", undefined],
      ["s3://utf8/logs/a.ndjson:2", true],
      // U+FFFD written as valid UTF-8 is not invalid.
      ["s3://utf8/logs/a.ndjson:3", undefined],
    ]);
    expect(rejects.map((r) => [r.origin, r.invalidUtf8])).toEqual([["s3://utf8/logs/a.ndjson:4", true]]);
  });
});
