/** Options of the `s3` plugins: defaults, validation messages, secret marks, and error classification. */
import { collectSecretValues, ConfigurationError, RetryableError } from "@logshipper/core/sdk";
import { describe, expect, it } from "vitest";
import { classify, ERROR_CODES, plugins, s3Destination, s3Source } from "./index.js";

const problems = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("s3 options", () => {
  it("exports a source and a destination named s3", () => {
    expect(plugins.map((p) => `${p.kind}:${p.name}`).sort()).toEqual(["destination:s3", "source:s3"]);
  });

  it("fills the destination's defaults", () => {
    expect(s3Destination.configSchema.parse({ bucket: "panoptica-export" })).toMatchObject({
      prefix: "",
      key: "{type}/{date}/{file}",
      format: "ndjson",
      gzip: false,
      maxObjectBytes: 16 * 1024 * 1024,
      maxObjectAge: 60_000,
      partitionTime: "event",
      multipartThreshold: 16 * 1024 * 1024,
      partSize: 8 * 1024 * 1024,
      forcePathStyle: false,
      timeout: 120_000,
    });
  });

  it("reports each problem with its option", () => {
    const result = s3Destination.configSchema.safeParse({
      bucket: "Bad_Bucket",
      key: "{type}/{nope}",
      partSize: "1MiB",
    });
    expect(problems(result)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bucket: expected an S3 bucket name/),
        expect.stringMatching(/^key: unknown placeholder \{nope\}/),
        expect.stringMatching(/^key: must contain \{file\}/),
        "partSize: must be at least 5MiB",
      ]),
    );
    expect(problems(s3Destination.configSchema.safeParse({ bucket: "ok-bucket", kmsKeyId: "k" }))).toEqual([
      "sse: kmsKeyId and bucketKey need sse: aws:kms",
    ]);
    expect(
      problems(s3Destination.configSchema.safeParse({ bucket: "ok-bucket", externalId: "xyz" })),
    ).toEqual(["externalId: externalId needs roleArn"]);
    expect(problems(s3Source.configSchema.safeParse({ mode: "sqs" }))).toEqual([
      "queueUrl: mode sqs needs a queueUrl",
    ]);
    expect(problems(s3Source.configSchema.safeParse({}))).toEqual(["bucket: mode poll needs a bucket"]);
    expect(problems(s3Source.configSchema.safeParse({ bucket: "b-1", accessKeyId: "AKID" }))).toEqual([
      "secretAccessKey: accessKeyId and secretAccessKey go together",
    ]);
  });

  it("marks secrets, so core redacts them", () => {
    const options = {
      bucket: "b-1",
      roleArn: "arn:aws:iam::123456789012:role/r",
      externalId: "ext-id-1",
      accessKeyId: "AKID",
      secretAccessKey: "very-secret",
      sessionToken: "token-1",
    };
    const config = s3Destination.configSchema.parse(options);
    expect([...collectSecretValues(s3Destination.configSchema, config)].sort()).toEqual([
      "ext-id-1",
      "token-1",
      "very-secret",
    ]);
    const source = s3Source.configSchema.parse(options);
    expect(collectSecretValues(s3Source.configSchema, source).has("very-secret")).toBe(true);
  });

  it("marks the secrets of the shared AWS options too (credentials, roleExternalId)", () => {
    const config = s3Destination.configSchema.parse({
      bucket: "b-1",
      roleArn: "arn:aws:iam::123456789012:role/r",
      roleExternalId: "ext-id-2",
      credentials: { accessKeyId: "AKID", secretAccessKey: "very-secret-2", sessionToken: "token-2" },
    });
    expect([...collectSecretValues(s3Destination.configSchema, config)].sort()).toEqual([
      "ext-id-2",
      "token-2",
      "very-secret-2",
    ]);
  });

  it("keeps the default exclude of CloudTrail digests", () => {
    expect(s3Source.configSchema.parse({ bucket: "b-1" })).toMatchObject({
      mode: "poll",
      format: "auto",
      include: [],
      exclude: ["**/CloudTrail-Digest/**"],
      visibilityTimeout: 300_000,
      waitTime: 20_000,
      maxReceives: 5,
    });
  });
});

describe("error classification", () => {
  const aws = (name: string, status: number, message = "m") =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it.each([
    ["SlowDown", 503, RetryableError, ERROR_CODES.S3_THROTTLED],
    ["ThrottlingException", 400, RetryableError, ERROR_CODES.S3_THROTTLED],
    ["ServiceUnavailable", 503, RetryableError, ERROR_CODES.S3_THROTTLED],
    ["InternalError", 500, RetryableError, ERROR_CODES.S3_SERVER],
    ["TimeoutError", 0, RetryableError, ERROR_CODES.S3_TIMEOUT],
    ["AccessDenied", 403, ConfigurationError, ERROR_CODES.S3_ACCESS_DENIED],
    ["Forbidden", 403, ConfigurationError, ERROR_CODES.S3_ACCESS_DENIED],
    ["ExpiredToken", 400, ConfigurationError, ERROR_CODES.S3_CREDENTIALS],
    ["NoSuchBucket", 404, ConfigurationError, ERROR_CODES.S3_NO_SUCH_BUCKET],
    ["NotFound", 404, ConfigurationError, ERROR_CODES.S3_NO_SUCH_KEY],
    ["KMS.NotFoundException", 400, ConfigurationError, ERROR_CODES.S3_KMS],
    ["AuthorizationHeaderMalformed", 400, ConfigurationError, ERROR_CODES.S3_REGION],
    ["QueueDoesNotExist", 400, ConfigurationError, ERROR_CODES.S3_QUEUE_NOT_FOUND],
    ["InvalidStorageClass", 400, ConfigurationError, ERROR_CODES.S3_BAD_REQUEST],
  ])("%s (HTTP %i)", (name, status, kind, code) => {
    const error = classify(aws(name, status), "PutObject s3://b/k");
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(/^PutObject s3:\/\/b\/k: /);
  });

  it("network errors by code; Retry-After honoured; bugs surface as they are", () => {
    const net = (code: string) => Object.assign(new Error(code), { code });
    expect(classify(net("ECONNRESET"), "x")).toMatchObject({
      kind: "retryable",
      code: ERROR_CODES.S3_NETWORK,
    });
    expect(classify(net("ENOTFOUND"), "x")).toMatchObject({ kind: "config", code: ERROR_CODES.S3_CONNECT });
    const throttled = Object.assign(aws("SlowDown", 503), { $response: { headers: { "retry-after": "7" } } });
    expect(classify(throttled, "x")).toMatchObject({ retryAfterMs: 7000 });
    const bug = new TypeError("undefined is not a function");
    expect(classify(bug, "x")).toBe(bug);
  });
});
