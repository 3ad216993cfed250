/**
 * The `s3` destination against s3rver on loopback (behind a fault-injecting proxy): layouts, content naming,
 * formats, object sizes, multipart uploads (default SDK checksums, Buffer bodies), write options on the wire,
 * and test-destination / validate --connect.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { contentName, type OutputRecord } from "@logshipper/core/sdk";
import {
  destinationContract,
  fakeContext,
  outputRecord,
  sampleOutputRecords,
  type OutputRecordFields,
} from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Destination, type S3Destination } from "../index.js";
import { readBucket } from "../testing/objects.js";
import { FakeS3, s3Options } from "../testing/s3-server.js";

const SAMPLES = fileURLToPath(new URL("../../../../test/fixtures/samples", import.meta.url));
const never = new AbortController().signal;
let s3: FakeS3;
let bucketNo = 0;

beforeAll(async () => {
  s3 = await new FakeS3().start();
});
afterAll(async () => {
  await s3.stop();
});

async function newBucket(): Promise<string> {
  const name = `out-${++bucketNo}`;
  await s3.createBucket(name);
  return name;
}

function destination(options: Record<string, unknown>, now?: number): S3Destination {
  const config = s3Destination.configSchema.parse({ ...s3Options(s3), ...options });
  return s3Destination.create(
    config,
    fakeContext({ name: "lake", ...(now !== undefined && { now }) }),
  ) as S3Destination;
}

/** A mapped Panoptica record; its id is the value's `id` when it has one. */
function record(value: Record<string, unknown>, fields: OutputRecordFields = {}): OutputRecord {
  const id =
    typeof value.id === "number" || typeof value.id === "string" ? String(value.id) : JSON.stringify(value);
  return outputRecord(value, {
    id,
    subtype: "",
    source: "panoptica",
    time: Date.UTC(2025, 10, 22, 0, 1, 2),
    destination: "lake",
    mapping: "m",
    ...fields,
  });
}

function panopticaRecords(): OutputRecord[] {
  const dir = path.join(SAMPLES, "panoptica/Panoptica");
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  return files.flatMap((f) =>
    fs
      .readFileSync(path.join(f.parentPath, f.name), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const value = JSON.parse(line) as { detectedAt: string };
        return record(value, { time: Date.parse(value.detectedAt) });
      }),
  );
}

