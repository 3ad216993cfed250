/** Parsing SQS message bodies (S3 notifications, SNS envelopes, test events) and key patterns. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { globToRegExp, keyFilter } from "./filters.js";
import { decodeEventKey, parseNotification } from "./notifications.js";
import { SAMPLES } from "../testing/sqs-fixture.js";

describe("S3 event notifications", () => {
  const samples = JSON.parse(
    fs.readFileSync(path.join(SAMPLES, "cloudtrail/sqs-messages.json"), "utf8"),
  ) as string[];

  it("reads the samples: a test event, CloudTrail files, and a form-encoded key with a space and a plus", () => {
    const parsed = samples.map(parseNotification);
    expect(parsed[0]).toEqual({ kind: "test" });
    expect(parsed[1]).toMatchObject({
      kind: "objects",
      objects: [
        {
          bucket: "trail-logs",
          key: expect.stringMatching(/^AWSLogs\/123456789012\/CloudTrail\//) as unknown,
          size: 1024,
        },
      ],
    });
    expect(parsed[4]).toEqual({
      kind: "objects",
      objects: [{ bucket: "trail-logs", key: "exports/Q4 report+final (1).ndjson", size: 10 }],
      ignored: 0,
    });
  });

  it("decodes keys as S3 encodes them: + is a space, %2B a plus, UTF-8 escapes", () => {
    expect(decodeEventKey("a+b%2Bc%2Fd")).toBe("a b+c/d");
    expect(decodeEventKey("caf%C3%A9+%F0%9F%98%80")).toBe("café 😀");
  });

  it("unwraps SNS envelopes, including a test event inside one", () => {
    const sns = (message: string) =>
      JSON.stringify({ Type: "Notification", TopicArn: "arn:aws:sns:x", Message: message });
    expect(parseNotification(sns(samples[0]!))).toEqual({ kind: "test" });
    expect(parseNotification(sns(samples[1]!))).toMatchObject({
      kind: "objects",
      objects: [{ bucket: "trail-logs" }],
    });
    expect(parseNotification(JSON.stringify({ Type: "Notification", Message: "{oops" }))).toMatchObject({
      kind: "invalid",
    });
  });

  it("reads CloudTrail's own SNS notification, and ignores events other than ObjectCreated", () => {
    expect(parseNotification(JSON.stringify({ s3Bucket: "b", s3ObjectKey: ["k1", "k 2"] }))).toEqual({
      kind: "objects",
      objects: [
        { bucket: "b", key: "k1" },
        { bucket: "b", key: "k 2" },
      ],
      ignored: 0,
    });
    const removed = samples[1]!.replace("ObjectCreated:Put", "ObjectRemoved:Delete");
    expect(parseNotification(removed)).toEqual({ kind: "objects", objects: [], ignored: 1 });
  });

  it("says why a body is not a notification", () => {
    expect(parseNotification("nope")).toEqual({ kind: "invalid", reason: "the message body is not JSON" });
    expect(parseNotification("[1]")).toMatchObject({ kind: "invalid" });
    expect(parseNotification('{"Records":[{"eventName":"ObjectCreated:Put"}]}')).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("s3.bucket.name") as unknown,
    });
    expect(
      parseNotification(
        '{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"%E0%A4%A"}}}]}',
      ),
    ).toMatchObject({
      kind: "invalid",
    });
  });
});

describe("key patterns", () => {
  it("* stays in a segment, ** crosses segments, **/ also matches none", () => {
    expect(globToRegExp("*.json").test("a.json")).toBe(true);
    expect(globToRegExp("*.json").test("d/a.json")).toBe(false);
    expect(globToRegExp("**/*.json").test("d/e/a.json")).toBe(true);
    expect(globToRegExp("**/*.json").test("a.json")).toBe(true);
    expect(globToRegExp("a?c").test("abc")).toBe(true);
    expect(globToRegExp("a?c").test("a/c")).toBe(false);
    expect(globToRegExp("(x)[1].json").test("(x)[1].json")).toBe(true);
  });

  it("skips CloudTrail digests by default and applies include before exclude", () => {
    const defaults = keyFilter([], ["**/CloudTrail-Digest/**"]);
    expect(defaults("AWSLogs/1/CloudTrail/us-east-1/2025/11/22/f.json.gz")).toBe(true);
    expect(defaults("AWSLogs/1/CloudTrail-Digest/us-east-1/2025/11/22/d.json.gz")).toBe(false);
    const some = keyFilter(["Panoptica/**"], ["**/attack-paths/**"]);
    expect(some("Panoptica/security-findings/2025-11-22/1/a.json")).toBe(true);
    expect(some("Panoptica/attack-paths/2025-11-22/1/a.json")).toBe(false);
    expect(some("cerby/a.json")).toBe(false);
  });
});
