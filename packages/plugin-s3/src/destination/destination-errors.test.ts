/**
 * The `s3` destination's failures against s3rver behind a fault-injecting proxy: throttling and 5xx are
 * retryable, permissions, missing buckets and KMS problems pause the destination; a failed multipart upload is
 * aborted; a batch whose first objects were written acknowledges them and retries only the rest.
 */
import { ConfigurationError, RetryableError } from "@logshipper/core/sdk";
import { fakeContext, outputRecord, sampleOutputRecords } from "@logshipper/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES, s3Destination } from "../index.js";
import { readBucket } from "../testing/objects.js";
import { FakeS3, s3Options } from "../testing/s3-server.js";

const never = new AbortController().signal;
let s3: FakeS3;
const BUCKET = "errors";

beforeAll(async () => {
  s3 = await new FakeS3().start();
  await s3.createBucket(BUCKET);
});
afterAll(async () => {
  await s3.stop();
});

function destination(options: Record<string, unknown> = {}) {
  const config = s3Destination.configSchema.parse({ ...s3Options(s3), bucket: BUCKET, ...options });
  return s3Destination.create(config, fakeContext({ name: "out" }));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("s3 destination: failures", () => {
  it.each([
    [503, "SlowDown", RetryableError, ERROR_CODES.S3_THROTTLED],
    [500, "InternalError", RetryableError, ERROR_CODES.S3_SERVER],
    [403, "AccessDenied", ConfigurationError, ERROR_CODES.S3_ACCESS_DENIED],
    [403, "InvalidAccessKeyId", ConfigurationError, ERROR_CODES.S3_CREDENTIALS],
    [400, "KMS.DisabledException", ConfigurationError, ERROR_CODES.S3_KMS],
    [301, "PermanentRedirect", ConfigurationError, ERROR_CODES.S3_REGION],
    [400, "AccessControlListNotSupported", ConfigurationError, ERROR_CODES.S3_BAD_REQUEST],
  ])("HTTP %i %s on PutObject", async (status, code, kind, lsCode) => {
    s3.fail({ method: "PUT", status, code, times: 1 });
    const error = await failure(destination().send(sampleOutputRecords(2), never));
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ code: lsCode });
    expect((error as Error).message).toContain(`s3://${BUCKET}/`);
  });

  it("AccessDenied about a KMS key is a KMS problem", async () => {
    s3.fail({
      method: "PUT",
      status: 403,
      code: "AccessDenied",
      message: "not authorized to perform kms:GenerateDataKey",
      times: 1,
    });
    const error = await failure(
      destination({ sse: "aws:kms", kmsKeyId: "k" }).send(sampleOutputRecords(1), never),
    );
    expect(error).toMatchObject({ code: ERROR_CODES.S3_KMS });
    expect((error as Error).message).toMatch(/kms:GenerateDataKey/);
  });

  it("a missing bucket is a configuration error, for send and for validate --connect", async () => {
    const dest = destination({ bucket: "no-such-bucket" });
    const error = await failure(dest.send(sampleOutputRecords(1), never));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: ERROR_CODES.S3_NO_SUCH_BUCKET });
    expect(await failure(dest.check!())).toMatchObject({
      kind: "config",
      code: ERROR_CODES.S3_NO_SUCH_BUCKET,
    });
  });

  it("validate --connect fails when objects cannot be written", async () => {
    s3.fail({ method: "POST", query: "uploads", status: 403, code: "AccessDenied", times: 1 });
    const error = await failure(destination().check!());
    expect(error).toMatchObject({ code: ERROR_CODES.S3_ACCESS_DENIED });
  });

  it("a refused connection is retryable", async () => {
    const config = s3Destination.configSchema.parse({
      ...s3Options(s3),
      bucket: BUCKET,
      endpoint: "http://127.0.0.1:9",
    });
    const error = await failure(
      s3Destination.create(config, fakeContext()).send(sampleOutputRecords(1), never),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.S3_NETWORK });
  });

  it("multipart: a failed part aborts the upload and the error is the part's, not the abort's", async () => {
    const dest = destination({ multipartThreshold: "5MiB", partSize: "5MiB", maxObjectBytes: "32MiB" });
    const value = { pad: "x".repeat(11 * 1024 * 1024) };
    const big = outputRecord(value);
    const json = big.json;
    s3.requests.length = 0;
    s3.fail({ method: "PUT", query: "partNumber", status: 503, code: "SlowDown", times: 1 });
    const error = await failure(dest.send([big], never));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: ERROR_CODES.S3_THROTTLED });
    expect(s3.requests.some((r) => r.method === "DELETE" && r.query.has("uploadId"))).toBe(true);
    // Sent again, it completes; the object holds exactly the record.
    s3.requests.length = 0;
    expect((await dest.send([big], never)).outcomes).toEqual([{ status: "ok" }]);
    expect(s3.requests.filter((r) => r.query.has("partNumber"))).toHaveLength(3);
    const objects = await readBucket(s3.url, BUCKET);
    expect([...objects.values()].some((b) => b.equals(Buffer.from(`${json}\n`)))).toBe(true);
  });

  it("acknowledges the objects written and retries only the rest", async () => {
    const dest = destination({ key: "{subtype}/{file}" });
    const batch = sampleOutputRecords(4).map((r, i) => ({ ...r, subtype: `s${i % 2}` }));
    s3.requests.length = 0;
    // Let the first object through, then throttle the second.
    s3.fail({ method: "PUT", path: /\/s1\//, status: 503, code: "SlowDown", times: 1 });
    const result = await dest.send(batch, never);
    expect(result.outcomes.map((o) => o.status)).toEqual(["ok", "retryable", "ok", "retryable"]);
  });

  it("stops at shutdown: nothing written is retryable, nothing is lost", async () => {
    const abort = new AbortController();
    abort.abort();
    const result = await destination().send(sampleOutputRecords(2), abort.signal);
    expect(result.outcomes.map((o) => o.status)).toEqual(["retryable", "retryable"]);
  });
});
