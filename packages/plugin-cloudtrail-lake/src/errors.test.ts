/** How every failure the APIs document is classified. */
import { describe, expect, it } from "vitest";
import { apiError } from "./client.js";
import { fromSdkError } from "./control.js";
import {
  AwsApiError,
  BadResponseError,
  classify,
  CredentialsError,
  parseRetryAfter,
  RequestTimeoutError,
} from "./errors.js";
import { ERROR_CODES as CODES } from "./error-codes.js";

const NOW = Date.UTC(2025, 10, 22, 12);
const api = (status: number, type: string, retryAfter?: string) =>
  classify(new AwsApiError(status, type, "detail", retryAfter), "PutAuditEvents host", NOW);

describe("classify", () => {
  it("maps PutAuditEvents' documented request errors", () => {
    const table: [number, string, string, string][] = [
      [400, "ChannelNotFound", "config", CODES.CLOUDTRAIL_CHANNEL_NOT_FOUND],
      [400, "ChannelInsufficientPermission", "config", CODES.CLOUDTRAIL_CHANNEL_PERMISSION],
      [400, "ChannelUnsupportedSchema", "config", CODES.CLOUDTRAIL_CHANNEL_SCHEMA],
      [400, "InvalidChannelARN", "config", CODES.CLOUDTRAIL_CHANNEL_ARN],
      [400, "UnsupportedOperationException", "config", CODES.CLOUDTRAIL_UNSUPPORTED],
      [400, "DuplicatedAuditEventId", "permanent", CODES.CLOUDTRAIL_DUPLICATE_ID],
      [400, "ValidationException", "permanent", CODES.CLOUDTRAIL_REJECTED],
      [429, "ThrottlingException", "retryable", CODES.CLOUDTRAIL_THROTTLED],
      [400, "ThrottlingException", "retryable", CODES.CLOUDTRAIL_THROTTLED],
      [500, "InternalFailure", "retryable", CODES.CLOUDTRAIL_SERVER],
      [503, "ServiceUnavailableException", "retryable", CODES.CLOUDTRAIL_SERVER],
      [403, "InvalidSignatureException", "config", CODES.CLOUDTRAIL_AUTH],
      [403, "UnrecognizedClientException", "config", CODES.CLOUDTRAIL_AUTH],
      [400, "ExpiredTokenException", "config", CODES.CLOUDTRAIL_AUTH],
      [404, "HTTP404", "config", CODES.CLOUDTRAIL_ENDPOINT],
    ];
    for (const [status, type, kind, code] of table) {
      expect(api(status, type), `${status} ${type}`).toMatchObject({ kind, code });
    }
    expect((api(400, "ChannelNotFound") as Error).message).toBe(
      "PutAuditEvents host: HTTP 400 ChannelNotFound: detail (check channelArn: the channel does not exist)",
    );
  });

  it("honours Retry-After on throttling and 5xx", () => {
    expect(api(429, "ThrottlingException", "3")).toMatchObject({ retryAfterMs: 3000 });
    expect(api(503, "ServiceUnavailable", new Date(NOW + 5000).toUTCString())).toMatchObject({
      retryAfterMs: 5000,
    });
    expect(parseRetryAfter("99999", NOW)).toBe(15 * 60_000);
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
  });

  it("maps network, timeout, abort, credentials and protocol failures", () => {
    const net = (code: string, name?: string) =>
      classify(Object.assign(new Error(code), { code }, name ? { name } : {}), "x");
    expect(net("ECONNREFUSED")).toMatchObject({ kind: "retryable", code: CODES.CLOUDTRAIL_NETWORK });
    expect(net("ECONNRESET", "TimeoutError")).toMatchObject({
      kind: "retryable",
      code: CODES.CLOUDTRAIL_NETWORK,
    });
    expect(net("ENOTFOUND")).toMatchObject({ kind: "config", code: CODES.CLOUDTRAIL_CONNECT });
    expect(net("CERT_HAS_EXPIRED")).toMatchObject({ kind: "config", code: CODES.CLOUDTRAIL_CONNECT });
    expect(classify(new RequestTimeoutError("late"), "x")).toMatchObject({ code: CODES.CLOUDTRAIL_TIMEOUT });
    expect(classify(Object.assign(new Error("a"), { name: "AbortError" }), "x")).toMatchObject({
      code: CODES.CLOUDTRAIL_ABORTED,
    });
    expect(classify(new CredentialsError("none"), "x")).toMatchObject({
      kind: "config",
      code: CODES.CLOUDTRAIL_CREDENTIALS,
    });
    expect(classify(new BadResponseError("odd"), "x")).toMatchObject({
      kind: "config",
      code: CODES.CLOUDTRAIL_BAD_RESPONSE,
    });
    const bug = new TypeError("bug");
    expect(classify(bug, "x")).toBe(bug);
  });

  it("reads the error type from x-amzn-errortype, __type or code", () => {
    expect(apiError(400, { "x-amzn-errortype": "ChannelNotFound:http://internal/" }, "{}").type).toBe(
      "ChannelNotFound",
    );
    const body = JSON.stringify({
      __type: "com.amazonaws.cloudtraildata#DuplicatedAuditEventId",
      message: "dup",
    });
    expect(apiError(400, {}, body)).toMatchObject({ type: "DuplicatedAuditEventId", detail: "dup" });
    expect(apiError(502, {}, "<html>bad gateway</html>")).toMatchObject({ type: "HTTP502" });
  });

  it("turns the CloudTrail SDK's errors into the same classes", () => {
    const sdk = (name: string, status: number) =>
      Object.assign(new Error("m"), { name, $fault: "client", $metadata: { httpStatusCode: status } });
    expect(classify(fromSdkError(sdk("ChannelNotFoundException", 400)), "GetChannel")).toMatchObject({
      kind: "config",
      code: CODES.CLOUDTRAIL_CHANNEL_NOT_FOUND,
    });
    expect(classify(fromSdkError(sdk("AccessDeniedException", 400)), "GetChannel")).toMatchObject({
      code: CODES.CLOUDTRAIL_AUTH,
    });
    const creds = Object.assign(new Error("Could not load credentials"), {
      name: "CredentialsProviderError",
    });
    expect(classify(fromSdkError(creds), "GetChannel")).toMatchObject({ code: CODES.CLOUDTRAIL_CREDENTIALS });
  });
});