describe("s3 destination", () => {
  let contractBucket = "";
  beforeAll(async () => {
    contractBucket = await newBucket();
  });
  destinationContract("s3", () => destination({ bucket: contractBucket }));

  it("writes Panoptica's layout: Panoptica/<event_type>/<YYYY-MM-DD>/<account>/<file>, NDJSON", async () => {
    const bucket = await newBucket();
    const batch = panopticaRecords();
    const dest = destination({
      bucket,
      prefix: "Panoptica",
      key: "{field:eventType}/{date}/{field:accountId}/{file}",
    });
    const result = await dest.send(batch, never);
    expect(result.outcomes.every((o) => o.status === "ok")).toBe(true);
    const objects = await readBucket(s3.url, bucket);
    const keys = [...objects.keys()];
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys)
      expect(key).toMatch(
        /^Panoptica\/(attack-paths|security-findings)\/2025-11-22\/123456789012\/[0-9a-f]{32}\.ndjson$/,
      );
    const lines = [...objects.values()].flatMap((b) => b.toString("utf8").split("\n").filter(Boolean));
    expect(lines.sort()).toEqual(batch.map((r) => r.json).sort());
    for (const [key, body] of objects) expect(key.endsWith(contentName([body], ".ndjson"))).toBe(true);
    await dest.close?.();
  });

  it("sanitises partition values from event data: no .., no /, no control characters", async () => {
    const bucket = await newBucket();
    const dest = destination({ bucket, key: "{field:eventType}/{field:accountId}/{file}" });
    const hostile = ["../../etc", "a/b", "..", "x\u0000y\nz", "", "😀"];
    await dest.send(
      hostile.map((h, i) => record({ id: i, eventType: h, accountId: h })),
      never,
    );
    for (const key of (await readBucket(s3.url, bucket)).keys()) {
      const segments = key.split("/");
      expect(segments).toHaveLength(3);
      for (const s of segments) {
        expect(s === "." || s === ".." || s === "").toBe(false);
        expect([...s].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
      }
    }
  });

  it("overwrites itself when a batch is sent again; a different batch never collides", async () => {
    const bucket = await newBucket();
    const dest = destination({ bucket });
    const batch = sampleOutputRecords(20);
    await dest.send(batch, never);
    const first = await readBucket(s3.url, bucket);
    await dest.send(batch, never);
    expect(await readBucket(s3.url, bucket)).toEqual(first);
    await dest.send(sampleOutputRecords(21), never);
    expect((await readBucket(s3.url, bucket)).size).toBe(first.size + 1);
  });

  it("dates partitions by event time in UTC, or by delivery time with partitionTime: ingest", async () => {
    const bucket = await newBucket();
    const late = record({ id: 1 }, { time: Date.UTC(2025, 0, 31, 23, 59, 59) });
    await destination({ bucket, key: "{yyyy}/{MM}/{dd}/{HH}/{file}" }).send([late], never);
    const now = Date.UTC(2026, 5, 1, 7);
    await destination({ bucket, key: "{yyyy}/{MM}/{dd}/{HH}/{file}", partitionTime: "ingest" }, now).send(
      [late],
      never,
    );
    const keys = [...(await readBucket(s3.url, bucket)).keys()].map((k) =>
      k.split("/").slice(0, 4).join("/"),
    );
    expect(keys.sort()).toEqual(["2025/01/31/23", "2026/06/01/07"]);
  });

  it("writes a JSON array with gzip (Cerby's layout), named after the uncompressed content", async () => {
    const bucket = await newBucket();
    const dest = destination({
      bucket,
      prefix: "cerby/analytics",
      key: "{yyyy}/{MM}/{dd}/{file}",
      format: "json",
      gzip: true,
    });
    const batch = sampleOutputRecords(3);
    await dest.send(batch, never);
    const [[key, data]] = [...(await readBucket(s3.url, bucket))] as [[string, Buffer]];
    const text = zlib.gunzipSync(data).toString("utf8");
    expect(JSON.parse(text)).toEqual(batch.map((r) => r.value));
    expect(key).toBe(`cerby/analytics/2025/11/22/${contentName(text, ".json.gz")}`);
    expect(s3.requests.find((r) => r.method === "PUT" && r.path.endsWith(key))?.headers["content-type"]).toBe(
      "application/gzip",
    );
  });

  it("closes an object on size: no object is larger than maxObjectBytes (bytes written)", async () => {
    const bucket = await newBucket();
    const dest = destination({ bucket, maxObjectBytes: "2KiB" });
    expect(dest.limits).toEqual({ maxBatchRecords: 20, maxBatchBytes: 2048 - 20, maxRecordBytes: 2047 });
    const batch = Array.from({ length: 40 }, (_, i) => record({ id: i, pad: "p".repeat(100 + i) }));
    await dest.send(batch, never);
    const objects = await readBucket(s3.url, bucket);
    expect(objects.size).toBeGreaterThan(1);
    for (const body of objects.values()) expect(body.length).toBeLessThanOrEqual(2048);
    const lines = [...objects.values()].flatMap((b) => b.toString().split("\n").filter(Boolean));
    expect(lines.sort()).toEqual(batch.map((r) => r.json).sort());
    // A batch as large as the limits let core make is one object, not one and a sliver.
    const full = Array.from({ length: 10 }, (_, i) => record({ id: 1000 + i, pad: "q".repeat(202 - 25) }));
    expect(full.reduce((n, r) => n + r.bytes, 0)).toBeLessThanOrEqual(dest.limits.maxBatchBytes);
    const again = await newBucket();
    await destination({ bucket: again, maxObjectBytes: "2KiB" }).send(full, never);
    expect((await readBucket(s3.url, again)).size).toBe(1);
  });

  it("takes its batch limits and age from the options: a full batch is one object per key", () => {
    const dest = destination({ bucket: "b1x", maxObjectBytes: "16MiB", maxObjectAge: "30s", format: "json" });
    const max = 16 * 1024 * 1024;
    expect(dest.limits).toEqual({
      maxBatchRecords: 100_000,
      maxBatchBytes: max - 5 - 200_000,
      maxRecordBytes: max - 7,
    });
    expect(dest.batchMaxAgeMs).toBe(30_000);
    expect(destination({ bucket: "b1x" }).batchMaxAgeMs).toBe(60_000);
  });

  it("sends ACL, SSE-KMS with a bucket key and the storage class with every object", async () => {
    const bucket = await newBucket();
    const dest = destination({
      bucket,
      acl: "bucket-owner-full-control",
      sse: "aws:kms",
      kmsKeyId: "alias/panoptica",
      bucketKey: true,
      storageClass: "STANDARD_IA",
    });
    s3.requests.length = 0;
    await dest.send(sampleOutputRecords(2), never);
    const put = s3.requests.find((r) => r.method === "PUT" && r.path.startsWith(`/${bucket}/`))!;
    expect(put.headers).toMatchObject({
      "x-amz-acl": "bucket-owner-full-control",
      "x-amz-server-side-encryption": "aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id": "alias/panoptica",
      "x-amz-server-side-encryption-bucket-key-enabled": "true",
      "x-amz-storage-class": "STANDARD_IA",
    });
  });

  it("test-destination writes a test object under <prefix>/logshipper-test/", async () => {
    const bucket = await newBucket();
    const dest = destination({ bucket, prefix: "Panoptica" });
    await expect(dest.test!()).resolves.toMatch(/logshipper-test\/lake-20251122T120000Z\.ndjson/);
    const [[key, body]] = [...(await readBucket(s3.url, bucket))] as [[string, Buffer]];
    expect(key).toBe("Panoptica/logshipper-test/lake-20251122T120000Z.ndjson");
    expect(JSON.parse(body.toString())).toMatchObject({
      message: "Log Shipper test message",
      destination: "lake",
    });
  });

  it("validate --connect: HeadBucket and a write probe that leaves no object", async () => {
    const bucket = await newBucket();
    const dest = destination({ bucket, sse: "AES256" });
    s3.requests.length = 0;
    await expect(dest.check!()).resolves.toMatch(/accepts writes with AES256/);
    const calls = s3.requests.map(
      (r) => `${r.method} ${r.query.has("uploads") ? "uploads" : r.query.has("uploadId") ? "uploadId" : ""}`,
    );
    expect(calls).toEqual(["HEAD ", "POST uploads", "DELETE uploadId"]);
    expect((await readBucket(s3.url, bucket)).size).toBe(0);
    s3.fail({ method: "HEAD", status: 403, code: "AccessDenied", times: 1 });
    await expect(dest.check!()).resolves.toMatch(/no s3:ListBucket/);
  });
});
