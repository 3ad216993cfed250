/**
 * Test support for the SQS mode: s3rver with the CloudTrail samples and a signature-checking SQS server, plus
 * helpers to stop pulls half-way or drive them by hand (a pull to the end is `pullAll` of
 * `@logshipper/core/testing`).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Source, SourceBatch } from "@logshipper/core/sdk";
import { writeBucket } from "./objects.js";
import { FakeS3, s3Options } from "./s3-server.js";
import { FakeSqs } from "./sqs-server.js";

export const SAMPLES = fileURLToPath(new URL("../../../../test/fixtures/samples", import.meta.url));
export const TRAIL_BUCKET = "trail-logs";

/** The sample notification bodies: s3:TestEvent, three CloudTrail files, and a key with a space and a plus. */
export function sampleMessages(): string[] {
  return JSON.parse(fs.readFileSync(path.join(SAMPLES, "cloudtrail/sqs-messages.json"), "utf8")) as string[];
}

/** The CloudTrail samples (and the export with an awkward key) under their keys, as the trail wrote them. */
export function trailObjects(): Record<string, Buffer> {
  const root = path.join(SAMPLES, "cloudtrail");
  const out: Record<string, Buffer> = {};
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === "sqs-messages.json") continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(root, file).split(path.sep).join("/")] = fs.readFileSync(file);
  }
  return out;
}

/** An S3 event notification for objects of the trail bucket (keys form-URL-encoded, as S3 sends them). */
export function notification(...keys: string[]): string {
  const encode = (key: string) => encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
  return JSON.stringify({
    Records: keys.map((key) => ({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: TRAIL_BUCKET }, object: { key: encode(key), size: 1 } },
    })),
  });
}

export interface SqsFixture {
  s3: FakeS3;
  sqs: FakeSqs;
  options(queue: string, extra?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startSqsFixture(): Promise<SqsFixture> {
  const s3 = await new FakeS3().start();
  await s3.createBucket(TRAIL_BUCKET);
  await writeBucket(s3.url, TRAIL_BUCKET, trailObjects());
  const sqs = await new FakeSqs(new Map([["S3RVER", "S3RVER"]])).start();
  return {
    s3,
    sqs,
    options: (queue, extra = {}) => ({
      ...s3Options(s3),
      mode: "sqs",
      queueUrl: sqs.queueUrl(queue),
      ...extra,
    }),
    stop: async () => {
      await sqs.stop();
      await s3.stop();
    },
  };
}

/**
 * Take `n` batches and stop without asking for more, as a crash right after the n-th batch would: the n-th
 * batch's records and checkpoint may or may not be committed; the caller decides which.
 */
export async function takeThenStop(src: Source, n: number, checkpoint?: unknown): Promise<SourceBatch[]> {
  const out: SourceBatch[] = [];
  const it = src.pull(checkpoint, new AbortController().signal)[Symbol.asyncIterator]();
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push({ ...r.value, checkpoint: JSON.parse(JSON.stringify(r.value.checkpoint)) });
  }
  await it.return?.();
  return out;
}

/** The source's iterator, to drive a pull by hand. */
export function iterate(src: Source, checkpoint?: unknown): AsyncIterator<SourceBatch> {
  return src.pull(checkpoint, new AbortController().signal)[Symbol.asyncIterator]();
}

export const dataOf = (batches: SourceBatch[]) =>
  batches.flatMap((b) => b.records.map((r) => JSON.stringify(r.data)));
