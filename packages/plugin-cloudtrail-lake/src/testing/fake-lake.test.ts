/**
 * The loopback CloudTrail Lake itself: it must refuse what CloudTrail refuses, or the destination's tests prove
 * nothing. Requests are made with the plugin's client (any body) and, for tampering, by hand.
 */
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudTrailDataClient } from "../client.js";
import { AwsApiError } from "../errors.js";
import { checksum } from "../destination/prepare.js";
import { startFakeLake, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY, type FakeLake } from "./index.js";

const ARN = "arn:aws:cloudtrail:us-east-1:123456789012:channel/c-fake";
let lake: FakeLake;
let client: CloudTrailDataClient;

beforeAll(async () => {
  lake = await startFakeLake({ channels: [{ arn: ARN }] });
  client = new CloudTrailDataClient({
    endpoint: lake.url,
    region: "us-east-1",
    credentials: () =>
      Promise.resolve({ accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY }),
    timeoutMs: 5000,
  });
});
afterAll(async () => {
  client.close();
  await lake.close();
});

const eventData = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: "1.0",
    userIdentity: { type: "User", principalId: "bob" },
    eventSource: "test",
    eventName: "Login",
    eventTime: "2025-11-22T10:00:00Z",
    UID: "u1",
    recipientAccountId: "123456789012",
    ...overrides,
  });
const entry = (id: string, data = eventData(), sum = checksum(data)) => ({
  id,
  eventData: data,
  eventDataChecksum: sum,
});
const put = (auditEvents: unknown[]) =>
  client.putAuditEvents(
    { channelArn: ARN, body: JSON.stringify({ auditEvents }) },
    new AbortController().signal,
  );
const refusal = (auditEvents: unknown[]) =>
  put(auditEvents).then(
    () => undefined,
    (e: unknown) => e as AwsApiError,
  );

describe("loopback CloudTrail Lake", () => {
  it("accepts a well-formed, well-signed request", async () => {
    const result = await put([entry("a"), entry("b")]);
    expect(result.successful.map((s) => s.id)).toEqual(["a", "b"]);
    expect(result.failed).toEqual([]);
  });

  it("refuses a request whose body was changed after signing", async () => {
    const url = new URL(lake.url);
    const body = JSON.stringify({ auditEvents: [entry("t")] });
    const signer = new SignatureV4({
      service: "cloudtrail-data",
      region: "us-east-1",
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
      sha256: Hash.bind(null, "sha256"),
      applyChecksum: false,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: "POST",
        hostname: url.hostname,
        port: Number(url.port),
        path: "/PutAuditEvents",
        query: { channelArn: ARN },
        headers: { host: url.host, "content-type": "application/json" },
        body,
      }),
    );
    const send = (b: string) =>
      fetch(`${lake.url}/PutAuditEvents?channelArn=${encodeURIComponent(ARN)}`, {
        method: "POST",
        headers: signed.headers,
        body: b,
      });
    expect((await send(body)).status).toBe(200);
    const tampered = await send(body.replace('"t"', '"u"'));
    expect(tampered.status).toBe(403);
    expect(tampered.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
  });

  it("refuses requests CloudTrail refuses", async () => {
    const many = Array.from({ length: 101 }, (_, i) => entry(`m${i}`));
    expect(await refusal(many)).toMatchObject({ status: 400, type: "ValidationException" });
    expect(await refusal([])).toMatchObject({ type: "ValidationException" });
    expect(await refusal([entry("bad.id")])).toMatchObject({ type: "ValidationException" });
    expect(await refusal([entry("x".repeat(129))])).toMatchObject({ type: "ValidationException" });
    expect(await refusal([entry("d"), entry("d")])).toMatchObject({ type: "DuplicatedAuditEventId" });
    const big = eventData({ additionalEventData: { pad: "p".repeat(20_000) } });
    const huge = Array.from({ length: 60 }, (_, i) => entry(`h${i}`, big));
    expect(await refusal(huge)).toMatchObject({ type: "ValidationException" });
    const other = await client
      .putAuditEvents(
        { channelArn: `${ARN}x`, body: JSON.stringify({ auditEvents: [entry("o")] }) },
        new AbortController().signal,
      )
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ type: "ChannelNotFound" });
  });

  it("fails single events: checksum, schema, limits, recipient", async () => {
    const result = await put([
      entry("c1", eventData(), "AAAA"),
      entry("c2", eventData({ eventTime: "2025-11-22T10:00:00.000Z" })),
      entry("c3", eventData({ eventName: undefined })),
      entry("c4", eventData({ errorMessage: "e".repeat(257) })),
      entry("c5", eventData({ recipientAccountId: "999999999999" })),
      entry("c6", eventData({ colour: "red" })),
      entry("c7", eventData({ additionalEventData: { pad: "p".repeat(28_001) } })),
      entry("ok"),
    ]);
    expect(result.failed.map((f) => [f.id, f.errorCode])).toEqual([
      ["c1", "InvalidChecksum"],
      ["c2", "InvalidData"],
      ["c3", "FieldNotFound"],
      ["c4", "FieldTooLong"],
      ["c5", "InvalidRecipient"],
      ["c6", "InvalidData"],
      ["c7", "FieldTooLong"],
    ]);
    expect(result.successful.map((s) => s.id)).toEqual(["ok"]);
  });

  it("injects seeded random faults", async () => {
    lake.setRandom({ seed: 7, eventThrottle: 0.5 });
    const result = await put(Array.from({ length: 40 }, (_, i) => entry(`r${i}`)));
    lake.setRandom(undefined);
    expect(result.failed.length).toBeGreaterThan(5);
    expect(result.failed.every((f) => f.errorCode === "Throttling")).toBe(true);
    expect(result.successful.length + result.failed.length).toBe(40);
  });
});
